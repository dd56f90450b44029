"""Accounts in the system administrator's admin (系统管理员).

The system administrator creates and disables accounts and sets initial passwords; an
account it creates, or whose password it sets, must change the password at first sign-in.
It cannot grant roles (that is the security administrator's page), cannot see personal
data unmasked, and cannot make anyone a superuser or staff member.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserCreationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.crypto import mask_phone
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import is_sysadmin
from zhenggai.audit.log import record


class InitialPasswordCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "title")

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.must_change_password = True
        if commit:
            user.save()
        return user


class ResetPasswordForm(AdminPasswordChangeForm):
    """A password set by an administrator is an initial password: it must be changed."""

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.must_change_password = True
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = InitialPasswordCreationForm
    change_password_form = ResetPasswordForm
    list_display = ("username", "display_name", "title", "masked_phone", "is_active", "last_login")
    list_filter = ("is_active",)
    search_fields = ("username", "display_name")
    readonly_fields = ("last_login", "date_joined", "password_changed_at")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "title", "email")}),
        (
            _("状态"),
            {
                "fields": (
                    "is_active",
                    "must_change_password",
                    "password_changed_at",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "title", "password1", "password2"),
            },
        ),
    )

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj: User) -> str:
        return mask_phone(obj.phone)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_sysadmin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_sysadmin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_sysadmin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_sysadmin(request.user)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            record("password.reset", actor=request.user, obj=self.get_object(request, id))
        return response

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are disabled, never deleted: the audit log refers to them.
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record(
            "account.changed" if change else "account.created",
            actor=request.user,
            obj=obj,
            after={"username": obj.username, "fields": sorted(form.changed_data)},
        )
