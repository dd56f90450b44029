"""Response headers of the security baseline (checks 25 and 29 of docs/security.md).

Django's ``SecurityMiddleware`` adds HSTS (production), ``nosniff`` and the
Referrer-Policy; this one adds the Content-Security-Policy (with ``frame-ancestors``),
a Permissions-Policy, Cross-Origin-Opener-Policy and ``Cache-Control: no-store`` on
everything a signed-in user (or one half-way through signing in) receives.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.ZHENGGAI_CSP
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if self._private(request):
            patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
            response["Pragma"] = "no-cache"
        return response

    @staticmethod
    def _private(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        session = getattr(request, "session", None)
        return bool(session is not None and session.get("zg_pending"))
