"""Webhooks over real HTTP: a receiver on 127.0.0.1 checks signatures, ids and retries."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from tests.api.helpers import approved, submitted
from tests.world import TODAY, World
from zhenggai.api.endpoints import create_endpoint
from zhenggai.api.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from zhenggai.api.signing import digest, hmac_sm3, verify
from zhenggai.api.webhooks import backoff, deliver_due, emit
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import Measure
from zhenggai.ledger.services import workflow

pytestmark = pytest.mark.django_db


@dataclass
class Receiver:
    """A real HTTP server in a thread; answers with the next queued status (default 200)."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append({"headers": dict(self.headers), "body": body})
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/zhenggai"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _endpoint(world: World, url: str, *events: str, algorithm: str = "hmac-sha256") -> Any:
    return create_endpoint(
        actor=world.coordinator,
        organisation=world.a.org,
        url=url,
        events=list(events or WebhookEvent.values),
        algorithm=algorithm,
    )


def test_signature_vectors() -> None:
    body = b'{"a":1}'
    expected = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert digest("hmac-sha256", "k", 1700000000, body) == expected
    # HMAC-SM3 from gmssl's SM3 equals OpenSSL's where OpenSSL has SM3.
    try:
        reference = hmac.new(b"key", b"message", "sm3").hexdigest()
    except ValueError:
        pytest.skip("this OpenSSL has no SM3")
    assert hmac_sm3(b"key", b"message") == reference
    assert hmac_sm3(b"k" * 100, b"m") == hmac.new(b"k" * 100, b"m", "sm3").hexdigest()


@pytest.mark.parametrize("algorithm", ["hmac-sha256", "hmac-sm3"])
def test_events_are_delivered_signed(
    world: World, receiver: Receiver, algorithm: str, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = _endpoint(world, receiver.url, algorithm=algorithm)
    measure = world.a.measures[0]
    with django_capture_on_commit_callbacks(execute=True):
        submitted(world, measure)
    assert deliver_due() == 1
    [hit] = receiver.received
    headers = hit["headers"]
    assert headers["X-Zhenggai-Event"] == "measure.submitted"
    assert verify(
        headers["X-Zhenggai-Signature"],
        hit["body"],
        endpoint.secret,
        algorithm=algorithm,
        now=int(time.time()),
    )
    assert not verify(
        headers["X-Zhenggai-Signature"],
        hit["body"] + b" ",
        endpoint.secret,
        algorithm=algorithm,
        now=int(time.time()),
    )
    payload = json.loads(hit["body"])
    assert payload["id"] == headers["X-Zhenggai-Event-Id"]
    assert payload["data"] == payload["data"] | {
        "type": "measure",
        "id": measure.pk,
        "status": "submitted",
    }
    assert payload["created_at"].endswith("+08:00")
    assert endpoint.secret not in json.dumps(list(AuditEntry.objects.values("before", "after")))


def test_nothing_is_emitted_when_the_transaction_rolls_back(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    _endpoint(world, receiver.url)
    measure = world.a.measures[0]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.report_progress(measure=measure, actor=world.dept, text="进展")
        with pytest.raises(Exception):  # noqa: B017 (any refusal)
            workflow.submit_for_review(measure=measure, actor=world.dept, text="完成")
    assert callbacks == []
    assert not WebhookDelivery.objects.exists()


def test_every_transition_emits_its_event(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    _endpoint(world, receiver.url)
    measure = world.a.measures[0]
    with django_capture_on_commit_callbacks(execute=True):
        approved(world, measure)
        workflow.close_measure(measure=measure, actor=world.secretary, approve=True)
        workflow.reopen_measure(measure=measure, actor=world.secretary, reason="回头看")
        submitted_again = Measure.objects.get(pk=measure.pk)
        workflow.submit_for_review(measure=submitted_again, actor=world.dept, text="再次提交")
        workflow.leader_review(measure=measure, actor=world.leader, approve=False, reason="补充")
    events = list(WebhookDelivery.objects.order_by("id").values_list("event", flat=True))
    assert events == [
        "measure.submitted",
        "measure.approved",
        "measure.closed",
        "measure.reopened",
        "measure.submitted",
        "measure.returned",
    ]


def test_subscriptions_and_scope(world: World, receiver: Receiver) -> None:
    _endpoint(world, receiver.url, WebhookEvent.MEASURE_CLOSED)
    office = create_endpoint(
        actor=world.office,
        organisation=world.jurisdiction,
        url=receiver.url,
        events=[WebhookEvent.MEASURE_SUBMITTED],
    )
    assert (
        emit(WebhookEvent.MEASURE_SUBMITTED, world.a.measures[0], world.a.org)[0].endpoint == office
    )
    assert (
        emit(WebhookEvent.MEASURE_SUBMITTED, world.b.measures[0], world.b.org)[0].endpoint == office
    )
    assert len(emit(WebhookEvent.MEASURE_CLOSED, world.b.measures[0], world.b.org)) == 0


def test_failures_retry_with_backoff_then_give_up(
    world: World, receiver: Receiver, settings: Any
) -> None:
    settings.ZHENGGAI_WEBHOOK_MAX_ATTEMPTS = 3
    _endpoint(world, receiver.url)
    receiver.statuses = [500, 503, 500]
    now = timezone.now()
    [delivery] = emit(WebhookEvent.MEASURE_CLOSED, world.a.measures[0], world.a.org, now=now)
    assert deliver_due(now) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == now + dt.timedelta(seconds=30)
    assert deliver_due(now + dt.timedelta(seconds=29)) == 0  # not yet due
    assert deliver_due(now + dt.timedelta(seconds=30)) == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == now + dt.timedelta(seconds=30) + backoff(2)
    assert deliver_due(now + dt.timedelta(hours=1)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 3, None)
    ids = {hit["headers"]["X-Zhenggai-Event-Id"] for hit in receiver.received}
    assert ids == {str(delivery.event_id)}  # the same event id on every attempt
    assert backoff(1) == dt.timedelta(seconds=30) and backoff(30) == dt.timedelta(hours=6)


def test_unreachable_endpoint_is_recorded(world: World, settings: Any) -> None:
    settings.ZHENGGAI_WEBHOOK_TIMEOUT_SECONDS = 1
    _endpoint(world, "http://127.0.0.1:9/closed-port")
    emit(WebhookEvent.MEASURE_CLOSED, world.a.measures[0], world.a.org)
    deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.response_code is None and "Error" in delivery.last_error


def test_same_event_id_is_queued_once(world: World, receiver: Receiver) -> None:
    _endpoint(world, receiver.url)
    import uuid

    event_id = uuid.uuid4()
    assert (
        len(emit(WebhookEvent.MEASURE_CLOSED, world.a.measures[0], world.a.org, event_id=event_id))
        == 1
    )
    assert (
        emit(WebhookEvent.MEASURE_CLOSED, world.a.measures[0], world.a.org, event_id=event_id) == []
    )


def test_red_light_sweep_emits_once_per_deadline(world: World, receiver: Receiver) -> None:
    _endpoint(world, receiver.url, WebhookEvent.LIGHT_RED)
    late = world.a.measures[0]
    Measure.objects.filter(pk=late.pk).update(deadline=TODAY - dt.timedelta(days=2))
    now = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9)))
    deliver_due(now)
    deliver_due(now + dt.timedelta(hours=1))
    assert [h["headers"]["X-Zhenggai-Event"] for h in receiver.received] == ["measure.light_red"]
    assert json.loads(receiver.received[0]["body"])["data"]["id"] == late.pk


