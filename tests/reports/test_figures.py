"""The figures shared by reports and dashboards: counts, rate, outcomes, fixed queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.ledger.helpers import to_closed, to_in_progress
from tests.world import TODAY, World
from zhenggai.accounts.permissions import scope_of
from zhenggai.documents.report.figures import (
    completion_rate,
    figures_for,
    inspection_figures,
    round_figures,
)
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.services import outcome
from zhenggai.web.queries import with_inspection_stats

LATER = TODAY + dt.timedelta(days=40)  # every open measure of the world is overdue then


@pytest.fixture
def progressed(world: World) -> World:
    """Unit A: problem 1 done (both measures closed), problem 2 in progress; outcomes recorded."""
    to_closed(world, world.a.measures[0])
    to_closed(world, world.a.measures[1])
    to_in_progress(world, world.a.measures[2])
    insp = world.a.inspection
    outcome.record_accountability(
        inspection=insp, actor=world.inspector, form="reminder", people=2, decided_on=TODAY
    )
    outcome.record_accountability(
        inspection=insp, actor=world.inspector, form="admonishment", people=1, decided_on=TODAY
    )
    outcome.record_institution(
        inspection=insp, actor=world.coordinator, title="学习制度", kind="new"
    )
    outcome.record_institution(
        inspection=insp, actor=world.coordinator, title="考勤制度", kind="revised"
    )
    outcome.record_recovery(
        inspection=insp,
        actor=world.coordinator,
        amount_yuan=Decimal("12345.60"),
        description="追回多发补贴",
        recorded_on=TODAY,
    )
    return world


def test_completion_rate_is_done_plus_partial_over_problems() -> None:
    assert completion_rate(3, 1, 8) == 50.0
    assert completion_rate(1, 0, 3) == 33.3
    assert completion_rate(0, 0, 0) is None


def test_inspection_figures(progressed: World) -> None:
    figures = inspection_figures(progressed.a.inspection, LATER)
    assert (figures.problems, figures.done, figures.partial, figures.in_progress) == (2, 1, 0, 1)
    assert figures.not_started == 0
    assert figures.completion_rate == 50.0
    assert (figures.measures, figures.measures_closed, figures.measures_overdue) == (4, 2, 2)
    assert figures.accountability == {"reminder": 2, "admonishment": 1}
    assert figures.accountability_people == 3
    assert figures.accountability_items() == [("提醒谈话", 2), ("诫勉", 1)]
    assert (figures.institutions_new, figures.institutions_revised) == (1, 1)
    assert figures.recovered_yuan == Decimal("12345.60")
    assert figures.open_flags == 0
    assert figures.to_json()["completion_rate"] == 50.0


def test_overdue_depends_on_the_day(progressed: World) -> None:
    assert inspection_figures(progressed.a.inspection, TODAY).measures_overdue == 0


def test_fixed_number_of_queries(progressed: World, django_assert_num_queries) -> None:
    # inspections, problems, measures, accountability, institutions, recoveries, quality flags
    with django_assert_num_queries(7):
        figures_for(Inspection.objects.filter(pk=progressed.a.inspection.pk), LATER)
    with django_assert_num_queries(7):
        figures_for(Inspection.objects.all(), LATER)


def test_round_figures_are_scoped_and_totalled(
    progressed: World, django_assert_num_queries
) -> None:
    rnd = progressed.a.inspection.round
    office = round_figures(rnd, progressed.office, LATER)
    assert [unit.unit_name for unit in office.units] == ["乙局", "甲局"]
    assert office.total.problems == 4
    assert office.total.done == 1
    assert office.total.measures_overdue == 6
    assert office.total.completion_rate == 25.0
    assert office.total.accountability == {"reminder": 2, "admonishment": 1}
    outsider = round_figures(rnd, progressed.outsider_secretary, LATER)
    assert [unit.unit_name for unit in outsider.units] == ["乙局"]
    nobody = round_figures(rnd, progressed.sysadmin, LATER)
    assert nobody.units == [] and nobody.total.problems == 0
    scope_of(progressed.office)  # the user's memberships, read once per request
    with django_assert_num_queries(7):
        round_figures(rnd, progressed.office, LATER)


def test_same_figures_as_the_dashboards(progressed: World) -> None:
    ours = figures_for(Inspection.objects.all(), LATER)
    for row in with_inspection_stats(Inspection.objects.all(), LATER):
        mine = ours[row.pk]
        assert (mine.problems, mine.done, mine.partial, mine.in_progress, mine.not_started) == (
            row.problems_total,
            row.problems_done,
            row.problems_partial,
            row.problems_in_progress,
            row.problems_not_started,
        )
        assert (mine.measures, mine.measures_closed, mine.measures_overdue) == (
            row.measures_total,
            row.measures_closed,
            row.measures_overdue,
        )
