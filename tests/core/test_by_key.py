"""``core.db.ByKey``: a query by key compiled once per connection, giving what the ORM gives."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from tests.world import World
from zhenggai.accounts.backends import AccountBackend
from zhenggai.accounts.models import User
from zhenggai.core.db import STAND_IN_DAY, STAND_IN_KEY, ByKey, CompiledQuery
from zhenggai.ledger.models import Measure

RELATED = ("inspection__unit", "problem__category", "responsible_leader", "lead_department")


def measure_query(pk: int) -> Any:
    return Measure.objects.select_related(*RELATED).filter(pk=pk)


def values(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_same_instances_as_the_orm_with_their_related_rows(world: World) -> None:
    by_key = ByKey(measure_query)
    pk = world.a.measures[0].pk
    expected = Measure.objects.select_related(*RELATED).get(pk=pk)
    with CaptureQueriesContext(connection) as queries:
        got = by_key.get(pk)
        assert got is not None
        related = [
            got.inspection,
            got.inspection.unit,
            got.problem,
            got.problem.category,
            got.responsible_leader,
            got.lead_department,
        ]
    assert len(queries) == 1  # the related rows came with it
    assert values(got) == values(expected)
    assert [values(r) for r in related] == [
        values(r)
        for r in (
            expected.inspection,
            expected.inspection.unit,
            expected.problem,
            expected.problem.category,
            expected.responsible_leader,
            expected.lead_department,
        )
    ]
    # Dates, datetimes and booleans come back converted on every database.
    assert type(got.deadline) is type(expected.deadline)
    assert got.created_at == expected.created_at and got.created_at.tzinfo is not None
    assert not got._state.adding and got._state.db == "default"


def test_the_orms_sql_compiled_once_per_connection(world: World) -> None:
    by_key = ByKey(measure_query)
    first, second = world.a.measures[0].pk, world.a.measures[1].pk
    with CaptureQueriesContext(connection) as orm:
        list(measure_query(first))
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as compile_:
        with CaptureQueriesContext(connection) as mine:
            assert by_key.get(first).pk == first
            assert by_key.get(second).pk == second
            assert by_key.get(first).pk == first
    assert compile_.call_count == 1
    assert [q["sql"] for q in mine][0] == orm[0]["sql"]
    assert len(mine) == 3


def test_a_missing_key_gives_none(world: World) -> None:
    assert ByKey(measure_query).get(10**12) is None


def test_a_query_without_its_stand_in_is_refused(world: World) -> None:
    by_key = ByKey(lambda pk: Measure.objects.filter(pk=world.a.measures[0].pk))
    with pytest.raises(ImproperlyConfigured, match="every stand-in"):
        by_key.get(world.a.measures[0].pk)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite converts dates to text")
def test_a_stand_in_the_backend_converts_is_refused(world: World) -> None:
    query = CompiledQuery(lambda day: Measure.objects.filter(deadline__lt=day), STAND_IN_DAY)
    with pytest.raises(ImproperlyConfigured, match="every stand-in"):
        query.rows(dt.date(2026, 11, 28))


def test_constants_stay_and_raw_sql_values_are_replaced(world: World) -> None:
    """Several values, a constant of the query, and a day given to RawSQL."""
    from django.db.models import IntegerField
    from django.db.models.expressions import RawSQL

    def build(inspection_id: int, day: dt.date) -> Any:
        late = RawSQL("CASE WHEN deadline < %s THEN 1 ELSE 0 END", (day,), IntegerField())
        return (
            Measure.objects.filter(inspection_id=inspection_id)
            .exclude(status="closed")
            .annotate(late=late)
            .order_by("pk")
        )

    query = CompiledQuery(build, STAND_IN_KEY, STAND_IN_DAY)
    inspection = world.a.inspection.pk
    for day in (dt.date(2000, 1, 1), dt.date(2100, 1, 1)):
        expected = [(m.pk, m.late) for m in build(inspection, day)]
        assert [(m.pk, m.late) for m in query.rows(inspection, day)] == expected
    assert {m.late for m in query.rows(inspection, dt.date(2100, 1, 1))} == {1}
    assert query.rows(world.b.inspection.pk, dt.date(2000, 1, 1)) == list(
        build(world.b.inspection.pk, dt.date(2000, 1, 1))
    )
    with pytest.raises(TypeError):
        query.rows(inspection, "2026-11-28")


def test_the_backends_user_is_the_orms_and_inactive_users_are_refused(world: World) -> None:
    backend = AccountBackend()
    user = world.coordinator
    got = backend.get_user(user.pk)
    assert got is not None and values(got) == values(User.objects.get(pk=user.pk))
    assert backend.get_user(10**12) is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None
