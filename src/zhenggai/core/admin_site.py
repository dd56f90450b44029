"""The Django admin, open to the system administrator (系统管理员) only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SysadminSite(admin.AdminSite):
    site_header = _("整改系统 · 系统管理")
    site_title = _("整改系统管理")

    def has_permission(self, request: HttpRequest) -> bool:
        from zhenggai.accounts.permissions import is_sysadmin

        user = request.user
        return bool(user.is_active and user.is_authenticated and is_sysadmin(user))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """No second sign-in form: the site's own (lockout, TOTP) is the only way in, and a
        signed-in account that is not the system administrator gets 403."""
        from django.contrib.auth.views import redirect_to_login

        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


class ZhenggaiAdminConfig(AdminConfig):
    default_site = "zhenggai.core.admin_site.SysadminSite"
