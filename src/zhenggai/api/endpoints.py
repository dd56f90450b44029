"""Registering webhook endpoints and reading their deliveries: the writes are audited.

An organisation's endpoints are managed by its coordinator (整改办) or secretary
(for a unit) or by the office (巡察办) over it. The secret is generated here, returned
once at creation, and never written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.accounts.models import Organisation, OrganisationKind, Role
from zhenggai.accounts.permissions import can_register_in, scope_of
from zhenggai.api.conf import setting
from zhenggai.api.models import (
    DeliveryStatus,
    WebhookAlgorithm,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from zhenggai.api.webhooks import attempt, blocked_address
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError
from zhenggai.ledger.services.workflow import PermissionRefused

MANAGING_UNIT_ROLES = frozenset({Role.COORDINATOR, Role.SECRETARY})


def can_manage(user: Any, organisation: Organisation) -> bool:
    if (
        organisation.kind == OrganisationKind.UNIT
        and scope_of(user).unit_roles.get(organisation.pk, set()) & MANAGING_UNIT_ROLES
    ):
        return True
    return organisation.kind != OrganisationKind.DEPARTMENT and can_register_in(user, organisation)


def managed_endpoints(user: Any) -> QuerySet[WebhookEndpoint]:
    """Endpoints of the organisations ``user`` manages."""
    scope = scope_of(user)
    units = [u for u, roles in scope.unit_roles.items() if roles & MANAGING_UNIT_ROLES]
    q = Q(organisation_id__in=units)
    for path in scope.jurisdiction_paths:
        q |= Q(organisation__path__startswith=path) & ~Q(
            organisation__kind=OrganisationKind.DEPARTMENT
        )
    return WebhookEndpoint.objects.filter(q).select_related("organisation")


def get_endpoint_for(user: Any, pk: int) -> WebhookEndpoint:
    endpoint = managed_endpoints(user).filter(pk=pk).first()
    if endpoint is None:
        raise Http404
    return endpoint


def get_delivery_for(user: Any, pk: int) -> WebhookDelivery:
    delivery = (
        WebhookDelivery.objects.filter(endpoint__in=managed_endpoints(user), pk=pk)
        .select_related("endpoint")
        .first()
    )
    if delivery is None:
        raise Http404
    return delivery


def _check(url: str, events: list[str], algorithm: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(_("地址必须是http或https网址。"), "The URL must be http(s).", field="url")
    if blocked_address(parts.hostname or "") is not None:
        raise DomainError(
            _("不能向内部网络地址发送Webhook。"),
            "The URL resolves to a non-public address.",
            field="url",
        )
    if len(url) > 500:
        raise DomainError(_("地址过长。"), "The URL is too long.", field="url")
    unknown = [e for e in events if e not in WebhookEvent.values]
    if not events or unknown:
        raise DomainError(
            _("请选择要订阅的事件。"), f"Unknown or no events: {unknown}.", field="events"
        )
    if algorithm not in WebhookAlgorithm.values:
        raise DomainError(_("不支持的签名算法。"), "Unknown algorithm.", field="algorithm")


def _audit_view(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "events": endpoint.events,
        "algorithm": endpoint.algorithm,
        "active": endpoint.active,
    }


@transaction.atomic
def create_endpoint(
    *,
    actor: Any,
    organisation: Organisation,
    url: str,
    events: list[str],
    algorithm: str = WebhookAlgorithm.HMAC_SHA256,
    now: dt.datetime | None = None,
) -> WebhookEndpoint:
    """Register ``url`` for ``events`` of ``organisation``; the new secret is on the result."""
    if not can_manage(actor, organisation):
        raise PermissionRefused(
            _("您无权为该组织登记Webhook。"), "Not allowed to register webhooks here."
        )
    events = sorted(set(events))
    _check(url, events, algorithm)
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation,
        url=url,
        secret=f"whsec_{secrets.token_urlsafe(32)}",
        events=events,
        algorithm=algorithm,
        created_by=actor,
        created_at=now or timezone.now(),
    )
    record(
        "api.webhook_created",
        actor=actor,
        obj=endpoint,
        organisation_id=organisation.pk,
        after=_audit_view(endpoint),
    )
    return endpoint


@transaction.atomic
def update_endpoint(
    *,
    actor: Any,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: list[str] | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = _audit_view(endpoint)
    endpoint.url = url if url is not None else endpoint.url
    endpoint.events = sorted(set(events)) if events is not None else endpoint.events
    endpoint.active = active if active is not None else endpoint.active
    _check(endpoint.url, endpoint.events, endpoint.algorithm)
    endpoint.save(update_fields=["url", "events", "active"])
    record(
        "api.webhook_updated",
        actor=actor,
        obj=endpoint,
        organisation_id=endpoint.organisation_id,
        before=before,
        after=_audit_view(endpoint),
    )
    return endpoint


@transaction.atomic
def delete_endpoint(*, actor: Any, endpoint: WebhookEndpoint) -> None:
    record(
        "api.webhook_deleted",
        actor=actor,
        obj=endpoint,
        organisation_id=endpoint.organisation_id,
        before=_audit_view(endpoint),
    )
    endpoint.delete()


def redeliver(
    *, actor: Any, delivery: WebhookDelivery, now: dt.datetime | None = None
) -> WebhookDelivery:
    """Queue the delivery again with the same event id (sent at once when inline)."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        delivery.status, delivery.next_attempt_at, delivery.attempts = (
            DeliveryStatus.PENDING,
            now,
            0,
        )
        delivery.save(update_fields=["status", "next_attempt_at", "attempts"])
        record(
            "api.webhook_redelivered",
            actor=actor,
            obj=delivery,
            organisation_id=delivery.endpoint.organisation_id,
            after={"event": delivery.event, "event_id": str(delivery.event_id)},
        )
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery.pk)
    if setting("ZHENGGAI_WEBHOOKS_INLINE"):
        delivery = attempt(delivery, now=now)
    return delivery
