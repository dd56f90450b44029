from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from zhenggai.audit.context import client_address, current_ip


class RequestContextMiddleware:
    """Remember the client address so audit entries written during the request carry it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class AccessAuditMiddleware:
    """Write a ``success=False`` entry for every refused request (403), and for a signed-in
    user's request of something outside their scope (404 — the answer for another unit's
    objects).

    It runs after the view has returned, outside the view's transaction, so the entry
    survives the rollback of the refused change (check 15, ASVS 16.3.2).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if response.status_code == 403 or (response.status_code == 404 and signed_in):
            from zhenggai.audit.log import record

            action = "access.denied" if response.status_code == 403 else "access.not_found"
            record(
                action,
                actor=user,
                success=False,
                after={
                    "method": request.method,
                    "path": request.path[:300],
                    "status": response.status_code,
                },
            )
        return response
