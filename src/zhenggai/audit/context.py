"""Per-request context (address) for audit entries, set by middleware."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.conf import settings

current_ip: ContextVar[str | None] = ContextVar("zhenggai_audit_ip", default=None)


def client_address(request: Any) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or — when that is one of
    ``ZHENGGAI_TRUSTED_PROXIES`` — the nearest untrusted address in ``X-Forwarded-For``.

    Lockouts and audit entries count per client; behind a proxy without this every
    request would come from the proxy.
    """
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    trusted = set(getattr(settings, "ZHENGGAI_TRUSTED_PROXIES", []))
    if remote not in trusted:
        return remote or None
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return remote or None
