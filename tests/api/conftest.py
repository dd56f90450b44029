from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.world import TODAY, World
from zhenggai.api import clock
from zhenggai.api.tokens import create_token


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lights and the overdue filter count from the world's fixed date."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture(autouse=True)
def quiet_webhooks(settings: Any) -> None:
    settings.ZHENGGAI_WEBHOOKS_INLINE = False
    cache.clear()  # rate-limit counters


class ApiClient:
    """A Django test client that sends a persona's bearer token on every request."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.client = Client(headers={"Authorization": f"Bearer {secret}"})

    def get(self, path: str, **extra: Any) -> Any:
        return self.client.get(f"/api/v1{path}", **extra)

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            data if data is not None else {},
            content_type="application/json",
            **extra,
        )

    def upload(self, path: str, data: dict[str, Any], **extra: Any) -> Any:
        return self.client.post(f"/api/v1{path}", data, **extra)  # multipart

    def patch(self, path: str, data: Any, **extra: Any) -> Any:
        return self.client.patch(f"/api/v1{path}", data, content_type="application/json", **extra)

    def delete(self, path: str, **extra: Any) -> Any:
        return self.client.delete(f"/api/v1{path}", **extra)


@pytest.fixture
def api_as(world: World) -> Callable[[str], ApiClient]:
    """``api_as("dept")`` → a client with a fresh token of that persona."""
    made: dict[str, ApiClient] = {}

    def make(name: str) -> ApiClient:
        if name not in made:
            issued = create_token(user=world.users[name], name=f"test {name}")
            made[name] = ApiClient(issued.secret)
        return made[name]

    return make
