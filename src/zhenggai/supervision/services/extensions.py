"""Extension requests (延期申请): ask, decide, withdraw.

The original deadline (``Measure.deadline``) is never changed. An approved request is
kept as a row, and ``Measure.extended_deadline`` — the latest approved date — is set in
the same transaction, so that lists and lights read one column (a subquery per row over
a million measures would not fit the benchmark budget). ``rebuild_extended_deadline``
recomputes it from the rows if it is ever in doubt.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhenggai.accounts.permissions import Action, can_on_measure
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Measure, MeasureStatus
from zhenggai.ledger.services.common import now_or
from zhenggai.ledger.services.workflow import PermissionRefused
from zhenggai.supervision.models import ExtensionRequest, ExtensionStatus


def _lock(measure: Measure) -> Measure:
    return (
        Measure.objects.select_for_update(of=("self",))
        .select_related("inspection__unit")
        .get(pk=measure.pk)
    )


def _require(actor: Any, action: Action, measure: Measure) -> None:
    if not can_on_measure(actor, action, measure):
        raise PermissionRefused(_("您无权办理该措施的延期。"), f"Not allowed to {action}.")


def _audit(action: str, actor: Any, request: ExtensionRequest, measure: Measure) -> None:
    record(
        action,
        actor=actor,
        obj=request,
        organisation_id=measure.inspection.unit_id,
        after={
            "measure": measure.pk,
            "status": request.status,
            "current": request.current_deadline.isoformat(),
            "requested": request.requested_deadline.isoformat(),
            "extended_deadline": measure.extended_deadline.isoformat()
            if measure.extended_deadline
            else None,
        },
    )


@transaction.atomic
def request_extension(
    *,
    measure: Measure,
    actor: Any,
    new_deadline: dt.date,
    reason: str,
    now: dt.datetime | None = None,
) -> ExtensionRequest:
    """The lead department asks to move the deadline to ``new_deadline``, with a reason."""
    measure = _lock(measure)
    _require(actor, Action.REQUEST_EXTENSION, measure)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写延期理由。"), "A reason is required.", field="reason")
    if measure.status == MeasureStatus.CLOSED:
        raise DomainError(_("措施已销号,无需延期。"), "The measure is closed.")
    current = measure.extended_deadline or measure.deadline
    if current is None:
        raise DomainError(_("该措施没有完成时限。"), "The measure has no deadline.")
    if new_deadline <= current:
        raise DomainError(
            _("申请的时限必须晚于现行时限(%(date)s)。") % {"date": current.isoformat()},
            "The new date must be later than the current deadline.",
            field="new_deadline",
        )
    if ExtensionRequest.objects.filter(measure=measure, status=ExtensionStatus.PENDING).exists():
        raise DomainError(_("该措施已有待审批的延期申请。"), "A request is already pending.")
    request = ExtensionRequest.objects.create(
        measure=measure,
        current_deadline=current,
        requested_deadline=new_deadline,
        reason=reason,
        requested_by=actor,
        requested_at=now_or(now),
    )
    _audit("extension.requested", actor, request, measure)
    return request


@transaction.atomic
def decide_extension(
    *,
    request: ExtensionRequest,
    actor: Any,
    approve: bool,
    reason: str = "",
    now: dt.datetime | None = None,
) -> ExtensionRequest:
    """The responsible leader or the secretary approves, or rejects with a reason."""
    measure = _lock(request.measure)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    _require(actor, Action.DECIDE_EXTENSION, measure)
    if request.status != ExtensionStatus.PENDING:
        raise DomainError(_("该申请已处理。"), "The request was already decided.")
    if actor.pk == request.requested_by_id:
        raise DomainError(_("不能审批本人提出的申请。"), "Nobody decides their own request.")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError(_("不同意延期时必须填写理由。"), "A reason is required.", field="reason")
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by = actor
    request.decided_at = now_or(now)
    request.decision_reason = reason
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    if approve:
        measure.extended_deadline = request.requested_deadline
        measure.version += 1
        measure.save(update_fields=["extended_deadline", "version"])
    _audit("extension.approved" if approve else "extension.rejected", actor, request, measure)
    return request


@transaction.atomic
def withdraw_extension(*, request: ExtensionRequest, actor: Any) -> ExtensionRequest:
    if request.requested_by_id != actor.pk or request.status != ExtensionStatus.PENDING:
        raise DomainError(_("只能撤回本人待审批的申请。"), "Only your own pending request.")
    request.status = ExtensionStatus.WITHDRAWN
    request.save(update_fields=["status"])
    _audit("extension.withdrawn", actor, request, request.measure)
    return request


def latest_approved(measure: Measure) -> dt.date | None:
    row = (
        ExtensionRequest.objects.filter(measure=measure, status=ExtensionStatus.APPROVED)
        .order_by("-decided_at", "-id")
        .values_list("requested_deadline", flat=True)
        .first()
    )
    return row


def rebuild_extended_deadline(measure: Measure) -> dt.date | None:
    """Recompute the denormalised column from the approved rows (a repair tool)."""
    value = latest_approved(measure)
    Measure.objects.filter(pk=measure.pk).update(extended_deadline=value)
    return value
