"""The ``NinjaAPI`` of ``/api/v1/``: authentication, error handlers, routers, docs page."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.renderers import JSONRenderer

from zhenggai.api import errors
from zhenggai.api.auth import SessionAuth, TokenAuth
from zhenggai.api.routers import access, documents, ledger, measures, progress, supervision

DESCRIPTION = """\
The open API of 整改 (Zhenggai): the same ledger, workflow and rights as the pages.

* **Authentication**: `Authorization: Bearer zg_…` (a personal token from `POST /tokens`
  or `zhenggai api-token`), or the browser session with `X-CSRFToken` on writes.
* **Scope**: a token sees exactly what its user sees; another unit's object is 404.
* **Lists** are keyset-paginated: pass `next_cursor` back as `cursor`; `limit` ≤ 200.
* **Updates** of a measure need `If-Match: W/"<version>"` (the `ETag` of the read):
  428 without it, 412 when someone changed it first.
* **Errors** are always `{"error": {"code", "message_zh", "message_en", "field"}}`.
* **Rate limit** per token (default 600 requests/min): 429 with `Retry-After`.
* **Dates** are ISO 8601; times carry the Beijing offset (+08:00).
"""


class LocalSwagger(DocsBase):
    """Swagger UI from the files ``django-ninja`` ships, served by us: no CDN."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "layout": "BaseLayout",
            "deepLinking": True,
            "url": reverse("api:openapi-json"),
        }
        context = {"swagger_settings": json.dumps(settings), "title": api.title}
        return render(request, "api/docs.html", context)


class Utf8JSON(JSONRenderer):
    """Chinese text as itself, not ``\\uXXXX`` escapes."""

    json_dumps_params = {"ensure_ascii": False}  # noqa: RUF012 (ninja's class attribute)


class ZhenggaiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """Short, stable operation ids: the view's name (unique across the routers)."""
        return str(operation.view_func.__name__)


api = ZhenggaiAPI(
    title="整改 Zhenggai API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=LocalSwagger(),
    renderer=Utf8JSON(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)
api.add_router("", ledger.router)
api.add_router("", measures.router)
api.add_router("", progress.router)
api.add_router("", documents.router)
api.add_router("", supervision.router)
api.add_router("", access.router)
