"""Shared pieces of the synthetic rows: the people of a unit, a working-hours moment."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class UnitPeople:
    unit_id: int
    name: str
    secretary: int
    leaders: tuple[int, int]
    coordinator: int
    inspector: int
    departments: list[int]
    dept_users: list[int]


def at_time(day: dt.date, rng: random.Random) -> dt.datetime:
    """A working-hours moment on ``day`` (UTC, which is 08:00–18:00 in China)."""
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(0, 9), rng.randint(0, 59), tzinfo=dt.UTC
    )
