"""Sign-in and sign-out hooks: session clocks, and the audit entry of every sign-out
(from any view, including the admin's and a timeout)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from zhenggai.audit.log import record


@receiver(user_logged_out, dispatch_uid="zhenggai.accounts.logout_audit")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    reason = getattr(request, "_zhenggai_logout_reason", "user")
    record("logout", actor=user, obj=user, after={"reason": reason})


@receiver(user_logged_in, dispatch_uid="zhenggai.accounts.session_clocks")
def start_session_clocks(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Every sign-in (the sign-in page, and ``force_login`` in tests) starts the idle and
    absolute clocks of the session (accounts.middleware)."""
    from zhenggai.accounts.middleware import AUTH_AT, SEEN_AT

    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[AUTH_AT] = now
        session[SEEN_AT] = now
