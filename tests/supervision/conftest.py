from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.world import TODAY, World
from zhenggai.ledger.models import Inspection, Measure


@pytest.fixture
def measure(world: World) -> Measure:
    """A measure of unit A; the inspections' plan and report are done, so that only the
    measures have lights."""
    Inspection.objects.update(plan_approved_at=timezone.now(), report_date=TODAY)
    return world.a.measures[0]


def set_deadline(measure: Measure, days: int, today: dt.date = TODAY) -> Measure:
    Measure.objects.filter(pk=measure.pk).update(deadline=today + dt.timedelta(days=days))
    measure.refresh_from_db()
    return measure
