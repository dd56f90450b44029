"""The session engine: Django's database sessions, read by hand-written SQL."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.world import World
from zhenggai.accounts.sessions import SessionStore


def test_the_engine_is_this_store() -> None:
    assert settings.SESSION_ENGINE == "zhenggai.accounts.sessions"


def test_a_saved_session_reads_back_in_one_query(db) -> None:
    store = SessionStore()
    store["answer"] = {"整改": [1, 2]}
    store.save()
    again = SessionStore(store.session_key)
    with CaptureQueriesContext(connection) as queries:
        assert again["answer"] == {"整改": [1, 2]}
    assert len(queries) == 1 and "django_session" in queries[0]["sql"]


def test_an_expired_or_unknown_session_reads_empty(db) -> None:
    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert dict(expired.items()) == {}
    assert expired.session_key is None  # a new key is made on the next save
    assert dict(SessionStore("x" * 32).items()) == {}


def test_a_signed_in_person_is_signed_out_when_the_session_expires(world: World) -> None:
    client = Client()
    client.force_login(world.coordinator)
    assert client.get("/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
