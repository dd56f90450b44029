"""The navigation: only what the person's roles may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.models import Role
from zhenggai.accounts.permissions import roles_of, scope_of
from zhenggai.web.urls_edit import LEDGER_EDIT_PAGES

#: (url name, label, roles that see it — None for everyone signed in, url names it covers)
NAV = [
    ("web:home", _("我的待办"), None, {"home"}),
    (
        "web:inspections",
        _("整改台账"),
        "business",
        {"inspections", "ledger", "problem.detail", "measure.detail"} | LEDGER_EDIT_PAGES,
    ),
    ("web:reviews", _("审核"), {Role.LEADER, Role.SECRETARY}, {"reviews"}),
    ("web:overview", _("统计总览"), {Role.OFFICE}, {"overview"}),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    business = scope_of(user).has_business_access
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match and match.namespace == "web" else None
    items = []
    for name, label, allowed, covers in NAV:
        if allowed == "business" and not business:
            continue
        if isinstance(allowed, set) and not roles & allowed:
            continue
        items.append({"url": reverse(name), "label": label, "current": current in covers})
    if Role.SYSADMIN in roles:
        items.append({"url": reverse("admin:index"), "label": _("系统管理"), "current": False})
    role_labels = [Role(r).label for r in sorted(roles)]
    return {"nav_items": items, "nav_roles": role_labels}
