"""Outgoing webhooks: emitting events after commit, delivering, retrying, red-light sweep.

* :func:`emit_on_commit` is what services call inside their transaction: the event is
  emitted only if and when the transaction commits, so a refused or rolled-back
  change never announces anything.
* :func:`emit` creates one :class:`WebhookDelivery` per active endpoint of the
  object's unit or of an organisation above it that subscribed to the event, all with
  the same event id; with ``ZHENGGAI_WEBHOOKS_INLINE`` they are sent at once.
* :func:`deliver_due` is the periodic entry point (``zhenggai periodic``): it emits
  ``measure.light_red`` for measures that turned overdue and sends every delivery
  whose time has come. A failure is retried with exponential backoff (30 s, 1 min,
  2 min … capped at 6 h) up to ``ZHENGGAI_WEBHOOK_MAX_ATTEMPTS`` attempts.

Secrets are never logged: log lines name the delivery, the endpoint id and the host.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import json
import logging
import socket
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from zhenggai.accounts.models import Organisation
from zhenggai.api.conf import setting
from zhenggai.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from zhenggai.api.signing import signature_header

logger = logging.getLogger("zhenggai.api.webhooks")

BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 6 * 3600
#: How far back the red-light sweep looks; a sweep missed for longer loses those events.
RED_LOOKBACK_DAYS = 7
EVENT_NAMESPACE = uuid.UUID("8c4a4a8e-6a43-4c55-9a4f-2f3c1d7b0e51")
USER_AGENT = "Zhenggai-Webhooks/1"


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def describe(obj: Any) -> dict[str, Any]:
    """The ``data`` of an event: the object's identity and state, no free text."""
    from zhenggai.documents.models import Report
    from zhenggai.ledger.models import Measure

    if isinstance(obj, Measure):
        return {
            "type": "measure",
            "id": obj.pk,
            "inspection": obj.inspection_id,
            "problem": obj.problem_id,
            "status": obj.status,
            "version": obj.version,
            "deadline": _iso(obj.deadline),
            "closed_at": _iso(obj.closed_at),
            "url": f"/api/v1/measures/{obj.pk}",
        }
    if isinstance(obj, Report):
        return {
            "type": "report",
            "id": obj.pk,
            "inspection": obj.inspection_id,
            "version": obj.version,
            "title": obj.title,
            "published_at": _iso(obj.published_at),
            "url": f"/api/v1/reports/{obj.pk}",
        }
    from zhenggai.supervision.models import SupervisionOrder

    if isinstance(obj, SupervisionOrder):
        return {
            "type": "order",
            "id": obj.pk,
            "number": obj.number,
            "inspection": obj.inspection_id,
            "status": obj.status,
            "due_date": _iso(obj.due_date),
            "url": f"/api/v1/orders/{obj.pk}",
        }
    return {"type": type(obj).__name__.lower(), "id": getattr(obj, "pk", None)}


def _ancestor_ids(organisation: Organisation) -> list[int]:
    return [int(part) for part in organisation.path.strip("/").split("/") if part]


def subscribed_endpoints(event: str, organisation: Organisation) -> list[WebhookEndpoint]:
    """Active endpoints of the organisation or above it that want ``event``."""
    endpoints = WebhookEndpoint.objects.filter(
        active=True, organisation_id__in=_ancestor_ids(organisation)
    )
    # Few rows per organisation chain; the event list is checked here so that the
    # same code runs on SQLite, whose JSON fields have no "contains".
    return [endpoint for endpoint in endpoints if event in endpoint.events]


def emit(
    event: str,
    obj: Any,
    organisation: Organisation,
    *,
    event_id: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> list[WebhookDelivery]:
    """Queue ``event`` about ``obj`` for every subscribed endpoint; returns the new deliveries.

    An ``event_id`` already queued for an endpoint is not queued again (idempotent).
    """
    WebhookEvent(event)  # an unknown event name is a programming error
    endpoints = subscribed_endpoints(event, organisation)
    if not endpoints:
        return []
    now = now or timezone.now()
    event_id = event_id or uuid.uuid4()
    payload = {
        "id": str(event_id),
        "event": event,
        "created_at": _iso(now),
        "organisation": {"id": organisation.pk, "name": organisation.name},
        "data": describe(obj),
    }
    known = set(
        WebhookDelivery.objects.filter(event_id=event_id, endpoint__in=endpoints).values_list(
            "endpoint_id", flat=True
        )
    )
    fresh = [endpoint for endpoint in endpoints if endpoint.pk not in known]
    # ignore_conflicts: a concurrent emit of the same event id may have won the race.
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event_id=event_id,
                event=event,
                payload=payload,
                next_attempt_at=now,
                created_at=now,
            )
            for endpoint in fresh
        ],
        ignore_conflicts=True,
    )
    created = list(
        WebhookDelivery.objects.filter(event_id=event_id, endpoint__in=fresh).select_related(
            "endpoint"
        )
    )
    if setting("ZHENGGAI_WEBHOOKS_INLINE"):
        for delivery in created:
            attempt(delivery, now=now)
    return created


