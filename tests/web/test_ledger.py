"""The unit ledger: filters narrow the rows, pages page, departments see only their own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.test import override_settings

from tests.web.helpers import grow, populate, url
from tests.world import TODAY, World
from zhenggai.ledger.models import Measure, MeasureKind, MeasureStatus, Problem
from zhenggai.ledger.services import plan, workflow

TABS = ["problems", "tasks", "responsibility", "ledger"]


def rows(client, world: World, query: str = "") -> list:
    response = client.get(url("web:ledger", world.a.inspection.pk, query=query))
    assert response.status_code == 200
    return list(response.context["page"].object_list)


@pytest.fixture
def varied(world: World) -> dict[str, Measure]:
    """Populated unit A plus measures that differ in category, department and leader."""
    made = populate(world)
    a = world.a
    category = plan.add_category(inspection=a.inspection, title="财务管理方面")
    problem = plan.add_problem(category=category, text="公务接待审批不规范。")
    info_problem = plan.add_problem(category=category, text="接待系统数据不全。")
    made["info_led"] = plan.add_measure(
        problem=info_problem,
        text="信息中心牵头梳理接待系统",
        responsible_leader=world.leader2,
        lead_department=a.departments["信息中心"],
        deadline=TODAY + dt.timedelta(days=5),
    )
    made["closed_late"] = plan.add_measure(
        problem=problem,
        text="已销号但原定时限已过",
        responsible_leader=world.leader,
        lead_department=a.departments["综合处"],
        deadline=TODAY - dt.timedelta(days=20),
    )
    from tests.web.helpers import approved

    approved(world, made["closed_late"])
    workflow.close_measure(measure=made["closed_late"], actor=world.secretary, approve=True)
    made["category"] = category
    made["finance_problem"] = problem
    made["info_problem"] = info_problem
    return made


def test_unfiltered_ledger_shows_every_measure_of_the_unit(world: World, as_user, varied) -> None:
    shown = {m.pk for m in rows(as_user("coordinator"), world)}
    assert shown == set(
        Measure.objects.filter(inspection=world.a.inspection).values_list("pk", flat=True)
    )
    assert not shown & set(
        Measure.objects.filter(inspection=world.b.inspection).values_list("pk", flat=True)
    )


def test_category_filter(world: World, as_user, varied) -> None:
    shown = rows(as_user("coordinator"), world, f"category={varied['category'].pk}")
    assert {m.pk for m in shown} == {varied["info_led"].pk, varied["closed_late"].pk}


def test_status_filter(world: World, as_user, varied) -> None:
    shown = rows(as_user("coordinator"), world, "status=submitted")
    assert [m.pk for m in shown] == [varied["submitted"].pk]


def test_department_filter(world: World, as_user, varied) -> None:
    dept = world.a.departments["信息中心"]
    shown = rows(as_user("coordinator"), world, f"department={dept.pk}")
    assert [m.pk for m in shown] == [varied["info_led"].pk]


def test_leader_filter(world: World, as_user, varied) -> None:
    shown = rows(as_user("coordinator"), world, f"leader={world.leader2.pk}")
    assert [m.pk for m in shown] == [varied["info_led"].pk]


def test_overdue_filter_leaves_out_closed_items(world: World, as_user, varied) -> None:
    shown = rows(as_user("coordinator"), world, "overdue=1")
    assert [m.pk for m in shown] == [varied["overdue"].pk]


def test_filters_combine(world: World, as_user, varied) -> None:
    query = f"category={varied['category'].pk}&leader={world.leader.pk}&status=closed"
    assert [m.pk for m in rows(as_user("coordinator"), world, query)] == [varied["closed_late"].pk]


def test_sort_by_deadline_and_by_light(world: World, as_user, varied) -> None:
    client = as_user("coordinator")
    deadlines = [m.deadline for m in rows(client, world, "sort=deadline")]
    assert deadlines == sorted(deadlines)
    assert [m.deadline for m in rows(client, world, "sort=-deadline")] == sorted(
        deadlines, reverse=True
    )
    by_light = rows(client, world, "sort=light")
    assert by_light[0].pk == varied["overdue"].pk  # red first
    assert by_light[1].pk == varied["info_led"].pk  # then yellow (5 days left)
    assert by_light[-1].status == MeasureStatus.CLOSED  # blue last


def test_invalid_filter_values_are_ignored(world: World, as_user, varied) -> None:
    client = as_user("coordinator")
    assert len(
        rows(client, world, "category=abc&status=nonsense&leader=999999&sort=x&tab=zzz")
    ) == len(rows(client, world))


def test_problems_tab_filters(world: World, as_user, varied) -> None:
    client = as_user("coordinator")
    assert [
        p.pk for p in rows(client, world, f"tab=problems&category={varied['category'].pk}")
    ] == [varied["finance_problem"].pk, varied["info_problem"].pk]
    overdue = rows(client, world, "tab=problems&overdue=1")
    assert [p.pk for p in overdue] == [varied["overdue"].problem_id]
    dept = world.a.departments["信息中心"]
    assert [p.pk for p in rows(client, world, f"tab=problems&department={dept.pk}")] == [
        varied["info_problem"].pk
    ]
    in_progress = rows(client, world, "tab=problems&status=in_progress")
    assert {p.status for p in in_progress} == {"in_progress"}
    assert (
        len(in_progress)
        == Problem.objects.filter(inspection=world.a.inspection, status="in_progress").count()
    )


def test_problems_tab_counts_and_stated_mismatch(world: World, as_user, varied) -> None:
    problem = world.a.problems[0]
    Problem.objects.filter(pk=problem.pk).update(stated_planned=6, stated_done=6)
    response = as_user("coordinator").get(
        url("web:ledger", world.a.inspection.pk, query="tab=problems")
    )
    row = next(p for p in response.context["page"] if p.pk == problem.pk)
    assert (row.measure_count, row.total_measures) == (2, 2)
    assert "报告称 6 项" in response.content.decode()


@override_settings(ZHENGGAI_PAGE_SIZE=5)
def test_pagination(world: World, as_user) -> None:
    populate(world)
    grow(world, 3)  # 5 + 12 measures in unit A
    client = as_user("coordinator")
    first = client.get(url("web:ledger", world.a.inspection.pk, query="sort=deadline"))
    page = first.context["page"]
    assert page.paginator.count == 17 and page.paginator.num_pages == 4 and len(page) == 5
    third = client.get(url("web:ledger", world.a.inspection.pk, query="sort=deadline&page=3"))
    assert [m.pk for m in third.context["page"]] == [
        m.pk
        for m in Measure.objects.filter(inspection=world.a.inspection).order_by(
            "deadline", "problem__position", "position"
        )[10:15]
    ]
    body = third.content.decode()
    assert "第 3 页,共 4 页" in body
    assert "?sort=deadline&amp;page=4" in body and "?sort=deadline&amp;page=2" in body
    beyond = client.get(url("web:ledger", world.a.inspection.pk, query="page=99"))
    assert beyond.context["page"].number == 4  # a stale page number shows the last page


@pytest.mark.parametrize("tab", TABS)
def test_department_sees_only_its_own_rows_in_every_tab(
    world: World, as_user, varied, tab: str
) -> None:
    """综合处 sees neither measures it does not lead or support, nor problems with only those."""
    dept = world.a.departments["综合处"]
    own = Measure.objects.filter(inspection=world.a.inspection).filter(
        Q(lead_department=dept) | Q(supporting_departments=dept)
    )
    shown = rows(as_user("dept"), world, f"tab={tab}")
    if tab == "problems":
        assert {p.pk for p in shown} == set(own.values_list("problem_id", flat=True))
        assert varied["info_problem"].pk not in {p.pk for p in shown}
        for problem in shown:  # counts include only the department's own measures
            assert problem.measure_count == own.filter(problem=problem).count()
    else:
        assert {m.pk for m in shown} == set(own.values_list("pk", flat=True))
        assert varied["info_led"].pk not in {m.pk for m in shown}
        assert varied["unassigned"].pk not in {m.pk for m in shown}
    page = as_user("dept").get(url("web:ledger", world.a.inspection.pk, query=f"tab={tab}"))
    assert "只显示本部门牵头或配合的措施" in page.content.decode()
    assert varied["info_led"].text not in page.content.decode()


def test_department_problem_page_lists_only_its_measures(world: World, as_user, varied) -> None:
    mine = plan.add_measure(
        problem=varied["info_problem"],
        text="综合处配合整改",
        lead_department=world.a.departments["综合处"],
    )
    response = as_user("dept").get(url("web:problem.detail", varied["info_problem"].pk))
    assert [m.pk for m in response.context["measures"]] == [mine.pk]
    body = response.content.decode()
    assert "共列出 2 项整改措施" in body and "其中由本部门牵头或配合的 1 项" in body
    assert varied["info_led"].text not in body


def test_supporting_department_sees_supported_measures(world: World, as_user, varied) -> None:
    shown = {m.pk for m in rows(as_user("dept_support"), world)}
    assert varied["info_led"].pk in shown  # it leads this one
    assert varied["submitted"].pk in shown  # it supports this one
    assert varied["closed_late"].pk not in shown  # neither leads nor supports


def test_htmx_filter_returns_the_results_fragment(world: World, as_user, varied) -> None:
    client = as_user("coordinator")
    response = client.get(
        url("web:ledger", world.a.inspection.pk, query="status=submitted"),
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "<html" not in body and "台账:共 1 条" in body
    assert 'id="ledger-tabs"' in body and 'hx-swap-oob="true"' in body
    assert "HX-Request" in response["Vary"]
    restore = client.get(
        url("web:ledger", world.a.inspection.pk, query="status=submitted"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.content.decode()


def test_filter_state_is_in_links(world: World, as_user, varied) -> None:
    query = f"category={varied['category'].pk}&overdue=1&status=closed"
    body = (
        as_user("coordinator")
        .get(url("web:ledger", world.a.inspection.pk, query=query))
        .content.decode()
    )
    # Tab links keep the shared filters but drop the status, whose meaning differs per tab.
    assert f'href="?category={varied["category"].pk}&amp;overdue=1&amp;tab=problems"' in body


def test_ledger_row_shows_latest_progress_and_evidence_count(world: World, as_user, varied) -> None:
    measure = varied["returned"]
    workflow.report_progress(measure=measure, actor=world.dept, text="已补充会议纪要")
    row = next(m for m in rows(as_user("coordinator"), world) if m.pk == measure.pk)
    assert row.latest_progress == "已补充会议纪要"
    assert row.evidence_count == 1


def test_empty_ledger_says_what_to_do(world: World, as_user) -> None:
    later = plan.create_round(jurisdiction=world.jurisdiction, name="2027年第一轮", year=2027)
    fresh = plan.create_inspection(
        round=later,
        unit=world.a.org,
        unit_name="中共甲局党组",
        team="市委第二巡察组",
        period_start=dt.date(2027, 3, 1),
        period_end=dt.date(2027, 4, 1),
        feedback_date=dt.date(2027, 5, 1),
    )
    client = as_user("coordinator")
    body = client.get(url("web:ledger", fresh.pk)).content.decode()
    assert "尚无整改措施" in body and "导入台账" in body
    problems = client.get(url("web:ledger", fresh.pk, query="tab=problems")).content.decode()
    assert "尚无反馈问题" in problems
    filtered = client.get(url("web:ledger", world.a.inspection.pk, query="status=closed"))
    assert "没有符合筛选条件的条目" in filtered.content.decode()


def test_long_term_measure_closed_still_takes_progress(world: World, as_user, varied) -> None:
    measure = varied["unassigned"]
    assert measure.kind == MeasureKind.ONGOING
    Measure.objects.filter(pk=measure.pk).update(lead_department=world.a.departments["综合处"])
    measure.refresh_from_db()
    from tests.web.helpers import approved

    approved(world, measure)
    workflow.close_measure(measure=measure, actor=world.secretary, approve=True)
    page = as_user("dept").get(url("web:measure.detail", measure.pk)).content.decode()
    assert 'id="progress"' in page


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_escapes_what_people_typed(world: World, as_user, tab: str) -> None:
    """Texts, departments and leaders are written by people: no markup gets through."""
    populate(world)
    a = world.a
    hostile = '<script>alert("x")</script>&'
    category = plan.add_category(inspection=a.inspection, title=f"类别{hostile}")
    problem = plan.add_problem(category=category, text=f"问题{hostile}")
    measure = plan.add_measure(
        problem=problem,
        text=f"措施{hostile}",
        group=f"分组{hostile}",
        responsible_leader=world.leader,
        lead_department=a.departments["综合处"],
        supporting_departments=[a.departments["信息中心"]],
        deadline=TODAY + dt.timedelta(days=3),
    )
    workflow.report_progress(measure=measure, actor=world.dept, text=f"进展{hostile}")
    page = as_user("coordinator").get(
        url("web:ledger", a.inspection.pk, query=f"tab={tab}&category={category.pk}")
    )
    html = page.content.decode()
    assert "<script>" not in html.split("</head>")[1]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in html
    # Every cell carries its column's name for the narrow-screen card layout.
    body = html.split("<tbody>")[1]
    assert body.count("<td ") == body.count('<td data-label="')


def test_filter_choices_are_the_unit_s_categories_departments_and_leaders(world: World) -> None:
    """One query gives what the three ORM queries gave: labels as ``str()``, the unit's
    own departments in tree order, its leaders by name, nothing of unit B."""
    from zhenggai.accounts.models import Organisation, OrganisationKind
    from zhenggai.web.queries import filter_choices

    a = world.a
    second = plan.add_category(inspection=a.inspection, title="财务管理方面")
    world.leader2.display_name = ""  # shown by user name, as str(user) does
    world.leader2.save()

    choices = filter_choices(a.inspection.pk, a.org.pk)

    categories = list(a.inspection.categories.order_by("position"))
    assert choices.categories == [(c.pk, str(c)) for c in categories]
    assert choices.categories[-1] == (second.pk, f"{second.number}. 财务管理方面")
    departments = Organisation.objects.filter(
        parent=a.org, kind=OrganisationKind.DEPARTMENT
    ).order_by("path")
    assert choices.departments == [(d.pk, d.name) for d in departments]
    assert {pk for pk, _ in choices.departments}.isdisjoint(
        d.pk for d in world.b.departments.values()
    )
    assert choices.leaders == sorted(
        [(world.leader.pk, "leader"), (world.leader2.pk, "leader2")], key=lambda c: c[1]
    )
    assert world.outsider_leader.pk not in {pk for pk, _ in choices.leaders}


def test_filter_bar_offers_the_choices(world: World, as_user) -> None:
    response = as_user("coordinator").get(url("web:ledger", world.a.inspection.pk))
    form = response.context["form"]
    leaders = [pk for pk, _ in form.fields["leader"].choices]
    assert leaders == ["", world.leader.pk, world.leader2.pk]
    assert [label for _, label in form.fields["department"].choices][1:] == ["综合处", "信息中心"]
    html = response.content.decode()
    assert f'<option value="{world.leader2.pk}">leader2</option>' in html


def _problem_columns(problems) -> list[tuple]:
    return [
        (
            p.pk,
            p.number,
            p.category.title,
            p.status,
            p.rebound,
            p.stated_planned,
            p.measure_count,
            p.closed_count,
            p.overdue_count,
            p.total_measures,
        )
        for p in problems
    ]


@pytest.mark.parametrize("day", [TODAY, TODAY + dt.timedelta(days=400)])
def test_whole_unit_problems_are_what_the_orm_query_gives(world: World, varied, day) -> None:
    """The unfiltered problems tab's compiled query against the ORM's, on two days (the
    overdue counts change with the day)."""
    from zhenggai.web.filters import filter_problems, whole_unit_problems
    from zhenggai.web.queries import with_problem_columns

    Problem.objects.filter(pk=world.a.problems[0].pk).update(stated_planned=6, rebound=True)
    for inspection in (world.a.inspection, world.b.inspection):
        orm = with_problem_columns(
            filter_problems(Problem.objects.filter(inspection=inspection), {}, None, day),
            None,
            day,
            whole_unit=True,
        )
        compiled = whole_unit_problems(inspection.pk, day)
        assert _problem_columns(compiled) == _problem_columns(orm)
        assert compiled
    overdue = sum(p.overdue_count for p in whole_unit_problems(world.a.inspection.pk, day))
    now = sum(p.overdue_count for p in whole_unit_problems(world.a.inspection.pk, TODAY))
    assert overdue > now if day > TODAY else overdue == now


@override_settings(ZHENGGAI_PAGE_SIZE=2)
def test_unfiltered_problems_tab_pages_without_a_count(
    world: World, as_user, varied, django_assert_num_queries
) -> None:
    client = as_user("coordinator")
    every = list(
        Problem.objects.filter(inspection=world.a.inspection)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    pages = -(-len(every) // 2)
    seen = []
    for number in range(1, pages + 1):
        response = client.get(
            url("web:ledger", world.a.inspection.pk, query=f"tab=problems&page={number}")
        )
        page = response.context["page"]
        assert page.paginator.count == len(every) and page.paginator.num_pages == pages
        seen += [p.pk for p in page]
    assert seen == every
    with django_assert_num_queries(7):  # session, user, memberships, inspection, choices,
        client.get(url("web:ledger", world.a.inspection.pk, query="tab=problems"))  # rows, badge
