"""Importing read reports: a new inspection, or into an existing one, all or nothing."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.world import World
from zhenggai.audit.models import AuditEntry
from zhenggai.core.errors import DomainError
from zhenggai.documents.importer import ImportOptions, import_ledger, import_report_into
from zhenggai.documents.ledger_json import to_ledger_json
from zhenggai.documents.readers import ReportReadError, read_report
from zhenggai.ledger.models import Measure, MeasureKind, MeasureStatus, Problem, ProblemStatus
from zhenggai.ledger.services.workflow import PermissionRefused

FIXTURES = Path(__file__).parent / "fixtures"


def data_of(name: str) -> dict:
    return to_ledger_json(read_report(FIXTURES / name))


def snapshot(inspection) -> list[tuple]:
    return list(
        Measure.objects.filter(inspection=inspection)
        .order_by("problem__position", "position")
        .values_list("problem__number", "problem__text", "position", "text", "status", "kind")
    )


def test_clashing_problem_numbers_refuse_the_whole_import(world: World) -> None:
    inspection = world.a.inspection  # already has problems numbered 1 and 2
    before = snapshot(inspection)
    with pytest.raises(DomainError, match="已有序号为1、2的问题"):
        import_report_into(inspection, data_of("three_level.txt"), actor=world.coordinator)
    assert snapshot(inspection) == before
    assert inspection.categories.count() == 1


@pytest.fixture
def empty(world: World):
    """Unit A's inspection emptied of the world's sample problems."""
    inspection = world.a.inspection
    Measure.objects.filter(inspection=inspection).delete()
    Problem.objects.filter(inspection=inspection).delete()
    inspection.categories.all().delete()
    return inspection


def test_report_into_empty_inspection_keeps_printed_structure(world: World, empty) -> None:
    summary = import_report_into(empty, data_of("feedback_status.txt"), actor=world.coordinator)
    assert summary.as_dict() == {
        "inspection": empty.pk,
        "categories": 2,
        "problems": 4,
        "measures": 10,
    }
    # numbers restart per category, so they are stored qualified by the category
    assert list(empty.problems.order_by("position").values_list("number", flat=True)) == [
        "一.1",
        "一.2",
        "二.1",
        "二.2",
    ]
    assert set(empty.measures.values_list("status", flat=True)) == {MeasureStatus.DRAFT}
    problem = empty.problems.get(number="二.1")
    assert problem.stated_text == "整改状态:阶段性完成"
    entry = AuditEntry.objects.filter(action="ledger.imported").latest("id")
    assert entry.after["problems"] == 4 and entry.actor == world.coordinator


def test_claimed_status_options(world: World, empty) -> None:
    empty.report_date = empty.feedback_date
    empty.save(update_fields=["report_date"])
    import_report_into(
        empty,
        data_of("numbered_problems.txt"),
        actor=world.coordinator,
        options=ImportOptions(claimed_status=True),
    )
    statuses = {p.number: p.status for p in empty.problems.all()}
    assert statuses == {
        "1": ProblemStatus.DONE,
        "2": ProblemStatus.PARTIAL,
        "3": ProblemStatus.DONE,
        "4": ProblemStatus.IN_PROGRESS,
    }
    assert set(empty.measures.filter(problem__number="2").values_list("kind", flat=True)) == {
        MeasureKind.ONGOING
    }


def test_importing_twice_is_refused_and_writes_nothing(world: World, empty) -> None:
    data = data_of("audit.txt")
    import_report_into(empty, data, actor=world.coordinator)
    count = empty.measures.count()
    with pytest.raises(DomainError, match="不能重复导入"):
        import_report_into(empty, data, actor=world.coordinator)
    assert empty.measures.count() == count


def test_all_or_nothing_when_a_service_refuses(world: World, empty) -> None:
    # unit B's leader is not a leader of unit A: add_measure refuses at the first measure,
    # after a category and a problem were already written
    options = ImportOptions(leader=world.outsider_leader)
    with pytest.raises(DomainError, match="不是该单位的分管领导"):
        import_report_into(
            empty, data_of("three_level.txt"), actor=world.coordinator, options=options
        )
    assert empty.problems.count() == 0 and empty.categories.count() == 0


def test_invalid_json_is_refused_before_writing(world: World, empty) -> None:
    data = data_of("three_level.txt")
    data["categories"][3]["problems"][0]["measures"][0]["text"] = "   "
    with pytest.raises(ReportReadError, match="measures\\[0\\].text"):
        import_report_into(empty, data, actor=world.coordinator)
    assert empty.problems.count() == 0 and empty.categories.count() == 0


def test_other_units_users_cannot_import(world: World, empty) -> None:
    with pytest.raises(PermissionRefused):
        import_report_into(empty, data_of("flat_list.txt"), actor=world.outsider_secretary)
    assert empty.problems.count() == 0


def test_new_inspection_from_a_new_layout(world: World) -> None:
    from zhenggai.accounts.models import OrganisationKind
    from zhenggai.accounts.services import create_organisation

    unit = create_organisation(
        name="江城县市场监督管理局", kind=OrganisationKind.UNIT, parent=world.jurisdiction
    )
    inspection = import_ledger(
        data_of("three_level.txt"), round=world.a.inspection.round, unit=unit
    )
    assert inspection.team == "县委第二巡察组" and inspection.problems.count() == 6
    assert inspection.measures.filter(status=MeasureStatus.CLOSED).count() == 3  # (1) 3 of 3


# --- the command -------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_report", *args, stdout=out)
    return out.getvalue()


def test_command_dry_run_prints_summary_and_inconsistencies(db) -> None:
    out = run(str(FIXTURES / "numbered_problems.txt"), "--dry-run")
    assert "版式 / layout: numbered-problems" in out
    assert "类别 3 · 问题 4 · 措施 9" in out
    assert "问责人次: 5" in out
    assert "≠ 总体情况称已完成3个" in out


def test_command_json(db) -> None:
    data = json.loads(run(str(FIXTURES / "audit.txt"), "--dry-run", "--json").split("\n版式")[0])
    assert data["layout"] == "audit" and data["categories"][0]["stated"]["total"] == 2


def test_command_into_inspection(world: World, empty) -> None:
    out = run(
        str(FIXTURES / "flat_list.txt"), "--inspection", str(empty.pk), "--user", "coordinator"
    )
    assert "问题 3 · 措施 3" in out
    assert empty.problems.count() == 3
    with pytest.raises(CommandError, match="不能重复导入"):
        run(str(FIXTURES / "flat_list.txt"), "--inspection", str(empty.pk))
    with pytest.raises(CommandError, match="no inspection"):
        run(str(FIXTURES / "flat_list.txt"), "--inspection", "999999")


def test_command_reports_the_line(tmp_path: Path, db) -> None:
    path = tmp_path / "broken.txt"
    path.write_text("某报告\n\n二、整改落实情况\n\n问题1:学习不够。\n", encoding="gbk")
    with pytest.raises(CommandError, match="第5行|line"):
        run(str(path), "--dry-run")
