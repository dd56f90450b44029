"""E-mail through Django's configured e-mail backend."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail

from zhenggai.supervision.models import Delivery, DeliveryStatus
from zhenggai.supervision.notify.base import mark

logger = logging.getLogger(__name__)


class EmailChannel:
    channel = "email"

    def send(self, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            address = delivery.user.email
            if not address:
                mark(delivery, DeliveryStatus.SKIPPED, "no e-mail address")
                continue
            body = delivery.body
            if delivery.url:
                base = getattr(settings, "ZHENGGAI_SITE_URL", "")
                body = f"{body}\n\n{base}{delivery.url}"
            try:
                send_mail(delivery.title, body, None, [address])
            except OSError as exc:  # SMTP failures are OSErrors
                logger.warning("e-mail reminder %s failed: %s", delivery.pk, type(exc).__name__)
                mark(delivery, DeliveryStatus.FAILED, type(exc).__name__)
            else:
                mark(delivery, DeliveryStatus.SENT)
