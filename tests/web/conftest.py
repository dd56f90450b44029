from __future__ import annotations

import pytest
from django.test import Client

from tests.world import TODAY, World
from zhenggai.web import clock


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages' lights and overdue filters count from the world's fixed date."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def as_user(world: World):
    """``as_user("dept")`` → a client signed in as that persona."""

    def make(name: str) -> Client:
        client = Client()
        client.force_login(world.users[name])
        return client

    return make
