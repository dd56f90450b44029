"""What the upload page calls: preview_upload, then import_into; and the sheet commands."""

from __future__ import annotations

import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.world import World
from zhenggai.audit.models import AuditEntry
from zhenggai.documents.excel import SheetImportError, export_sheet
from zhenggai.documents.readers import ReportReadError
from zhenggai.documents.upload import import_into, preview_upload
from zhenggai.ledger.models import Measure, Problem
from zhenggai.ledger.services.workflow import PermissionRefused

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def empty(world: World):
    inspection = world.a.inspection
    Measure.objects.filter(inspection=inspection).delete()
    Problem.objects.filter(inspection=inspection).delete()
    inspection.categories.all().delete()
    return inspection


def sheet(world: World) -> bytes:
    buffer = io.BytesIO()
    export_sheet(world.coordinator, world.a.inspection, buffer)
    return buffer.getvalue()


def test_report_preview_then_import(world: World, empty) -> None:
    content = (FIXTURES / "numbered_problems.txt").read_bytes()
    entries = AuditEntry.objects.count()
    preview = preview_upload(content, "通报.txt", inspection=empty, actor=world.coordinator)
    assert preview["ok"] and preview["kind"] == "report" and preview["errors"] == []
    assert preview["layout"] == "numbered-problems"
    assert preview["counts"] == {"categories": 3, "problems": 4, "measures": 9}
    assert preview["tree"][0]["problems"][0]["measures"][0]["lines"] == [17, 17]
    assert {w["code"] for w in preview["inconsistencies"]} == {
        "summary_status_mismatch",
        "summary_sum_mismatch",
        "summary_accountability_mismatch",
    }
    assert preview["warnings"] == []
    assert {"key": "accountability_total", "label": "问责人次"}.items() <= preview["summary"][
        5
    ].items()
    assert preview["inspection"]["team"] == "市委第四巡察组"
    json.dumps(preview, ensure_ascii=False)  # the page may keep it in the session
    assert empty.problems.count() == 0 and AuditEntry.objects.count() == entries  # nothing written
    result = import_into(empty, preview["data"], world.coordinator)
    assert result == {
        "kind": "report",
        "inspection": empty.pk,
        "categories": 3,
        "problems": 4,
        "measures": 9,
    }
    assert empty.measures.count() == 9


def test_report_preview_shows_the_error_line(world: World, empty) -> None:
    content = "某局关于整改情况的通报\n\n二、整改落实情况\n\n问题1:学习不够。\n".encode("gbk")
    preview = preview_upload(content, "通报.txt", inspection=empty, actor=world.coordinator)
    assert not preview["ok"] and preview["data"] is None
    error = preview["errors"][0]
    assert error["line"] == 5 and "第5行" in error["text"] and "(line 5)" in error["text"]


def test_report_preview_shows_rule_failures(world: World) -> None:
    content = (FIXTURES / "flat_list.txt").read_bytes()  # problems 1-3 clash with the world's
    preview = preview_upload(
        content, "通报.txt", inspection=world.a.inspection, actor=world.coordinator
    )
    assert not preview["ok"] and "不能重复导入" in preview["errors"][0]["text"]
    assert preview["counts"]["problems"] == 3  # the tree is still shown


def test_docx_preview(world: World, empty) -> None:
    from tests.documents.test_docx import build, fixture_lines

    content = build(list(fixture_lines("audit.txt")))
    preview = preview_upload(content, "报告.docx", inspection=empty, actor=world.coordinator)
    assert preview["ok"] and preview["layout"] == "audit"


