"""The channel interface and the registry of channels.

A channel is a class with a ``channel`` name and ``send(deliveries)``, which sends the
pending :class:`~zhenggai.supervision.models.Delivery` rows it is given and sets each
one's ``status`` (and ``error``). docs/notifications.md explains how to add one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from zhenggai.supervision.models import Delivery, DeliveryStatus

DEFAULT_CHANNELS = {
    "inbox": "zhenggai.supervision.notify.inbox.InboxChannel",
    "email": "zhenggai.supervision.notify.email.EmailChannel",
    "wecom": "zhenggai.supervision.notify.bots.WeComChannel",
    "dingtalk": "zhenggai.supervision.notify.bots.DingTalkChannel",
    "sms": "zhenggai.supervision.notify.sms.SmsChannel",
}


class ChannelSender(Protocol):
    channel: str

    def send(self, deliveries: Sequence[Delivery]) -> None: ...


def senders() -> dict[str, ChannelSender]:
    paths = {**DEFAULT_CHANNELS, **getattr(settings, "ZHENGGAI_NOTIFY_CHANNELS", {})}
    return {name: import_string(path)() for name, path in paths.items() if path}


def mark(delivery: Delivery, status: str, error: str = "") -> None:
    delivery.status = status
    delivery.error = error[:300]
    delivery.attempts += 1
    if status == DeliveryStatus.SENT:
        delivery.sent_at = timezone.now()
    delivery.save(update_fields=["status", "error", "attempts", "sent_at"])
