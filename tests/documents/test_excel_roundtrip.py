"""Property: ledger → .xlsx → import gives the same ledger, and re-importing changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world import World
from zhenggai.documents.excel import export_sheet, import_sheet
from zhenggai.ledger.models import Inspection, Institution, Measure, MeasureKind, ProgressUpdate
from zhenggai.ledger.services import plan

# Cell text as people type it, including what a spreadsheet would run as a formula.
ALPHABET = "整改措施学习制度落实监督检查责任abcXYZ019 =+-@'(),.:;、。"
cells = st.text(ALPHABET, min_size=1, max_size=20).map(str.strip).filter(bool)
optional_cells = st.just("") | cells


@dataclass
class MeasureSpec:
    text: str
    goal: str
    owner: str
    note: str
    leader: str | None
    lead: str | None
    supporting: list[str]
    deadline: dt.date | None
    kind: str
    progress: str


@dataclass
class ProblemSpec:
    category: str
    text: str
    measures: list[MeasureSpec]
    institutions: list[str]


measures = st.builds(
    MeasureSpec,
    text=cells,
    goal=optional_cells,
    owner=optional_cells,
    note=optional_cells,
    leader=st.sampled_from([None, "leader", "leader2"]),
    lead=st.sampled_from([None, "综合处", "信息中心"]),
    supporting=st.sampled_from([[], ["信息中心"], ["综合处", "信息中心"]]),
    deadline=st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)),
    kind=st.sampled_from(list(MeasureKind.values)),
    progress=optional_cells,
)
problems = st.builds(
    ProblemSpec,
    category=st.sampled_from(["党的建设方面", "作风建设方面", "=公式方面"]),
    text=cells,
    measures=st.lists(measures, min_size=1, max_size=3),
    # one cell lists several institutions, separated by line breaks or semicolons
    institutions=st.lists(cells.filter(lambda t: ";" not in t), max_size=2, unique=True),
)


def build(world: World, inspection: Inspection, specs: list[ProblemSpec]) -> None:
    departments = world.a.departments
    categories: dict[str, Any] = {}
    used: set[str] = set()
    for spec in specs:
        if spec.category not in categories:
            categories[spec.category] = plan.add_category(
                inspection=inspection, title=spec.category
            )
        problem = plan.add_problem(category=categories[spec.category], text=spec.text)
        for item in spec.measures:
            supporting = [departments[n] for n in item.supporting if n != item.lead]
            measure = plan.add_measure(
                problem=problem,
                text=item.text,
                kind=item.kind,
                responsible_leader=world.users[item.leader] if item.leader else None,
                lead_department=departments[item.lead] if item.lead else None,
                supporting_departments=supporting,
                deadline=item.deadline,
            )
            Measure.objects.filter(pk=measure.pk).update(
                goal=item.goal, owner_name=item.owner, note=item.note
            )
            if item.progress:
                ProgressUpdate.objects.create(
                    measure=measure,
                    author=world.dept,
                    text=item.progress,
                    created_at=dt.datetime.now(dt.UTC),
                )
        for title in spec.institutions:
            if title not in used:
                used.add(title)
                Institution.objects.create(
                    inspection=inspection,
                    problem=problem,
                    title=title,
                    recorded_by=world.coordinator,
                )


def ledger(inspection: Inspection) -> list[tuple]:
    rows = []
    for m in Measure.objects.filter(inspection=inspection).order_by(
        "problem__position", "position"
    ):
        latest = m.progress_updates.order_by("-created_at", "-id").first()
        rows.append(
            (
                m.problem.number,
                m.problem.text,
                m.problem.category.title,
                m.position,
                m.text,
                m.goal,
                m.owner_name,
                m.note,
                m.responsible_leader_id,
                m.lead_department_id,
                sorted(d.pk for d in m.supporting_departments.all()),
                m.deadline,
                m.kind if (m.deadline or m.kind != MeasureKind.DEADLINE) else MeasureKind.DEADLINE,
                latest.text if latest else "",
                sorted(m.problem.institutions.values_list("title", flat=True)),
            )
        )
    return rows


def fresh_inspection(world: World, name: str) -> Inspection:
    rnd = plan.create_round(jurisdiction=world.jurisdiction, name=name, year=2026)
    return plan.create_inspection(
        round=rnd,
        unit=world.a.org,
        unit_name="中共甲局党组",
        team="市委第二巡察组",
        period_start=dt.date(2026, 1, 5),
        period_end=dt.date(2026, 3, 1),
        feedback_date=dt.date(2026, 4, 1),
    )


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(problems, min_size=1, max_size=4))
def test_ledger_to_xlsx_and_back(world: World, specs: list[ProblemSpec]) -> None:
    with transaction.atomic():
        source = fresh_inspection(world, "来源轮次")
        build(world, source, specs)
        buffer = io.BytesIO()
        rows = export_sheet(world.coordinator, source, buffer)
        data = buffer.getvalue()

        target = fresh_inspection(world, "目标轮次")
        result = import_sheet(target, data, actor=world.coordinator, name="台账.xlsx")
        assert (result.rows, result.created, result.updated) == (rows, rows, 0)
        assert ledger(target) == ledger(source)

        again = import_sheet(source, data, actor=world.coordinator, name="台账.xlsx")
        assert (again.created, again.updated, again.unchanged) == (0, 0, rows)
        assert again.progress_added == again.institutions_added == 0
        assert again.warnings == []
        transaction.set_rollback(True)
