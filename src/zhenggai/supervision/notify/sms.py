"""SMS through a provider interface, with a per-number daily cap checked before sending."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from typing import Protocol

from django.utils import timezone
from django.utils.module_loading import import_string

from zhenggai.supervision import conf
from zhenggai.supervision.models import Delivery, DeliveryStatus, NotificationPreference
from zhenggai.supervision.notify.base import mark
from zhenggai.supervision.notify.masking import mask_phone
from zhenggai.supervision.notify.ratelimit import count_up

logger = logging.getLogger(__name__)


class SmsProvider(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send one message; raise on failure."""


class LogProvider:
    """The default: writes a line (with the number masked) and sends nothing."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text[:70])


class FakeProvider:
    """For tests: remembers what it was asked to send."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        FakeProvider.sent.append((phone, text))


def provider() -> SmsProvider:
    return import_string(conf.get("ZHENGGAI_SMS_PROVIDER"))()


def cap_key(phone: str, day: str) -> str:
    digest = hashlib.sha256(phone.encode()).hexdigest()[:20]
    return f"sms:{digest}:{day}"


class SmsChannel:
    channel = "sms"

    def send(self, deliveries: Sequence[Delivery]) -> None:
        phones = dict(
            NotificationPreference.objects.filter(
                user_id__in={d.user_id for d in deliveries}
            ).values_list("user_id", "phone")
        )
        sender = provider()
        limit = int(conf.get("ZHENGGAI_SMS_DAILY_CAP"))
        day = timezone.localdate().isoformat()
        for d in deliveries:
            phone = phones.get(d.user_id) or ""
            if not phone:
                mark(d, DeliveryStatus.SKIPPED, "no phone number")
                continue
            if not count_up(cap_key(phone, day), limit=limit):
                mark(d, DeliveryStatus.SKIPPED, "daily cap reached")
                continue
            try:
                sender.send(phone, f"{d.title}。{d.body}"[:300])
            except Exception as exc:  # noqa: BLE001 - any provider failure is recorded
                logger.warning("SMS to %s failed: %s", mask_phone(phone), type(exc).__name__)
                mark(d, DeliveryStatus.FAILED, type(exc).__name__)
            else:
                mark(d, DeliveryStatus.SENT)
