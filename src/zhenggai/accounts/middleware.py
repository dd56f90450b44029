"""Session limits and the forced password change (checks 2, 5 and 8 of docs/security.md).

* Idle: no request for ``ZHENGGAI_SESSION_IDLE_SECONDS`` ends the session.
* Absolute: ``SESSION_COOKIE_AGE`` after sign-in the session ends, however active.
* A user whose password must change (initial password, reset by an administrator, older
  than ``ZHENGGAI_PASSWORD_MAX_AGE_DAYS``) reaches only the change page and sign-out.

A session made without the sign-in page (``Client.force_login`` in tests) starts its
clock at its first request.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from zhenggai.accounts.totp import demo_exempt

AUTH_AT = "zg_auth_at"
SEEN_AT = "zg_seen_at"
#: The last-seen time is written at most this often (one session write per minute).
SEEN_RESOLUTION = 60


def password_expired(user: Any, now: dt.datetime | None = None) -> bool:
    days = settings.ZHENGGAI_PASSWORD_MAX_AGE_DAYS
    if not days or demo_exempt(user):
        return False
    changed = user.password_changed_at or user.date_joined
    return changed + dt.timedelta(days=days) < (now or timezone.now())


def must_change_password(user: Any) -> bool:
    if demo_exempt(user):
        return False
    return bool(user.must_change_password) or password_expired(user)


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = self._check_clock(request)
            if ended is not None:
                return ended
            if must_change_password(user) and not self._exempt_path(request.path):
                return redirect(f"{reverse('web:password.change')}?required=1")
        return self.get_response(request)

    @staticmethod
    def _check_clock(request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = time.time()
        auth_at = session.get(AUTH_AT)
        seen_at = session.get(SEEN_AT)
        if auth_at is None:
            session[AUTH_AT] = auth_at = now
        reason = None
        if seen_at is not None and now - seen_at > settings.ZHENGGAI_SESSION_IDLE_SECONDS:
            reason = "idle"
        elif now - auth_at > settings.SESSION_COOKIE_AGE:
            reason = "absolute"
        if reason is not None:
            request._zhenggai_logout_reason = reason  # read by the audit signal handler
            auth.logout(request)
            return redirect_to_login(request.get_full_path())
        if seen_at is None or now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        return None

    @staticmethod
    def _exempt_path(path: str) -> bool:
        allowed = (
            reverse("web:password.change"),
            reverse("web:logout"),
            reverse("web:login"),
            settings.STATIC_URL
            if settings.STATIC_URL.startswith("/")
            else f"/{settings.STATIC_URL}",
        )
        return path.startswith(allowed)
