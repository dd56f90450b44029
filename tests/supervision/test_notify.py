"""Bots against a local fake endpoint, the 钉钉 signature, SMS caps, masking."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import override_settings

from tests.supervision.conftest import set_deadline
from tests.world import TODAY
from zhenggai.supervision.models import BotWebhook, Delivery, NotificationPreference
from zhenggai.supervision.notify.bots import dingtalk_sign, signed_url
from zhenggai.supervision.notify.masking import mask_url
from zhenggai.supervision.notify.sms import FakeProvider
from zhenggai.supervision.services.periodic import run_periodic

pytestmark = pytest.mark.django_db

FAST = {"ZHENGGAI_BOT_RETRY_SECONDS": 0.01}


class FakeBot(BaseHTTPRequestHandler):
    requests: list[tuple[str, dict]] = []
    answers: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeBot.requests.append((self.path, body))
        answer = FakeBot.answers.pop(0) if FakeBot.answers else {"errcode": 0, "errmsg": "ok"}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def endpoint():
    FakeBot.requests, FakeBot.answers = [], []
    server = HTTPServer(("127.0.0.1", 0), FakeBot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_dingtalk_signature_matches_an_independent_computation():
    secret, timestamp = "SEC0123456789abcdef", 1700000000000
    expected_raw = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256
    ).digest()
    expected = urllib.parse.quote_plus(base64.b64encode(expected_raw).decode())
    assert dingtalk_sign(secret, timestamp) == expected
    # Fixed vectors computed with ``openssl dgst -sha256 -hmac SECRET -binary | base64``.
    assert dingtalk_sign("secret", 1) == urllib.parse.quote_plus(
        "fzqLUufx9hhv/JfGQR0kwpwoJJBqmqYsjz4EnnO47oc="
    )
    assert expected == urllib.parse.quote_plus("TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk=")


def test_wecom_bot_with_throttling_retry(world, measure, endpoint, caplog):
    key = "wecom-secret-key-123456"
    BotWebhook.objects.create(
        organisation=world.a.org, kind="wecom", url=f"{endpoint}/cgi-bin/webhook/send?key={key}"
    )
    NotificationPreference.objects.create(user=world.dept, email=False, wecom=True)
    NotificationPreference.objects.create(user=world.leader, email=False, wecom=True)
    set_deadline(measure, 10)
    FakeBot.answers = [{"errcode": 130101, "errmsg": "api freq out of limit"}]
    with override_settings(**FAST), caplog.at_level(logging.DEBUG):
        result = run_periodic(TODAY, hooks=False)
    assert result["reminders_sent"]["wecom"] == 2  # two people, one message
    assert len(FakeBot.requests) == 2  # the throttled try, then the retry
    path, body = FakeBot.requests[-1]
    assert "dept" in body["text"]["content"] and "leader" in body["text"]["content"]
    assert key not in caplog.text
    assert run_periodic(TODAY, hooks=False)["reminders_sent"] == {}
    assert len(FakeBot.requests) == 2


def test_dingtalk_bot_signs_and_failures_hide_the_secret(world, measure, endpoint, caplog):
    token, secret = "dt-token-abcdef", "SECdingtalk"
    bot = BotWebhook.objects.create(
        organisation=world.a.departments["综合处"],
        kind="dingtalk",
        url=f"{endpoint}/robot/send?access_token={token}",
        secret=secret,
    )
    assert "sign=" in signed_url(bot, 1)
    NotificationPreference.objects.create(user=world.dept, email=False, dingtalk=True)
    set_deadline(measure, 20)
    FakeBot.answers = [{"errcode": 310000, "errmsg": f"bad sign for {token}"}]
    with override_settings(**FAST), caplog.at_level(logging.DEBUG):
        run_periodic(TODAY, hooks=False)
    path, _ = FakeBot.requests[0]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["access_token"] == [token] and query["sign"] and query["timestamp"]
    failed = Delivery.objects.get(channel="dingtalk")
    assert failed.status == "failed" and token not in failed.error
    assert token not in caplog.text and secret not in caplog.text
    assert token not in str(bot) and "***" in mask_url(bot.url)


def test_bot_rate_limit_keeps_the_rest_pending(world, measure, endpoint):
    BotWebhook.objects.create(organisation=world.a.org, kind="wecom", url=f"{endpoint}/?key=k")
    NotificationPreference.objects.create(user=world.dept, email=False, wecom=True)
    for m in world.a.measures:
        set_deadline(m, 5)
    with override_settings(ZHENGGAI_BOT_PER_MINUTE=2):
        run_periodic(TODAY, hooks=False)
    assert len(FakeBot.requests) == 2
    assert Delivery.objects.filter(channel="wecom", status="pending").count() == 2


def test_sms_daily_cap_is_checked_before_the_provider(world, measure):
    FakeProvider.sent = []
    NotificationPreference.objects.create(
        user=world.dept, email=False, sms=True, phone="13800000000"
    )
    for m in world.a.measures:
        set_deadline(m, 5)
    settings = {
        "ZHENGGAI_SMS_PROVIDER": "zhenggai.supervision.notify.sms.FakeProvider",
        "ZHENGGAI_SMS_DAILY_CAP": 3,
    }
    with override_settings(**settings):
        run_periodic(TODAY, hooks=False)
    assert len(FakeProvider.sent) == 3
    statuses = sorted(Delivery.objects.filter(channel="sms").values_list("status", flat=True))
    assert statuses == ["sent", "sent", "sent", "skipped"]
