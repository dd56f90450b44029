"""A fixed-window request counter per token (or per signed-in user) in Django's cache.

One ``add`` and one ``incr`` per request. With the local-memory cache each server
process counts on its own; point ``CACHES`` at a shared cache to count across them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.cache import cache

from zhenggai.api.conf import setting
from zhenggai.api.errors import RateLimited

WINDOW_SECONDS = 60


def check(identity: str, *, clock: Callable[[], float] = time.time) -> None:
    """Count one request for ``identity``; raise :class:`RateLimited` over the limit."""
    limit = setting("ZHENGGAI_API_RATE_PER_MINUTE")
    now = clock()
    window = int(now // WINDOW_SECONDS)
    key = f"zg-api-rate:{identity}:{window}"
    cache.add(key, 0, WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, WINDOW_SECONDS + 5)
        count = 1
    if count > limit:
        retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
        raise RateLimited(retry_after)
