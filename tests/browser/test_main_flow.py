"""The main flow in a real browser: a department reports progress with a file, the
leader approves, the secretary closes, and the problem's status changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.world import PASSWORD, PDF, World, build_world
from zhenggai.ledger.models import Evidence, Measure, MeasureStatus, Problem, ProblemStatus
from zhenggai.ledger.services import workflow

pytestmark = pytest.mark.browser


@pytest.fixture
def flow_world(transactional_db, live_server) -> World:
    world = build_world()
    # The problem's other measure is already closed, so closing the first one completes it.
    other = world.a.measures[1]
    workflow.report_progress(
        measure=other,
        actor=world.dept,
        text="已完成",
        files=[("纪要.pdf", __import__("io").BytesIO(PDF))],
    )
    workflow.submit_for_review(measure=other, actor=world.dept, text="已完成全部整改")
    workflow.leader_review(measure=other, actor=world.leader, approve=True)
    workflow.close_measure(measure=other, actor=world.secretary, approve=True)
    return world


def as_user(browser, live_server, username: str):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def confirm(page, button_text: str, confirm_text: str, text: str | None = None) -> None:
    """Open an action's confirmation (loaded in place by HTMX) and confirm it."""
    page.get_by_role("link", name=f"{button_text}…").first.click()
    panel = page.locator("#action-panel")
    panel.get_by_role("heading", name=confirm_text).wait_for()
    if text is not None:
        panel.locator("textarea").fill(text)
    with page.expect_navigation():
        panel.get_by_role("button", name=confirm_text).click()


def test_progress_review_closure_in_the_browser(
    flow_world: World, live_server, browser, screenshot, tmp_path: Path
) -> None:
    measure = flow_world.a.measures[0]
    problem = measure.problem
    url = f"{live_server.url}/measures/{measure.pk}/"
    evidence_file = tmp_path / "整改会议纪要.pdf"
    evidence_file.write_bytes(PDF)

    # 1. The lead department reports progress with a file, then submits.
    context, page = as_user(browser, live_server, "dept")
    page.goto(url)
    page.locator("#progress textarea[name=text]").fill("已召开专题会议,制定学习计划并印发。")
    page.locator("#progress input[type=file]").set_input_files(str(evidence_file))
    with page.expect_navigation():
        page.locator("#progress button[type=submit]").click()
    assert Evidence.objects.filter(measure=measure, original_name="整改会议纪要.pdf").count() == 1
    assert "整改会议纪要.pdf" in page.inner_text("#timeline")
    confirm(page, "提交审核(申请销号)", "确认提交审核", "已完成全部整改内容。")
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.SUBMITTED
    context.close()

    # 2. The responsible leader approves.
    context, page = as_user(browser, live_server, "leader")
    page.goto(url)
    confirm(page, "审核通过", "确认审核通过", "同意。")
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.APPROVED
    context.close()

    # 3. The secretary closes (销号); the problem is now complete.
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.IN_PROGRESS
    context, page = as_user(browser, live_server, "secretary")
    page.goto(url)
    confirm(page, "销号", "确认销号")
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.CLOSED
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.DONE
    assert "已销号" in page.inner_text("main")
    screenshot(page, "measure-closed")

    page.goto(f"{live_server.url}/problems/{problem.pk}/")
    assert "已完成" in page.inner_text("main")
    page.goto(f"{live_server.url}/inspections/{flow_world.a.inspection.pk}/ledger/?tab=ledger")
    screenshot(page, "ledger")
    context.close()
