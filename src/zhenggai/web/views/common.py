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
    """One ``LIMIT``ed query and one ``COUNT``; a bad page number falls back to the nearest.

    The first page reads its rows first: when they are fewer than a page (a unit's
    problems, most people's lists), their number is the count and no ``COUNT`` runs.
    """
    paginator = Paginator(rows, settings.ZHENGGAI_PAGE_SIZE)
    number = request.GET.get(param)
    if number in (None, "", "1"):
        first = list(rows[: paginator.per_page])
        if len(first) < paginator.per_page:
            paginator.count = len(first)  # a cached property: no COUNT query
        else:
            paginator.count  # noqa: B018 — counted here, in the caller's context (planned_each_time)
        return Page(first, 1, paginator)
    return paginator.get_page(number)


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
