"""The light (红黄绿灯) of a measure, from its deadline, until supervision provides it.

The 江津 rule (reference/standards.md §3.5): closed → ``closed`` (never red); past
the deadline → ``red``; at most ``ZHENGGAI_LIGHT_YELLOW_DAYS`` (10) days left →
``yellow``; at most ``ZHENGGAI_LIGHT_GREEN_DAYS`` (20) → ``green``; further away or
without a deadline → ``none``. When a supervision module with its own rules exists,
this is the one function to point at it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db.models import Q

from zhenggai.api.conf import setting
from zhenggai.ledger.models import MeasureStatus


class Light(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"
    NONE = "none"
    CLOSED = "closed"


def light_of(status: str, deadline: dt.date | None, today: dt.date) -> tuple[Light, int | None]:
    """The light and the days left (negative when overdue, ``None`` without a deadline)."""
    days = (deadline - today).days if deadline is not None else None
    if status == MeasureStatus.CLOSED:
        return Light.CLOSED, days
    if days is None:
        return Light.NONE, None
    if days < 0:
        return Light.RED, days
    if days <= setting("ZHENGGAI_LIGHT_YELLOW_DAYS"):
        return Light.YELLOW, days
    if days <= setting("ZHENGGAI_LIGHT_GREEN_DAYS"):
        return Light.GREEN, days
    return Light.NONE, days


def light_q(light: Light, today: dt.date) -> Q:
    """The same rule as a filter on measures (deadline and status columns are indexed)."""
    open_ = ~Q(status=MeasureStatus.CLOSED)
    yellow = today + dt.timedelta(days=setting("ZHENGGAI_LIGHT_YELLOW_DAYS"))
    green = today + dt.timedelta(days=setting("ZHENGGAI_LIGHT_GREEN_DAYS"))
    if light == Light.CLOSED:
        return Q(status=MeasureStatus.CLOSED)
    if light == Light.RED:
        return open_ & Q(deadline__lt=today)
    if light == Light.YELLOW:
        return open_ & Q(deadline__gte=today, deadline__lte=yellow)
    if light == Light.GREEN:
        return open_ & Q(deadline__gt=yellow, deadline__lte=green)
    return open_ & (Q(deadline__isnull=True) | Q(deadline__gt=green))
