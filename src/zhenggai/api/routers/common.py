"""Helpers the routers share: documented errors, ETags, id lookups, visible organisations."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from zhenggai.accounts.models import Organisation, OrganisationKind, User
from zhenggai.accounts.permissions import scope_of
from zhenggai.api.errors import ApiError, ErrorOut
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Measure

#: Every operation may answer these (401 no or bad token, 404 not visible, 422 bad
#: input, 429 over the rate limit, 400 a business rule, 403 not allowed).
COMMON_ERRORS = (400, 401, 403, 404, 422, 429)


def responses(ok: dict[int, Any], *extra: int) -> dict[int, Any]:
    """``ok`` plus the documented error body for the common errors and ``extra``."""
    return {**ok, **{code: ErrorOut for code in sorted({*COMMON_ERRORS, *extra})}}


def binary(description: str, content_types: list[str]) -> dict[str, Any]:
    """``openapi_extra`` for a 200 response that is a file, not JSON."""
    schema = {"type": "string", "format": "binary"}
    return {
        "responses": {
            200: {
                "description": description,
                "content": {ct: {"schema": schema} for ct in content_types},
            }
        }
    }


# ---------------------------------------------------------------- ETag / If-Match

_TAG = re.compile(r'^\s*(?:W/)?"(\d{1,18})"\s*$')


def etag(measure: Measure) -> str:
    return f'W/"{measure.version}"'


def with_etag(response: HttpResponse, measure: Measure) -> Measure:
    response["ETag"] = etag(measure)
    return measure


def if_match_version(header: str | None, *, required: bool) -> int | None:
    """The version an ``If-Match`` names; 428 when required and absent, 412 when unreadable."""
    if header is None or not header.strip():
        if required:
            raise ApiError(
                428,
                "precondition_required",
                _("修改措施须带 If-Match 请求头(先读取措施得到 ETag)。"),
                "If-Match is required: send the ETag of the measure you read.",
                field="If-Match",
            )
        return None
    match = _TAG.match(header.split(",")[0])
    if match is None:
        raise stale()
    return int(match.group(1))


def stale() -> ApiError:
    return ApiError(
        412,
        "precondition_failed",
        _("该措施已被他人修改,请重新读取后再试。"),
        "The measure changed since you read it (ETag mismatch); read it again.",
        field="If-Match",
    )


def check_version(measure: Measure, expected: int | None) -> None:
    if expected is not None and expected != measure.version:
        raise stale()


# ---------------------------------------------------------------- ids from clients


def user_by_id(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise DomainError(_("指定的人员不存在。"), "No such user.", field=field)
    return user


def departments_by_id(ids: list[int], field: str) -> list[Organisation]:
    found = list(Organisation.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise DomainError(_("指定的部门不存在。"), "No such department.", field=field)
    return found


def department_by_id(pk: int | None, field: str) -> Organisation | None:
    return departments_by_id([pk], field)[0] if pk is not None else None


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """The units a user's business data comes from, their departments, the offices' trees."""
    scope = scope_of(user)
    units = scope.full_unit_ids | set(scope.department_unit_ids)
    q = Q(pk__in=units) | Q(parent_id__in=units, kind=OrganisationKind.DEPARTMENT)
    for path in scope.jurisdiction_paths:
        q |= Q(path__startswith=path)
    return Organisation.objects.filter(q)


def auth_user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]
