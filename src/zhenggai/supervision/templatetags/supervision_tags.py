"""Navigation items of the supervision pages, with the inbox's unread count."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from zhenggai.accounts.models import Role
from zhenggai.accounts.permissions import roles_of, scope_of
from zhenggai.supervision.models import Light, Notification

register = template.Library()


def unread_count(user_id: int) -> int:
    """The inbox badge: the user's unread notifications (on the partial unread index).

    On every page; written out, it costs a fifth of the ORM's ``count()`` to build.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {Notification._meta.db_table} "
            "WHERE user_id = %s AND read_at IS NULL",
            [user_id],
        )
        return int(cursor.fetchone()[0])


def supervision_nav(request: Any) -> dict[str, Any]:
    """The supervision pages and the inbox (with its unread count) for the side navigation
    (``zhenggai_web.sidenav`` writes them)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not scope_of(user).has_business_access:
        return {"items": []}
    roles = roles_of(user)
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else ""
    items = [
        ("web:supervision.orders", _("督办"), "supervision.order"),
        ("web:supervision.extensions", _("延期申请"), "supervision.extension"),
    ]
    if Role.OFFICE in roles:
        items.append(("web:supervision.followups", _("回头看"), "supervision.followup"))
        items.append(("web:dashboard", _("统计图表"), "dashboard"))
    unread = unread_count(user.pk)
    return {
        "items": [
            {"url": reverse(name), "label": label, "current": (current or "").startswith(prefix)}
            for name, label, prefix in items
        ],
        "inbox_url": reverse("web:supervision.inbox"),
        "inbox_current": current == "supervision.inbox",
        "unread": unread,
    }


@register.inclusion_tag("web/supervision/light.html")
def supervision_light(light: str) -> dict[str, Any]:
    words = {Light.RED: "红", Light.YELLOW: "黄", Light.GREEN: "绿", Light.CLOSED: "办结"}
    return {"light": light, "word": words.get(light, "")}
