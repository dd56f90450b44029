"""Recording outcomes: accountability (问责), institutions (建章立制), recovered funds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhenggai.accounts.permissions import Action, can_on_inspection
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import (
    Accountability,
    AccountabilityForm,
    Inspection,
    Institution,
    InstitutionKind,
    Problem,
    Recovery,
)
from zhenggai.ledger.services.workflow import PermissionRefused


def _check(actor: Any, action: Action, inspection: Inspection, problem: Problem | None) -> None:
    if actor is not None and not can_on_inspection(actor, action, inspection):
        raise PermissionRefused(_("您无权登记该事项。"), "Not allowed to record this.")
    if problem is not None and problem.inspection_id != inspection.pk:
        raise DomainError(
            _("该问题不属于本次巡察。"), "Problem is from another inspection.", field="problem"
        )


@transaction.atomic
def record_accountability(
    *,
    inspection: Inspection,
    actor: Any,
    form: str,
    people: int,
    decided_on: dt.date,
    description: str = "",
    problem: Problem | None = None,
) -> Accountability:
    """纪检监察 or 整改办 records an accountability decision."""
    _check(actor, Action.RECORD_ACCOUNTABILITY, inspection, problem)
    if form not in AccountabilityForm.values:
        raise DomainError(
            _("请选择问责方式。"), f"Unknown accountability form {form!r}.", field="form"
        )
    if people < 1:
        raise DomainError(_("人次必须大于0。"), "People must be at least 1.", field="people")
    item = Accountability.objects.create(
        inspection=inspection,
        problem=problem,
        form=form,
        people=people,
        decided_on=decided_on,
        description=description.strip(),
        recorded_by=actor,
    )
    record(
        "accountability.recorded",
        actor=actor,
        obj=item,
        organisation_id=inspection.unit_id,
        after={"form": form, "people": people, "decided_on": decided_on.isoformat()},
    )
    return item


@transaction.atomic
def record_institution(
    *,
    inspection: Inspection,
    actor: Any,
    title: str,
    kind: str = "new",
    document_number: str = "",
    issued_on: dt.date | None = None,
    problem: Problem | None = None,
) -> Institution:
    _check(actor, Action.RECORD_OUTCOME, inspection, problem)
    if kind not in InstitutionKind.values:
        raise DomainError(
            _("请选择制度类型。"), f"Unknown institution kind {kind!r}.", field="kind"
        )
    title = title.strip()
    if not title:
        raise DomainError(_("请填写制度名称。"), "Title is required.", field="title")
    if Institution.objects.filter(inspection=inspection, title=title).exists():
        raise DomainError(
            _("该制度已登记。"), "This institution is already recorded.", field="title"
        )
    item = Institution.objects.create(
        inspection=inspection,
        problem=problem,
        title=title,
        kind=kind,
        document_number=document_number,
        issued_on=issued_on,
        recorded_by=actor,
    )
    record(
        "institution.recorded",
        actor=actor,
        obj=item,
        organisation_id=inspection.unit_id,
        after={"title": title, "kind": kind, "document_number": document_number},
    )
    return item


@transaction.atomic
def record_recovery(
    *,
    inspection: Inspection,
    actor: Any,
    amount_yuan: Decimal,
    description: str,
    recorded_on: dt.date,
    problem: Problem | None = None,
) -> Recovery:
    _check(actor, Action.RECORD_OUTCOME, inspection, problem)
    if amount_yuan <= 0:
        raise DomainError(_("金额必须大于0。"), "Amount must be positive.", field="amount_yuan")
    item = Recovery.objects.create(
        inspection=inspection,
        problem=problem,
        amount_yuan=amount_yuan,
        description=description.strip(),
        recorded_on=recorded_on,
        recorded_by=actor,
    )
    record(
        "recovery.recorded",
        actor=actor,
        obj=item,
        organisation_id=inspection.unit_id,
        after={"amount_yuan": str(amount_yuan), "recorded_on": recorded_on.isoformat()},
    )
    return item
