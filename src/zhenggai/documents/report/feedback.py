"""The public's feedback (意见建议) on a published report, and the unit's answers.

The published report closes by inviting opinions; the portal's form sends them here.
A message needs a solved challenge (a small sum, signed with Django's signing so the
server keeps no state; each challenge is accepted once) and is limited per network
address (``ZHENGGAI_FEEDBACK_PER_HOUR`` and ``ZHENGGAI_FEEDBACK_PER_DAY``). The address
itself is not stored: only a keyed hash, enough to count. Each message is routed to
the unit's 整改办 (coordinator) and 主要负责人 (secretary), answered with a receipt
number, and audited (``feedback.received``, ``feedback.answered``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.accounts.models import Role
from zhenggai.accounts.permissions import scope_of
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError
from zhenggai.documents.models import Feedback, FeedbackStatus, Report

SALT = "zhenggai.public.feedback.challenge"
CHALLENGE_MAX_AGE = 30 * 60  # seconds a challenge stays valid
MAX_MESSAGE = 2000
MAX_ANSWER = 4000
ANSWERING_ROLES = frozenset({Role.COORDINATOR, Role.SECRETARY})
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class FeedbackRefused(DomainError):
    """The message was not accepted (challenge, rate limit, length, report not public)."""


class FeedbackRateLimited(FeedbackRefused):
    """Too many messages from one address; the page answers 429."""


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def new_challenge() -> Challenge:
    """A small sum to solve, and a signed token carrying its answer and a one-time nonce."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"s": a + b, "n": secrets.token_hex(12)}, salt=SALT, compress=True)
    return Challenge(_("%(a)s 加 %(b)s 等于多少?") % {"a": a, "b": b}, token)


def _check_challenge(token: str, answer: str) -> str:
    """The challenge's nonce when ``answer`` solves it, else :class:`FeedbackRefused`."""
    try:
        data = signing.loads(token, salt=SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise FeedbackRefused(
            _("验证题已过期,请重新作答。"),
            "The challenge has expired; answer the new one.",
            field="answer",
        ) from exc
    if str(answer).strip() != str(data.get("s")):
        raise FeedbackRefused(
            _("验证题答案不正确。"), "Wrong answer to the challenge.", field="answer"
        )
    return str(data["n"])


def sender_key(address: str) -> str:
    """A keyed hash of the sender's address: countable, not reversible without the secret."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"feedback:{address}".encode(), hashlib.sha256).hexdigest()


def _check_rate(key: str, now: dt.datetime) -> None:
    per_hour = int(getattr(settings, "ZHENGGAI_FEEDBACK_PER_HOUR", 3))
    per_day = int(getattr(settings, "ZHENGGAI_FEEDBACK_PER_DAY", 10))
    recent = Feedback.objects.filter(sender_key=key, created_at__gt=now - dt.timedelta(days=1))
    hour = recent.filter(created_at__gt=now - dt.timedelta(hours=1)).count()
    if hour >= per_hour or recent.count() >= per_day:
        raise FeedbackRateLimited(
            _("提交过于频繁,请稍后再试。"), "Too many messages from this address; try later."
        )


def _receipt(now: dt.datetime) -> str:
    tail = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(8))
    return f"YJ{timezone.localtime(now):%Y%m%d}-{tail}"


def submit_feedback(
    *,
    report: Report,
    message: str,
    address: str,
    token: str,
    answer: str,
    name: str = "",
    contact: str = "",
    now: dt.datetime | None = None,
) -> Feedback:
    """Accept a message on a published report; returns it with its receipt number.

    Raises :class:`FeedbackRefused` for a wrong or reused challenge, an empty or too long
    message, too many messages from ``address``, or a report that is not published.
    """
    now = now or timezone.now()
    message = message.strip()
    if not report.is_published:
        raise FeedbackRefused(_("该报告未公开,不能提交意见。"), "The report is not published.")
    if not message:
        raise FeedbackRefused(_("请填写意见建议。"), "The message is empty.", field="message")
    if len(message) > MAX_MESSAGE:
        raise FeedbackRefused(
            _("意见建议不能超过%(n)s字。") % {"n": MAX_MESSAGE},
            f"The message is longer than {MAX_MESSAGE} characters.",
            field="message",
        )
    nonce = _check_challenge(token, answer)
    key = sender_key(address)
    try:
        with transaction.atomic():
            _check_rate(key, now)
            feedback = Feedback.objects.create(
                receipt=_receipt(now),
                report=report,
                inspection_id=report.inspection_id,
                unit_id=report.organisation_id,
                message=message,
                name=name.strip()[:50],
                contact=contact.strip()[:100],
                sender_key=key,
                challenge_nonce=nonce,
                created_at=now,
            )
            record(
                "feedback.received",
                obj=feedback,
                organisation_id=report.organisation_id,
                after={"receipt": feedback.receipt, "report": report.pk},
                at=now,
            )
    except IntegrityError as exc:  # the challenge was used before
        raise FeedbackRefused(
            _("验证题已使用,请重新作答。"), "The challenge was used already.", field="answer"
        ) from exc
    return feedback


# ---------------------------------------------------------------- the unit's side


def _answering_units(user: Any) -> set[int]:
    return {unit for unit, roles in scope_of(user).unit_roles.items() if roles & ANSWERING_ROLES}


def feedback_for(user: Any) -> QuerySet[Feedback]:
    """Messages to the units where ``user`` is 整改办 or 主要负责人, newest first."""
    return Feedback.objects.filter(unit_id__in=_answering_units(user)).select_related(
        "report", "unit", "answered_by"
    )


def open_feedback_count(user: Any) -> int:
    """How many messages wait for an answer from ``user``'s units (for 我的待办)."""
    return feedback_for(user).filter(status=FeedbackStatus.NEW).count()


def get_feedback_for(user: Any, pk: int) -> Feedback:
    feedback = feedback_for(user).filter(pk=pk).first()
    if feedback is None:
        raise Http404
    return feedback


@transaction.atomic
def answer_feedback(
    *, feedback: Feedback, actor: Any, answer: str, now: dt.datetime | None = None
) -> Feedback:
    """Record the unit's answer (it may be revised); audited as ``feedback.answered``."""
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.unit_id not in _answering_units(actor):
        raise FeedbackRefused(_("您无权答复该意见。"), "Not allowed to answer this message.")
    answer = answer.strip()
    if not answer:
        raise FeedbackRefused(_("请填写答复内容。"), "The answer is empty.", field="answer")
    if len(answer) > MAX_ANSWER:
        raise FeedbackRefused(
            _("答复不能超过%(n)s字。") % {"n": MAX_ANSWER},
            "The answer is too long.",
            field="answer",
        )
    before = {"status": feedback.status, "answer": feedback.answer}
    feedback.status, feedback.answer = FeedbackStatus.ANSWERED, answer
    feedback.answered_by, feedback.answered_at = actor, now or timezone.now()
    feedback.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    record(
        "feedback.answered",
        actor=actor,
        obj=feedback,
        organisation_id=feedback.unit_id,
        before=before,
        after={"status": feedback.status, "answer": answer},
    )
    return feedback


def find_by_receipt(receipt: str) -> Feedback | None:
    """The message with this receipt number (for the sender's status page), if any."""
    receipt = receipt.strip().upper()
    if not receipt or len(receipt) > 24:
        return None
    return Feedback.objects.filter(Q(receipt=receipt)).select_related("report").first()
