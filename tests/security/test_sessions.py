"""Check 5: idle and absolute session timeouts."""

from __future__ import annotations

import time

from django.test import Client

from tests.security.conftest import sign_in
from tests.world import World
from zhenggai.accounts.middleware import AUTH_AT, SEEN_AT
from zhenggai.audit.models import AuditEntry


def _shift(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_thirty_minutes_idle_sends_the_next_request_to_login(world: World, settings) -> None:
    assert settings.ZHENGGAI_SESSION_IDLE_SECONDS == 1800
    client = Client()
    sign_in(client, "dept")
    _shift(client, SEEN_AT, 1801)
    response = client.get("/inspections/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    assert client.get("/").status_code == 302  # the session is gone, not just refused once
    assert AuditEntry.objects.filter(action="logout", after__reason="idle").exists()


def test_activity_within_the_idle_limit_keeps_the_session(world: World) -> None:
    client = Client()
    sign_in(client, "dept")
    _shift(client, SEEN_AT, 1700)
    assert client.get("/inspections/").status_code == 200
    assert time.time() - client.session[SEEN_AT] < 5  # the clock restarted


def test_the_absolute_limit_ends_an_active_session(world: World, settings) -> None:
    client = Client()
    sign_in(client, "dept")
    _shift(client, AUTH_AT, settings.SESSION_COOKIE_AGE + 1)
    response = client.get("/inspections/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert AuditEntry.objects.filter(action="logout", after__reason="absolute").exists()


def test_the_limits_are_settings(world: World, settings) -> None:
    settings.ZHENGGAI_SESSION_IDLE_SECONDS = 120
    client = Client()
    sign_in(client, "dept")
    _shift(client, SEEN_AT, 121)
    assert client.get("/").status_code == 302


def test_force_login_sessions_have_clocks_too(world: World) -> None:
    client = Client()
    client.force_login(world.dept)
    assert AUTH_AT in client.session and SEEN_AT in client.session
    _shift(client, SEEN_AT, 1801)
    assert client.get("/").status_code == 302
