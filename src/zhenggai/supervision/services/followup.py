"""Follow-up checks (回头看): sample closed items, assign checkers, record results.

Sampling is reproducible: the seed is recorded on the check, and the same seed over the
same candidates gives the same items and checkers (双随机: random items, random
checkers). By risk, items are ranked by returns, reopenings, late closure and open
quality flags (when the quality app is installed), ties broken by the seeded draw.
A failed check reopens the measure and marks its problem 反弹.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.accounts.models import Membership, Role, User
from zhenggai.accounts.permissions import Action, can_register_in
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Measure, MeasureStatus, Problem, ReviewDecision, Round
from zhenggai.ledger.services.common import now_or
from zhenggai.ledger.services.workflow import PermissionRefused, reopen_measure
from zhenggai.supervision.models import FollowUpCheck, FollowUpItem, FollowUpResult

METHODS = ("random", "risk")


def candidates(rnd: Round) -> list[int]:
    return list(
        Measure.objects.filter(inspection__round=rnd, status=MeasureStatus.CLOSED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def risk_scores(ids: Sequence[int]) -> dict[int, int]:
    """returns ×2 + reopenings ×3 + late closure ×2 + open quality flags ×1."""
    rows = (
        Measure.objects.filter(pk__in=ids)
        .annotate(
            returns=Count("reviews", filter=Q(reviews__decision=ReviewDecision.RETURNED)),
            closed_day=TruncDate("closed_at"),
        )
        .values_list(
            "pk",
            "returns",
            "reopened_count",
            "closed_day",
            Coalesce(F("extended_deadline"), F("deadline")),
        )
    )
    scores = {}
    for pk, returns, reopened, closed_day, deadline in rows:
        late = bool(closed_day and deadline and closed_day > deadline)
        scores[pk] = returns * 2 + reopened * 3 + (2 if late else 0)
    for pk, flags in _flag_counts(ids).items():
        scores[pk] = scores.get(pk, 0) + flags
    return scores


def _flag_counts(ids: Sequence[int]) -> dict[int, int]:
    if not apps.is_installed("zhenggai.quality"):
        return {}
    try:
        flag = apps.get_model("quality", "Flag")
    except LookupError:
        return {}
    names = {f.name for f in flag._meta.get_fields()}
    if "measure" not in names:
        return {}
    rows = flag.objects.filter(measure_id__in=ids)
    if "status" in names:
        rows = rows.filter(status="open")
    return dict(rows.order_by().values_list("measure_id").annotate(n=Count("pk")))


def draw(
    ids: Sequence[int], method: str, size: int, seed: int, pool: Sequence[int]
) -> list[tuple[int, int, int | None]]:
    """``[(measure, risk, checker)]``: a pure function of its arguments (reproducible)."""
    rng = random.Random(seed)
    ordered = sorted(ids)
    scores = risk_scores(ordered) if method == "risk" else {}
    if method == "risk":
        ties = {pk: rng.random() for pk in ordered}
        chosen = sorted(ordered, key=lambda pk: (-scores.get(pk, 0), ties[pk]))[:size]
    else:
        chosen = sorted(rng.sample(ordered, min(size, len(ordered))))
    checkers = sorted(pool)
    return [(pk, scores.get(pk, 0), rng.choice(checkers) if checkers else None) for pk in chosen]


def default_pool(jurisdiction_id: int) -> list[int]:
    return list(
        Membership.objects.filter(
            organisation_id=jurisdiction_id, role=Role.OFFICE, user__is_active=True
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def create_check(
    *,
    rnd: Round,
    actor: Any,
    method: str,
    sample_size: int,
    title: str = "",
    seed: int | None = None,
    pool: Sequence[User] | None = None,
    now: dt.datetime | None = None,
) -> FollowUpCheck:
    jurisdiction = rnd.jurisdiction
    if not can_register_in(actor, jurisdiction):
        raise PermissionRefused(
            _("只有巡察办可以组织回头看。"), f"Not allowed to {Action.SUPERVISE}."
        )
    if method not in METHODS:
        raise DomainError(_("请选择抽取方式。"), "Unknown method.", field="method")
    if sample_size < 1:
        raise DomainError(_("抽取数量至少为1。"), "Sample at least one.", field="sample_size")
    seed = secrets.randbits(31) if seed is None else seed
    pool_ids = [u.pk for u in pool] if pool is not None else default_pool(jurisdiction.pk)
    moment = now_or(now)
    check = FollowUpCheck.objects.create(
        jurisdiction=jurisdiction,
        round=rnd,
        method=method,
        sample_size=sample_size,
        seed=seed,
        title=title or _("%(round)s回头看") % {"round": rnd.name},
        created_by=actor,
        created_at=moment,
    )
    picked = draw(candidates(rnd), method, sample_size, seed, pool_ids)
    FollowUpItem.objects.bulk_create(
        FollowUpItem(check_run=check, measure_id=pk, risk=risk, checker_id=checker)
        for pk, risk, checker in picked
    )
    record(
        "followup.created",
        actor=actor,
        obj=check,
        after={
            "method": method,
            "seed": seed,
            "size": sample_size,
            "pool": pool_ids,
            "items": [p[0] for p in picked],
            "checkers": [p[2] for p in picked],
        },
    )
    return check


@transaction.atomic
def record_result(
    *, item: FollowUpItem, actor: Any, passed: bool, note: str, now: dt.datetime | None = None
) -> FollowUpItem:
    """Record the check; a failure reopens the measure and marks the problem 反弹."""
    item = (
        FollowUpItem.objects.select_for_update()
        .select_related("check_run__jurisdiction", "measure__problem")
        .get(pk=item.pk)
    )
    if not can_register_in(actor, item.check_run.jurisdiction):
        raise PermissionRefused(_("只有巡察办可以记录回头看结果。"), "Not allowed.")
    if item.result != FollowUpResult.PENDING:
        raise DomainError(_("该事项已记录结果。"), "Already recorded.")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("请填写检查情况。"), "A note is required.", field="note")
    moment = now_or(now)
    item.result = FollowUpResult.PASSED if passed else FollowUpResult.FAILED
    item.note, item.checked_at = note, moment
    item.save(update_fields=["result", "note", "checked_at"])
    if not passed:
        measure = item.measure
        if measure.status == MeasureStatus.CLOSED:
            reopen_measure(
                measure=measure, actor=actor, reason=_("回头看发现问题反弹:") + note, now=moment
            )
        Problem.objects.filter(pk=measure.problem_id).update(
            rebound=True, rebound_on=timezone.localdate(moment)
        )
    record(
        "followup.recorded",
        actor=actor,
        obj=item,
        after={"measure": item.measure_id, "result": item.result, "note": note},
    )
    return item
