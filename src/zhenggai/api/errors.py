"""One JSON error body for every failure: ``{"error": {code, message_zh, message_en, field}}``.

The handlers turn the exceptions the services and Django raise (``Http404``,
``PermissionDenied``, ``DomainError``) and those of the API itself (validation,
authentication, rate limit, preconditions) into that body with the right status.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from zhenggai.core.errors import DomainError
from zhenggai.ledger.services.workflow import PermissionRefused

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("zhenggai.api")


class ErrorBody(Schema):
    code: str
    message_zh: str
    message_en: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorBody


class ApiError(Exception):
    """An error the API raises itself, with its status and both messages."""

    def __init__(
        self,
        status: int,
        code: str,
        message_zh: str,
        message_en: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.status, self.code, self.field = status, code, field
        self.message_zh, self.message_en = str(message_zh), message_en
        self.headers = headers or {}


class RateLimited(ApiError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            429,
            "rate_limited",
            _("请求过于频繁,请稍后再试。"),
            "Too many requests; retry later.",
            headers={"Retry-After": str(retry_after)},
        )


def error_response(
    status: int,
    code: str,
    message_zh: str,
    message_en: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body = {
        "error": {
            "code": code,
            "message_zh": str(message_zh),
            "message_en": message_en,
            "field": field,
        }
    }
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


def _split(message: str, zh: str, en: str) -> tuple[str, str]:
    """The reports service says ``"中文 / English"`` in ``PermissionDenied``; keep both."""
    if " / " in message:
        left, right = message.split(" / ", 1)
        return left, right
    return zh, en


def not_found(request: HttpRequest | None = None, exc: Exception | None = None) -> HttpResponse:
    return error_response(404, "not_found", _("未找到,或您无权查看。"), "Not found.")


def _field_of(error: dict[str, Any]) -> str | None:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
    loc = [part for part in loc if part not in ("form", "file", "header", "payload", "data")]
    return ".".join(loc) or None


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api``."""

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(
            exc.status, exc.code, exc.message_zh, exc.message_en, exc.field, exc.headers
        )

    @api.exception_handler(Http404)
    def http404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return not_found()

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        zh, en = _split(str(exc), _("您无权执行此操作。"), "Not allowed.")
        return error_response(403, "permission_denied", zh, en)

    @api.exception_handler(DomainError)
    def domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        if isinstance(exc, PermissionRefused):
            return error_response(403, "permission_denied", exc.message, exc.english, exc.field)
        if exc.field == "version":  # the service's own lost-update guard
            return error_response(412, "precondition_failed", exc.message, exc.english, exc.field)
        return error_response(400, "domain_error", exc.message, exc.english or "", exc.field)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        detail = str(first.get("msg", "invalid input"))
        return error_response(
            422,
            "validation_error",
            _("输入不符合要求:%(detail)s") % {"detail": detail},
            f"Invalid input: {detail}",
            _field_of(first),
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            401,
            "unauthenticated",
            _("请提供有效的API令牌或先登录。"),
            "A valid API token (Authorization: Bearer …) or a session is required.",
            headers={"WWW-Authenticate": 'Bearer realm="zhenggai"'},
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(exc.status_code, "http_error", exc.message, exc.message)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500, "server_error", _("服务器内部错误。"), "Internal server error.")