def emit_on_commit(event: str, obj: Any, organisation: Organisation) -> None:
    """Emit ``event`` once the current transaction commits (at once outside one)."""

    def send() -> None:
        try:
            emit(event, obj, organisation)
        except Exception:  # the change is committed; a webhook problem must not undo the reply
            logger.exception("webhook emit failed for %s", event)

    transaction.on_commit(send)


# ---------------------------------------------------------------- delivery


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None
    error: str


def blocked_address(host: str) -> str | None:
    """The first address of ``host`` that deliveries may not reach, if any (SSRF guard)."""
    if setting("ZHENGGAI_WEBHOOKS_ALLOW_PRIVATE"):
        return None
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return None  # the connection attempt will report it
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return str(address)
    return None


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    """POST without following redirects; 2xx is success."""
    parts = urlsplit(url)
    blocked = blocked_address(parts.hostname or "")
    if blocked is not None:
        return Outcome(False, None, f"refused: {blocked} is not a public address")
    conn_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    try:
        conn = conn_class(parts.hostname or "", parts.port, timeout=timeout)
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read(64 * 1024)
        finally:
            conn.close()
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(False, None, f"{type(exc).__name__}: {exc}"[:500])
    ok = 200 <= response.status < 300
    return Outcome(ok, response.status, "" if ok else f"HTTP {response.status}")


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the ``attempts``-th failure: 30 s × 2^(n-1), at most 6 h."""
    return dt.timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    )


def attempt(delivery: WebhookDelivery, *, now: dt.datetime | None = None) -> WebhookDelivery:
    """Send one delivery now and record the outcome (success, retry later, or give up)."""
    now = now or timezone.now()
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Zhenggai-Event": delivery.event,
        "X-Zhenggai-Event-Id": str(delivery.event_id),
        "X-Zhenggai-Delivery": str(delivery.pk),
        "X-Zhenggai-Signature": signature_header(
            endpoint.algorithm, endpoint.secret, timestamp, body
        ),
    }
    outcome = post(endpoint.url, body, headers, setting("ZHENGGAI_WEBHOOK_TIMEOUT_SECONDS"))
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_code = outcome.status
    delivery.last_error = outcome.error
    if outcome.ok:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, None
    elif delivery.attempts >= setting("ZHENGGAI_WEBHOOK_MAX_ATTEMPTS"):
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    if not outcome.ok:
        logger.warning(
            "webhook delivery %s to endpoint %s (%s) failed: %s",
            delivery.pk,
            endpoint.pk,
            urlsplit(endpoint.url).hostname,
            outcome.error,
        )
    delivery.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "response_code",
            "last_error",
            "status",
            "next_attempt_at",
        ]
    )
    return delivery


def _claim(now: dt.datetime, limit: int) -> list[WebhookDelivery]:
    """Take up to ``limit`` due deliveries, leasing them so that a parallel run skips them."""
    lease = now + dt.timedelta(seconds=4 * setting("ZHENGGAI_WEBHOOK_TIMEOUT_SECONDS"))
    with transaction.atomic():
        due = WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due.select_related("endpoint")[:limit])
        WebhookDelivery.objects.filter(pk__in=[r.pk for r in rows]).update(next_attempt_at=lease)
    return rows


def emit_red_lights(today: dt.date, *, now: dt.datetime | None = None) -> int:
    """Emit ``measure.light_red`` for open measures that passed their (effective) deadline lately.

    The event id is derived from (measure, deadline), so that each measure turns red
    once per deadline however often the sweep runs. Returns the deliveries created.
    """
    from zhenggai.ledger.models import Measure, MeasureStatus
    from zhenggai.supervision.lights import effective_deadline

    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(active=True).select_related("organisation")
        if WebhookEvent.LIGHT_RED in e.events
    ]
    if not endpoints:
        return 0
    scope = Q(pk__in=[])
    for endpoint in endpoints:
        scope |= Q(inspection__unit__path__startswith=endpoint.organisation.path)
    # The effective deadline: an approved extension moves it (supervision's rule).
    measures = (
        Measure.objects.filter(scope)
        .annotate(due=effective_deadline())
        .filter(due__lt=today, due__gte=today - dt.timedelta(days=RED_LOOKBACK_DAYS))
        .exclude(status=MeasureStatus.CLOSED)
        .select_related("inspection__unit")
    )
    created = 0
    for measure in measures.iterator(chunk_size=500):
        event_id = uuid.uuid5(EVENT_NAMESPACE, f"light_red:{measure.pk}:{measure.due}")
        created += len(
            emit(
                WebhookEvent.LIGHT_RED,
                measure,
                measure.inspection.unit,
                event_id=event_id,
                now=now,
            )
        )
    return created


def deliver_due(now: dt.datetime | None = None, *, limit: int = 200) -> int:
    """The periodic job: sweep for red lights, then send the due deliveries; returns sent."""
    now = now or timezone.now()
    emit_red_lights(timezone.localdate(now), now=now)
    sent = 0
    while True:
        rows = _claim(now, limit)
        for delivery in rows:
            attempt(delivery, now=now)
            sent += 1
        if len(rows) < limit:
            return sent
