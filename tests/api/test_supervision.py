"""Extension requests and supervision orders through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.world import TODAY, World
from zhenggai.api.endpoints import create_endpoint
from zhenggai.api.models import WebhookDelivery, WebhookEvent
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import Measure

pytestmark = pytest.mark.django_db


def test_extension_moves_the_effective_deadline_not_the_original(world: World, api_as: Any) -> None:
    measure = world.a.measures[0]
    original = measure.deadline
    wanted = (original + dt.timedelta(days=30)).isoformat()
    refused = api_as("leader").post(
        f"/measures/{measure.pk}/extensions", {"new_deadline": wanted, "reason": "设备采购延迟"}
    )
    assert refused.status_code == 403
    asked = api_as("dept").post(
        f"/measures/{measure.pk}/extensions", {"new_deadline": wanted, "reason": "设备采购延迟"}
    )
    assert asked.status_code == 201, asked.content
    request_id = asked.json()["id"]
    assert api_as("outsider_secretary").post(f"/extensions/{request_id}/approve").status_code == 404
    assert api_as("dept").post(f"/extensions/{request_id}/approve").status_code == 403
    approved = api_as("leader").post(f"/extensions/{request_id}/approve", {"reason": "同意"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    body = api_as("dept").get(f"/measures/{measure.pk}").json()
    assert body["deadline"] == original.isoformat()
    assert body["extended_deadline"] == wanted
    assert body["light"]["days_left"] == (original + dt.timedelta(days=30) - TODAY).days
    listed = api_as("coordinator").get(f"/measures/{measure.pk}/extensions").json()["items"]
    assert [e["id"] for e in listed] == [request_id]
    assert AuditEntry.objects.filter(action="extension.approved").exists()


def test_order_issue_answer_accept(
    world: World, api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    create_endpoint(
        actor=world.office,
        organisation=world.jurisdiction,
        url="http://127.0.0.1:9/x",
        events=[WebhookEvent.ORDER_ISSUED, WebhookEvent.ORDER_ANSWERED],
    )
    measures = [m.pk for m in world.a.measures[:2]]
    body = {
        "inspection": world.a.inspection.pk,
        "measures": measures,
        "subject": "加快整改进度",
        "due_date": (TODAY + dt.timedelta(days=10)).isoformat(),
    }
    assert api_as("coordinator").post("/orders", body).status_code == 403
    other = {**body, "measures": [world.b.measures[0].pk]}
    assert api_as("office").post("/orders", other).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        issued = api_as("office").post("/orders", body)
    assert issued.status_code == 201, issued.content
    order = issued.json()
    assert order["measures"] == measures and order["status"] == "issued"
    assert order["number"] and order["notices"]
    assert api_as("outsider_secretary").get(f"/orders/{order['id']}").status_code == 404
    assert api_as("dept").get(f"/orders/{order['id']}").status_code == 200
    assert [o["id"] for o in api_as("secretary").get("/orders").json()["items"]] == [order["id"]]
    with django_capture_on_commit_callbacks(execute=True):
        answered = api_as("coordinator").post(
            f"/orders/{order['id']}/answer", {"text": "已召开推进会"}
        )
    assert answered.json()["status"] == "answered"
    assert api_as("coordinator").post(f"/orders/{order['id']}/accept").status_code == 403
    accepted = api_as("office").post(f"/orders/{order['id']}/accept", {"reason": ""})
    assert accepted.json()["status"] == "accepted" and accepted.json()["closed_at"]
    events = list(WebhookDelivery.objects.order_by("id").values_list("event", flat=True))
    assert events == ["order.issued", "order.answered"]
    assert Measure.objects.filter(supervision_orders__isnull=False).count() == 2
