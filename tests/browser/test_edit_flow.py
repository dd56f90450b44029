"""Building the plan in a real browser: the coordinator adds a problem and a measure with
its leader, departments and deadline through the forms, the secretary approves the plan,
and the new measure shows 整改中 on the ledger."""

from __future__ import annotations

import pytest

from tests.world import PASSWORD, World, build_world
from zhenggai.ledger.models import Inspection, Measure, MeasureStatus, Problem

pytestmark = pytest.mark.browser


@pytest.fixture
def edit_world(transactional_db, live_server) -> World:
    return build_world()


def sign_in(browser, live_server, username: str, width: int = 1366):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def test_coordinator_builds_the_plan_and_the_secretary_approves(
    edit_world: World, live_server, browser, screenshot
) -> None:
    inspection = edit_world.a.inspection
    ledger_url = f"{live_server.url}/inspections/{inspection.pk}/ledger/"

    # 1. The coordinator adds a problem from the ledger.
    context, page = sign_in(browser, live_server, "coordinator")
    page.goto(ledger_url)
    assert "未审批" in page.inner_text(".plan-bar")
    page.get_by_role("link", name="添加问题", exact=True).click()
    page.get_by_label("问题类别").select_option(label="1. 党的建设方面")
    page.get_by_label("问题表现").fill("公务接待审批单填写不规范,个别接待无公函。")
    with page.expect_navigation():
        page.get_by_role("button", name="添加问题").click()
    problem = Problem.objects.get(inspection=inspection, text__startswith="公务接待审批单")
    assert "已添加问题(3)。下一步:为该问题添加整改措施。" in page.inner_text(".messages")

    # 2. … and a measure under it, with leader, departments and deadline.
    page.get_by_role("link", name="添加措施").click()
    page.get_by_label("整改措施").fill("组织财务人员专题培训,逐单整改2025年以来的接待审批单")
    page.get_by_label("所属方面(在…方面)").fill("在公务接待管理方面")
    page.get_by_label("限期整改").check()
    page.get_by_label("责任领导").select_option(label="leader2")
    page.get_by_label("牵头部门").select_option(label="综合处")
    page.get_by_label("信息中心").check()
    page.get_by_label("完成时限").fill("2026-12-31")
    screenshot(page, "measure-form")
    page.set_viewport_size({"width": 390, "height": 900})
    screenshot(page, "measure-form-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    with page.expect_navigation():
        page.get_by_role("button", name="添加措施").click()
    assert "下一步:主要负责人审批整改方案" in page.inner_text(".messages")
    measure = Measure.objects.get(problem=problem)
    assert measure.responsible_leader == edit_world.leader2
    assert measure.lead_department == edit_world.a.departments["综合处"]
    assert [d.name for d in measure.supporting_departments.all()] == ["信息中心"]
    assert measure.deadline.isoformat() == "2026-12-31"
    assert measure.status == MeasureStatus.DRAFT
    context.close()

    # 3. The secretary approves the plan from the ledger.
    context, page = sign_in(browser, live_server, "secretary")
    page.goto(ledger_url)
    page.get_by_role("link", name="审批整改方案…").click()
    assert "方案中 5 项草拟措施进入“整改中”" in page.inner_text("main")
    screenshot(page, "plan-approve")
    with page.expect_navigation():
        page.get_by_role("button", name="确认审批整改方案").click()
    assert "已审批整改方案,5 项措施进入“整改中”" in page.inner_text(".messages")
    assert Inspection.objects.get(pk=inspection.pk).plan_approved_by == edit_world.secretary
    assert "已于" in page.inner_text(".plan-bar")

    # 4. The new measure shows 整改中 on the ledger.
    row = page.locator("tr", has_text="组织财务人员专题培训")
    assert "整改中" in row.inner_text()
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.IN_PROGRESS
    screenshot(page, "ledger-after-approval")
    context.close()
