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
from zhenggai.supervision import conf
from zhenggai.supervision.lights import extended_q
from zhenggai.supervision.lights import overdue_q as _overdue_q

#: A measure whose deadline is this many days away or fewer is 临期 (the default yellow
#: threshold of the supervision light rule, standards.md §3.2).
NEAR_DAYS = conf.get("ZHENGGAI_LIGHT_YELLOW_DAYS")

__all__ = ["extended_q"]


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
    extended: bool = False  # an approved extension (已延期) is in force

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def light_of(
    status: str, deadline: dt.date | None, today: dt.date, extended: dt.date | None = None
) -> LightInfo:
    """The light of a measure with ``status`` and ``deadline`` on ``today``.

    Closed wins over a past deadline (a closed item is never red); a past deadline wins
    over "not started" (a draft that is late is late). ``extended`` is the approved
    extension, which replaces the original deadline for the light (已延期, not 逾期).
    """
    effective = extended or deadline
    days = (effective - today).days if effective is not None else None
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
    is_extended = extended is not None and status != MeasureStatus.CLOSED
    return LightInfo(light, str(LIGHT_LABELS[light]), days, is_extended)


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """Measures past their effective deadline (an approved extension, else the original)
    and not closed: the supervision module's definition."""
    return _overdue_q(today, prefix)


def near_q(today: dt.date, prefix: str = "") -> Q:
    """Measures whose effective deadline is today or within :data:`NEAR_DAYS` days, not closed."""
    last = today + dt.timedelta(days=NEAR_DAYS)
    unextended = Q(
        **{
            f"{prefix}extended_deadline__isnull": True,
            f"{prefix}deadline__gte": today,
            f"{prefix}deadline__lte": last,
        }
    )
    extended = Q(
        **{f"{prefix}extended_deadline__gte": today, f"{prefix}extended_deadline__lte": last}
    )
    return (unextended | extended) & ~Q(**{f"{prefix}status": MeasureStatus.CLOSED})


def light_rank_expression(today: dt.date) -> Case:
    """The same rules as :func:`light_of`, as a database expression to sort by."""
    last = today + dt.timedelta(days=NEAR_DAYS)
    return Case(
        When(status=MeasureStatus.CLOSED, then=Value(LIGHT_RANK[Light.CLOSED])),
        When(_overdue_q(today), then=Value(LIGHT_RANK[Light.OVERDUE])),
        When(
            Q(extended_deadline__isnull=True, deadline__lte=last) | Q(extended_deadline__lte=last),
            then=Value(LIGHT_RANK[Light.NEAR]),
        ),
        When(status=MeasureStatus.DRAFT, then=Value(LIGHT_RANK[Light.NOT_STARTED])),
        default=Value(LIGHT_RANK[Light.ON_TRACK]),
        output_field=IntegerField(),
    )
