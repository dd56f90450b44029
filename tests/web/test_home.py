"""我的待办 and the review queue: what waits for each person, most urgent first."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.web.helpers import populate, url
from tests.world import TODAY, World
from zhenggai.ledger.models import Measure
from zhenggai.ledger.services import workflow


def section(response, key: str):
    return next(s for s in response.context["sections"] if s.key == key)


def test_department_sees_returned_first_then_what_to_update(world: World, as_user) -> None:
    made = populate(world)
    response = as_user("dept").get(url("web:home"))
    assert [m.pk for m in section(response, "returned").rows] == [made["returned"].pk]
    update = section(response, "update").rows
    # Overdue first, then nearest deadline; nothing under review or returned in this list.
    assert update[0].pk == made["overdue"].pk
    assert made["submitted"].pk not in {m.pk for m in update}
    assert made["returned"].pk not in {m.pk for m in update}
    assert [m.deadline for m in update] == sorted(m.deadline for m in update)
    body = response.content.decode()
    assert url("web:measure.detail", made["overdue"].pk) + "#progress" in body  # one click away


def test_department_does_not_see_other_departments(world: World, as_user) -> None:
    populate(world)
    response = as_user("outsider_dept").get(url("web:home"))
    ids = {m.pk for s in response.context["sections"] for m in s.rows}
    assert ids <= set(
        Measure.objects.filter(inspection=world.b.inspection).values_list("pk", flat=True)
    )


def test_leader_sees_only_their_own_reviews(world: World, as_user) -> None:
    made = populate(world)
    response = as_user("leader").get(url("web:home"))
    assert [m.pk for m in section(response, "leader").rows] == [made["submitted"].pk]
    assert url("web:measure.leader.approve", made["submitted"].pk) in response.content.decode()
    other = as_user("leader2").get(url("web:home"))
    assert section(other, "leader").rows == []
    assert "没有等待您审核的措施" in other.content.decode()


def test_secretary_sees_closures_of_their_unit(world: World, as_user) -> None:
    made = populate(world)
    response = as_user("secretary").get(url("web:home"))
    assert [m.pk for m in section(response, "closure").rows] == [made["approved"].pk]
    assert url("web:measure.close", made["approved"].pk) in response.content.decode()
    assert section(as_user("outsider_secretary").get(url("web:home")), "closure").rows == []


def test_coordinator_sees_overdue_near_and_unassigned(world: World, as_user) -> None:
    made = populate(world)
    Measure.objects.filter(pk=made["approved"].pk).update(deadline=TODAY + dt.timedelta(days=10))
    response = as_user("coordinator").get(url("web:home"))
    urgent = [m.pk for m in section(response, "urgent").rows]
    assert urgent == [made["overdue"].pk, made["approved"].pk]
    assert [m.pk for m in section(response, "unassigned").rows] == [made["unassigned"].pk]


def test_office_sees_units_with_rates_and_overdue(world: World, as_user) -> None:
    populate(world)
    response = as_user("office").get(url("web:home"))
    units = section(response, "units").rows
    assert [i.pk for i in units] == [world.a.inspection.pk, world.b.inspection.pk]  # overdue first
    assert (units[0].measures_overdue, units[0].problems_total) == (1, 2)
    body = response.content.decode()
    assert url("web:ledger", world.a.inspection.pk) + "?overdue=1" in body
    assert "完成率 =(已完成 + 阶段性完成)÷ 问题总数" in body


def test_inspector_is_pointed_to_the_ledger(world: World, as_user) -> None:
    body = as_user("inspector").get(url("web:home")).content.decode()
    assert "查阅整改台账" in body


def test_admins_see_no_business_data(world: World, as_user) -> None:
    populate(world)
    for persona in ("sysadmin", "secadmin", "auditadmin"):
        response = as_user(persona).get(url("web:home"))
        body = response.content.decode()
        assert "管理员账号不查看业务数据" in body
        assert "sections" not in response.context
        assert "制定学习计划" not in body
        assert url("web:inspections") not in body
    assert 'href="/admin/"' in as_user("sysadmin").get(url("web:home")).content.decode()
    assert 'href="/admin/"' not in as_user("secadmin").get(url("web:home")).content.decode()


def test_navigation_shows_only_what_the_role_may_use(world: World, as_user) -> None:
    expected = {
        "dept": ["我的待办", "整改台账"],
        "leader": ["我的待办", "整改台账", "审核"],
        "secretary": ["我的待办", "整改台账", "审核"],
        "office": ["我的待办", "整改台账", "统计总览"],
        "sysadmin": ["我的待办", "系统管理"],
        "auditadmin": ["我的待办"],
    }
    for persona, labels in expected.items():
        nav = as_user(persona).get(url("web:home")).context["nav_items"]
        assert [str(item["label"]) for item in nav] == labels, persona


def test_review_queue_lists_and_links_inline_actions(world: World, as_user) -> None:
    made = populate(world)
    response = as_user("leader").get(url("web:reviews"))
    assert [m.pk for m in response.context["leader_page"]] == [made["submitted"].pk]
    assert response.context["closure_page"] is None
    body = response.content.decode()
    approve = url("web:measure.leader.approve", made["submitted"].pk)
    assert f'hx-get="{approve}?next=/reviews/"' in body
    assert "整改已完成,佐证已上传" in body  # the completion statement is quoted
    secretary = as_user("secretary").get(url("web:reviews"))
    assert [m.pk for m in secretary.context["closure_page"]] == [made["approved"].pk]


def test_overview_figures_and_drill_down_links(world: World, as_user) -> None:
    made = populate(world)
    problem = world.a.problems[0]
    workflow.close_measure(measure=made["approved"], actor=world.secretary, approve=True)
    approved_other = Measure.objects.get(pk=made["submitted"].pk)
    workflow.leader_review(measure=approved_other, actor=world.leader, approve=True)
    workflow.close_measure(measure=approved_other, actor=world.secretary, approve=True)
    problem.refresh_from_db()
    assert problem.status == "done"
    response = as_user("office").get(url("web:overview"))
    rows = {i.pk: i for i in response.context["page"]}
    a = rows[world.a.inspection.pk]
    assert (a.problems_total, a.problems_done, a.problems_in_progress) == (2, 1, 1)
    assert (a.measures_total, a.measures_closed, a.measures_overdue) == (5, 2, 1)
    assert a.rate == 50.0
    b = rows[world.b.inspection.pk]
    assert (b.problems_total, b.problems_not_started, b.rate) == (2, 2, 0.0)
    body = response.content.decode()
    ledger = url("web:ledger", world.a.inspection.pk)
    assert f"{ledger}?tab=problems&amp;status=done" in body
    assert f"{ledger}?tab=ledger&amp;overdue=1" in body
    assert f"{ledger}?tab=ledger&amp;status=closed" in body
    assert "完成率 =(已完成 + 阶段性完成)÷ 问题总数" in body
    assert "50.0%" in body
    by_rate = as_user("office").get(url("web:overview", query="sort=rate")).context["page"]
    assert [i.pk for i in by_rate] == [world.b.inspection.pk, world.a.inspection.pk]


def _sidenav(html: str) -> list[tuple[str, str, bool]]:
    """(label, href, current) of each link of the side navigation."""
    nav = html.split('<nav class="sidenav"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', nav, re.S)
    return [
        (re.sub(r"<[^>]+>", "", text).strip(), href, "aria-current" in attrs)
        for href, attrs, text in links
    ]


@pytest.mark.parametrize(
    ("persona", "page", "expected"),
    [
        (
            "office",
            "web:overview",
            [
                "我的待办",
                "整改台账",
                "统计总览*",
                "督办",
                "延期申请",
                "回头看",
                "统计图表",
                "消息",
                "报告",
            ],
        ),
        ("coordinator", "web:home", ["我的待办*", "整改台账", "督办", "延期申请", "消息", "报告"]),
        ("dept", "web:inspections", ["我的待办", "整改台账*", "督办", "延期申请", "消息"]),
        (
            "secretary",
            "web:reviews",
            ["我的待办", "整改台账", "审核*", "督办", "延期申请", "消息", "报告"],
        ),
    ],
)
def test_the_side_navigation_links_each_page_of_the_role_once(
    world: World, as_user, persona: str, page: str, expected: list[str]
) -> None:
    html = as_user(persona).get(url(page)).content.decode()
    links = _sidenav(html)
    assert [label + ("*" if current else "") for label, _, current in links] == expected
    for label, href, _ in links:
        assert href.startswith("/") and " " not in href, label
