"""``Server-Timing`` for every response: time in Django and the number of SQL queries.

Add it first in ``MIDDLEWARE`` so that it covers the whole request::

    MIDDLEWARE = ["zhenggai.scale.middleware.ServerTimingMiddleware", *MIDDLEWARE]

The header reads ``app;dur=12.3, db;dur=4.5;desc="7 queries"``; ``X-Query-Count`` repeats
the count for scripts. It carries no data, only durations.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse


class _QueryClock:
    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        clock = _QueryClock()
        started = time.perf_counter()
        with _wrapped(clock):
            response = self.get_response(request)
        app_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = (
            f'app;dur={app_ms:.2f}, db;dur={clock.seconds * 1000:.2f};desc="{clock.count} queries"'
        )
        response["X-Query-Count"] = str(clock.count)
        return response


class _wrapped:
    """Install the query clock on every configured database for the request."""

    def __init__(self, clock: _QueryClock) -> None:
        self.clock = clock
        self.contexts: list[Any] = []

    def __enter__(self) -> None:
        for alias in connections:
            context = connections[alias].execute_wrapper(self.clock)
            context.__enter__()
            self.contexts.append(context)

    def __exit__(self, *exc: Any) -> None:
        for context in reversed(self.contexts):
            context.__exit__(*exc)
