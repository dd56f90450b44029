"""台账 sheets: export, import, errors by row and column, all or nothing, idempotence."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from tests.ledger.helpers import to_closed, to_in_progress
from tests.world import World
from zhenggai.audit.models import AuditEntry
from zhenggai.core.errors import DomainError
from zhenggai.documents.excel import HEADERS, SheetImportError, export_sheet, import_sheet
from zhenggai.ledger.models import Institution, Measure, MeasureKind, Problem, ProgressUpdate


def export(world: World, user: Any = None) -> bytes:
    buffer = io.BytesIO()
    export_sheet(user or world.coordinator, world.a.inspection, buffer)
    return buffer.getvalue()


def rows_of(data: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def state(world: World) -> list[tuple]:
    return list(
        Measure.objects.filter(inspection=world.a.inspection)
        .order_by("problem__position", "position")
        .values_list(
            "problem__number",
            "problem__text",
            "problem__category__title",
            "position",
            "text",
            "goal",
            "owner_name",
            "note",
            "responsible_leader__username",
            "lead_department__name",
            "deadline",
            "kind",
            "status",
            "version",
        )
    )


def load(world: World, data: bytes, **kw: Any):
    return import_sheet(world.a.inspection, data, actor=world.coordinator, name="台账.xlsx", **kw)


def errors_of(world: World, data: bytes) -> list[tuple[int | None, str | None]]:
    with pytest.raises(SheetImportError) as caught:
        load(world, data)
    return [(e.row, e.column) for e in caught.value.errors]


# --- export -----------------------------------------------------------------------------------


def test_export_columns_dates_and_flags(world: World) -> None:
    rows = rows_of(export(world))
    assert tuple(rows[0]) == HEADERS
    assert len(rows) == 5
    first = dict(zip(HEADERS, rows[1], strict=True))
    assert first["序号"] == "1-1" and first["问题类别"] == "党的建设方面"
    assert first["完成时限"] == dt.datetime(2026, 12, 28)  # a date cell
    assert first["是否销号"] == "否" and first["整改状态"] == "草拟"
    assert first["责任领导"] == "leader" and first["责任部门"] == "综合处、信息中心"
    sheet = load_workbook(io.BytesIO(export(world))).active
    assert sheet["I2"].is_date and sheet["I2"].number_format == "yyyy-mm-dd"
    entry = AuditEntry.objects.filter(action="ledger.exported").latest("id")
    assert entry.actor == world.coordinator and entry.after == {"format": "xlsx", "rows": 4}


def test_export_neutralises_formulas(world: World) -> None:
    measure = world.a.measures[0]
    Measure.objects.filter(pk=measure.pk).update(
        text='=HYPERLINK("http://x")', note="@SUM(1)", goal="+1", owner_name="-张三"
    )
    row = dict(zip(HEADERS, rows_of(export(world))[1], strict=True))
    assert row["整改措施"] == '\'=HYPERLINK("http://x")'
    assert (row["备注"], row["整改目标"], row["责任人"]) == ("'@SUM(1)", "'+1", "'-张三")
    sheet = load_workbook(io.BytesIO(export(world))).active
    assert sheet["E2"].data_type == "s"  # text, not a formula
    before = state(world)
    assert load(world, export(world)).unchanged == 4
    assert state(world) == before


def test_export_is_scoped(world: World) -> None:
    assert len(rows_of(export(world, world.dept))) == 5  # leads every measure of unit A
    Measure.objects.filter(pk=world.a.measures[0].pk).update(lead_department=None)
    Measure.objects.get(pk=world.a.measures[0].pk).supporting_departments.clear()
    assert len(rows_of(export(world, world.dept))) == 4
    with pytest.raises(PermissionDenied):
        export(world, world.outsider_dept)
    with pytest.raises(PermissionDenied):
        export(world, world.sysadmin)


# --- import: round trip and updates -----------------------------------------------------------


def test_export_then_import_changes_nothing(world: World) -> None:
    to_closed(world, world.a.measures[1])
    ProgressUpdate.objects.create(
        measure=world.a.measures[2],
        author=world.dept,
        text="已完成一半",
        created_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    Institution.objects.create(
        inspection=world.a.inspection,
        problem=world.a.problems[0],
        title="《学习制度》",
        recorded_by=world.coordinator,
    )
    before, progress = state(world), ProgressUpdate.objects.count()
    data = export(world)
    result = load(world, data)
    assert (result.rows, result.created, result.updated, result.unchanged) == (4, 0, 0, 4)
    assert result.warnings == [] and result.changes == []
    assert state(world) == before and ProgressUpdate.objects.count() == progress
    assert Institution.objects.count() == 1
    again = load(world, data)
    assert again.counts() == result.counts()
    entry = AuditEntry.objects.filter(action="ledger.imported").latest("id")
    assert entry.after["unchanged"] == 4 and entry.after["sha256"] == result.sha256


def test_changed_row_updates_its_measure(world: World) -> None:
    rows = rows_of(export(world))
    rows[2][4] = "每月检查并通报学习计划落实情况"  # 整改措施 of 1-2
    rows[2][3] = "学习制度化"  # 整改目标
    rows[2][5] = "leader2"
    rows[2][6] = "信息中心"
    rows[3][15] = "已报分管领导"
    result = load(world, xlsx(rows))
    assert (result.created, result.updated, result.unchanged) == (0, 2, 2)
    assert result.changes[0] == {
        "row": 3,
        "key": "1-2",
        "action": "update",
        "fields": ["department", "goal", "leader", "measure"],
        "measure": rows[2][4],
    }
    measure = Measure.objects.get(pk=world.a.measures[1].pk)
    assert (measure.text, measure.goal, measure.version) == (rows[2][4], "学习制度化", 2)
    assert measure.responsible_leader == world.leader2
    assert measure.lead_department == world.a.departments["信息中心"]
    assert list(measure.supporting_departments.all()) == []
    assert AuditEntry.objects.filter(action="measure.updated", object_id=str(measure.pk)).exists()


def test_new_rows_create_problems_and_measures(world: World) -> None:
    rows = rows_of(export(world))
    rows.append(
        [
            "2-3",
            "党的建设方面",
            world.a.problems[1].text,
            "",
            "开展专项检查",
            "leader",
            "综合处",
            "王五",
            "2027年3月底",
            "已部署",
            "",
            "",
            "",
            "否",
            None,
            "",
        ]
    )
    rows.append(
        [
            "3",
            "作风建设方面",
            "会议多、文件多。",
            "",
            "精简会议文件",
            "",
            "",
            "",
            "长期坚持",
            "",
            "",
            "",
            "《会议管理办法》",
            "",
            None,
            "",
        ]
    )
    result = load(world, xlsx(rows))
    assert (result.created, result.problems_created, result.categories_created) == (2, 1, 1)
    assert (result.progress_added, result.institutions_added) == (1, 1)
    added = Measure.objects.get(problem=world.a.problems[1], position=3)
    assert added.deadline == dt.date(2027, 3, 31) and added.owner_name == "王五"
    assert added.progress_updates.get().author == world.coordinator
    new = Measure.objects.get(problem__number="3", problem__inspection=world.a.inspection)
    assert new.kind == MeasureKind.ONGOING and new.deadline is None and new.position == 1
    assert new.problem.category.title == "作风建设方面"
    assert Institution.objects.get(title="《会议管理办法》").problem == new.problem


def test_closed_measure_and_original_deadline_cannot_change(world: World) -> None:
    to_closed(world, world.a.measures[0])
    to_in_progress(world, world.a.measures[1])
    rows = rows_of(export(world))
    rows[1][4] = "改写已销号措施"
    rows[2][8] = dt.datetime(2027, 1, 31)
    before = state(world)
    assert errors_of(world, xlsx(rows)) == [(2, "measure"), (3, "deadline")]
    assert state(world) == before


def test_status_cells_are_compared_never_written(world: World) -> None:
    rows = rows_of(export(world))
    rows[1][10], rows[1][13] = "已销号", "是"
    result = load(world, xlsx(rows))
    assert result.unchanged == 4
    assert [(w.row, w.column) for w in result.warnings] == [(2, "status"), (2, "closed")]
    assert "状态只能经审核流程改变" in str(result.warnings[0])


def test_dry_run_writes_nothing(world: World) -> None:
    rows = rows_of(export(world))
    rows[1][4] = "新的措施文字"
    rows.append(
        ["9-1", "新类别", "新问题", "", "新措施", "", "", "", "", "", "", "", "", "", None, ""]
    )
    before, entries = state(world), AuditEntry.objects.count()
    result = load(world, xlsx(rows), dry_run=True)
    assert (result.created, result.updated, result.problems_created) == (1, 1, 1)
    assert state(world) == before and AuditEntry.objects.count() == entries


# --- import: other sheets ---------------------------------------------------------------------


HEADER = ["序号", "问题类别", "问题内容", "整改措施", "责任领导", "责任单位", "整改时限", "备注"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_csv_with_synonyms_and_merged_problem_cells(world: World, encoding: str) -> None:
    rows = [
        HEADER,
        [
            "3",
            "纪律建设",
            "廉政教育形式单一。",
            "开展警示教育",
            "leader",
            "综合处",
            "2027/1/15",
            "",
        ],
        ["", "", "", "组织廉政党课", "leader", "综合处(牵头)、信息中心", "2027.02.28", "季度"],
        [
            "4",
            "纪律建设",
            "=风险点排查不全",
            "全面排查廉政风险点",
            "",
            "配合:信息中心",
            "立行立改",
            "",
        ],
    ]
    result = load(world, csv_bytes(rows, encoding))
    assert (result.created, result.problems_created) == (3, 2)
    second = Measure.objects.get(
        problem__inspection=world.a.inspection, problem__number="3", position=2
    )
    assert second.problem.text == "廉政教育形式单一。" and second.deadline == dt.date(2027, 2, 28)
    assert [d.name for d in second.supporting_departments.all()] == ["信息中心"]
    third = Measure.objects.get(problem__inspection=world.a.inspection, problem__number="4")
    assert third.problem.text == "=风险点排查不全" and third.kind == MeasureKind.IMMEDIATE
    assert third.lead_department is None
    assert load(world, csv_bytes(rows, encoding)).unchanged == 3


def test_title_row_above_the_header_and_unknown_columns(world: World) -> None:
    rows = [
        ["甲局巡察整改台账"],
        [],
        [*HEADER, "联系电话"],
        ["5", "", "问题五。", "措施五", "", "", "", "", "123"],
    ]
    result = load(world, xlsx(rows))
    assert result.created == 1 and result.columns[:3] == ["序号", "问题类别", "问题表现"]
    assert "联系电话" in str(result.warnings[0])
    assert Problem.objects.get(inspection=world.a.inspection, number="5").category.title == "未分类"


def test_errors_name_row_and_column_and_nothing_is_written(world: World) -> None:
    rows = [
        HEADER,
        ["7", "类别", "问题七。", "有效措施", "leader", "综合处", "2027-01-01", ""],
        ["8", "类别", "问题八。", "", "leader", "综合处", "2027-01-01", ""],
        ["9", "类别", "问题九。", "措施", "王局长", "综合处", "2027-01-01", ""],
        ["10", "类别", "问题十。", "措施", "leader", "宣传科", "2027-01-01", ""],
        ["11", "类别", "问题十一。", "措施", "leader", "综合处", "明年", ""],
        ["11", "类别", "问题十一。", "措施", "outsider_leader", "综合处", "2027-01-01", ""],
        ["12-x", "类别", "问题十二。", "措施", "", "", "", ""],
    ]
    before = Problem.objects.count()
    with pytest.raises(SheetImportError) as caught:
        load(world, csv_bytes(rows, "utf-8"))
    errors = caught.value.errors
    assert [(e.row, e.column) for e in errors] == [
        (3, "measure"),
        (4, "leader"),
        (5, "department"),
        (6, "deadline"),
        (7, "leader"),
        (8, "number"),
    ]
    assert str(errors[1]) == (
        "第4行“责任领导”列:“王局长”不是本单位的分管领导 / “王局长” is not a leader of this unit"
        " (row 4, column “责任领导” (responsible leader))"
    )
    assert "无法识别的日期“明年”" in str(errors[3]) and "unrecognised date" in str(errors[3])
    assert Problem.objects.count() == before  # row 2 was valid but is not written


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "文件为空"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        (b"PK\x03\x04broken", "已损坏"),
        ("标题,说明\n1,2\n".encode(), "未找到表头"),
        ("序号,问题表现\n1,问题\n".encode(), "表头缺少该列"),
        ("序号,问题表现,整改措施\n".encode(), "没有数据行"),
        ("问题表现,整改措施,问题内容\n".encode(), "列名重复"),
    ],
)
def test_unreadable_sheets(world: World, data: bytes, fragment: str) -> None:
    with pytest.raises(SheetImportError) as caught:
        import_sheet(world.a.inspection, data, actor=world.coordinator, name="台账.csv")
    assert fragment in str(caught.value.errors[0])


def test_same_problem_must_read_the_same(world: World) -> None:
    rows = [
        HEADER,
        ["6", "类别", "问题六。", "措施一", "", "", "", ""],
        ["6", "类别", "问题六(改)。", "措施二", "", "", "", ""],
    ]
    assert errors_of(world, csv_bytes(rows, "utf-8")) == [(3, "problem")]


def test_only_the_ledger_editor_may_import(world: World) -> None:
    data = export(world)
    for user in (world.dept, world.leader, world.outsider_secretary, None):
        with pytest.raises(DomainError):
            import_sheet(world.a.inspection, data, actor=user)
