"""Send pending deliveries, channel by channel."""

from __future__ import annotations

from collections import Counter, defaultdict

from zhenggai.supervision.models import Delivery, DeliveryStatus
from zhenggai.supervision.notify.base import senders


def send_deliveries(ids: list[int]) -> dict[str, int]:
    """Send the pending deliveries among ``ids``; returns ``{channel: sent}``."""
    rows = Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).select_related("user")
    by_channel: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in rows.order_by("pk"):
        by_channel[delivery.channel].append(delivery)
    available = senders()
    for channel, deliveries in by_channel.items():
        sender = available.get(channel)
        if sender is not None:
            sender.send(deliveries)
    sent = Counter(
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENT).values_list(
            "channel", flat=True
        )
    )
    return dict(sent)
