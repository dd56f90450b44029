"""Who calls: a personal API token (``Authorization: Bearer zg_…``) or the browser session.

The session serves the pages' own calls: unsafe methods need Django's CSRF token
(``X-CSRFToken`` header), exactly as a form would. Either way the request is then
counted against the caller's rate limit, and ``request.auth`` is the user.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from zhenggai.api import ratelimit
from zhenggai.api.errors import ApiError
from zhenggai.api.tokens import authenticate_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer zg_<prefix>_<secret>``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate_token(token.strip())
        if found is None:
            return None
        request.api_token = found  # type: ignore[attr-defined]
        ratelimit.check(f"t{found.pk}")
        return found.user


class SessionAuth(APIKeyCookie):
    """The Django session of the pages, with the CSRF check on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, only once the session is known

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise ApiError(
                403,
                "csrf_failed",
                _("CSRF校验失败,请刷新页面后重试。"),
                "CSRF check failed: send the X-CSRFToken header with the session.",
            )
        ratelimit.check(f"u{user.pk}")
        return user


def user_of(request: HttpRequest) -> Any:
    """The authenticated user of an API request."""
    return request.auth  # type: ignore[attr-defined]
