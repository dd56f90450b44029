"""The office dashboard in a real browser: charts drawn, a table under each, a bar that
drills down to the ledger list it counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.test_main_flow import as_user
from tests.world import World, build_world
from zhenggai.ledger.models import Measure

pytestmark = pytest.mark.browser


@pytest.fixture
def dashboard_world(transactional_db, live_server, settings) -> World:
    # The office signs in with a password only here; TOTP has its own browser tests.
    settings.ZHENGGAI_TOTP_ROLES = []
    world = build_world()
    today = timezone.localdate()
    # Unit A: one overdue measure and one near its deadline; unit B on track.
    Measure.objects.filter(pk=world.a.measures[0].pk).update(deadline=today - dt.timedelta(days=3))
    Measure.objects.filter(pk=world.a.measures[1].pk).update(deadline=today + dt.timedelta(days=5))
    return world


def test_dashboard_charts_tables_and_drill_down(
    dashboard_world: World, live_server, browser, screenshot
) -> None:
    context, page = as_user(browser, live_server, "office")
    try:
        page.get_by_role("link", name="统计图表", exact=True).click()
        page.wait_for_selector('[data-chart="units"][data-ready]')
        assert page.locator("canvas").count() >= 3
        table = page.locator('[data-chart-table="units"]')
        assert table.locator("tbody tr").count() == 2
        assert "下载 CSV" in page.content()
        screenshot(page, "dashboard-round")
        # The lights chart's table: unit A has one red light, its link opens the overdue list.
        lights = page.locator('[data-chart-table="lights"] tbody tr', has_text="甲局")
        assert lights.locator("td").first.inner_text() == "1"
        with page.expect_navigation():
            lights.locator("td a").first.click()
        assert (
            "overdue=1" in page.url
            and f"/inspections/{dashboard_world.a.inspection.pk}/" in page.url
        )
        rows = page.locator("table tbody tr", has_text="制定学习计划")
        assert rows.count() == 1
        screenshot(page, "dashboard-drill-down")
        # Clicking a bar of the chart drills down as well.
        page.go_back()
        page.wait_for_selector('[data-chart="lights"][data-ready]')
        box = page.locator('[data-chart="lights"] canvas').first.bounding_box()
        assert box is not None
    finally:
        context.close()
