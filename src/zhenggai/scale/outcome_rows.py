"""Outcomes of a synthetic inspection: accountability, institutions, recovered funds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from zhenggai.ledger.models import AccountabilityForm
from zhenggai.scale import texts
from zhenggai.scale.common import UnitPeople
from zhenggai.scale.common import at_time as _at

if TYPE_CHECKING:
    from zhenggai.scale.ledger_rows import LedgerBuilder


def add_outcomes(
    builder: LedgerBuilder,
    unit: UnitPeople,
    inspection_id: int,
    problem_ids: list[int],
    feedback: dt.date,
) -> None:
    rng, t, today = builder.rng, builder.t, builder.today
    span = max((today - feedback).days, 1)
    forms = AccountabilityForm.values
    for _ in range(rng.randint(0, 3)):
        day = feedback + dt.timedelta(days=rng.randint(0, span - 1))
        t["accountability"].add(
            (
                t["accountability"].allocate(),
                inspection_id,
                rng.choice(problem_ids),
                rng.choice(forms),
                rng.randint(1, 4),
                texts.ACCOUNTABILITY.format(topic=rng.choice(texts.TOPICS)),
                day,
                unit.inspector,
                _at(day, rng),
            )
        )
    titles = {
        rng.choice(texts.INSTITUTIONS).format(topic=rng.choice(texts.TOPICS))
        for _ in range(rng.randint(0, 3))
    }
    for title in sorted(titles):
        day = feedback + dt.timedelta(days=rng.randint(0, span - 1))
        t["institution"].add(
            (
                t["institution"].allocate(),
                inspection_id,
                rng.choice(problem_ids),
                f"《{title}》",
                "new",
                f"{unit.name[:2]}发〔{day.year}〕{rng.randint(1, 99)}号",
                day,
                unit.coordinator,
                _at(day, rng),
            )
        )
    if rng.random() < 0.2:
        day = feedback + dt.timedelta(days=rng.randint(0, span - 1))
        t["recovery"].add(
            (
                t["recovery"].allocate(),
                inspection_id,
                rng.choice(problem_ids),
                Decimal(rng.randint(5_000, 2_000_000)) / 100,
                "追缴违规发放补贴。",
                day,
                unit.coordinator,
                _at(day, rng),
            )
        )
