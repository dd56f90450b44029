"""Building the ledger: rounds, inspections, categories, problems, measures, milestones."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zhenggai.accounts.models import Organisation, OrganisationKind, User
from zhenggai.accounts.permissions import (
    Action,
    can_on_inspection,
    can_on_measure,
    can_register_in,
)
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import (
    Category,
    Inspection,
    Measure,
    MeasureKind,
    MeasureStatus,
    Milestone,
    Problem,
    Round,
)
from zhenggai.ledger.services.common import (
    MEASURE_AUDIT_FIELDS,
    now_or,
    refresh_problem_status,
    snapshot,
)
from zhenggai.ledger.services.workflow import PermissionRefused


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _require_inspection(actor: Any, action: Action, inspection: Inspection) -> None:
    if actor is not None and not can_on_inspection(actor, action, inspection):
        raise PermissionRefused(
            _("您无权修改该单位的整改台账。"), "Not allowed to edit this ledger."
        )


def _require_register(actor: Any, organisation: Organisation) -> None:
    if actor is not None and not can_register_in(actor, organisation):
        raise PermissionRefused(
            _("只有巡察办可以登记巡察轮次和巡察。"),
            "Only the office registers rounds and inspections.",
        )


@transaction.atomic
def create_round(
    *, jurisdiction: Organisation, name: str, year: int, kind: str = "xuncha", actor: Any = None
) -> Round:
    _require_register(actor, jurisdiction)
    if jurisdiction.kind != OrganisationKind.JURISDICTION:
        raise DomainError(_("巡察轮次必须属于管辖机构。"), "A round belongs to a jurisdiction.")
    if Round.objects.filter(jurisdiction=jurisdiction, name=name).exists():
        raise DomainError(
            _("同名的巡察轮次已存在。"), "A round with this name exists.", field="name"
        )
    rnd = Round.objects.create(jurisdiction=jurisdiction, name=name, year=year, kind=kind)
    record("round.created", actor=actor, obj=rnd, after={"name": name, "year": year})
    return rnd


@transaction.atomic
def create_inspection(
    *,
    round: Round,
    unit: Organisation,
    unit_name: str,
    team: str,
    period_start: dt.date,
    period_end: dt.date,
    feedback_date: dt.date,
    plan_due: dt.date | None = None,
    report_due: dt.date | None = None,
    actor: Any = None,
    **extra: Any,
) -> Inspection:
    """Register an inspection of ``unit``; due dates default to feedback + 1 and + 2 months."""
    _require_register(actor, round.jurisdiction)
    if unit.kind != OrganisationKind.UNIT:
        raise DomainError(_("被巡察对象必须是单位。"), "The inspected organisation must be a unit.")
    if not unit.path.startswith(round.jurisdiction.path):
        raise DomainError(
            _("该单位不在本轮次的管辖范围内。"), "The unit is outside the round's jurisdiction."
        )
    if Inspection.objects.filter(round=round, unit=unit).exists():
        raise DomainError(
            _("本轮次已登记对该单位的巡察。"),
            "This unit is already inspected in this round.",
            field="unit",
        )
    if period_end < period_start:
        raise DomainError(
            _("巡察结束日期不能早于开始日期。"), "Period ends before it starts.", field="period_end"
        )
    if feedback_date < period_start:
        raise DomainError(
            _("反馈日期不能早于巡察开始日期。"),
            "Feedback before the period.",
            field="feedback_date",
        )
    plan_due = plan_due or add_months(feedback_date, settings.ZHENGGAI_PLAN_DUE_MONTHS)
    report_due = report_due or add_months(feedback_date, settings.ZHENGGAI_REPORT_DUE_MONTHS)
    for field, due in (("plan_due", plan_due), ("report_due", report_due)):
        if due < feedback_date:
            raise DomainError(
                _("报送期限不能早于反馈日期。"), "A due date precedes the feedback.", field=field
            )
    inspection = Inspection.objects.create(
        round=round,
        unit=unit,
        unit_name=unit_name,
        team=team,
        period_start=period_start,
        period_end=period_end,
        feedback_date=feedback_date,
        plan_due=plan_due,
        report_due=report_due,
        **extra,
    )
    record(
        "inspection.created",
        actor=actor,
        obj=inspection,
        organisation_id=unit.pk,
        after=snapshot(
            inspection,
            [
                "unit_name",
                "team",
                "period_start",
                "period_end",
                "feedback_date",
                "plan_due",
                "report_due",
            ],
        ),
    )
    return inspection


@transaction.atomic
def add_category(
    *, inspection: Inspection, title: str, number: str = "", actor: Any = None
) -> Category:
    _require_inspection(actor, Action.EDIT_LEDGER, inspection)
    position = (inspection.categories.aggregate(m=Max("position"))["m"] or 0) + 1
    category = Category.objects.create(
        inspection=inspection,
        title=title.strip(),
        number=number or str(position),
        position=position,
    )
    record(
        "category.created",
        actor=actor,
        obj=category,
        organisation_id=inspection.unit_id,
        after={"title": title},
    )
    return category


@transaction.atomic
def add_problem(
    *,
    category: Category,
    text: str,
    number: str = "",
    actor: Any = None,
    stated_planned: int | None = None,
    stated_done: int | None = None,
    stated_text: str = "",
) -> Problem:
    inspection = category.inspection
    _require_inspection(actor, Action.EDIT_LEDGER, inspection)
    text = text.strip()
    if not text:
        raise DomainError(_("请填写问题表现。"), "Problem text is required.", field="text")
    position = (inspection.problems.aggregate(m=Max("position"))["m"] or 0) + 1
    problem = Problem.objects.create(
        inspection=inspection,
        category=category,
        text=text,
        number=number or str(position),
        position=position,
        stated_planned=stated_planned,
        stated_done=stated_done,
        stated_text=stated_text,
    )
    record(
        "problem.created",
        actor=actor,
        obj=problem,
        organisation_id=inspection.unit_id,
        after={"number": problem.number, "text": text},
    )
    return problem


def _check_assignment(
    inspection: Inspection,
    leader: User | None,
    lead_department: Organisation | None,
    supporting: list[Organisation],
) -> None:
    fields = [("lead_department", lead_department)]
    fields += [("supporting_departments", dept) for dept in supporting]
    for field, dept in [(f, d) for f, d in fields if d is not None]:
        if dept.kind != OrganisationKind.DEPARTMENT or dept.parent_id != inspection.unit_id:
            raise DomainError(
                _("部门“%(name)s”不属于被巡察单位。") % {"name": dept.name},
                f"Department {dept.name} is not part of the unit.",
                field=field,
            )
    if (
        leader is not None
        and not leader.memberships.filter(
            organisation_id=inspection.unit_id, role="leader"
        ).exists()
    ):
        raise DomainError(
            _("“%(name)s”不是该单位的分管领导。") % {"name": leader},
            "Not a leader of this unit.",
            field="responsible_leader",
        )


@transaction.atomic
def add_measure(
    *,
    problem: Problem,
    text: str,
    kind: str = MeasureKind.DEADLINE,
    group: str = "",
    responsible_leader: User | None = None,
    lead_department: Organisation | None = None,
    supporting_departments: list[Organisation] | None = None,
    deadline: dt.date | None = None,
    actor: Any = None,
) -> Measure:
    """Add a measure under ``problem`` (整改办). It starts as a draft."""
    inspection = problem.inspection
    _require_inspection(actor, Action.EDIT_LEDGER, inspection)
    text = text.strip()
    if not text:
        raise DomainError(_("请填写整改措施。"), "Measure text is required.", field="text")
    supporting = list(supporting_departments or [])
    _check_assignment(inspection, responsible_leader, lead_department, supporting)
    position = (problem.measures.aggregate(m=Max("position"))["m"] or 0) + 1
    measure = Measure.objects.create(
        inspection=inspection,
        problem=problem,
        position=position,
        text=text,
        kind=kind,
        group=group,
        responsible_leader=responsible_leader,
        lead_department=lead_department,
        deadline=deadline,
    )
    if supporting:
        measure.supporting_departments.set(supporting)
    refresh_problem_status(problem)
    record(
        "measure.created",
        actor=actor,
        obj=measure,
        organisation_id=inspection.unit_id,
        after=snapshot(measure, MEASURE_AUDIT_FIELDS),
    )
    return measure


@transaction.atomic
def update_measure(
    *,
    measure: Measure,
    actor: Any,
    expected_version: int | None = None,
    supporting_departments: list[Organisation] | None = None,
    **changes: Any,
) -> Measure:
    """Change text, kind, group, leader, departments, deadline, goal, owner or note (整改办).

    ``expected_version`` guards against lost updates: a stale form is refused.
    A closed measure is not edited; reopen it first.
    """
    allowed = {
        "text",
        "kind",
        "group",
        "responsible_leader",
        "lead_department",
        "deadline",
        "goal",
        "owner_name",
        "note",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(
            _("不能修改这些字段:%(f)s") % {"f": ", ".join(sorted(unknown))}, "Fields not editable."
        )
    measure = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("inspection__unit", "problem")
        .get(pk=measure.pk)
    )
    if actor is not None and not can_on_measure(actor, Action.EDIT_LEDGER, measure):
        raise PermissionRefused(_("您无权修改该措施。"), "Not allowed to edit this measure.")
    if expected_version is not None and expected_version != measure.version:
        raise DomainError(
            _("该措施已被他人修改,请刷新后重试。"),
            "The measure changed since you opened it.",
            field="version",
        )
    if measure.status == MeasureStatus.CLOSED:
        raise DomainError(_("已销号的措施不能修改。"), "A closed measure cannot be edited.")
    if measure.status in (MeasureStatus.SUBMITTED, MeasureStatus.APPROVED):
        raise DomainError(
            _("措施正在审核中,不能修改;请待审核结束或退回后再改。"),
            "The measure is under review and cannot be edited.",
        )
    if (
        "deadline" in changes
        and measure.deadline is not None
        and changes["deadline"] != measure.deadline
        and measure.status != MeasureStatus.DRAFT
    ):
        raise DomainError(
            _("原定完成时限不能修改,请提出延期申请。"),
            "The original deadline never changes; request an extension.",
            field="deadline",
        )
    if "text" in changes and not str(changes["text"]).strip():
        raise DomainError(_("请填写整改措施。"), "Measure text is required.", field="text")
    _check_assignment(
        measure.inspection,
        changes.get("responsible_leader", measure.responsible_leader),
        changes.get("lead_department", measure.lead_department),
        list(supporting_departments or []),
    )
    before = snapshot(measure, MEASURE_AUDIT_FIELDS)
    for name, value in changes.items():
        setattr(measure, name, value)
    measure.version += 1
    measure.save(update_fields=[*changes, "version"])
    if supporting_departments is not None:
        measure.supporting_departments.set(supporting_departments)
    refresh_problem_status(measure.problem)
    record(
        "measure.updated",
        actor=actor,
        obj=measure,
        organisation_id=measure.inspection.unit_id,
        before=before,
        after=snapshot(measure, MEASURE_AUDIT_FIELDS),
    )
    return measure


@transaction.atomic
def add_milestone(
    *, measure: Measure, title: str, due_date: dt.date, actor: Any = None
) -> Milestone:
    if actor is not None and not can_on_measure(actor, Action.EDIT_LEDGER, measure):
        raise PermissionRefused(_("您无权修改该措施。"), "Not allowed to edit this measure.")
    if not title.strip():
        raise DomainError(_("请填写节点内容。"), "Milestone title is required.", field="title")
    position = (measure.milestones.aggregate(m=Max("position"))["m"] or 0) + 1
    milestone = Milestone.objects.create(
        measure=measure, title=title.strip(), due_date=due_date, position=position
    )
    record(
        "milestone.created",
        actor=actor,
        obj=milestone,
        organisation_id=measure.inspection.unit_id,
        after={"measure": measure.pk, "title": title, "due_date": due_date.isoformat()},
    )
    return milestone


@transaction.atomic
def complete_milestone(*, milestone: Milestone, actor: Any, done_on: dt.date) -> Milestone:
    measure = milestone.measure
    if not (
        can_on_measure(actor, Action.REPORT_PROGRESS, measure)
        or can_on_measure(actor, Action.EDIT_LEDGER, measure)
    ):
        raise PermissionRefused(_("您无权更新该节点。"), "Not allowed to update this milestone.")
    if milestone.done_on is not None:
        raise DomainError(_("该节点已完成。"), "Milestone already done.")
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    record(
        "milestone.completed",
        actor=actor,
        obj=milestone,
        organisation_id=measure.inspection.unit_id,
        before={"done_on": None},
        after={"done_on": done_on.isoformat()},
    )
    return milestone


@transaction.atomic
def approve_plan(
    *, inspection: Inspection, actor: Any, now: dt.datetime | None = None
) -> Inspection:
    """The secretary approves the rectification plan; draft measures start (整改中)."""
    _require_inspection(actor, Action.APPROVE_PLAN, inspection)
    if inspection.plan_approved_at is not None:
        raise DomainError(_("整改方案已审批。"), "The plan is already approved.")
    if not inspection.measures.exists():
        raise DomainError(_("整改方案尚无措施,不能审批。"), "The plan has no measures yet.")
    inspection.plan_approved_at = now_or(now)
    inspection.plan_approved_by = actor
    inspection.save(update_fields=["plan_approved_at", "plan_approved_by"])
    drafts = inspection.measures.filter(status=MeasureStatus.DRAFT)
    started = sorted(drafts.values_list("pk", flat=True))
    drafts.update(status=MeasureStatus.IN_PROGRESS)
    for problem in inspection.problems.all():
        refresh_problem_status(problem)
    record(
        "inspection.plan_approved",
        actor=actor,
        obj=inspection,
        organisation_id=inspection.unit_id,
        after={
            "plan_approved_at": inspection.plan_approved_at.isoformat(),
            "measures_started": started,
        },
    )
    return inspection
