"""Light boundaries with an injected clock (standards.md §3.5: 21 → none, 20 → 绿, 10 → 黄)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.supervision.conftest import set_deadline
from tests.world import TODAY
from zhenggai.ledger.models import Inspection, Measure, MeasureKind, MeasureStatus, Milestone
from zhenggai.supervision.lights import annotate_lights, light_counts
from zhenggai.supervision.models import ItemKind, LightRule

pytestmark = pytest.mark.django_db


def light(measure: Measure, today: dt.date = TODAY) -> str:
    return annotate_lights(Measure.objects.filter(pk=measure.pk), today).get().light


@pytest.mark.parametrize(
    ("days", "expected"),
    [(21, "none"), (20, "green"), (11, "green"), (10, "yellow"), (0, "yellow"), (-1, "red")],
)
def test_measure_light_boundaries(world, measure, days, expected):
    set_deadline(measure, days)
    assert light(measure) == expected


def test_closed_is_never_red(world, measure):
    set_deadline(measure, -30)
    Measure.objects.filter(pk=measure.pk).update(
        status=MeasureStatus.CLOSED, closed_at=timezone.now()
    )
    assert light(measure) == "closed"


def test_extension_moves_the_effective_deadline(world, measure):
    set_deadline(measure, -5)
    Measure.objects.filter(pk=measure.pk).update(extended_deadline=TODAY + dt.timedelta(days=15))
    assert light(measure) == "green"
    measure.refresh_from_db()
    assert measure.deadline == TODAY - dt.timedelta(days=5)  # the original never changes


def test_stale_ongoing_measure_turns_yellow(world, measure):
    set_deadline(measure, 60)
    long_ago = timezone.now() - dt.timedelta(days=31)
    Measure.objects.filter(pk=measure.pk).update(
        kind=MeasureKind.ONGOING, last_progress_at=long_ago
    )
    assert light(measure, timezone.localdate()) == "yellow"
    Measure.objects.filter(pk=measure.pk).update(last_progress_at=timezone.now())
    assert light(measure, timezone.localdate()) == "none"


def test_rule_per_jurisdiction(world, measure):
    set_deadline(measure, 25)
    assert light(measure) == "none"
    LightRule.objects.create(jurisdiction=world.jurisdiction, green_days=30, yellow_days=25)
    assert light(measure) == "yellow"
    other = world.b.measures[0]
    set_deadline(other, 25)
    assert light(other) == "yellow"  # same jurisdiction


def test_counts_in_one_query(world, django_assert_num_queries):
    for index, measure in enumerate(world.a.measures):
        set_deadline(measure, [-1, 5, 15, 40][index])
    with django_assert_num_queries(2):  # the rules, then the aggregate
        counts = light_counts(Measure.objects.filter(inspection=world.a.inspection), TODAY)
    assert counts == {"red": 1, "yellow": 1, "green": 1, "none": 1, "closed": 0}


def test_milestone_plan_and_report_lights(world, measure):
    set_deadline(measure, 100)
    Milestone.objects.create(
        measure=measure, position=1, title="节点", due_date=TODAY + dt.timedelta(days=3)
    )
    assert light_counts(Milestone.objects.all(), TODAY, ItemKind.MILESTONE)["yellow"] == 1
    inspection = world.a.inspection
    Inspection.objects.filter(pk=inspection.pk).update(
        plan_due=TODAY - dt.timedelta(days=1), plan_approved_at=None, report_date=None
    )
    plan = light_counts(Inspection.objects.filter(pk=inspection.pk), TODAY, ItemKind.PLAN)
    assert plan["red"] == 1
    Inspection.objects.filter(pk=inspection.pk).update(plan_approved_at=timezone.now())
    plan = light_counts(Inspection.objects.filter(pk=inspection.pk), TODAY, ItemKind.PLAN)
    assert plan["closed"] == 1
    Inspection.objects.filter(pk=inspection.pk).update(report_due=TODAY + dt.timedelta(days=20))
    report = light_counts(Inspection.objects.filter(pk=inspection.pk), TODAY, ItemKind.REPORT)
    assert report["green"] == 1
