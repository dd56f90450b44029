"""The web pages in a real Chromium: HTMX filters and confirmations, clamps, the phone layout.

Kept beside the other browser tests so that they share one Playwright per test session
(two sync Playwright instances cannot run in one thread).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.helpers import submitted
from tests.world import PASSWORD, World, build_world
from zhenggai.ledger.models import Measure, MeasureStatus

pytestmark = pytest.mark.browser
# Waits use locator assertions: Playwright's wait_for_function evaluates a string in the
# page, which the site's Content-Security-Policy (no 'unsafe-eval') refuses.


@pytest.fixture
def live_world(transactional_db, live_server) -> World:
    world = build_world()
    long_text = "建立健全学习制度并严格执行," * 12
    Measure.objects.filter(pk=world.a.measures[1].pk).update(text=long_text)
    return world


def login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_filters_swap_the_table_and_keep_the_url(live_world: World, live_server, page) -> None:
    submitted(live_world, live_world.a.measures[0])
    login(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/inspections/{live_world.a.inspection.pk}/ledger/")
    assert "台账:共 4 条" in page.inner_text("#ledger-results")
    page.select_option("#id_status", "submitted")
    expect(page.locator("#ledger-results")).to_contain_text("共 1 条")
    assert "status=submitted" in page.url  # bookmarkable
    assert "category=" not in page.url  # empty filters stay out of the address
    assert page.locator("html").get_attribute("class") == "js"
    page.check("#id_overdue")
    expect(page.locator("#ledger-results")).to_contain_text("共 0 条")
    # The tab links follow the filters (swapped out of band with the results).
    assert "overdue=on" in page.get_attribute("#ledger-tabs a:has-text('问题清单')", "href")
    page.reload()
    assert "共 0 条" in page.inner_text("#ledger-results")


def test_long_text_expands_in_place(live_world: World, live_server, page) -> None:
    login(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/inspections/{live_world.a.inspection.pk}/ledger/?tab=tasks")
    toggle = page.locator(".clamp-toggle").first
    assert toggle.get_attribute("aria-expanded") == "false"
    clamped = page.locator(".clamp-toggle").first.locator("xpath=preceding-sibling::*[1]")
    before = clamped.bounding_box()["height"]
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert clamped.bounding_box()["height"] > before


def test_return_through_the_confirmation(live_world: World, live_server, page) -> None:
    measure = submitted(live_world, live_world.a.measures[0])
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/measures/{measure.pk}/")
    page.click("#actions a:has-text('退回')")
    page.wait_for_selector("#action-panel textarea[name=reason]")
    assert page.evaluate("document.activeElement.name") == "reason"  # focus moves to the form
    assert measure.text[:10] in page.inner_text("#action-panel")
    # The browser itself requires the reason; the server also refuses an empty one.
    page.evaluate("document.querySelector('#action-panel textarea').removeAttribute('required')")
    page.click("#action-panel button[type=submit]")
    page.wait_for_selector(".field-error")
    assert "退回时必须填写理由。" in page.inner_text(".field-error")
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.SUBMITTED
    page.fill("textarea[name=reason]", "请补充会议纪要")
    page.click("button[type=submit].button--danger")
    page.wait_for_selector(".message--success")
    assert "已退回" in page.inner_text(".messages")
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.IN_PROGRESS


def test_phone_layout_menu_and_cards(live_world: World, live_server, page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/inspections/{live_world.a.inspection.pk}/ledger/")
    nav = page.locator(".sidenav").bounding_box()
    assert nav["width"] >= 380 and nav["y"] < 120  # a top menu, not a side column
    assert page.locator(".table--cards thead").bounding_box()["height"] <= 1
    cell = page.locator(".table--cards tbody td").first
    assert page.evaluate("el => getComputedStyle(el).display", cell.element_handle()) == "block"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
