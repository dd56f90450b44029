"""The light of a measure (红黄绿灯): overdue, near deadline, on track, closed, not started.

A light is always shown as a dot *and* a word so that it survives printing and colour
blindness (UI.md). The colours are fixed: red = overdue, yellow = near deadline,
green = on track, blue = closed, grey = not started.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from zhenggai.ledger.models import MeasureStatus

#: A measure whose deadline is this many days away or fewer is 临期.
NEAR_DAYS = 10


class Light(StrEnum):
    OVERDUE = "overdue"
    NEAR = "near"
    ON_TRACK = "on_track"
    NOT_STARTED = "not_started"
    CLOSED = "closed"


LIGHT_LABELS = {
    Light.OVERDUE: _("逾期"),
    Light.NEAR: _("临期"),
    Light.ON_TRACK: _("正常"),
    Light.NOT_STARTED: _("未开始"),
    Light.CLOSED: _("已销号"),
}

#: Sort rank when sorting by light: the most urgent first.
LIGHT_RANK = {
    Light.OVERDUE: 0,
    Light.NEAR: 1,
    Light.ON_TRACK: 2,
    Light.NOT_STARTED: 3,
    Light.CLOSED: 4,
}


@dataclass(frozen=True)
class LightInfo:
    light: Light
    label: str
    days_left: int | None  # negative when overdue, None without a deadline

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def light_of(status: str, deadline: dt.date | None, today: dt.date) -> LightInfo:
    """The light of a measure with ``status`` and ``deadline`` on ``today``.

    Closed wins over a past deadline (a closed item is never red); a past deadline wins
    over "not started" (a draft that is late is late).
    """
    days = (deadline - today).days if deadline is not None else None
    if status == MeasureStatus.CLOSED:
        light = Light.CLOSED
    elif days is not None and days < 0:
        light = Light.OVERDUE
    elif days is not None and days <= NEAR_DAYS:
        light = Light.NEAR
    elif status == MeasureStatus.DRAFT:
        light = Light.NOT_STARTED
    else:
        light = Light.ON_TRACK
    return LightInfo(light, str(LIGHT_LABELS[light]), days)


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """Measures past their deadline and not closed (uses the (inspection, deadline) index)."""
    return Q(**{f"{prefix}deadline__lt": today}) & ~Q(**{f"{prefix}status": MeasureStatus.CLOSED})


def near_q(today: dt.date, prefix: str = "") -> Q:
    """Measures due today or within :data:`NEAR_DAYS` days, not closed."""
    return Q(
        **{
            f"{prefix}deadline__gte": today,
            f"{prefix}deadline__lte": today + dt.timedelta(days=NEAR_DAYS),
        }
    ) & ~Q(**{f"{prefix}status": MeasureStatus.CLOSED})


def light_rank_expression(today: dt.date) -> Case:
    """The same rules as :func:`light_of`, as a database expression to sort by."""
    return Case(
        When(status=MeasureStatus.CLOSED, then=Value(LIGHT_RANK[Light.CLOSED])),
        When(deadline__lt=today, then=Value(LIGHT_RANK[Light.OVERDUE])),
        When(
            deadline__lte=today + dt.timedelta(days=NEAR_DAYS),
            then=Value(LIGHT_RANK[Light.NEAR]),
        ),
        When(status=MeasureStatus.DRAFT, then=Value(LIGHT_RANK[Light.NOT_STARTED])),
        default=Value(LIGHT_RANK[Light.ON_TRACK]),
        output_field=IntegerField(),
    )
