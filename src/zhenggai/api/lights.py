"""The light (红黄绿灯) of measures, as the supervision module computes it.

:mod:`zhenggai.supervision.lights` owns the rule (江津: overdue → red, ≤ 10 days →
yellow, ≤ 20 days → green, further → none, closed → closed; approved extensions move
the effective deadline; per-jurisdiction overrides) and writes it as a database
expression, so that lists annotate and filter by light in the same query. This module
only adapts it to the API's rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from zhenggai.supervision import lights as supervision
from zhenggai.supervision.models import Light

__all__ = ["Light", "annotate", "days_left", "light_counts", "overdue_q", "with_light"]


def annotate(rows: QuerySet[Any], today: dt.date) -> QuerySet[Any]:
    """``light`` and ``effective_deadline`` on every row."""
    return supervision.annotate_lights(rows, today)


def overdue_q(today: dt.date) -> Q:
    """逾期: past the effective deadline (extension included) and not closed."""
    return supervision.overdue_q(today)


def light_counts(rows: QuerySet[Any], today: dt.date) -> dict[str, int]:
    return supervision.light_counts(rows, today)


def with_light(measure: Any, today: dt.date) -> Any:
    """Set ``light`` and ``effective_deadline`` on one loaded measure (one query)."""
    from zhenggai.ledger.models import Measure

    row = (
        annotate(Measure.objects.filter(pk=measure.pk), today)
        .values("light", "effective_deadline")
        .first()
    )
    if row is not None:
        measure.light, measure.effective_deadline = row["light"], row["effective_deadline"]
    return measure


def days_left(measure: Any, today: dt.date) -> int | None:
    deadline = getattr(measure, "effective_deadline", None) or measure.deadline
    return (deadline - today).days if deadline is not None else None
