"""Two people save the same measure at once: one wins, the other is told, nothing is lost.

Runs with real concurrent transactions, so only on PostgreSQL
(``ZHENGGAI_DATABASE_URL=postgres://…``); SQLite serialises writers anyway.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.world import build_world
from zhenggai.scale.load import conflict_check


@pytest.mark.django_db(transaction=True)
def test_two_editors_one_measure_no_lost_update() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly concurrent transactions")
    world = build_world()
    measure = world.a.measures[0]
    result = conflict_check(measure.pk)
    assert result["checked"]
    assert sorted(result["outcomes"].values()) == ["conflict", "saved"]
    assert result["no_lost_update"]
