"""Supervision defaults, each overridable in settings (and, for lights, per jurisdiction)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULTS: dict[str, Any] = {
    # 红黄绿灯 (standards.md §3.2, 江津): 20 days left → green, 10 → yellow, overdue → red.
    "ZHENGGAI_LIGHT_GREEN_DAYS": 20,
    "ZHENGGAI_LIGHT_YELLOW_DAYS": 10,
    # A long-term (长期坚持) measure without a progress update for this many days is yellow.
    "ZHENGGAI_LIGHT_STALE_DAYS": 30,
    # A red item is reminded again after this many days (green and yellow: once).
    "ZHENGGAI_LIGHT_RED_REPEAT_DAYS": 7,
    # Bots: messages per minute per webhook (企业微信 and 钉钉 both allow 20).
    "ZHENGGAI_BOT_PER_MINUTE": 20,
    "ZHENGGAI_BOT_TIMEOUT": 5.0,
    "ZHENGGAI_BOT_RETRIES": 3,
    "ZHENGGAI_BOT_RETRY_SECONDS": 1.0,
    # SMS: 通知 messages per number and day (阿里云 allows 50).
    "ZHENGGAI_SMS_DAILY_CAP": 10,
    "ZHENGGAI_SMS_PROVIDER": "zhenggai.supervision.notify.sms.LogProvider",
    # Escalation of supervision orders: (kind, title, addressee level, trigger, days).
    # trigger "issued": on issue; "before_due": ``days`` before the due date;
    # "overdue": ``days`` after the due date. Levels: handler → leader → secretary.
    "ZHENGGAI_ESCALATION_STEPS": [
        ("notice", _("督办通知书"), "handler", "issued", 0),
        ("reminder", _("提醒书"), "leader", "before_due", 3),
        ("warning", _("告诫书"), "secretary", "overdue", 0),
        ("accountability", _("问责书"), "secretary", "overdue", 15),
    ],
    "ZHENGGAI_ORDER_PREFIX": "督",
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
