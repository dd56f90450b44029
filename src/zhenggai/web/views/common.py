"""Small helpers shared by the page views."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from zhenggai.accounts.permissions import roles_of


def wants_fragment(request: HttpRequest) -> bool:
    """An HTMX swap asks for the fragment; a history restore needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def paginate(request: HttpRequest, rows: QuerySet | list[Any], param: str = "page") -> Page:
    """One ``COUNT`` and one ``LIMIT``ed query; a bad page number falls back to the nearest."""
    paginator = Paginator(rows, settings.ZHENGGAI_PAGE_SIZE)
    return paginator.get_page(request.GET.get(param))


def require_role(request: HttpRequest, *roles: str) -> set[str]:
    """403 unless the user holds one of ``roles`` somewhere; returns all their roles."""
    held = roles_of(request.user)
    if not held & set(roles):
        raise PermissionDenied
    return held


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` target of a form if it stays on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
