"""Measures: ETag / If-Match, filters, lights, creation, error bodies."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection

from tests.api.helpers import populate
from tests.world import TODAY, World
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import Measure
from zhenggai.ledger.services import plan

pytestmark = pytest.mark.django_db


def test_read_gives_a_weak_etag_of_the_version(world: World, api_as: Any) -> None:
    measure = world.a.measures[0]
    response = api_as("coordinator").get(f"/measures/{measure.pk}")
    assert response["ETag"] == f'W/"{measure.version}"'
    assert response.json()["version"] == measure.version


def test_patch_needs_if_match(world: World, api_as: Any) -> None:
    measure = world.a.measures[0]
    response = api_as("coordinator").patch(f"/measures/{measure.pk}", {"note": "x"})
    assert response.status_code == 428
    assert response.json()["error"] == {
        "code": "precondition_required",
        "message_zh": response.json()["error"]["message_zh"],
        "message_en": response.json()["error"]["message_en"],
        "field": "If-Match",
    }
    assert Measure.objects.get(pk=measure.pk).note == ""


def test_first_patch_wins_second_gets_412(world: World, api_as: Any) -> None:
    """Two clients read the same ETag; the first write wins, the second is refused."""
    measure = world.a.measures[0]
    alice = api_as("coordinator")
    bob = api_as("coordinator")
    etag_a = alice.get(f"/measures/{measure.pk}")["ETag"]
    etag_b = bob.get(f"/measures/{measure.pk}")["ETag"]
    assert etag_a == etag_b
    first = alice.patch(f"/measures/{measure.pk}", {"note": "甲"}, headers={"If-Match": etag_a})
    assert first.status_code == 200
    assert first["ETag"] == f'W/"{measure.version + 1}"'
    second = bob.patch(f"/measures/{measure.pk}", {"note": "乙"}, headers={"If-Match": etag_b})
    assert second.status_code == 412
    assert second.json()["error"]["code"] == "precondition_failed"
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.note, stored.version) == ("甲", measure.version + 1)
    assert (
        AuditEntry.objects.filter(action="measure.updated", object_id=str(measure.pk)).count() == 1
    )


def test_service_guard_catches_a_race_after_the_header_check(
    world: World, api_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If another write lands between our read and the service's row lock: 412, not overwrite."""
    measure = world.a.measures[0]
    client = api_as("coordinator")
    etag = client.get(f"/measures/{measure.pk}")["ETag"]
    original = plan.update_measure

    def racing(**kwargs: Any) -> Any:
        Measure.objects.filter(pk=measure.pk).update(version=measure.version + 1, note="他人")
        return original(**kwargs)

    monkeypatch.setattr(plan, "update_measure", racing)
    response = client.patch(f"/measures/{measure.pk}", {"note": "我"}, headers={"If-Match": etag})
    assert response.status_code == 412
    assert Measure.objects.get(pk=measure.pk).note == "他人"


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs row locks across connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_one_wins(world: World, api_as: Any) -> None:
    measure = world.a.measures[0]
    clients = [api_as("coordinator"), api_as("coordinator")]
    etag = clients[0].get(f"/measures/{measure.pk}")["ETag"]
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def write(client: Any, note: str) -> None:
        barrier.wait()
        codes.append(
            client.patch(
                f"/measures/{measure.pk}", {"note": note}, headers={"If-Match": etag}
            ).status_code
        )
        connection.close()

    threads = [
        threading.Thread(target=write, args=(c, n)) for c, n in zip(clients, "AB", strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 412]


def test_patch_changes_fields_and_assignments(world: World, api_as: Any) -> None:
    measure = world.a.measures[0]
    client = api_as("coordinator")
    etag = client.get(f"/measures/{measure.pk}")["ETag"]
    response = client.patch(
        f"/measures/{measure.pk}",
        {
            "text": "修订后的措施",
            "responsible_leader": world.leader2.pk,
            "supporting_departments": [],
            "deadline": "2027-01-15",
        },
        headers={"If-Match": etag},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["text"], body["responsible_leader"], body["supporting_departments"]) == (
        "修订后的措施",
        world.leader2.pk,
        [],
    )
    assert body["deadline"] == "2027-01-15"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"text": None}, "text"),
        ({"responsible_leader": 999999}, "responsible_leader"),
        ({"lead_department": 999999}, "lead_department"),
    ],
)
def test_patch_refusals_name_the_field(
    world: World, api_as: Any, change: dict[str, Any], field: str
) -> None:
    measure = world.a.measures[0]
    client = api_as("coordinator")
    etag = client.get(f"/measures/{measure.pk}")["ETag"]
    response = client.patch(f"/measures/{measure.pk}", change, headers={"If-Match": etag})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_leader_of_another_unit_is_refused(world: World, api_as: Any) -> None:
    response = api_as("coordinator").post(
        "/measures",
        {
            "problem": world.a.problems[0].pk,
            "text": "新措施",
            "responsible_leader": world.outsider_leader.pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "responsible_leader"


def test_create_measure(world: World, api_as: Any) -> None:
    response = api_as("coordinator").post(
        "/measures",
        {
            "problem": world.a.problems[0].pk,
            "text": "新措施",
            "kind": "immediate",
            "responsible_leader": world.leader.pk,
            "lead_department": world.a.departments["综合处"].pk,
            "deadline": "2026-12-31",
        },
    )
    assert response.status_code == 201, response.content
    created = Measure.objects.get(pk=response.json()["id"])
    assert (created.status, created.kind, created.text) == ("draft", "immediate", "新措施")
    assert response["ETag"] == 'W/"1"'
    assert AuditEntry.objects.filter(action="measure.created", object_id=str(created.pk)).exists()


def test_filters(world: World, api_as: Any) -> None:
    measures = populate(world)
    client = api_as("coordinator")

    def ids(query: str) -> set[int]:
        response = client.get(f"/measures?{query}")
        assert response.status_code == 200, response.content
        return {m["id"] for m in response.json()["items"]}

    assert ids("status=submitted") == {measures["submitted"].pk}
    assert ids("overdue=true") == {measures["overdue"].pk}
    assert measures["overdue"].pk not in ids("overdue=false")
    assert ids("light=red") == {measures["overdue"].pk}
    assert ids("light=closed") == {measures["closed"].pk}
    assert ids(f"problem={world.a.problems[0].pk}") == {m.pk for m in world.a.measures[:2]}
    category = world.a.problems[0].category_id
    assert len(ids(f"category={category}")) == 4
    assert len(ids(f"department={world.a.departments['综合处'].pk}")) == 4
    assert ids(f"leader={world.leader2.pk}") == set()
    assert len(ids(f"inspection={world.a.inspection.pk}")) == 4
    assert ids(f"inspection={world.b.inspection.pk}") == set()
    assert client.get("/measures?status=bogus").status_code == 422


def test_lights(world: World, api_as: Any) -> None:
    measures = populate(world)
    client = api_as("coordinator")
    overdue = client.get(f"/measures/{measures['overdue'].pk}").json()["light"]
    assert overdue == {"color": "red", "days_left": -3}
    Measure.objects.filter(pk=measures["submitted"].pk).update(
        deadline=TODAY + dt.timedelta(days=10)
    )
    Measure.objects.filter(pk=measures["approved"].pk).update(
        deadline=TODAY + dt.timedelta(days=20)
    )
    assert client.get(f"/measures/{measures['submitted'].pk}").json()["light"]["color"] == "yellow"
    assert client.get(f"/measures/{measures['approved'].pk}").json()["light"]["color"] == "green"
    assert client.get(f"/measures/{measures['closed'].pk}").json()["light"]["color"] == "closed"
    counts = client.get(f"/inspections/{world.a.inspection.pk}/lights").json()
    assert counts == {
        "inspection": world.a.inspection.pk,
        "red": 1,
        "yellow": 1,
        "green": 1,
        "closed": 1,
        "none": 0,
    }


def test_dates_carry_the_beijing_offset(world: World, api_as: Any) -> None:
    body = api_as("coordinator").get(f"/measures/{world.a.measures[0].pk}").json()
    assert body["created_at"].endswith("+08:00")
    assert dt.datetime.fromisoformat(body["created_at"]).utcoffset() == dt.timedelta(hours=8)


@pytest.mark.parametrize(
    "path, status, code",
    [
        ("/measures/999999", 404, "not_found"),
        ("/measures/abc", 422, "validation_error"),
        ("/measures?limit=201", 422, "validation_error"),
        ("/measures?cursor=%%%", 400, "invalid_cursor"),
        ("/no/such/thing", 404, "not_found"),
    ],
)
def test_error_bodies(world: World, api_as: Any, path: str, status: int, code: str) -> None:
    response = api_as("coordinator").get(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message_zh"] and error["message_en"]


def test_one_measure_and_its_light_come_in_one_query(world: World, api_as: Any) -> None:
    """Reading one measure reads the measure table once: the light is a column of that
    query, not a second look-up (and stays the same as the list's light)."""
    from django.test.utils import CaptureQueriesContext

    measures = populate(world)
    client = api_as("coordinator")
    pk = measures["overdue"].pk
    with CaptureQueriesContext(connection) as captured:
        body = client.get(f"/measures/{pk}").json()
    reads = [q["sql"] for q in captured.captured_queries if 'FROM "ledger_measure"' in q["sql"]]
    assert len(reads) == 1, reads
    assert body["light"] == {"color": "red", "days_left": -3}
    listed = client.get(f"/measures?inspection={world.a.inspection.pk}&limit=50").json()
    [row] = [m for m in listed["items"] if m["id"] == pk]
    assert row["light"] == body["light"]
