"""The caller's API tokens, and the webhook endpoints of the organisations they manage."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Path, Query, Router, Status

from zhenggai.api import endpoints as hooks
from zhenggai.api import tokens
from zhenggai.api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from zhenggai.api.pagination import keyset_page, page_schema, sorts
from zhenggai.api.routers.common import auth_user, responses, visible_organisations
from zhenggai.api.routers.ledger import PageQuery
from zhenggai.api.schemas.common import MAX_ID
from zhenggai.api.schemas.misc import (
    DeliveryOut,
    MeOut,
    TokenCreated,
    TokenIn,
    TokenOut,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
)

router = Router()

TokenPage = page_schema(TokenOut, "TokenPage")
WebhookPage = page_schema(WebhookOut, "WebhookPage")
DeliveryPage = page_schema(DeliveryOut, "DeliveryPage")
BY_ID = sorts(("id", int, False))
PK = Path(..., ge=1, le=MAX_ID)


def _page(rows: Any, query: PageQuery, sort: str) -> dict[str, Any]:
    page = keyset_page(rows, sort=BY_ID[sort], cursor=query.cursor, limit=query.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


# ---------------------------------------------------------------- the caller


@router.get("/me", response=responses({200: MeOut}), tags=["tokens"])
def me(request: HttpRequest) -> Any:
    """Who the token (or session) belongs to, with the roles that decide what it sees."""
    return auth_user(request)


# ---------------------------------------------------------------- tokens


@router.get("/tokens", response=responses({200: TokenPage}), tags=["tokens"])
def list_tokens(request: HttpRequest, query: Query[PageQuery]) -> Any:
    """The caller's own tokens, newest first (never their secrets)."""
    return _page(tokens.tokens_of(auth_user(request)), query, "-id")


@router.post("/tokens", response=responses({201: TokenCreated}), tags=["tokens"])
def create_token(request: HttpRequest, data: TokenIn) -> Status[ApiToken]:
    """Create a token; ``token`` in the reply is the secret, shown this once."""
    issued = tokens.create_token(
        user=auth_user(request), name=data.name, expires_at=data.expires_at
    )
    issued.token.token = issued.secret  # type: ignore[attr-defined]
    return Status(201, issued.token)


@router.delete("/tokens/{pk}", response=responses({200: TokenOut}), tags=["tokens"])
def revoke_token(request: HttpRequest, pk: int = PK) -> ApiToken:
    """Revoke one of the caller's tokens; it stops working at once."""
    return tokens.revoke_token(user=auth_user(request), pk=pk)


# ---------------------------------------------------------------- webhooks


@router.get("/webhooks", response=responses({200: WebhookPage}), tags=["webhooks"])
def list_webhooks(request: HttpRequest, query: Query[PageQuery]) -> Any:
    """Endpoints of the organisations the caller manages (整改办, secretary, office)."""
    return _page(hooks.managed_endpoints(auth_user(request)), query, "id")


@router.post("/webhooks", response=responses({201: WebhookCreated}), tags=["webhooks"])
def create_webhook(request: HttpRequest, data: WebhookIn) -> Status[WebhookEndpoint]:
    """Register a URL for events; ``secret`` (for checking signatures) is shown this once."""
    user = auth_user(request)
    organisation = visible_organisations(user).filter(pk=data.organisation).first()
    if organisation is None:
        raise Http404
    endpoint = hooks.create_endpoint(
        actor=user,
        organisation=organisation,
        url=data.url,
        events=list(data.events),
        algorithm=data.algorithm,
    )
    return Status(201, endpoint)  # the one reply that carries the secret


@router.get("/webhooks/{pk}", response=responses({200: WebhookOut}), tags=["webhooks"])
def get_webhook(request: HttpRequest, pk: int = PK) -> WebhookEndpoint:
    return hooks.get_endpoint_for(auth_user(request), pk)


@router.patch("/webhooks/{pk}", response=responses({200: WebhookOut}), tags=["webhooks"])
def update_webhook(request: HttpRequest, data: WebhookPatch, pk: int = PK) -> WebhookEndpoint:
    user = auth_user(request)
    endpoint = hooks.get_endpoint_for(user, pk)
    return hooks.update_endpoint(
        actor=user,
        endpoint=endpoint,
        url=data.url,
        events=list(data.events) if data.events is not None else None,
        active=data.active,
    )


@router.delete("/webhooks/{pk}", response=responses({204: None}), tags=["webhooks"])
def delete_webhook(request: HttpRequest, pk: int = PK) -> HttpResponse:
    user = auth_user(request)
    hooks.delete_endpoint(actor=user, endpoint=hooks.get_endpoint_for(user, pk))
    return HttpResponse(status=204)


@router.get("/webhooks/{pk}/deliveries", response=responses({200: DeliveryPage}), tags=["webhooks"])
def list_deliveries(request: HttpRequest, query: Query[PageQuery], pk: int = PK) -> Any:
    """The delivery log of an endpoint, newest first."""
    endpoint = hooks.get_endpoint_for(auth_user(request), pk)
    return _page(WebhookDelivery.objects.filter(endpoint=endpoint), query, "-id")


@router.post(
    "/webhook-deliveries/{pk}/redeliver",
    response=responses({200: DeliveryOut}),
    tags=["webhooks"],
)
def redeliver(request: HttpRequest, pk: int = PK) -> WebhookDelivery:
    """Send a delivery again with the same event id (the receiver drops duplicates)."""
    user = auth_user(request)
    return hooks.redeliver(actor=user, delivery=hooks.get_delivery_for(user, pk))
