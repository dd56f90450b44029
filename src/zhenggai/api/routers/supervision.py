"""Extension requests (延期申请) and supervision orders (督办单), over the supervision services."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Path, Query, Router, Status

from zhenggai.accounts.permissions import (
    get_inspection_for,
    get_measure_for,
    scope_of,
    visible_inspections,
    visible_measures,
)
from zhenggai.api.pagination import keyset_page, page_schema, sorts
from zhenggai.api.routers.common import auth_user, responses
from zhenggai.api.routers.ledger import PageQuery
from zhenggai.api.schemas.common import MAX_ID, Id
from zhenggai.api.schemas.measures import ReasonIn
from zhenggai.api.schemas.supervision import AnswerIn, ExtensionIn, ExtensionOut, OrderIn, OrderOut
from zhenggai.ledger.models import Measure
from zhenggai.supervision.models import ExtensionRequest, OrderStatus, SupervisionOrder
from zhenggai.supervision.services import extensions, orders

router = Router()

ExtensionPage = page_schema(ExtensionOut, "ExtensionPage")
OrderPage = page_schema(OrderOut, "OrderPage")
BY_ID = sorts(("id", int, False))
PK = Path(..., ge=1, le=MAX_ID)


# ---------------------------------------------------------------- extensions


def _extension_for(user: Any, pk: int) -> ExtensionRequest:
    found = (
        ExtensionRequest.objects.filter(measure__in=visible_measures(user), pk=pk)
        .select_related("measure__inspection__unit")
        .first()
    )
    if found is None:
        raise Http404
    return found


@router.get(
    "/measures/{pk}/extensions", response=responses({200: ExtensionPage}), tags=["extensions"]
)
def list_extensions(request: HttpRequest, query: Query[PageQuery], pk: int = PK) -> Any:
    """Extension requests of a measure, newest first (the original deadline never changes)."""
    measure = get_measure_for(auth_user(request), pk)
    page = keyset_page(
        ExtensionRequest.objects.filter(measure=measure),
        sort=BY_ID["-id"],
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "/measures/{pk}/extensions", response=responses({201: ExtensionOut}), tags=["extensions"]
)
def request_extension(
    request: HttpRequest, data: ExtensionIn, pk: int = PK
) -> Status[ExtensionRequest]:
    """The lead department asks to move the deadline, with a reason."""
    user = auth_user(request)
    measure = get_measure_for(user, pk)
    return Status(
        201,
        extensions.request_extension(
            measure=measure, actor=user, new_deadline=data.new_deadline, reason=data.reason
        ),
    )


def _decide(request: HttpRequest, pk: int, approve: bool, reason: str) -> ExtensionRequest:
    user = auth_user(request)
    return extensions.decide_extension(
        request=_extension_for(user, pk), actor=user, approve=approve, reason=reason
    )


@router.post(
    "/extensions/{pk}/approve", response=responses({200: ExtensionOut}), tags=["extensions"]
)
def approve_extension(request: HttpRequest, data: ReasonIn, pk: int = PK) -> ExtensionRequest:
    """The responsible leader or the secretary approves; the measure's effective deadline moves."""
    return _decide(request, pk, True, data.reason)


@router.post(
    "/extensions/{pk}/reject", response=responses({200: ExtensionOut}), tags=["extensions"]
)
def reject_extension(request: HttpRequest, data: ReasonIn, pk: int = PK) -> ExtensionRequest:
    return _decide(request, pk, False, data.reason)


@router.post(
    "/extensions/{pk}/withdraw", response=responses({200: ExtensionOut}), tags=["extensions"]
)
def withdraw_extension(request: HttpRequest, pk: int = PK) -> ExtensionRequest:
    user = auth_user(request)
    return extensions.withdraw_extension(request=_extension_for(user, pk), actor=user)


# ---------------------------------------------------------------- orders


def _visible_orders(user: Any) -> Any:
    """Orders of the inspections the caller sees; a department user only those about its
    measures."""
    scope = scope_of(user)
    whole = Q(inspection__unit_id__in=scope.full_unit_ids)
    for path in scope.jurisdiction_paths:
        whole |= Q(inspection__unit__path__startswith=path)
    mine = Q(
        pk__in=SupervisionOrder.measures.through.objects.filter(
            measure__in=visible_measures(user)
        ).values("supervisionorder_id")
    )
    return SupervisionOrder.objects.filter(
        whole | mine, inspection__in=visible_inspections(user)
    ).prefetch_related("measures", "notices")


def _order_for(user: Any, pk: int) -> SupervisionOrder:
    found = _visible_orders(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


class OrderQuery(PageQuery):
    inspection: Id | None = None
    status: OrderStatus | None = None


@router.get("/orders", response=responses({200: OrderPage}), tags=["supervision orders"])
def list_orders(request: HttpRequest, query: Query[OrderQuery]) -> Any:
    rows = _visible_orders(auth_user(request))
    if query.inspection:
        rows = rows.filter(inspection_id=query.inspection)
    if query.status:
        rows = rows.filter(status=query.status)
    page = keyset_page(rows, sort=BY_ID["-id"], cursor=query.cursor, limit=query.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/orders/{pk}", response=responses({200: OrderOut}), tags=["supervision orders"])
def get_order(request: HttpRequest, pk: int = PK) -> SupervisionOrder:
    return _order_for(auth_user(request), pk)


@router.post("/orders", response=responses({201: OrderOut}), tags=["supervision orders"])
def issue_order(request: HttpRequest, data: OrderIn) -> Status[SupervisionOrder]:
    """The office issues a numbered order about chosen measures; emits ``order.issued``."""
    user = auth_user(request)
    inspection = get_inspection_for(user, data.inspection)
    # The service refuses measures of another inspection; the office sees the whole unit.
    chosen = [Measure(pk=pk) for pk in dict.fromkeys(data.measures)]
    order = orders.issue_order(
        inspection=inspection,
        actor=user,
        measures=chosen,
        subject=data.subject,
        due_date=data.due_date,
        requirement=data.requirement,
    )
    return Status(201, _order_for(user, order.pk))


@router.post(
    "/orders/{pk}/answer", response=responses({200: OrderOut}), tags=["supervision orders"]
)
def answer_order(request: HttpRequest, data: AnswerIn, pk: int = PK) -> SupervisionOrder:
    """The unit's coordinator or secretary reports what was done; emits ``order.answered``."""
    user = auth_user(request)
    orders.answer_order(order=_order_for(user, pk), actor=user, text=data.text)
    return _order_for(user, pk)


def _review(request: HttpRequest, pk: int, accept: bool, reason: str) -> SupervisionOrder:
    user = auth_user(request)
    orders.review_order(order=_order_for(user, pk), actor=user, accept=accept, reason=reason)
    return _order_for(user, pk)


@router.post(
    "/orders/{pk}/accept", response=responses({200: OrderOut}), tags=["supervision orders"]
)
def accept_order(request: HttpRequest, data: ReasonIn, pk: int = PK) -> SupervisionOrder:
    """The office accepts the answer (办结)."""
    return _review(request, pk, True, data.reason)


@router.post(
    "/orders/{pk}/return", response=responses({200: OrderOut}), tags=["supervision orders"]
)
def return_order(request: HttpRequest, data: ReasonIn, pk: int = PK) -> SupervisionOrder:
    """The office sends the answer back with a reason."""
    return _review(request, pk, False, data.reason)
