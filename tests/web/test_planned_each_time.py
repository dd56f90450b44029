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


@pytest.mark.parametrize("query", ["", "sort=overdue"])
def test_the_overviews_count_and_figures_are_never_prepared(
    world: World, as_user, settings, query: str
) -> None:
    """Their generic plans are several times slower (a path prefix given as a parameter):
    the count of a full page too runs inside planned_each_time, not later in the template."""
    populate(world)
    settings.ZHENGGAI_PAGE_SIZE = 1  # a full first page, so the count is a query
    client = as_user("office")
    before = _prepared()
    for _ in range(4):
        response = client.get(url("web:overview", query=query))
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 2
    prepared = _prepared() - before
    assert prepared  # the session, the user… are prepared as everywhere
    assert [s for s in prepared if "ledger_inspection" in s] == []


def _prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}
