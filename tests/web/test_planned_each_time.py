"""Prepared statements on PostgreSQL, and the office figures that are planned each time."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.web.helpers import populate, url
from tests.world import World
from zhenggai.core.db import planned_each_time

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def test_prepared_by_default_and_not_inside_the_block(db) -> None:
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 2
    connection.ensure_connection()
    raw = connection.connection
    assert raw.prepare_threshold == 2
    with planned_each_time():
        assert raw.prepare_threshold is None
        with connection.cursor() as cursor:
            for _ in range(3):
                cursor.execute("SELECT %s::int + 1", [41])
    assert raw.prepare_threshold == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE statement LIKE %s", ["%+ 1%"])
        assert cursor.fetchall() == []  # nothing was prepared inside the block


def test_statements_run_twice_are_prepared(world: World, as_user) -> None:
    populate(world)
    client = as_user("coordinator")
    for _ in range(3):
        assert client.get(url("web:ledger", world.a.inspection.pk)).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%ledger_measure%"],
        )
        assert cursor.fetchone()[0] > 0