def test_inline_delivery(world: World, receiver: Receiver, settings: Any) -> None:
    settings.ZHENGGAI_WEBHOOKS_INLINE = True
    _endpoint(world, receiver.url)
    [delivery] = emit(WebhookEvent.MEASURE_CLOSED, world.a.measures[0], world.a.org)
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SUCCEEDED


def test_api_manages_endpoints_and_redelivers(
    world: World, receiver: Receiver, api_as: Any
) -> None:
    client = api_as("coordinator")
    created = client.post(
        "/webhooks",
        {
            "organisation": world.a.org.pk,
            "url": receiver.url,
            "events": ["measure.closed", "report.published"],
            "algorithm": "hmac-sm3",
        },
    )
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    hook = created.json()["id"]
    assert "secret" not in client.get(f"/webhooks/{hook}").json()
    assert client.get("/webhooks").json()["items"][0]["id"] == hook
    bad = client.post(
        "/webhooks",
        {"organisation": world.a.org.pk, "url": "ftp://x", "events": ["measure.closed"]},
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "url"

    emit(WebhookEvent.MEASURE_CLOSED, world.a.measures[0], world.a.org)
    deliver_due()
    log = client.get(f"/webhooks/{hook}/deliveries").json()["items"]
    assert [(d["event"], d["status"], d["response_code"]) for d in log] == [
        ("measure.closed", "succeeded", 200)
    ]
    again = client.post(f"/webhook-deliveries/{log[0]['id']}/redeliver")
    assert again.status_code == 200 and again.json()["status"] == "pending"
    deliver_due()
    first, second = receiver.received
    assert first["headers"]["X-Zhenggai-Event-Id"] == second["headers"]["X-Zhenggai-Event-Id"]
    assert verify(
        second["headers"]["X-Zhenggai-Signature"],
        second["body"],
        secret,
        algorithm="hmac-sm3",
        now=int(time.time()),
    )
    assert api_as("outsider_secretary").get(f"/webhooks/{hook}").status_code == 404
    assert api_as("dept").get(f"/webhooks/{hook}").status_code == 404
    paused = client.patch(f"/webhooks/{hook}", {"active": False})
    assert paused.json()["active"] is False
    assert emit(WebhookEvent.MEASURE_CLOSED, world.a.measures[0], world.a.org) == []
    assert client.delete(f"/webhooks/{hook}").status_code == 204
    assert AuditEntry.objects.filter(action__startswith="api.webhook_").count() == 4


def test_private_addresses_are_refused_when_not_allowed(
    world: World, receiver: Receiver, settings: Any, api_as: Any
) -> None:
    _endpoint(world, receiver.url)
    settings.ZHENGGAI_WEBHOOKS_ALLOW_PRIVATE = False
    refused = api_as("coordinator").post(
        "/webhooks",
        {
            "organisation": world.a.org.pk,
            "url": "http://169.254.169.254/latest",
            "events": ["measure.closed"],
        },
    )
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "url"
    emit(WebhookEvent.MEASURE_CLOSED, world.a.measures[0], world.a.org)
    deliver_due()
    assert receiver.received == []
    assert "not a public address" in WebhookDelivery.objects.get().last_error
