"""Quality flags, reports, tokens and webhooks."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from zhenggai.api.models import DeliveryStatus, WebhookAlgorithm, WebhookEvent
from zhenggai.api.schemas.common import Day, Id, LocalDateTime, Reason, bounded
from zhenggai.documents.models import ReportKind
from zhenggai.quality.engine import Severity
from zhenggai.quality.models import FlagStatus

TokenName = bounded(100, 1)
Url = bounded(500, 1)


class FlagOut(Schema):
    id: int
    inspection: int = Field(validation_alias="inspection_id")
    problem: int | None = Field(validation_alias="problem_id")
    measure: int | None = Field(validation_alias="measure_id")
    rule: str
    severity: Severity
    message: str
    status: FlagStatus
    related: list[dict[str, Any]]
    spans: list[dict[str, Any]]
    dismissed_by: int | None = Field(validation_alias="dismissed_by_id")
    dismissed_at: LocalDateTime | None
    dismiss_reason: str
    first_seen_at: LocalDateTime
    last_seen_at: LocalDateTime


class DismissIn(Schema):
    reason: Reason


class ReportOut(Schema):
    id: int
    kind: ReportKind
    round: int = Field(validation_alias="round_id")
    inspection: int | None = Field(validation_alias="inspection_id")
    organisation: int = Field(validation_alias="organisation_id")
    version: int
    title: str
    report_date: Day
    figures: dict[str, Any]
    ledger_hash: str
    audit_head: str
    created_by: int | None = Field(validation_alias="created_by_id")
    created_at: LocalDateTime
    is_published: bool
    published_at: LocalDateTime | None
    withdrawn_at: LocalDateTime | None


class MembershipOut(Schema):
    organisation: int = Field(validation_alias="organisation_id")
    role: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: Any) -> list[Any]:
        return list(obj.memberships.all())


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: LocalDateTime
    expires_at: LocalDateTime | None
    last_used_at: LocalDateTime | None
    revoked_at: LocalDateTime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret, shown only in this response.")


class TokenIn(Schema):
    name: TokenName  # type: ignore[valid-type]
    expires_at: LocalDateTime | None = None


class WebhookOut(Schema):
    id: int
    organisation: int = Field(validation_alias="organisation_id")
    url: str
    events: list[WebhookEvent]
    algorithm: WebhookAlgorithm
    active: bool
    created_at: LocalDateTime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret, shown only in this response.")


class WebhookIn(Schema):
    organisation: Id
    url: Url  # type: ignore[valid-type]
    events: list[WebhookEvent] = Field(min_length=1, max_length=20)
    algorithm: WebhookAlgorithm = WebhookAlgorithm.HMAC_SHA256


class WebhookPatch(Schema):
    url: Url | None = None  # type: ignore[valid-type]
    events: list[WebhookEvent] | None = Field(None, min_length=1, max_length=20)
    active: bool | None = None


class DeliveryOut(Schema):
    id: int
    endpoint: int = Field(validation_alias="endpoint_id")
    event_id: str
    event: str
    payload: dict[str, Any]
    status: DeliveryStatus
    attempts: int
    next_attempt_at: LocalDateTime | None
    last_attempt_at: LocalDateTime | None
    response_code: int | None
    last_error: str
    created_at: LocalDateTime

    @staticmethod
    def resolve_event_id(obj: Any) -> str:
        return str(obj.event_id)
