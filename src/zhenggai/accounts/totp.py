"""The second factor: TOTP (RFC 6238, 6 digits, 30 seconds) with ``pyotp``.

Check 6 of docs/security.md. Who must use it: holders of ``ZHENGGAI_TOTP_ROLES`` (the
office and the 三员 by default) and anyone who enrolled. A code is accepted for the
current step and one step either side (clock drift), and only if its step is later than
the last accepted one, so a code can never be used twice.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhenggai.accounts.models import TotpDevice
from zhenggai.accounts.permissions import roles_of

STEP_SECONDS = 30
DRIFT_STEPS = 1


def demo_exempt(user: Any) -> bool:
    """Demo accounts skip TOTP and the forced password change while demo mode is on."""
    return bool(getattr(user, "is_demo", False) and settings.ZHENGGAI_DEMO)


def device_of(user: Any) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user).first()


def must_use_totp(user: Any) -> bool:
    if demo_exempt(user):
        return False
    device = device_of(user)
    if device is not None and device.confirmed:
        return True
    return bool(roles_of(user) & set(settings.ZHENGGAI_TOTP_ROLES))


def start_enrolment(user: Any) -> TotpDevice:
    """A fresh unconfirmed secret (replacing an unconfirmed one); a confirmed one stays."""
    device = device_of(user)
    if device is not None and device.confirmed:
        return device
    if device is not None:
        device.delete()
    return TotpDevice.objects.create(user=user, secret=pyotp.random_base32(), confirmed=False)


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.username, issuer_name=settings.ZHENGGAI_TOTP_ISSUER
    )


def _step(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


@transaction.atomic
def verify(user: Any, code: str, *, now: dt.datetime | None = None, confirm: bool = False) -> bool:
    """True if ``code`` is valid now and was never used before; remembers its step."""
    code = "".join(ch for ch in (code or "") if not ch.isspace())
    if len(code) != 6 or not code.isdigit():
        return False
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or (not device.confirmed and not confirm):
        return False
    totp = pyotp.TOTP(device.secret)
    current = _step(now or timezone.now())
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if step > device.last_step and hmac.compare_digest(totp.generate_otp(step), code):
            device.last_step = step
            device.confirmed = True
            device.save(update_fields=["last_step", "confirmed"])
            return True
    return False


def reset(user: Any) -> None:
    """Remove the user's authenticator (the security administrator, after a lost phone)."""
    TotpDevice.objects.filter(user=user).delete()
