"""The audit administrator's page and exports (checks 9, 15, 27)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.world import World
from zhenggai.audit.log import record
from zhenggai.audit.models import AuditEntry


def test_the_log_page_filters_and_pages(world: World, as_user, settings) -> None:
    settings.ZHENGGAI_PAGE_SIZE = 5
    for i in range(7):
        record("probe.event", actor=world.dept, success=i % 2 == 0, after={"i": i})
    client = as_user("auditadmin")
    page = client.get("/security/audit/?action=probe.&success=0")
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 3
    assert {e.action for e in page.context["page"].object_list} == {"probe.event"}
    all_probes = client.get("/security/audit/?action=probe.&page=2")
    assert len(all_probes.context["page"].object_list) == 2
    assert "no-store" in page["Cache-Control"]
    assert AuditEntry.objects.filter(action="audit.viewed", actor=world.auditadmin).exists()


def test_csv_export_is_an_attachment_with_time_zones(world: World, as_user) -> None:
    record("probe.event", actor=world.dept, after={"note": '=HYPERLINK("x")'})
    response = as_user("auditadmin").get("/security/audit/export/?format=csv&action=probe.")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1] == "时间" and len(rows) == 2
    assert rows[1][1].endswith("+08:00") and rows[1][2] == "dept"
    exported = AuditEntry.objects.get(action="audit.exported")
    assert exported.actor_id == world.auditadmin.pk and exported.after["rows"] == 1


def test_cells_that_look_like_formulas_are_defused(world: World, as_user) -> None:
    record("=cmd|' /C calc'!A0", actor=world.dept)
    response = as_user("auditadmin").get("/security/audit/export/?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any(row[4] == "'=cmd|' /C calc'!A0" for row in rows)


def test_xlsx_export(world: World, as_user) -> None:
    record("probe.event", actor=world.dept)
    response = as_user("auditadmin").get("/security/audit/export/?format=xlsx&action=probe.")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][4] == "事件" and rows[1][4] == "probe.event"


def test_personal_numbers_are_masked_in_pages_and_exports(world: World, as_user) -> None:
    record(
        "probe.event", actor=world.dept, after={"phone": "13812341234", "id": "11010519491231002X"}
    )
    client = as_user("auditadmin")
    body = client.get("/security/audit/?action=probe.").content.decode()
    export = client.get("/security/audit/export/?format=csv&action=probe.").content.decode(
        "utf-8-sig"
    )
    for text in (body, export):
        assert "13812341234" not in text and "138****1234" in text
        assert "11010519491231002X" not in text and "110***********002X" in text


def test_the_audit_admin_verifies_the_chain_from_the_page(world: World, as_user) -> None:
    response = as_user("auditadmin").post("/security/audit/verify/", follow=True)
    assert "审计链校验通过" in response.content.decode()
