"""The measure lifecycle: progress → submit → leader review → closure (销号) → reopen.

Each function runs in one transaction, locks the measure row, checks the rights
(through :mod:`zhenggai.accounts.permissions`) and the current state, saves the
changed fields, refreshes the problem's derived status and writes an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from zhenggai.accounts.permissions import Action, can_on_measure
from zhenggai.api.webhooks import emit_on_commit
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import (
    Evidence,
    Measure,
    MeasureKind,
    MeasureStatus,
    ProgressUpdate,
    Review,
    ReviewDecision,
    ReviewStage,
)
from zhenggai.ledger.services.common import (
    MEASURE_AUDIT_FIELDS,
    now_or,
    refresh_problem_status,
    snapshot,
)
from zhenggai.ledger.services.evidence import check_unit_quota, check_upload, display_name


class PermissionRefused(DomainError):
    """The actor lacks the role this step needs."""


def _lock(measure: Measure) -> Measure:
    return (
        Measure.objects.select_for_update(of=("self",))
        .select_related("inspection__unit", "problem")
        .get(pk=measure.pk)
    )


def _require(actor: Any, action: Action, measure: Measure) -> None:
    if not can_on_measure(actor, action, measure):
        raise PermissionRefused(
            _("您无权对该措施执行此操作。"), f"Not allowed to {action} on this measure."
        )


def _require_status(measure: Measure, allowed: Sequence[str], verb_zh: str, verb_en: str) -> None:
    if measure.status not in allowed:
        raise DomainError(
            _("措施当前状态为“%(status)s”,不能%(verb)s。")
            % {"status": measure.get_status_display(), "verb": verb_zh},
            f"Measure is {measure.status}; cannot {verb_en}.",
        )


def _save(
    measure: Measure, before: dict[str, Any], action: str, actor: Any, fields: list[str]
) -> None:
    measure.version += 1
    measure.save(update_fields=[*fields, "version"])
    refresh_problem_status(measure.problem)
    record(
        action,
        actor=actor,
        obj=measure,
        organisation_id=measure.inspection.unit_id,
        before=before,
        after=snapshot(measure, MEASURE_AUDIT_FIELDS),
    )


@transaction.atomic
def report_progress(
    *,
    measure: Measure,
    actor: Any,
    text: str,
    files: Sequence[tuple[str, IO[bytes]]] = (),
    now: dt.datetime | None = None,
) -> ProgressUpdate:
    """Record a progress update with optional evidence files.

    By the lead department or a supporting one.

    A draft measure moves to 整改中. Closed measures take updates only if long-term
    (长期坚持). Every file is checked before anything is written: one bad file refuses all.
    """
    measure = _lock(measure)
    _require(actor, Action.REPORT_PROGRESS, measure)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("请填写进展情况。"), "Progress text is required.", field="text")
    if measure.status in (MeasureStatus.SUBMITTED, MeasureStatus.APPROVED):
        raise DomainError(
            _("措施已提交审核,审核完成前不能再报送进展。"),
            "The measure is under review; progress cannot be added now.",
        )
    if measure.status == MeasureStatus.CLOSED and measure.kind != MeasureKind.ONGOING:
        raise DomainError(_("措施已销号。"), "The measure is closed.")
    checked = [(name, check_upload(stream, name)) for name, stream in files]
    check_unit_quota(measure.inspection.unit_id, [item.size for _name, item in checked])
    moment = now_or(now)
    before = snapshot(measure, MEASURE_AUDIT_FIELDS)
    update = ProgressUpdate.objects.create(
        measure=measure, author=actor, text=text, created_at=moment
    )
    for name, item in checked:
        evidence = Evidence(
            measure=measure,
            progress=update,
            original_name=display_name(name),
            sha256=item.sha256,
            size=item.size,
            content_type=item.content_type,
            uploaded_by=actor,
            uploaded_at=moment,
        )
        evidence.file.save(name, ContentFile(item.content), save=False)
        evidence.save()
        record(
            "evidence.uploaded",
            actor=actor,
            obj=evidence,
            organisation_id=measure.inspection.unit_id,
            after={
                "measure": measure.pk,
                "name": evidence.original_name,
                "sha256": item.sha256,
                "size": item.size,
            },
        )
    fields = ["last_progress_at"]
    measure.last_progress_at = moment
    if measure.status == MeasureStatus.DRAFT:
        measure.status = MeasureStatus.IN_PROGRESS
        fields.append("status")
    _save(measure, before, "measure.progress_reported", actor, fields)
    return update


@transaction.atomic
def submit_for_review(
    *, measure: Measure, actor: Any, text: str, now: dt.datetime | None = None
) -> Measure:
    """The lead department claims completion; needs at least one evidence file."""
    measure = _lock(measure)
    _require(actor, Action.SUBMIT, measure)
    _require_status(
        measure, [MeasureStatus.DRAFT, MeasureStatus.IN_PROGRESS], _("提交审核"), "submit"
    )
    text = (text or "").strip()
    if not text:
        raise DomainError(
            _("请填写完成情况说明。"), "A completion statement is required.", field="text"
        )
    if measure.responsible_leader_id is None:
        raise DomainError(
            _("该措施尚未指定责任领导,无法提交审核;请联系整改办。"),
            "No responsible leader is assigned, so nobody could review it.",
            field="responsible_leader",
        )
    if not measure.evidence.exists():
        raise DomainError(
            _("提交销号前请先上传佐证材料。"), "Upload evidence before submitting.", field="file"
        )
    moment = now_or(now)
    before = snapshot(measure, MEASURE_AUDIT_FIELDS)
    ProgressUpdate.objects.create(
        measure=measure, author=actor, text=text, is_completion_claim=True, created_at=moment
    )
    measure.status = MeasureStatus.SUBMITTED
    measure.submitted_by = actor
    measure.submitted_at = moment
    measure.last_progress_at = moment
    _save(
        measure,
        before,
        "measure.submitted",
        actor,
        ["status", "submitted_by", "submitted_at", "last_progress_at"],
    )
    emit_on_commit("measure.submitted", measure, measure.inspection.unit)
    return measure


def _review(
    measure: Measure, actor: Any, stage: str, decision: str, reason: str, moment: dt.datetime
) -> Review:
    if actor.pk == measure.submitted_by_id:
        raise DomainError(_("不能审核本人提交的事项。"), "Nobody reviews their own submission.")
    return Review.objects.create(
        measure=measure,
        stage=stage,
        decision=decision,
        reason=reason,
        reviewer=actor,
        submitter=measure.submitted_by,
        created_at=moment,
    )


def _returned(
    measure: Measure, actor: Any, stage: str, reason: str, moment: dt.datetime, action: str
) -> Measure:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("退回时必须填写理由。"), "A reason is required to return.", field="reason"
        )
    before = snapshot(measure, MEASURE_AUDIT_FIELDS)
    _review(measure, actor, stage, ReviewDecision.RETURNED, reason, moment)
    measure.status = MeasureStatus.IN_PROGRESS
    measure.submitted_by = None
    measure.submitted_at = None
    _save(measure, before, action, actor, ["status", "submitted_by", "submitted_at"])
    emit_on_commit("measure.returned", measure, measure.inspection.unit)
    return measure


def _require_flags_acknowledged(measure: Measure) -> None:
    """Approval and closure wait until every open quality flag about the measure has been
    dealt with (dismissed with a reason, or fixed and re-checked): whatever the way in —
    page, API or script. The pages let the reviewer dismiss them in the same step."""
    from zhenggai.quality.selectors import open_flags_requiring_ack

    flags = open_flags_requiring_ack(measure)
    if flags:
        raise DomainError(
            _("该措施有%(n)d条待处理的体检提示,请先处理(写明排除理由)后再审核通过或销号。")
            % {"n": len(flags)},
            f"{len(flags)} open quality flag(s) about this measure: dismiss them with a "
            "reason before approving or closing it.",
            field="ack_reason",
        )


@transaction.atomic
def leader_review(
    *, measure: Measure, actor: Any, approve: bool, reason: str = "", now: dt.datetime | None = None
) -> Measure:
    """First-level review by the measure's responsible leader: approve or return with a reason."""
    measure = _lock(measure)
    _require(actor, Action.LEADER_REVIEW, measure)
    _require_status(measure, [MeasureStatus.SUBMITTED], _("审核"), "review")
    moment = now_or(now)
    if not approve:
        return _returned(
            measure, actor, ReviewStage.LEADER, reason, moment, "measure.returned_by_leader"
        )
    _require_flags_acknowledged(measure)
    before = snapshot(measure, MEASURE_AUDIT_FIELDS)
    _review(
        measure, actor, ReviewStage.LEADER, ReviewDecision.APPROVED, (reason or "").strip(), moment
    )
    measure.status = MeasureStatus.APPROVED
    _save(measure, before, "measure.approved_by_leader", actor, ["status"])
    emit_on_commit("measure.approved", measure, measure.inspection.unit)
    return measure


