"""Supervision orders (督办单): issue, escalate, answer, accept or send back.

Each step of the escalation ladder (``ZHENGGAI_ESCALATION_STEPS``; by default 督办通知书
→ 提醒书 → 告诫书 → 问责书) is a numbered :class:`OrderNotice` from the jurisdiction's
督〔year〕N号 series, addressed to its level: the lead departments' handlers (主办人), the
responsible leaders (分管领导) or the unit's secretary (主要负责人).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.accounts.models import Membership, Role, User
from zhenggai.accounts.permissions import Action, can_on_inspection
from zhenggai.api.models import WebhookEvent
from zhenggai.api.webhooks import emit_on_commit
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.ledger.services.common import now_or
from zhenggai.ledger.services.workflow import PermissionRefused
from zhenggai.supervision import conf
from zhenggai.supervision.models import (
    Delivery,
    ItemKind,
    OrderCounter,
    OrderNotice,
    OrderStatus,
    SupervisionOrder,
)

LEVEL_LABELS = {"handler": _("主办人"), "leader": _("分管领导"), "secretary": _("主要负责人")}


def steps() -> list[tuple[str, str, str, str, int]]:
    return [tuple(step) for step in conf.get("ZHENGGAI_ESCALATION_STEPS")]


def next_number(jurisdiction_id: int, year: int) -> tuple[int, str]:
    """The next number of the series, under a row lock (two issuers never share one)."""
    counter, _ = OrderCounter.objects.select_for_update().get_or_create(
        jurisdiction_id=jurisdiction_id, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    prefix = conf.get("ZHENGGAI_ORDER_PREFIX")
    return counter.last, f"{prefix}〔{year}〕{counter.last}号"


def addressees(order: SupervisionOrder, level: str) -> list[User]:
    measures = order.measures.all()
    if level == "handler":
        departments = measures.values("lead_department_id")
        q = {"memberships__organisation_id__in": departments, "memberships__role": Role.DEPARTMENT}
    elif level == "leader":
        return list(
            User.objects.filter(pk__in=measures.values("responsible_leader_id"), is_active=True)
        )
    else:
        q = {"memberships__organisation_id": order.unit_id, "memberships__role": Role.SECRETARY}
    return list(User.objects.filter(is_active=True, **q).distinct())


def _issue_notice(
    order: SupervisionOrder, step: int, moment: dt.datetime, actor: Any
) -> OrderNotice:
    kind, title, level, _trigger, _days = steps()[step]
    if step == 0:
        sequence, number = order.sequence, order.number
    else:
        sequence, number = next_number(order.jurisdiction_id, moment.year)
    notice = OrderNotice.objects.create(
        order=order,
        step=step,
        kind=kind,
        title=str(title),
        level=level,
        number=number,
        sequence=sequence,
        issued_at=moment,
    )
    people = addressees(order, level)
    notice.addressees.set(people)
    order.step = step
    order.save(update_fields=["step"])
    url = reverse("web:supervision.order", args=[order.pk])
    text = _("%(unit)s:请于%(due)s前办理督办事项“%(subject)s”并反馈。") % {
        "unit": order.unit.name,
        "due": order.due_date.isoformat(),
        "subject": order.subject,
    }
    _notify(order, step, people, f"{notice.title} {number}", text, url, moment)
    record(
        "order.escalated" if step else "order.issued",
        actor=actor,
        obj=order,
        organisation_id=order.unit_id,
        after={
            "number": number,
            "step": step,
            "kind": kind,
            "level": level,
            "addressees": [u.pk for u in people],
        },
    )
    return notice


def _notify(
    order: SupervisionOrder,
    step: int,
    people: list[User],
    title: str,
    text: str,
    url: str,
    moment: dt.datetime,
) -> None:
    """A delivery per addressee and chosen channel; the inbox ones are written at once,
    the others are sent by the next periodic run."""
    from zhenggai.supervision.notify.inbox import InboxChannel
    from zhenggai.supervision.services.reminders import channels_of

    channels = channels_of({u.pk for u in people})
    day = timezone.localdate(moment)
    Delivery.objects.bulk_create(
        [
            Delivery(
                item_kind=ItemKind.ORDER,
                item_id=order.pk,
                level=f"step{step}",
                day=day,
                user=user,
                channel=channel,
                organisation_id=order.unit_id,
                title=title[:200],
                body=text,
                url=url,
                created_at=moment,
            )
            for user in people
            for channel in channels[user.pk]
        ],
        ignore_conflicts=True,
    )
    inbox = Delivery.objects.filter(
        item_kind=ItemKind.ORDER,
        item_id=order.pk,
        level=f"step{step}",
        channel="inbox",
        status="pending",
    )
    InboxChannel().send(list(inbox))


@transaction.atomic
def issue_order(
    *,
    inspection: Inspection,
    actor: Any,
    measures: Sequence[Measure],
    subject: str,
    due_date: dt.date,
    requirement: str = "",
    now: dt.datetime | None = None,
) -> SupervisionOrder:
    """The office issues a numbered order to the inspected unit about chosen measures."""
    inspection = Inspection.objects.select_related("unit", "round").get(pk=inspection.pk)
    if not can_on_inspection(actor, Action.SUPERVISE, inspection):
        raise PermissionRefused(_("只有巡察办可以下发督办单。"), "Only the office issues orders.")
    subject = (subject or "").strip()
    if not subject:
        raise DomainError(_("请填写督办事项。"), "A subject is required.", field="subject")
    chosen = list(Measure.objects.filter(pk__in=[m.pk for m in measures], inspection=inspection))
    if not chosen or len(chosen) != len({m.pk for m in measures}):
        raise DomainError(
            _("请选择本单位的整改措施。"), "Choose measures of this unit.", field="measures"
        )
    moment = now_or(now)
    if due_date < timezone.localdate(moment):
        raise DomainError(
            _("办理时限不能早于今天。"), "The due date is in the past.", field="due_date"
        )
    jurisdiction_id = inspection.round.jurisdiction_id
    sequence, number = next_number(jurisdiction_id, moment.year)
    order = SupervisionOrder.objects.create(
        jurisdiction_id=jurisdiction_id,
        inspection=inspection,
        unit=inspection.unit,
        number=number,
        year=moment.year,
        sequence=sequence,
        subject=subject,
        requirement=(requirement or "").strip(),
        due_date=due_date,
        issued_by=actor,
        issued_at=moment,
    )
    order.measures.set(chosen)
    _issue_notice(order, 0, moment, actor)
    emit_on_commit(WebhookEvent.ORDER_ISSUED, order, order.unit)
    return order


def _step_due(step: tuple, order: SupervisionOrder, today: dt.date) -> bool:
    _kind, _title, _level, trigger, days = step
    if trigger == "issued":
        return True
    if trigger == "before_due":
        return today >= order.due_date - dt.timedelta(days=days)
    return today > order.due_date + dt.timedelta(days=days) if days else today > order.due_date


@transaction.atomic
def escalate(
    order: SupervisionOrder, today: dt.date, now: dt.datetime | None = None
) -> list[OrderNotice]:
    """Issue every step now due and not yet issued, in order; none once answered or done."""
    order = (
        SupervisionOrder.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=order.pk)
    )
    if order.status in (OrderStatus.ANSWERED, OrderStatus.ACCEPTED):
        return []
    done = set(order.notices.values_list("step", flat=True))
    issued = []
    for index, step in enumerate(steps()):
        if index in done:
            continue
        if not _step_due(step, order, today):
            break
        issued.append(_issue_notice(order, index, now_or(now), None))
    return issued


def escalate_due(today: dt.date) -> list[int]:
    """Ids of orders that got a new notice today."""
    touched = []
    for order in SupervisionOrder.objects.exclude(
        status__in=[OrderStatus.ANSWERED, OrderStatus.ACCEPTED]
    ).order_by("pk"):
        if escalate(order, today):
            touched.append(order.pk)
    return touched


@transaction.atomic
def answer_order(
    *, order: SupervisionOrder, actor: Any, text: str, now: dt.datetime | None = None
) -> SupervisionOrder:
    order = (
        SupervisionOrder.objects.select_for_update(of=("self",))
        .select_related("inspection__unit")
        .get(pk=order.pk)
    )
    if not can_on_inspection(actor, Action.ANSWER_ORDER, order.inspection):
        raise PermissionRefused(_("只有被督办单位的整改办或主要负责人可以反馈。"), "Not allowed.")
    if order.status not in (OrderStatus.ISSUED, OrderStatus.RETURNED):
        raise DomainError(_("督办单当前不能反馈。"), "The order cannot be answered now.")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("请填写办理情况。"), "An answer is required.", field="text")
    order.answer, order.answered_by, order.answered_at = text, actor, now_or(now)
    order.status = OrderStatus.ANSWERED
    order.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    record(
        "order.answered",
        actor=actor,
        obj=order,
        organisation_id=order.unit_id,
        after={"answer": text},
    )
    emit_on_commit(WebhookEvent.ORDER_ANSWERED, order, order.unit)
    return order


@transaction.atomic
def review_order(
    *,
    order: SupervisionOrder,
    actor: Any,
    accept: bool,
    reason: str = "",
    now: dt.datetime | None = None,
) -> SupervisionOrder:
    """The office accepts the answer (办结) or sends it back with a reason."""
    order = (
        SupervisionOrder.objects.select_for_update(of=("self",))
        .select_related("inspection__unit")
        .get(pk=order.pk)
    )
    if not can_on_inspection(actor, Action.SUPERVISE, order.inspection):
        raise PermissionRefused(_("只有巡察办可以审核反馈。"), "Only the office reviews answers.")
    if order.status != OrderStatus.ANSWERED:
        raise DomainError(_("督办单尚未反馈。"), "The order has not been answered.")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise DomainError(_("退回时必须填写理由。"), "A reason is required.", field="reason")
    order.review_reason = reason
    order.status = OrderStatus.ACCEPTED if accept else OrderStatus.RETURNED
    fields = ["review_reason", "status"]
    if accept:
        order.closed_at = now_or(now)
        fields.append("closed_at")
    order.save(update_fields=fields)
    record(
        "order.accepted" if accept else "order.returned",
        actor=actor,
        obj=order,
        organisation_id=order.unit_id,
        after={"reason": reason},
    )
    return order


def unit_members(unit_id: int, role: str) -> list[int]:
    return list(
        Membership.objects.filter(organisation_id=unit_id, role=role).values_list(
            "user_id", flat=True
        )
    )
