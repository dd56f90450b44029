"""Keyset pagination: opaque cursors, stable under concurrent inserts, nulls last."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.world import TODAY, World
from zhenggai.api.pagination import Sort, decode_cursor, encode_cursor
from zhenggai.ledger.models import Measure
from zhenggai.ledger.services import plan

pytestmark = pytest.mark.django_db


def _grow(world: World, n: int, *, deadline_every: int = 3) -> None:
    problem = world.a.problems[1]
    for i in range(n):
        plan.add_measure(
            problem=problem,
            text=f"补充措施{i}",
            actor=world.coordinator,
            deadline=None if i % deadline_every == 0 else TODAY + dt.timedelta(days=i % 7),
        )


def _walk(client: Any, query: str, between: Any = None) -> list[int]:
    seen: list[int] = []
    cursor = None
    while True:
        url = f"/measures?{query}" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).json()
        seen += [m["id"] for m in body["items"]]
        cursor = body["next_cursor"]
        if between is not None:
            between()
        if cursor is None:
            return seen


@pytest.mark.parametrize("sort", ["id", "-id", "deadline", "-deadline"])
def test_pages_are_stable_under_inserts(world: World, api_as: Any, sort: str) -> None:
    """Rows inserted while a client pages never duplicate or push out the ones it has not seen."""
    _grow(world, 30)
    before = set(Measure.objects.filter(inspection=world.a.inspection).values_list("pk", flat=True))
    counter = iter(range(1000))

    def insert() -> None:
        i = next(counter)
        plan.add_measure(
            problem=world.a.problems[0],
            text=f"并发新增{i}",
            actor=world.coordinator,
            deadline=TODAY + dt.timedelta(days=i % 5) if i % 2 else None,
        )

    client = api_as("coordinator")
    seen = _walk(client, f"limit=7&sort={sort}", between=insert)
    assert len(seen) == len(set(seen)), "a row came twice"
    assert before <= set(seen), "a row that existed before was skipped"


def test_order_matches_the_sort(world: World, api_as: Any) -> None:
    _grow(world, 20)
    client = api_as("coordinator")
    ids = _walk(client, "limit=5&sort=deadline")
    deadlines = dict(Measure.objects.values_list("pk", "deadline"))
    keys = [(deadlines[i] is None, deadlines[i] or dt.date.min, i) for i in ids]
    assert keys == sorted(keys)  # nulls last, then by id
    assert _walk(client, "limit=6&sort=-id") == sorted(ids, reverse=True)


def test_cursor_is_opaque_and_bound_to_its_sort(world: World, api_as: Any) -> None:
    _grow(world, 5)
    client = api_as("coordinator")
    cursor = client.get("/measures?limit=2&sort=deadline").json()["next_cursor"]
    assert cursor and "deadline" not in cursor
    refused = client.get(f"/measures?limit=2&sort=id&cursor={cursor}")
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "cursor"


def test_cursor_round_trip() -> None:
    sort = Sort("deadline", "deadline", dt.date, True)
    assert decode_cursor(encode_cursor(sort, dt.date(2026, 1, 2), 7), sort) == (
        dt.date(2026, 1, 2),
        7,
    )
    assert decode_cursor(encode_cursor(sort, None, 9), sort) == (None, 9)


def test_limit_is_capped(world: World, api_as: Any) -> None:
    client = api_as("coordinator")
    assert client.get("/measures?limit=200").status_code == 200
    assert client.get("/measures?limit=201").status_code == 422
    assert client.get("/measures?limit=0").status_code == 422


def test_a_page_costs_a_fixed_number_of_queries(
    world: World, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    _grow(world, 40)
    client = api_as("coordinator")
    client.get("/measures")  # the token's use is audited once; not part of the count
    # token, memberships, light rules, the page of rows, supporting departments
    with django_assert_max_num_queries(5):
        body = client.get("/measures?limit=50").json()
    assert len(body["items"]) == 44
