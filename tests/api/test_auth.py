"""Tokens (create, list, revoke, expiry, hashing, use audit), session auth with CSRF, rate limit."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.world import World
from zhenggai.api import ratelimit
from zhenggai.api.errors import RateLimited
from zhenggai.api.models import ApiToken
from zhenggai.api.tokens import authenticate_token, create_token, mark_used
from zhenggai.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_token_is_stored_only_as_its_hash(world: World) -> None:
    issued = create_token(user=world.dept, name="ci")
    row = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret.startswith(f"zg_{row.prefix}_")
    assert row.secret_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in str(list(ApiToken.objects.values()))
    assert AuditEntry.objects.filter(action="api.token_created", object_id=str(row.pk)).exists()
    # The random part (it may itself contain "_"), not a fragment of it that could occur
    # in the audit entry by chance.
    secret_part = issued.secret.removeprefix(f"zg_{row.prefix}_")
    assert len(secret_part) >= 40
    assert not AuditEntry.objects.filter(after__icontains=secret_part).exists()


def test_create_list_revoke_through_the_api(world: World, api_as: Any) -> None:
    client = api_as("dept")
    created = client.post("/tokens", {"name": "脚本"})
    assert created.status_code == 201
    body = created.json()
    secret = body["token"]
    listed = client.get("/tokens").json()["items"]
    assert {t["id"] for t in listed} >= {body["id"]}
    assert all("token" not in t for t in listed)
    other = Client(headers={"Authorization": f"Bearer {secret}"})
    assert other.get("/api/v1/measures").status_code == 200
    revoked = client.delete(f"/tokens/{body['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert other.get("/api/v1/measures").status_code == 401
    assert client.delete(f"/tokens/{body['id']}").status_code == 400  # already revoked


def test_someone_elses_token_cannot_be_revoked(world: World, api_as: Any) -> None:
    theirs = create_token(user=world.leader, name="theirs").token
    assert api_as("dept").delete(f"/tokens/{theirs.pk}").status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


@pytest.mark.parametrize(
    "header",
    ["Bearer zg_nope_nope", "Bearer ", "Token abc", "Bearer zg_", "Basic dXNlcjpwYXNz"],
)
def test_bad_credentials_are_401(world: World, header: str) -> None:
    response = Client(headers={"Authorization": header}).get("/api/v1/measures")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_inactive_tokens_fail(world: World) -> None:
    now = timezone.now()
    issued = create_token(user=world.dept, name="short", expires_at=now + dt.timedelta(hours=1))
    assert authenticate_token(issued.secret, now=now) is not None
    assert authenticate_token(issued.secret, now=now + dt.timedelta(hours=2)) is None
    world.dept.is_active = False
    world.dept.save()
    assert authenticate_token(issued.secret, now=now) is None


def test_use_is_audited_at_most_once_per_interval(world: World, settings: Any) -> None:
    settings.ZHENGGAI_API_TOKEN_AUDIT_SECONDS = 60
    issued = create_token(user=world.dept, name="busy")
    now = timezone.now()
    client = Client(headers={"Authorization": f"Bearer {issued.secret}"})
    for _ in range(5):
        assert client.get("/api/v1/measures").status_code == 200
    used = AuditEntry.objects.filter(action="api.token_used", object_id=str(issued.token.pk))
    assert used.count() == 1
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert not mark_used(token, token.last_used_at + dt.timedelta(seconds=59))
    assert mark_used(token, token.last_used_at + dt.timedelta(seconds=61))
    assert used.count() == 2
    assert now <= token.last_used_at


def test_session_reads_without_and_writes_with_csrf(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.dept)
    assert browser.get("/api/v1/measures").status_code == 200
    refused = browser.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    browser.get("/api/v1/docs")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201


def test_rate_limit_answers_429_with_retry_after(world: World, settings: Any) -> None:
    settings.ZHENGGAI_API_RATE_PER_MINUTE = 3
    issued = create_token(user=world.dept, name="greedy")
    client = Client(headers={"Authorization": f"Bearer {issued.secret}"})
    codes = [client.get("/api/v1/measures").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/measures")
    assert limited.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 61
    # Another token of the same user has its own budget.
    other = create_token(user=world.dept, name="other").secret
    assert (
        Client(headers={"Authorization": f"Bearer {other}"}).get("/api/v1/measures").status_code
        == 200
    )


def test_rate_window_resets(settings: Any) -> None:
    settings.ZHENGGAI_API_RATE_PER_MINUTE = 1
    ratelimit.check("x", clock=lambda: 120.0)
    with pytest.raises(RateLimited) as caught:
        ratelimit.check("x", clock=lambda: 150.5)
    assert caught.value.headers["Retry-After"] == "30"  # the window ends at 180 s
    ratelimit.check("x", clock=lambda: 180.0)  # next window


def test_management_command_prints_a_working_token(world: World, capsys: Any) -> None:
    call_command("api_token", "coordinator", "--name", "demo")
    secret = capsys.readouterr().out.strip()
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get("/api/v1/inspections").status_code == 200
