"""The API's settings, each read from Django settings or else from the environment.

Defaults come from environment variables through the strict helpers (a bad value
fails at start-up); a deployment or a test may also set the same names in Django
settings, which win.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from zhenggai.settings.env import env_bool, env_int

DEFAULTS: dict[str, Any] = {
    # Requests per token (or signed-in user) per minute; over it: 429 with Retry-After.
    "ZHENGGAI_API_RATE_PER_MINUTE": env_int("ZHENGGAI_API_RATE_PER_MINUTE", 600, minimum=1),
    # ``api.token_used`` is audited at most once per token per this many seconds.
    "ZHENGGAI_API_TOKEN_AUDIT_SECONDS": env_int("ZHENGGAI_API_TOKEN_AUDIT_SECONDS", 60, minimum=1),
    # Active tokens one user may hold at once.
    "ZHENGGAI_API_MAX_TOKENS": env_int("ZHENGGAI_API_MAX_TOKENS", 20, minimum=1),
    # Deliver webhooks right after the emitting transaction commits (embedded default);
    # otherwise only ``deliver_due`` (the periodic job) sends them.
    "ZHENGGAI_WEBHOOKS_INLINE": env_bool("ZHENGGAI_WEBHOOKS_INLINE", False),
    "ZHENGGAI_WEBHOOK_TIMEOUT_SECONDS": env_int("ZHENGGAI_WEBHOOK_TIMEOUT_SECONDS", 5, minimum=1),
    "ZHENGGAI_WEBHOOK_MAX_ATTEMPTS": env_int("ZHENGGAI_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1),
    # Deliver to loopback, private and link-local addresses? Off in production mode, so
    # that a registered URL cannot reach the server's own network (SSRF).
    "ZHENGGAI_WEBHOOKS_ALLOW_PRIVATE": env_bool(
        "ZHENGGAI_WEBHOOKS_ALLOW_PRIVATE", not env_bool("ZHENGGAI_PRODUCTION_MODE", False)
    ),
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
