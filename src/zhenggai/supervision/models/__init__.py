"""Supervision models: light rules, extensions, orders, notifications, follow-up checks."""

from zhenggai.supervision.models.extension import ExtensionRequest, ExtensionStatus
from zhenggai.supervision.models.followup import FollowUpCheck, FollowUpItem, FollowUpResult
from zhenggai.supervision.models.lights import ItemKind, Light, LightRule
from zhenggai.supervision.models.notify import (
    BotKind,
    BotWebhook,
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreference,
    RateBucket,
)
from zhenggai.supervision.models.orders import (
    OrderCounter,
    OrderNotice,
    OrderStatus,
    SupervisionOrder,
)

__all__ = [
    "BotKind",
    "BotWebhook",
    "Channel",
    "Delivery",
    "DeliveryStatus",
    "ExtensionRequest",
    "ExtensionStatus",
    "FollowUpCheck",
    "FollowUpItem",
    "FollowUpResult",
    "ItemKind",
    "Light",
    "LightRule",
    "Notification",
    "NotificationPreference",
    "OrderCounter",
    "OrderNotice",
    "OrderStatus",
    "RateBucket",
    "SupervisionOrder",
]