def test_sheet_preview_then_import(world: World) -> None:
    content = sheet(world)
    rows = [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
    rows[1][4] = "修改后的措施"
    from tests.documents.test_excel import xlsx

    changed = xlsx(rows)
    preview = preview_upload(
        changed, "台账.xlsx", inspection=world.a.inspection, actor=world.coordinator
    )
    assert preview["ok"] and preview["kind"] == "sheet"
    assert preview["counts"]["updated"] == 1 and preview["counts"]["unchanged"] == 3
    assert preview["tree"] == [
        {
            "row": 2,
            "key": "1-1",
            "action": "update",
            "fields": ["measure"],
            "measure": "修改后的措施",
        }
    ]
    assert Measure.objects.filter(text="修改后的措施").count() == 0
    result = import_into(
        world.a.inspection, json.loads(json.dumps(preview["data"])), world.coordinator
    )
    assert result["kind"] == "sheet" and result["updated"] == 1
    assert Measure.objects.filter(text="修改后的措施").count() == 1


def test_sheet_preview_lists_errors(world: World) -> None:
    content = "序号,问题表现,整改措施,责任领导\n1,问题,措施,无名氏\n".encode("gbk")
    preview = preview_upload(
        content, "台账.csv", inspection=world.a.inspection, actor=world.coordinator
    )
    assert not preview["ok"]
    assert preview["errors"][0]["row"] == 2 and preview["errors"][0]["header"] == "责任领导"


def test_sheet_needs_an_inspection(db) -> None:
    preview = preview_upload(b"a,b\n", "x.csv")
    assert not preview["ok"] and "选择巡察" in preview["errors"][0]["text"]


def test_import_into_checks_data_and_rights(world: World) -> None:
    preview = preview_upload(
        sheet(world), "台账.xlsx", inspection=world.a.inspection, actor=world.coordinator
    )
    tampered = {**preview["data"], "content": preview["data"]["content"][:-8] + "AAAAAAA="}
    with pytest.raises(ReportReadError):
        import_into(world.a.inspection, tampered, world.coordinator)
    with pytest.raises(ReportReadError, match="unknown import data format"):
        import_into(world.a.inspection, {"format": "x"}, world.coordinator)
    with pytest.raises(PermissionRefused):
        import_into(world.a.inspection, preview["data"], world.dept)
    with pytest.raises(PermissionRefused):
        import_into(world.b.inspection, preview["data"], world.coordinator)


# --- commands ---------------------------------------------------------------------------------


def call(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_export_and_import_ledger_commands(world: World, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    inspection = str(world.a.inspection.pk)
    out = call(
        "export_ledger", "--inspection", inspection, "--user", "coordinator", "-o", str(path)
    )
    assert "exported 4 rows" in out and path.exists()
    out = call(
        "import_ledger", str(path), "--inspection", inspection, "--user", "coordinator", "--dry-run"
    )
    assert "未变 4" in out and "dry run" in out
    data = json.loads(
        call(
            "import_ledger",
            str(path),
            "--inspection",
            inspection,
            "--user",
            "coordinator",
            "--json",
        )
    )
    assert data["unchanged"] == 4 and data["dry_run"] is False
    with pytest.raises(CommandError, match="no such user"):
        call("import_ledger", str(path), "--inspection", inspection, "--user", "nobody")
    with pytest.raises(CommandError, match="无权|Not allowed"):
        call("import_ledger", str(path), "--inspection", inspection, "--user", "dept")
    with pytest.raises(CommandError, match="not allowed to export"):
        call(
            "export_ledger",
            "--inspection",
            inspection,
            "--user",
            "outsider_dept",
            "-o",
            str(tmp_path / "x.xlsx"),
        )
    assert not (tmp_path / "x.xlsx").exists()


def test_import_ledger_command_names_rows(world: World, tmp_path: Path) -> None:
    path = tmp_path / "台账.csv"
    path.write_bytes("序号,问题表现,整改措施,完成时限\n1,问题,措施,不知道\n".encode("gbk"))
    err = StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command(
            "import_ledger",
            str(path),
            "--inspection",
            str(world.a.inspection.pk),
            "--user",
            "coordinator",
            stdout=StringIO(),
            stderr=err,
        )
    assert "第2行“完成时限”列" in err.getvalue()
    with pytest.raises(SheetImportError):
        from zhenggai.documents.excel import import_sheet

        import_sheet(world.a.inspection, path, actor=world.coordinator)
