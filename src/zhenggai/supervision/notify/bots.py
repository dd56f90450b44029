"""Group bots: 企业微信 and 钉钉 webhooks (standards.md §3.4).

* One message per item, level and bot, naming everyone it reminds (a bot only broadcasts).
* At most ``ZHENGGAI_BOT_PER_MINUTE`` (20) messages a minute per bot: a token bucket in
  the database. A message without a token stays pending for the next run.
* errcode 130101 (throttled) is retried after a pause, ``ZHENGGAI_BOT_RETRIES`` times.
* 钉钉 加签: ``sign = urlencode(base64(HmacSHA256(secret, f"{timestamp}\\n{secret}")))``.
* Webhook URLs and secrets are never logged: errors are scrubbed, URLs masked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from zhenggai.accounts.models import Organisation
from zhenggai.supervision import conf
from zhenggai.supervision.models import BotWebhook, Delivery, DeliveryStatus
from zhenggai.supervision.notify.base import mark
from zhenggai.supervision.notify.masking import mask_url, scrub, url_secrets
from zhenggai.supervision.notify.ratelimit import take

logger = logging.getLogger(__name__)

THROTTLED = 130101
MAX_TEXT_BYTES = 2048


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The 钉钉 加签 value, already URL-encoded."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def signed_url(bot: BotWebhook, timestamp_ms: int | None = None) -> str:
    if bot.kind != "dingtalk" or not bot.secret:
        return bot.url
    timestamp_ms = timestamp_ms or int(time.time() * 1000)
    sign = dingtalk_sign(bot.secret, timestamp_ms)
    joiner = "&" if "?" in bot.url else "?"
    return f"{bot.url}{joiner}timestamp={timestamp_ms}&sign={sign}"


def clip(text: str, limit: int = MAX_TEXT_BYTES) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


class BotError(Exception):
    def __init__(self, message: str, *, throttled: bool = False) -> None:
        super().__init__(message)
        self.throttled = throttled


def _secrets(bot: BotWebhook) -> list[str]:
    return [bot.url, bot.secret, *url_secrets(bot.url)]


def post(bot: BotWebhook, text: str) -> None:
    """Send ``text`` once, retrying on throttling; raises :class:`BotError`."""
    payload = json.dumps({"msgtype": "text", "text": {"content": clip(text)}}).encode()
    retries = int(conf.get("ZHENGGAI_BOT_RETRIES"))
    for attempt in range(retries + 1):
        request = urllib.request.Request(
            signed_url(bot), data=payload, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=conf.get("ZHENGGAI_BOT_TIMEOUT")) as rsp:
                answer: dict[str, Any] = json.loads(rsp.read() or b"{}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise BotError(scrub(f"{type(exc).__name__}: {exc}", *_secrets(bot))) from None
        code = int(answer.get("errcode", 0) or 0)
        if code == 0:
            return
        if code == THROTTLED and attempt < retries:
            time.sleep(float(conf.get("ZHENGGAI_BOT_RETRY_SECONDS")) * (attempt + 1))
            continue
        message = scrub(f"errcode {code}: {answer.get('errmsg', '')}", *_secrets(bot))
        raise BotError(message, throttled=code == THROTTLED)
    raise BotError("throttled", throttled=True)  # pragma: no cover


def bot_for(organisation_id: int | None, kind: str, cache: dict) -> BotWebhook | None:
    """The nearest enabled bot of ``kind``: the organisation's, else an ancestor's."""
    if organisation_id is None:
        return None
    key = (organisation_id, kind)
    if key not in cache:
        path = (
            Organisation.objects.filter(pk=organisation_id).values_list("path", flat=True).first()
        )
        ids = [int(p) for p in (path or "").strip("/").split("/") if p]
        bots = {
            b.organisation_id: b
            for b in BotWebhook.objects.filter(organisation_id__in=ids, kind=kind, enabled=True)
        }
        cache[key] = next((bots[i] for i in reversed(ids) if i in bots), None)
    return cache[key]


class BotChannel:
    channel = ""

    def send(self, deliveries: Sequence[Delivery]) -> None:
        cache: dict = {}
        groups: dict[tuple, list[Delivery]] = defaultdict(list)
        for d in deliveries:
            bot = bot_for(d.organisation_id, self.channel, cache)
            if bot is None:
                mark(d, DeliveryStatus.SKIPPED, "no bot configured")
                continue
            groups[(bot.pk, d.item_kind, d.item_id, d.level, d.day)].append(d)
        bots = {b.pk: b for b in BotWebhook.objects.filter(pk__in={k[0] for k in groups})}
        per_minute = float(conf.get("ZHENGGAI_BOT_PER_MINUTE"))
        for key, members in groups.items():
            bot = bots[key[0]]
            if not take(f"bot:{bot.pk}", capacity=per_minute, per_second=per_minute / 60):
                continue  # stays pending: the next run sends it
            names = "、".join(str(d.user) for d in members)
            first = members[0]
            text = f"{first.title}\n{first.body}\n提醒:{names}"
            try:
                post(bot, text)
            except BotError as exc:
                logger.warning("bot %s (%s) failed: %s", bot.pk, mask_url(bot.url), exc)
                status = DeliveryStatus.PENDING if exc.throttled else DeliveryStatus.FAILED
                for d in members:
                    mark(d, status, str(exc))
            else:
                for d in members:
                    mark(d, DeliveryStatus.SENT)


class WeComChannel(BotChannel):
    channel = "wecom"


class DingTalkChannel(BotChannel):
    channel = "dingtalk"
