"""The Django admin, open to the system administrator (系统管理员) only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class SysadminSite(admin.AdminSite):
    site_header = _("整改系统 · 系统管理")
    site_title = _("整改系统管理")

    def has_permission(self, request: HttpRequest) -> bool:
        from zhenggai.accounts.permissions import is_sysadmin

        user = request.user
        return bool(user.is_active and user.is_authenticated and is_sysadmin(user))


class ZhenggaiAdminConfig(AdminConfig):
    default_site = "zhenggai.core.admin_site.SysadminSite"
