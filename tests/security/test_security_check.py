"""Check 8 of the operator's tools: ``zhenggai security-check`` against a live server."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_security_check_passes_against_the_live_server(live_server) -> None:
    world = build_world()
    out = StringIO()
    call_command(
        "security_check",
        "--url",
        live_server.url,
        "--username",
        "dept",
        "--password",
        PASSWORD,
        "--measure-id",
        str(world.a.measures[0].pk),
        "--other-unit-url",
        f"/measures/{world.b.measures[0].pk}/",
        stdout=out,
    )
    text = out.getvalue()
    for name in (
        "headers",
        "errors",
        "no account enumeration",
        "sign-in",
        "upload refusal",
        "other unit",
        "session",
        "lockout",
    ):
        assert any(line.startswith("PASS") and name in line for line in text.splitlines()), text
    assert "FAIL" not in text


def test_security_check_fails_when_lockout_is_off(live_server, settings) -> None:
    build_world()
    settings.ZHENGGAI_LOCKOUT_FAILURES = 1000
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "security_check",
            "--url",
            live_server.url,
            "--username",
            "dept",
            "--password",
            PASSWORD,
            stdout=out,
        )
    assert any(
        line.startswith("FAIL") and "lockout" in line for line in out.getvalue().splitlines()
    )
