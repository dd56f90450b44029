"""The report page in a real browser: the coordinator sees the live preview, generates a
version and downloads it as .docx, which opens in python-docx."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from tests.browser.test_main_flow import as_user
from tests.world import World, build_world
from zhenggai.documents.models import Report

pytestmark = pytest.mark.browser


@pytest.fixture
def report_world(transactional_db, live_server, settings, tmp_path: Path) -> World:
    settings.DATA_DIR = tmp_path
    return build_world()


def test_preview_generate_and_download(
    report_world: World, live_server, browser, screenshot, tmp_path: Path
) -> None:
    inspection = report_world.a.inspection
    context, page = as_user(browser, live_server, "coordinator")
    page.goto(f"{live_server.url}/inspections/{inspection.pk}/report/")

    # The live preview: the report as it would be generated now, styled as it prints.
    preview = page.locator("#preview .zg-report")
    preview.wait_for()
    assert "巡察整改进展情况的通报" in preview.locator(".zg-title").inner_text()
    assert "整改工作组织情况" in preview.inner_text()
    screenshot(page, "report-preview")

    # Generate version 1: the page moves to the stored version.
    with page.expect_navigation():
        page.get_by_role("button", name="生成第1版").click()
    report = Report.objects.get(inspection=inspection)
    assert page.url.endswith(f"/reports/{report.pk}/")
    assert "已生成第1版报告" in page.inner_text(".messages")
    assert "与台账一致" in page.inner_text("main")

    # Download the .docx and open it.
    with page.expect_download() as info:
        page.get_by_role("link", name="Word(.docx)").click()
    target = tmp_path / "report.docx"
    info.value.save_as(target)
    assert info.value.suggested_filename.endswith("-v1.docx")
    document = Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "巡察整改进展情况的通报" in text and "整改工作组织情况" in text
    context.close()