@transaction.atomic
def close_measure(
    *, measure: Measure, actor: Any, approve: bool, reason: str = "", now: dt.datetime | None = None
) -> Measure:
    """Closure (销号) by the unit's secretary after the leader's approval.

    Or return with a reason.
    """
    measure = _lock(measure)
    _require(actor, Action.CLOSE, measure)
    _require_status(measure, [MeasureStatus.APPROVED], _("销号"), "close")
    moment = now_or(now)
    if not approve:
        return _returned(
            measure, actor, ReviewStage.CLOSURE, reason, moment, "measure.returned_by_secretary"
        )
    _require_flags_acknowledged(measure)
    before = snapshot(measure, MEASURE_AUDIT_FIELDS)
    _review(
        measure, actor, ReviewStage.CLOSURE, ReviewDecision.APPROVED, (reason or "").strip(), moment
    )
    measure.status = MeasureStatus.CLOSED
    measure.closed_at = moment
    _save(measure, before, "measure.closed", actor, ["status", "closed_at"])
    emit_on_commit("measure.closed", measure, measure.inspection.unit)
    return measure


@transaction.atomic
def reopen_measure(
    *, measure: Measure, actor: Any, reason: str, now: dt.datetime | None = None
) -> Measure:
    """Reopen a closed measure.

    回头看 found it not fixed, or the secretary withdrew the closure.
    """
    measure = _lock(measure)
    _require(actor, Action.REOPEN, measure)
    _require_status(measure, [MeasureStatus.CLOSED], _("重新打开"), "reopen")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("重新打开时必须填写理由。"), "A reason is required to reopen.", field="reason"
        )
    moment = now_or(now)
    before = snapshot(measure, MEASURE_AUDIT_FIELDS)
    Review.objects.create(
        measure=measure,
        stage=ReviewStage.REOPEN,
        decision=ReviewDecision.REOPENED,
        reason=reason,
        reviewer=actor,
        submitter=None,
        created_at=moment,
    )
    measure.status = MeasureStatus.IN_PROGRESS
    measure.closed_at = None
    measure.submitted_by = None
    measure.submitted_at = None
    measure.reopened_count += 1
    _save(
        measure,
        before,
        "measure.reopened",
        actor,
        ["status", "closed_at", "submitted_by", "submitted_at", "reopened_count"],
    )
    emit_on_commit("measure.reopened", measure, measure.inspection.unit)
    return measure
