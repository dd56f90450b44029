"""Checks 25, 26, 29 (no-store) and 30: headers, deployment check, error pages."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import path

from tests.world import World


def _production(tmp_path: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHENGGAI_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="zhenggai.settings.production",
        ZHENGGAI_SECRET_KEY=secrets.token_urlsafe(64),
        ZHENGGAI_DATA_DIR=str(tmp_path / "data"),
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_passes_with_the_production_settings(tmp_path: Path) -> None:
    result = _production(
        tmp_path,
        "import sys; from zhenggai.cli import main; main(['zhenggai', *sys.argv[1:]])",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_have_hsts_and_secure_cookies(tmp_path: Path) -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps("
        "[s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.DEBUG]))"
    )
    result = _production(tmp_path, code)
    assert result.returncode == 0, result.stderr
    hsts, subdomains, secure, csrf_secure, httponly, samesite, debug = json.loads(result.stdout)
    assert hsts >= 31536000 and subdomains and secure and csrf_secure and httponly
    assert samesite in ("Lax", "Strict") and debug is False


@override_settings(
    SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SESSION_COOKIE_SECURE=True
)
def test_responses_carry_the_security_headers(world: World) -> None:
    client = Client()
    response = client.get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    signed_in = client.post(
        "/login/", {"username": "dept", "password": "Zg-test-Passw0rd!"}, secure=True
    )
    cookie = signed_in.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_the_pages_use_no_inline_script(world: World, as_user) -> None:
    body = (
        as_user("coordinator").get(f"/inspections/{world.a.inspection.pk}/ledger/").content.decode()
    )
    assert "<script>" not in body and " onclick=" not in body and "style=" not in body


def test_signed_in_pages_are_not_stored(world: World, as_user) -> None:
    response = as_user("dept").get("/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "no-store" not in Client().get("/public/").get("Cache-Control", "")


def test_the_csp_is_a_setting(world: World, settings) -> None:
    settings.ZHENGGAI_CSP = "default-src 'none'; frame-ancestors 'none'"
    assert Client().get("/login/")["Content-Security-Policy"] == settings.ZHENGGAI_CSP


# ------------------------------------------------------------------ check 30


def boom(request):
    raise RuntimeError("secret-internal-detail")


urlpatterns = [path("boom/", boom)]


@pytest.mark.urls("tests.security.test_headers")
@override_settings(DEBUG=False)
def test_a_server_error_shows_no_traceback(db) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错" in body
    for leak in ("Traceback", "secret-internal-detail", "RuntimeError", "settings"):
        assert leak not in body
