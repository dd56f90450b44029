from __future__ import annotations

from django.test import Client, override_settings

from zhenggai.accounts.models import User


def test_server_timing_reports_time_and_queries(db, settings) -> None:
    middleware = ["zhenggai.scale.middleware.ServerTimingMiddleware", *settings.MIDDLEWARE]
    with override_settings(MIDDLEWARE=middleware):
        user = User.objects.create_user(username="timed", password="x-Passw0rd-x")
        client = Client()
        client.force_login(user)
        response = client.get("/")
    header = response["Server-Timing"]
    assert header.startswith("app;dur=") and "queries" in header
    assert int(response["X-Query-Count"]) >= 1
