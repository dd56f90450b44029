"""The office's ranking of inspections by overdue measures (我的待办, 统计总览 by 逾期)."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.utils import timezone

from tests.web.helpers import TODAY, url
from tests.world import World, _unit
from zhenggai.accounts.models import OrganisationKind
from zhenggai.accounts.permissions import visible_inspections
from zhenggai.accounts.services import create_organisation
from zhenggai.ledger.models import Measure, MeasureKind, MeasureStatus
from zhenggai.ledger.services import plan
from zhenggai.web.queries import MostOverdue, with_inspection_stats

PAST, FUTURE = TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=30)


def _unit_with(world: World, name: str, year: int, deadlines: list[tuple]) -> int:
    """A unit of a round of ``year`` whose measures have (deadline, extended, status)."""
    rnd = plan.create_round(jurisdiction=world.jurisdiction, name=f"{year}年{name}轮", year=year)
    inspection = _unit(world.jurisdiction, name, rnd).inspection
    category = plan.add_category(inspection=inspection, title="党的建设方面")
    problem = plan.add_problem(category=category, text=f"{name}问题:制度执行不严。")
    for n, (deadline, extended, status) in enumerate(deadlines):
        measure = plan.add_measure(
            problem=problem,
            text=f"{name}措施{n + 1}:修订制度并督促落实",
            kind=MeasureKind.DEADLINE,
            deadline=deadline,
        )
        closed_at = timezone.now() if status == MeasureStatus.CLOSED else None
        Measure.objects.filter(pk=measure.pk).update(
            extended_deadline=extended, status=status, closed_at=closed_at
        )
    return inspection.pk


def _province(world: World) -> dict[str, int]:
    open_ = MeasureStatus.IN_PROGRESS
    return {
        # two overdue; a closed late one and an extension still running do not count
        "两逾期": _unit_with(
            world,
            "两逾期局",
            2025,
            [
                (PAST, None, open_),
                (FUTURE, PAST, open_),
                (PAST, None, MeasureStatus.CLOSED),
                (PAST, FUTURE, open_),
            ],
        ),
        # three overdue
        "三逾期": _unit_with(
            world, "三逾期局", 2024, [(PAST, None, open_)] * 3 + [(FUTURE, None, open_)]
        ),
        # two overdue, a later round than 两逾期: before it
        "两逾期新": _unit_with(world, "两逾期新局", 2027, [(PAST, None, open_)] * 2),
        # none overdue, without measures or with closed ones only
        "无措施": _unit_with(world, "无措施局", 2026, []),
        "全销号": _unit_with(world, "全销号局", 2026, [(PAST, None, MeasureStatus.CLOSED)]),
    }


def test_ranks_like_the_annotated_counts_page_by_page(world: World) -> None:
    ids = _province(world)
    visible = visible_inspections(world.office)
    expected = [
        row.pk
        for row in with_inspection_stats(visible, TODAY).order_by(
            "-measures_overdue", "-round__year", "unit__name", "pk"
        )
    ]
    assert expected[:3] == [ids["三逾期"], ids["两逾期新"], ids["两逾期"]]
    ranked = MostOverdue(visible, TODAY)
    assert [row.pk for row in ranked[:100]] == expected
    assert [row.measures_overdue for row in ranked[:3]] == [3, 2, 2]
    # pages of two, as the overview's paginator asks for them
    pages = Paginator(ranked, 2)
    assert pages.count == len(expected) == 7  # 5 units here, 甲局 and 乙局 of the world
    assert [row.pk for n in pages.page_range for row in pages.page(n)] == expected
    assert ranked[3:3] == []


def test_ranking_stays_inside_the_scope(world: World) -> None:
    ids = _province(world)
    other = create_organisation(name="另一市委巡察办", kind=OrganisationKind.JURISDICTION)
    rnd = plan.create_round(jurisdiction=other, name="2026年第一轮", year=2026)
    outside = _unit(other, "外市局", rnd).inspection
    problem = plan.add_problem(
        category=plan.add_category(inspection=outside, title="党的建设方面"), text="外市问题。"
    )
    for n in range(5):
        plan.add_measure(
            problem=problem, text=f"外市措施{n}", kind=MeasureKind.DEADLINE, deadline=PAST
        )
    ranked = [row.pk for row in MostOverdue(visible_inspections(world.office), TODAY)[:100]]
    assert outside.pk not in ranked
    assert ranked[0] == ids["三逾期"]
    coordinator = [row.pk for row in MostOverdue(visible_inspections(world.coordinator), TODAY)[:9]]
    assert coordinator == [world.a.inspection.pk]


def test_overview_and_home_show_the_ranking(world: World, as_user) -> None:
    ids = _province(world)
    page = as_user("office").get(url("web:overview", query="sort=overdue")).context["page"]
    assert [row.pk for row in page][:3] == [ids["三逾期"], ids["两逾期新"], ids["两逾期"]]
    assert page[0].rate is not None and page[0].measures_total == 4
    home = as_user("office").get(url("web:home")).context["sections"]
    units = next(s for s in home if s.key == "units")
    assert [row.pk for row in units.rows][:3] == [ids["三逾期"], ids["两逾期新"], ids["两逾期"]]


def test_overview_ranked_is_one_list_naming_each_round(world: World, as_user) -> None:
    _province(world)
    client = as_user("office")
    by_round = client.get(url("web:overview"))
    titles = [title for title, _ in by_round.context["groups"]]
    assert titles[0] == "2027年两逾期新局轮" and len(titles) == len(set(titles)) == 6
    ranked = client.get(url("web:overview", query="sort=overdue"))
    [(title, rows)] = ranked.context["groups"]
    assert title == "各轮次被巡察单位,逾期措施多的在前" and len(rows) == 7
    body = ranked.content.decode()
    assert body.count('<section class="panel"') == 1
    assert "2024年三逾期局轮 · " in body and "2027年两逾期新局轮 · " in body
