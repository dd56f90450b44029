"""导入 and 导出: upload → preview (nothing written) → confirm (all or nothing); the .xlsx."""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.web.helpers import url
from tests.world import World
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import Inspection, Measure, Problem
from zhenggai.ledger.services import plan
from zhenggai.web.views.imports import SESSION_KEY

SEED = Path(__file__).resolve().parents[2] / "src/zhenggai/documents/fixtures/seed_report.txt"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    """Previews kept between upload and confirmation go under a fresh data directory."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def empty(world: World) -> Inspection:
    """A second inspection of unit A (another round), with nothing in its ledger yet."""
    rnd = plan.create_round(jurisdiction=world.jurisdiction, name="2027年第一轮", year=2027)
    return plan.create_inspection(
        round=rnd,
        unit=world.a.org,
        unit_name="中共甲局党组",
        team="市委第二巡察组",
        period_start=dt.date(2027, 3, 1),
        period_end=dt.date(2027, 4, 15),
        feedback_date=dt.date(2027, 5, 10),
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def kept_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "tmp" / "imports").glob("*.json"))


def text_of(response) -> str:
    return response.content.decode()


def test_upload_page(world: World, as_user) -> None:
    page = text_of(as_user("coordinator").get(url("web:import.upload", world.a.inspection.pk)))
    assert 'type="file"' in page and 'accept=".txt,.docx,.xlsx,.csv"' in page
    assert url("web:ledger.export", world.a.inspection.pk) in page


def test_import_is_for_the_ledger_editors(world: World, as_user) -> None:
    target = url("web:import.upload", world.a.inspection.pk)
    for persona in ("leader", "secretary", "dept"):
        assert as_user(persona).get(target).status_code == 403
        assert as_user(persona).post(target, {"file": upload("a.txt", b"x")}).status_code == 403
    assert as_user("outsider_secretary").get(target).status_code == 404
    assert as_user("office").get(target).status_code == 200


def test_report_preview_then_confirm(empty: Inspection, as_user, data_dir: Path) -> None:
    client = as_user("coordinator")
    response = client.post(
        url("web:import.upload", empty.pk), {"file": upload("整改报告.txt", SEED.read_bytes())}
    )
    assert response.status_code == 302
    assert response["Location"] == url("web:import.preview", empty.pk)
    assert Problem.objects.filter(inspection=empty).count() == 0  # nothing written yet
    assert len(kept_files(data_dir)) == 1
    page = text_of(client.get(response["Location"]))
    assert "确认导入" in page and "读出的问题和措施" in page
    assert "形式整改体检提示" in page and 'class="quality-flag' in page
    response = client.post(url("web:import.preview", empty.pk))
    assert response.status_code == 302
    assert response["Location"] == url("web:ledger", empty.pk)
    assert Problem.objects.filter(inspection=empty).count() > 10
    assert Measure.objects.filter(inspection=empty).count() > 20
    assert AuditEntry.objects.filter(action="ledger.imported").count() == 1
    assert kept_files(data_dir) == [] and SESSION_KEY not in client.session
    assert "已导入“整改报告.txt”" in text_of(client.get(response["Location"]))


def test_cancel_writes_nothing(empty: Inspection, as_user, data_dir: Path) -> None:
    client = as_user("coordinator")
    client.post(url("web:import.upload", empty.pk), {"file": upload("r.txt", SEED.read_bytes())})
    response = client.post(url("web:import.preview", empty.pk), {"cancel": "1"})
    assert response.status_code == 302
    assert Problem.objects.filter(inspection=empty).count() == 0
    assert kept_files(data_dir) == []
    assert client.post(url("web:import.preview", empty.pk)).status_code == 400


def test_unreadable_file_is_400_in_chinese(world: World, as_user, data_dir: Path) -> None:
    target = url("web:import.upload", world.a.inspection.pk)
    response = as_user("coordinator").post(target, {"file": upload("空.txt", b"hello\n")})
    assert response.status_code == 400
    page = text_of(response)
    assert "不能导入" in page and "台账没有任何改动" in page
    assert kept_files(data_dir) == []


def test_missing_file_is_400(world: World, as_user) -> None:
    response = as_user("coordinator").post(url("web:import.upload", world.a.inspection.pk))
    assert response.status_code == 400
    assert "请选择要导入的文件" in text_of(response)


def test_a_report_already_imported_is_refused_in_the_preview(world: World, as_user) -> None:
    # Unit A's ledger already has problems (1) and (2): the seed's numbers collide.
    target = url("web:import.upload", world.a.inspection.pk)
    response = as_user("coordinator").post(target, {"file": upload("r.txt", SEED.read_bytes())})
    assert response.status_code == 400
    assert "不能导入" in text_of(response)


def test_tampered_preview_is_not_imported(empty: Inspection, as_user, data_dir: Path) -> None:
    client = as_user("coordinator")
    client.post(url("web:import.upload", empty.pk), {"file": upload("r.txt", SEED.read_bytes())})
    [kept] = kept_files(data_dir)
    data = json.loads(kept.read_text())
    data["data"]["categories"] = data["data"]["categories"][:1]
    kept.write_text(json.dumps(data, ensure_ascii=False))
    response = client.post(url("web:import.preview", empty.pk))
    assert response.status_code == 400
    assert "没有待确认的导入" in text_of(response)
    assert Problem.objects.filter(inspection=empty).count() == 0


def test_preview_belongs_to_its_inspection(world: World, empty: Inspection, as_user) -> None:
    client = as_user("coordinator")
    client.post(url("web:import.upload", empty.pk), {"file": upload("r.txt", SEED.read_bytes())})
    response = client.post(url("web:import.preview", world.a.inspection.pk))
    assert response.status_code == 400
    assert Problem.objects.filter(inspection=empty).count() == 0


# ---------------------------------------------------------------- 台账 .xlsx


def export(client, inspection: Inspection):
    response = client.get(url("web:ledger.export", inspection.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(BytesIO(response.content))


def test_export_is_scoped_and_audited(world: World, as_user) -> None:
    sheet = export(as_user("coordinator"), world.a.inspection).active
    assert sheet.max_row == 1 + 4  # header and unit A's four measures
    assert AuditEntry.objects.filter(action="ledger.exported").count() == 1
    support = export(as_user("dept_support"), world.a.inspection).active
    assert support.max_row == 1 + 4  # 信息中心 supports every measure of the world
    assert (
        as_user("outsider_secretary")
        .get(url("web:ledger.export", world.a.inspection.pk))
        .status_code
        == 404
    )


def test_sheet_round_trip_updates_a_measure(world: World, as_user) -> None:
    client = as_user("coordinator")
    workbook = export(client, world.a.inspection)
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    column = headers.index("整改措施") + 1
    sheet.cell(row=2, column=column, value="修订学习制度并每月通报检查结果")
    buffer = BytesIO()
    workbook.save(buffer)
    target = url("web:import.upload", world.a.inspection.pk)
    response = client.post(target, {"file": upload("台账.xlsx", buffer.getvalue())})
    assert response.status_code == 302
    page = text_of(client.get(response["Location"]))
    assert "将改动的行" in page and "修改措施" in page
    assert Measure.objects.get(pk=world.a.measures[0].pk).text.startswith("制定学习计划")
    assert client.post(response["Location"]).status_code == 302
    assert Measure.objects.get(pk=world.a.measures[0].pk).text == "修订学习制度并每月通报检查结果"
