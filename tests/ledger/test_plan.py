"""Building the ledger (plan service): rounds, inspections, categories, problems, measures,
assignment, edits, plan approval and milestones."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ledger.helpers import at, audit_mark, entries_since, reload, to_closed, to_in_progress
from tests.world import World
from zhenggai.accounts.models import OrganisationKind
from zhenggai.accounts.services import create_organisation
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import (
    Category,
    Inspection,
    Measure,
    MeasureKind,
    MeasureStatus,
    Milestone,
    Problem,
    ProblemStatus,
    Round,
)
from zhenggai.ledger.services import plan
from zhenggai.ledger.services.workflow import PermissionRefused

# ------------------------------------------------------------------ due dates


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2019, 10, 31), 1, dt.date(2019, 11, 30)),
        (dt.date(2019, 12, 31), 2, dt.date(2020, 2, 29)),  # leap year
        (dt.date(2021, 12, 31), 2, dt.date(2022, 2, 28)),
        (dt.date(2020, 1, 31), 1, dt.date(2020, 2, 29)),
        (dt.date(2020, 11, 15), 2, dt.date(2021, 1, 15)),  # across the year
        (dt.date(2020, 3, 27), 0, dt.date(2020, 3, 27)),
        (dt.date(2020, 5, 31), 13, dt.date(2021, 6, 30)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert plan.add_months(day, months) == expected


def _new_unit(world: World, name: str = "丙局"):
    return create_organisation(name=name, kind=OrganisationKind.UNIT, parent=world.jurisdiction)


def _inspect(world: World, unit, **kwargs) -> Inspection:
    values = dict(
        round=world.a.inspection.round,
        unit=unit,
        unit_name=f"中共{unit.name}党组",
        team="市委第二巡察组",
        period_start=dt.date(2019, 8, 1),
        period_end=dt.date(2019, 9, 30),
        feedback_date=dt.date(2019, 10, 31),
        actor=world.office,
    )
    return plan.create_inspection(**{**values, **kwargs})


def test_create_inspection_defaults_its_due_dates(world: World) -> None:
    unit = _new_unit(world)
    mark = audit_mark()
    inspection = _inspect(world, unit)
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.plan_due == dt.date(2019, 11, 30)
    assert inspection.report_due == dt.date(2019, 12, 31)
    assert (inspection.plan_approved_at, inspection.plan_approved_by_id) == (None, None)
    [entry] = entries_since(mark)
    assert (entry.action, entry.actor_id, entry.organisation_id) == (
        "inspection.created",
        world.office.pk,
        unit.pk,
    )
    assert entry.after["plan_due"] == "2019-11-30"


def test_due_date_defaults_are_settings(world: World, settings) -> None:
    settings.ZHENGGAI_PLAN_DUE_MONTHS = 2
    settings.ZHENGGAI_REPORT_DUE_MONTHS = 3
    inspection = _inspect(world, _new_unit(world))
    assert (inspection.plan_due, inspection.report_due) == (
        dt.date(2019, 12, 31),
        dt.date(2020, 1, 31),
    )


def test_explicit_due_dates_are_kept(world: World) -> None:
    inspection = _inspect(
        world, _new_unit(world), plan_due=dt.date(2019, 11, 15), report_due=dt.date(2020, 1, 10)
    )
    assert (inspection.plan_due, inspection.report_due) == (
        dt.date(2019, 11, 15),
        dt.date(2020, 1, 10),
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"period_end": dt.date(2019, 7, 1)}, "period_end"),
        (
            {"feedback_date": dt.date(2019, 7, 1), "period_end": dt.date(2019, 8, 2)},
            "feedback_date",
        ),
        ({"plan_due": dt.date(2019, 10, 30)}, "plan_due"),
        ({"report_due": dt.date(2019, 10, 1)}, "report_due"),
    ],
)
def test_inconsistent_inspection_dates_are_refused(world: World, kwargs: dict, field: str) -> None:
    unit = _new_unit(world)
    with pytest.raises(DomainError) as exc:
        _inspect(world, unit, **kwargs)
    assert exc.value.field == field
    assert not Inspection.objects.filter(unit=unit).exists()


def test_an_inspection_is_of_a_unit_inside_the_rounds_jurisdiction(world: World) -> None:
    other = create_organisation(name="另一巡察办", kind=OrganisationKind.JURISDICTION)
    foreign = create_organisation(name="外地局", kind=OrganisationKind.UNIT, parent=other)
    with pytest.raises(DomainError, match="管辖范围"):
        _inspect(world, foreign, actor=None)
    with pytest.raises(DomainError, match="必须是单位"):
        _inspect(world, world.a.departments["综合处"])
    assert Inspection.objects.count() == 2


def test_a_unit_is_inspected_once_per_round(world: World) -> None:
    mark = audit_mark()
    with pytest.raises(DomainError) as exc:
        _inspect(world, world.a.org)
    assert exc.value.field == "unit"
    assert Inspection.objects.filter(unit=world.a.org).count() == 1
    assert entries_since(mark) == []


@pytest.mark.parametrize(
    "persona", ["secretary", "coordinator", "dept", "outsider_secretary", "sysadmin"]
)
def test_only_the_office_registers_rounds_and_inspections(world: World, persona: str) -> None:
    actor = getattr(world, persona)
    unit = _new_unit(world)
    mark = audit_mark()
    with pytest.raises(PermissionRefused):
        plan.create_round(
            jurisdiction=world.jurisdiction, name="2027年第一轮", year=2027, actor=actor
        )
    with pytest.raises(PermissionRefused):
        _inspect(world, unit, actor=actor)
    assert not Round.objects.filter(name="2027年第一轮").exists()
    assert not Inspection.objects.filter(unit=unit).exists()
    assert entries_since(mark) == []


def test_office_creates_a_round_once_per_name(world: World) -> None:
    mark = audit_mark()
    rnd = plan.create_round(
        jurisdiction=world.jurisdiction, name="2027年第一轮", year=2027, actor=world.office
    )
    assert Round.objects.get(pk=rnd.pk).jurisdiction_id == world.jurisdiction.pk
    [entry] = entries_since(mark)
    assert (entry.action, entry.actor_id, entry.after) == (
        "round.created",
        world.office.pk,
        {"name": "2027年第一轮", "year": 2027},
    )
    with pytest.raises(DomainError) as exc:
        plan.create_round(
            jurisdiction=world.jurisdiction, name="2027年第一轮", year=2027, actor=world.office
        )
    assert exc.value.field == "name"
    with pytest.raises(DomainError, match="管辖机构"):
        plan.create_round(jurisdiction=world.a.org, name="单位自己的轮次", year=2027)


# ------------------------------------------------------------------ categories, problems, measures


def test_positions_follow_on(world: World) -> None:
    inspection = world.a.inspection
    first = plan.add_category(
        inspection=inspection, title=" 作风建设方面 ", actor=world.coordinator
    )
    second = plan.add_category(
        inspection=inspection, title="财务管理方面", number="三", actor=world.office
    )
    assert (first.position, first.number, first.title) == (2, "2", "作风建设方面")
    assert (second.position, second.number) == (3, "三")

    # Problems are numbered across the whole inspection, measures within their problem.
    problem = plan.add_problem(category=first, text="会议纪要不规范。", actor=world.coordinator)
    assert (problem.position, problem.number, problem.status) == (3, "3", ProblemStatus.NOT_STARTED)
    m1 = plan.add_measure(problem=problem, text="规范会议纪要格式", actor=world.coordinator)
    m2 = plan.add_measure(problem=problem, text="组织培训", actor=world.coordinator)
    assert (m1.position, m2.position) == (1, 2)
    assert m1.inspection_id == problem.inspection_id == inspection.pk
    assert Measure.objects.get(pk=m1.pk).status == MeasureStatus.DRAFT
    assert (
        plan.add_measure(problem=world.a.problems[0], text="追加", actor=world.coordinator).position
        == 3
    )


def test_add_measure_records_the_assignment(world: World) -> None:
    mark = audit_mark()
    measure = plan.add_measure(
        problem=world.a.problems[0],
        text="  建立台账  ",
        kind=MeasureKind.IMMEDIATE,
        group="制度建设",
        responsible_leader=world.leader2,
        lead_department=world.a.departments["信息中心"],
        supporting_departments=[world.a.departments["综合处"]],
        deadline=dt.date(2026, 12, 31),
        actor=world.coordinator,
    )
    measure = Measure.objects.get(pk=measure.pk)
    assert (measure.text, measure.kind, measure.group) == (
        "建立台账",
        MeasureKind.IMMEDIATE,
        "制度建设",
    )
    assert (measure.responsible_leader_id, measure.lead_department_id) == (
        world.leader2.pk,
        world.a.departments["信息中心"].pk,
    )
    assert list(measure.supporting_departments.all()) == [world.a.departments["综合处"]]
    assert measure.deadline == dt.date(2026, 12, 31)
    [entry] = entries_since(mark)
    assert (entry.action, entry.actor_id, entry.after["status"], entry.after["text"]) == (
        "measure.created",
        world.coordinator.pk,
        MeasureStatus.DRAFT,
        "建立台账",
    )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda w: plan.add_problem(
                category=w.a.problems[0].category, text="  ", actor=w.coordinator
            ),
            "text",
        ),
        (lambda w: plan.add_measure(problem=w.a.problems[0], text="", actor=w.coordinator), "text"),
        (
            lambda w: plan.add_milestone(
                measure=w.a.measures[0],
                title=" ",
                due_date=dt.date(2026, 12, 1),
                actor=w.coordinator,
            ),
            "title",
        ),
    ],
    ids=["problem", "measure", "milestone"],
)
def test_text_is_required(world: World, call, field: str) -> None:
    mark = audit_mark()
    with pytest.raises(DomainError) as exc:
        call(world)
    assert exc.value.field == field
    assert entries_since(mark) == []


@pytest.mark.parametrize(
    "persona", ["dept", "leader", "inspector", "secretary", "outsider_secretary", "sysadmin"]
)
def test_only_the_coordinator_or_office_builds_the_ledger(world: World, persona: str) -> None:
    actor = getattr(world, persona)
    category = world.a.problems[0].category
    before = (Category.objects.count(), Problem.objects.count(), Measure.objects.count())
    with pytest.raises(PermissionRefused):
        plan.add_category(inspection=world.a.inspection, title="越权类别", actor=actor)
    with pytest.raises(PermissionRefused):
        plan.add_problem(category=category, text="越权问题", actor=actor)
    with pytest.raises(PermissionRefused):
        plan.add_measure(problem=world.a.problems[0], text="越权措施", actor=actor)
    assert (Category.objects.count(), Problem.objects.count(), Measure.objects.count()) == before


ASSIGNMENTS = {
    "lead department of unit B": (
        lambda w: {"lead_department": w.b.departments["综合处"]},
        "lead_department",
    ),
    "a unit as lead department": (lambda w: {"lead_department": w.a.org}, "lead_department"),
    "supporting department of unit B": (
        lambda w: {"supporting_departments": [w.b.departments["信息中心"]]},
        "supporting_departments",
    ),
    "a coordinator as leader": (
        lambda w: {"responsible_leader": w.coordinator},
        "responsible_leader",
    ),
    "a leader of unit B": (
        lambda w: {"responsible_leader": w.outsider_leader},
        "responsible_leader",
    ),
    "a department user as leader": (lambda w: {"responsible_leader": w.dept}, "responsible_leader"),
}


@pytest.mark.parametrize("case", ASSIGNMENTS)
def test_assignment_stays_inside_the_unit(world: World, case: str) -> None:
    make_kwargs, field = ASSIGNMENTS[case]
    with pytest.raises(DomainError) as exc:
        plan.add_measure(
            problem=world.a.problems[0],
            text="新措施",
            actor=world.coordinator,
            **make_kwargs(world),
        )
    assert exc.value.field == field
    assert Measure.objects.filter(problem=world.a.problems[0]).count() == 2

    measure = world.a.measures[0]
    with pytest.raises(DomainError) as exc:
        plan.update_measure(measure=measure, actor=world.coordinator, **make_kwargs(world))
    assert exc.value.field == field
    fresh = reload(measure)
    assert (fresh.version, fresh.responsible_leader_id, fresh.lead_department_id) == (
        1,
        world.leader.pk,
        world.a.departments["综合处"].pk,
    )
    assert list(fresh.supporting_departments.all()) == [world.a.departments["信息中心"]]


# ------------------------------------------------------------------ update_measure


def test_update_measure_with_the_current_version(world: World) -> None:
    measure = world.a.measures[0]
    mark = audit_mark()
    plan.update_measure(
        measure=measure,
        actor=world.coordinator,
        expected_version=1,
        text="修订后的措施",
        responsible_leader=world.leader2,
        supporting_departments=[],
    )
    fresh = reload(measure)
    assert (fresh.text, fresh.responsible_leader_id, fresh.version) == (
        "修订后的措施",
        world.leader2.pk,
        2,
    )
    assert not fresh.supporting_departments.exists()
    [entry] = entries_since(mark)
    assert (entry.action, entry.actor_id) == ("measure.updated", world.coordinator.pk)
    assert (entry.before["text"], entry.after["text"]) == (measure.text, "修订后的措施")
    assert (entry.before["responsible_leader"], entry.after["responsible_leader"]) == (
        world.leader.pk,
        world.leader2.pk,
    )
    assert (entry.before["version"], entry.after["version"]) == (1, 2)


def test_a_stale_version_is_refused(world: World) -> None:
    measure = world.a.measures[0]
    plan.update_measure(
        measure=measure, actor=world.coordinator, expected_version=1, text="第一人修改"
    )
    mark = audit_mark()
    with pytest.raises(DomainError) as exc:
        plan.update_measure(
            measure=measure, actor=world.coordinator, expected_version=1, text="第二人修改"
        )
    assert exc.value.field == "version"
    assert (reload(measure).text, reload(measure).version) == ("第一人修改", 2)
    assert entries_since(mark) == []


def test_the_original_deadline_is_fixed_once_work_started(world: World) -> None:
    draft, started = world.a.measures[0], world.a.measures[1]
    plan.update_measure(measure=draft, actor=world.coordinator, deadline=dt.date(2027, 1, 31))
    assert reload(draft).deadline == dt.date(2027, 1, 31)

    started = to_in_progress(world, started)
    original = started.deadline
    with pytest.raises(DomainError) as exc:
        plan.update_measure(
            measure=started, actor=world.coordinator, deadline=original + dt.timedelta(days=30)
        )
    assert exc.value.field == "deadline"
    assert reload(started).deadline == original
    # Re-sending the unchanged deadline with other edits (a whole form) is fine.
    plan.update_measure(
        measure=started, actor=world.coordinator, deadline=original, text="措施文字修订"
    )
    assert reload(started).text == "措施文字修订"


def test_a_closed_measure_is_not_edited(world: World) -> None:
    measure = to_closed(world, world.a.measures[0])
    with pytest.raises(DomainError, match="已销号"):
        plan.update_measure(measure=measure, actor=world.coordinator, text="改一改")
    assert reload(measure).text == measure.text


@pytest.mark.parametrize(
    "field", ["status", "version", "closed_at", "submitted_by", "inspection", "position"]
)
def test_unknown_fields_are_refused(world: World, field: str) -> None:
    measure = world.a.measures[0]
    before = Measure.objects.filter(pk=measure.pk).values().get()
    with pytest.raises(DomainError, match=field):
        plan.update_measure(measure=measure, actor=world.coordinator, **{field: None})
    assert Measure.objects.filter(pk=measure.pk).values().get() == before


@pytest.mark.parametrize(
    "persona", ["dept", "leader", "secretary", "inspector", "outsider_secretary"]
)
def test_only_the_coordinator_updates_a_measure(world: World, persona: str) -> None:
    measure = world.a.measures[0]
    with pytest.raises(PermissionRefused):
        plan.update_measure(measure=measure, actor=getattr(world, persona), text="越权修改")
    assert (reload(measure).text, reload(measure).version) == (measure.text, 1)


# ------------------------------------------------------------------ plan approval


def test_the_secretary_approves_the_plan_and_drafts_start(world: World) -> None:
    inspection = world.a.inspection
    started_earlier = to_in_progress(world, world.a.measures[3])
    mark = audit_mark()

    plan.approve_plan(inspection=inspection, actor=world.secretary, now=at(1))

    inspection = Inspection.objects.get(pk=inspection.pk)
    assert (inspection.plan_approved_at, inspection.plan_approved_by_id) == (
        at(1),
        world.secretary.pk,
    )
    statuses = dict(Measure.objects.filter(inspection=inspection).values_list("pk", "status"))
    assert set(statuses.values()) == {MeasureStatus.IN_PROGRESS}
    assert set(Problem.objects.filter(inspection=inspection).values_list("status", flat=True)) == {
        ProblemStatus.IN_PROGRESS
    }
    # Unit B's ledger is not touched.
    assert set(
        Measure.objects.filter(inspection=world.b.inspection).values_list("status", flat=True)
    ) == {MeasureStatus.DRAFT}
    [entry] = entries_since(mark)
    assert (entry.action, entry.actor_id, entry.organisation_id) == (
        "inspection.plan_approved",
        world.secretary.pk,
        world.a.org.pk,
    )
    assert entry.after["measures_started"] == sorted(
        m.pk for m in world.a.measures if m.pk != started_earlier.pk
    )

    with pytest.raises(DomainError, match="已审批"):
        plan.approve_plan(inspection=inspection, actor=world.secretary, now=at(2))
    assert Inspection.objects.get(pk=inspection.pk).plan_approved_at == at(1)


@pytest.mark.parametrize(
    "persona", ["coordinator", "leader", "office", "dept", "inspector", "outsider_secretary"]
)
def test_only_the_secretary_approves_the_plan(world: World, persona: str) -> None:
    mark = audit_mark()
    with pytest.raises(PermissionRefused):
        plan.approve_plan(inspection=world.a.inspection, actor=getattr(world, persona), now=at(1))
    assert Inspection.objects.get(pk=world.a.inspection.pk).plan_approved_at is None
    assert set(Measure.objects.values_list("status", flat=True)) == {MeasureStatus.DRAFT}
    assert entries_since(mark) == []


def test_a_plan_without_measures_cannot_be_approved(world: World) -> None:
    inspection = _inspect(
        world,
        world.a.org,
        round=plan.create_round(
            jurisdiction=world.jurisdiction, name="2027年第一轮", year=2027, actor=world.office
        ),
    )
    with pytest.raises(DomainError, match="尚无措施"):
        plan.approve_plan(inspection=inspection, actor=world.secretary, now=at(1))
    assert Inspection.objects.get(pk=inspection.pk).plan_approved_at is None


# ------------------------------------------------------------------ milestones


def test_milestones_are_numbered_and_completed_once(world: World) -> None:
    measure = world.a.measures[0]
    mark = audit_mark()
    first = plan.add_milestone(
        measure=measure, title=" 起草制度 ", due_date=dt.date(2026, 12, 1), actor=world.coordinator
    )
    second = plan.add_milestone(
        measure=measure, title="印发制度", due_date=dt.date(2026, 12, 20), actor=world.coordinator
    )
    assert [(m.position, m.title) for m in Milestone.objects.filter(measure=measure)] == [
        (1, "起草制度"),
        (2, "印发制度"),
    ]

    plan.complete_milestone(
        milestone=first, actor=world.dept_support, done_on=dt.date(2026, 11, 30)
    )
    assert Milestone.objects.get(pk=first.pk).done_on == dt.date(2026, 11, 30)
    with pytest.raises(DomainError, match="已完成"):
        plan.complete_milestone(milestone=first, actor=world.dept, done_on=dt.date(2026, 12, 2))
    assert Milestone.objects.get(pk=first.pk).done_on == dt.date(2026, 11, 30)

    actions = [(e.action, e.actor_id) for e in entries_since(mark)]
    assert actions == [
        ("milestone.created", world.coordinator.pk),
        ("milestone.created", world.coordinator.pk),
        ("milestone.completed", world.dept_support.pk),
    ]
    assert Milestone.objects.get(pk=second.pk).done_on is None


@pytest.mark.parametrize("persona", ["leader", "inspector", "secretary", "outsider_dept"])
def test_milestones_are_kept_by_the_coordinator_and_the_departments(
    world: World, persona: str
) -> None:
    actor = getattr(world, persona)
    measure = world.a.measures[0]
    with pytest.raises(PermissionRefused):
        plan.add_milestone(
            measure=measure, title="越权节点", due_date=dt.date(2026, 12, 1), actor=actor
        )
    milestone = plan.add_milestone(
        measure=measure, title="节点", due_date=dt.date(2026, 12, 1), actor=world.coordinator
    )
    with pytest.raises(PermissionRefused):
        plan.complete_milestone(milestone=milestone, actor=actor, done_on=dt.date(2026, 11, 30))
    assert Milestone.objects.get(pk=milestone.pk).done_on is None
    assert Milestone.objects.filter(measure=measure).count() == 1


def test_measure_under_review_cannot_be_edited(world):
    from tests.world import pdf_file
    from zhenggai.core.errors import DomainError
    from zhenggai.ledger.models import MeasureStatus
    from zhenggai.ledger.services import plan, workflow

    measure = world.a.measures[0]
    workflow.report_progress(measure=measure, actor=world.dept, text="进展", files=[pdf_file()])
    workflow.submit_for_review(measure=measure, actor=world.dept, text="已完成")
    with pytest.raises(DomainError):
        plan.update_measure(measure=measure, actor=world.coordinator, text="改写后的措施")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.SUBMITTED
    assert measure.text != "改写后的措施"
