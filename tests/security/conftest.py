"""Helpers for the security baseline tests (docs/security.md)."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.test import Client

from tests.world import PASSWORD, World
from zhenggai.accounts import totp
from zhenggai.accounts.models import TotpDevice, User
from zhenggai.audit.models import AuditEntry


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def code_for(user: User, offset_steps: int = 0) -> str:
    device = TotpDevice.objects.get(user=user)
    step = int(time.time()) // totp.STEP_SECONDS + offset_steps
    return pyotp.TOTP(device.secret).generate_otp(step)


def enrol(user: User) -> str:
    """Give ``user`` a confirmed authenticator; returns its secret."""
    device = totp.start_enrolment(user)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device.secret


def actions_since(mark: int) -> list[str]:
    return list(
        AuditEntry.objects.filter(id__gt=mark).order_by("id").values_list("action", flat=True)
    )


def mark() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def as_user(world: World):
    def make(name: str) -> Client:
        client = Client()
        client.force_login(world.users[name])
        return client

    return make
