"""Audit entries for sign-out (from any view, including the admin's and a timeout)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from zhenggai.audit.log import record


@receiver(user_logged_out, dispatch_uid="zhenggai.accounts.logout_audit")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    reason = getattr(request, "_zhenggai_logout_reason", "user")
    record("logout", actor=user, obj=user, after={"reason": reason})
