"""Locking account names and client addresses after repeated sign-in failures.

Checks 3 and 4 of docs/security.md. A failure counts against the name as typed —
whether or not such an account exists, so that locking tells an attacker nothing — and
against the client address. ``ZHENGGAI_LOCKOUT_FAILURES`` failures of one name within
``ZHENGGAI_LOCKOUT_WINDOW_SECONDS`` lock that name for ``ZHENGGAI_LOCKOUT_SECONDS``;
``ZHENGGAI_LOCKOUT_ADDRESS_FAILURES`` failures from one address lock the address. Every
failure and every lock is written to the audit log with ``success=False``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhenggai.accounts.models import LockKind, LoginFailure, LoginLock
from zhenggai.audit.log import escape_name, record


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username or "").strip().casefold()[:150]


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def active_lock(username: str, ip: str | None, now: dt.datetime | None = None) -> LoginLock | None:
    """The lock that currently refuses this name or address, if any."""
    moment = _now(now)
    locks = LoginLock.objects.filter(until__gt=moment)
    name = normalise_username(username)
    found = locks.filter(kind=LockKind.ACCOUNT, key=name).order_by("-until").first()
    if found is None and ip:
        found = locks.filter(kind=LockKind.ADDRESS, key=ip).order_by("-until").first()
    return found


def _lock(kind: str, key: str, moment: dt.datetime, username: str) -> LoginLock:
    until = moment + dt.timedelta(seconds=settings.ZHENGGAI_LOCKOUT_SECONDS)
    lock = LoginLock.objects.create(kind=kind, key=key, until=until, created_at=moment)
    record(
        "login.locked",
        success=False,
        after={
            "kind": kind,
            "key": escape_name(key),
            "username": escape_name(username),
            "until": until.isoformat(),
        },
    )
    return lock


@transaction.atomic
def register_failure(
    username: str, ip: str | None, *, reason: str, now: dt.datetime | None = None
) -> LoginLock | None:
    """Count one failure (audited); lock the name or the address when it is one too many.

    Returns the new lock, if this failure caused one.
    """
    moment = _now(now)
    name = normalise_username(username)
    LoginFailure.objects.create(username=name, ip=ip, at=moment)
    record(
        "login.failed",
        success=False,
        after={"username": escape_name(username[:150]), "reason": reason},
    )
    since = moment - dt.timedelta(seconds=settings.ZHENGGAI_LOCKOUT_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gt=since)
    lock = None
    if recent.filter(username=name).count() >= settings.ZHENGGAI_LOCKOUT_FAILURES:
        lock = _lock(LockKind.ACCOUNT, name, moment, username)
        # The lock starts a new count: failures before it do not count again afterwards.
        LoginFailure.objects.filter(username=name).delete()
    if ip and recent.filter(ip=ip).count() >= settings.ZHENGGAI_LOCKOUT_ADDRESS_FAILURES:
        address_lock = _lock(LockKind.ADDRESS, ip, moment, username)
        lock = lock or address_lock
        LoginFailure.objects.filter(ip=ip).delete()
    return lock


def register_success(username: str) -> None:
    """A successful sign-in clears the name's count (not the address's)."""
    LoginFailure.objects.filter(username=normalise_username(username)).delete()


def unlock(username: str, *, actor: object) -> int:
    """The security administrator lifts a lock on an account name early (audited)."""
    name = normalise_username(username)
    count = LoginLock.objects.filter(
        kind=LockKind.ACCOUNT, key=name, until__gt=timezone.now()
    ).update(until=timezone.now())
    LoginFailure.objects.filter(username=name).delete()
    record("login.unlocked", actor=actor, after={"username": escape_name(username), "locks": count})
    return count
