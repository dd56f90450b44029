"""``/api/v1/``: the API's operations, its docs assets, and JSON for every miss.

Django answers an unknown path or a wrong method before the API sees the request;
both are wrapped here so that they too get the API's JSON error body.
"""

from __future__ import annotations

import functools
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhenggai.api.api import api
from zhenggai.api.errors import error_response, not_found

app_name = "api"

#: The Swagger UI files of the pinned ``django-ninja`` release.
ASSETS_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"})


@require_GET
def asset(request: HttpRequest, name: str) -> HttpResponse:
    if name not in ASSETS:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSETS_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _json_method_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return error_response(
                405,
                "method_not_allowed",
                _("不支持该请求方法。"),
                f"Method {request.method} not allowed.",
                headers={"Allow": response.get("Allow", "")},
            )
        return response

    return wrapped


def _api_patterns() -> list[Any]:
    patterns, _app, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_method_errors(pattern.callback)
    return list(patterns)


def _not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return not_found(request)


urlpatterns = [
    *_api_patterns(),
    path("assets/<str:name>", asset, name="asset"),
    re_path(r"^(?P<rest>.*)$", _not_found),
]
