"""The in-app inbox: a :class:`Notification` row per delivery."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from zhenggai.supervision.models import Delivery, DeliveryStatus, Notification
from zhenggai.supervision.notify.base import mark


class InboxChannel:
    channel = "inbox"

    def send(self, deliveries: Sequence[Delivery]) -> None:
        now = timezone.now()
        Notification.objects.bulk_create(
            Notification(
                user_id=d.user_id,
                title=d.title,
                body=d.body,
                url=d.url,
                item_kind=d.item_kind,
                item_id=d.item_id,
                level=d.level,
                created_at=now,
            )
            for d in deliveries
        )
        for delivery in deliveries:
            mark(delivery, DeliveryStatus.SENT)
