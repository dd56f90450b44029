"""Signing in and out, the second factor, password changes and the person's own account.

Sign-in (docs/security.md, checks 3–8): the password step checks locks first, then the
password; a user who needs TOTP is *not* signed in by it — the session only remembers
who is half-way ("pending") until the code is given, and only then does
:func:`django.contrib.auth.login` run (which gives the session a new id). A session made
any other way (``force_login`` in tests) is therefore fully signed in by construction.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from zhenggai.accounts import lockout, totp
from zhenggai.accounts.crypto import mask_id_number, mask_phone
from zhenggai.accounts.middleware import must_change_password
from zhenggai.accounts.models import User
from zhenggai.accounts.passwords import describe_rules, help_texts
from zhenggai.accounts.services import reveal_personal
from zhenggai.audit.context import client_address
from zhenggai.audit.log import record
from zhenggai.web.views.common import safe_next

PENDING = "zg_pending"
#: How long the code step may follow the password step.
PENDING_SECONDS = 300
BAD_CREDENTIALS = gettext_lazy("用户名或密码错误。")
LOCKED = gettext_lazy("登录失败次数过多,该账号或地址已被临时锁定,请 %(minutes)d 分钟后再试。")
BAD_CODE = gettext_lazy("动态口令错误或已使用过,请输入验证器上新的 6 位数字。")


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(max_length=4096, strip=False)


class CodeForm(forms.Form):
    code = forms.CharField(max_length=12)


def _locked_message() -> str:
    return str(LOCKED) % {"minutes": max(settings.ZHENGGAI_LOCKOUT_SECONDS // 60, 1)}


def _complete(request: HttpRequest, user: User, backend: str, factors: list[str]) -> HttpResponse:
    """Sign the user in (new session id), start the session clocks, audit the sign-in."""
    target = request.session.get(PENDING, {}).get("next") or safe_next(request, "")
    request.session.pop(PENDING, None)
    auth.login(request, user, backend=backend)  # new session id; the signal starts the clocks
    lockout.register_success(user.username)
    record("login.succeeded", actor=user, obj=user, after={"factors": factors})
    if must_change_password(user):
        return redirect(f"{reverse('web:password.change')}?required=1")
    return redirect(target or settings.LOGIN_REDIRECT_URL)


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=pending["uid"], is_active=True).first()
    return (user, pending) if user is not None else None


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    context = {"form": form, "next": safe_next(request, "")}
    if request.method != "POST" or not form.is_valid():
        return render(request, "web/login.html", context, status=200)
    username, password = form.cleaned_data["username"], form.cleaned_data["password"]
    ip = client_address(request)
    if lockout.active_lock(username, ip) is not None:
        make_password(password)  # the same work as a real check: the answer takes as long
        record("login.refused_locked", success=False, after={"username": record_name(username)})
        form.add_error(None, _locked_message())
        return render(request, "web/login.html", context, status=200)
    user = auth.authenticate(request, username=username, password=password)
    if user is None:
        lock = lockout.register_failure(username, ip, reason="password")
        form.add_error(None, _locked_message() if lock else str(BAD_CREDENTIALS))
        return render(request, "web/login.html", context, status=200)
    if not totp.must_use_totp(user):
        return _complete(request, user, user.backend, ["password"])
    request.session.cycle_key()
    request.session[PENDING] = {
        "uid": user.pk,
        "backend": user.backend,
        "at": time.time(),
        "next": context["next"],
    }
    device = totp.device_of(user)
    if device is not None and device.confirmed:
        return redirect("web:login.totp")
    return redirect("web:login.totp.enrol")


def record_name(username: str) -> str:
    from zhenggai.audit.log import escape_name

    return escape_name(username[:150])


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def totp_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    found = _pending_user(request)
    if found is None:
        return redirect_to_login(request.get_full_path())
    user, pending = found
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if lockout.active_lock(user.username, client_address(request)) is not None:
            request.session.pop(PENDING, None)
            messages.error(request, _locked_message())
            return redirect("web:login")
        if totp.verify(user, form.cleaned_data["code"]):
            return _complete(request, user, pending["backend"], ["password", "totp"])
        lock = lockout.register_failure(user.username, client_address(request), reason="totp")
        if lock is not None:
            request.session.pop(PENDING, None)
            messages.error(request, _locked_message())
            return redirect("web:login")
        form.add_error("code", str(BAD_CODE))
    return render(request, "web/security/totp.html", {"form": form})


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def totp_enrol_view(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator: show the secret (and its otpauth URI), confirm with a code.

    Reached half-way through signing in (a user who must use TOTP and has none yet) or
    from the account page by a signed-in user.
    """
    signed_in = request.user.is_authenticated
    found = None if signed_in else _pending_user(request)
    if not signed_in and found is None:
        return redirect_to_login(request.get_full_path())
    user = request.user if signed_in else found[0]
    device = totp.device_of(user)
    if device is not None and device.confirmed:
        return redirect("web:account" if signed_in else "web:login.totp")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        if totp.verify(user, form.cleaned_data["code"], confirm=True):
            record("totp.enrolled", actor=user, obj=user)
            if signed_in:
                messages.success(request, _("动态口令已启用,今后登录需要输入验证器上的口令。"))
                return redirect("web:account")
            return _complete(request, user, found[1]["backend"], ["password", "totp"])
        lock = lockout.register_failure(user.username, client_address(request), reason="totp_enrol")
        if lock is not None and not signed_in:
            request.session.pop(PENDING, None)
            messages.error(request, _locked_message())
            return redirect("web:login")
        form.add_error("code", str(BAD_CODE))
    elif request.method == "GET" or device is None:
        device = totp.start_enrolment(user)
    context = {
        "form": form,
        "secret": device.secret,
        "uri": totp.provisioning_uri(device),
        "grouped": " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4)),
    }
    return render(request, "web/security/totp_enrol.html", context)


@require_POST
@csrf_protect
def logout_view(request: HttpRequest) -> HttpResponse:
    request.session.pop(PENDING, None)
    auth.logout(request)  # the session is deleted on the server; the signal audits it
    return redirect(settings.LOGOUT_REDIRECT_URL)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=gettext_lazy("当前密码"), strip=False, max_length=4096)
    new_password1 = forms.CharField(label=gettext_lazy("新密码"), strip=False, max_length=4096)
    new_password2 = forms.CharField(
        label=gettext_lazy("再次输入新密码"), strip=False, max_length=4096
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        new1, new2 = data.get("new_password1"), data.get("new_password2")
        if new1 and new2 and new1 != new2:
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        elif new1:
            if data.get("old_password") == new1:
                self.add_error("new_password1", _("新密码不能与当前密码相同。"))
            try:
                validate_password(new1, self.user)
            except ValidationError as error:
                self.add_error("new_password1", error)
        return data


@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not user.check_password(form.cleaned_data["old_password"]):
            lockout.register_failure(
                user.username, client_address(request), reason="password_change"
            )
            form.add_error("old_password", _("当前密码不正确。"))
        else:
            user.set_password(form.cleaned_data["new_password1"])
            user.must_change_password = False
            user.save(update_fields=["password", "password_changed_at", "must_change_password"])
            auth.update_session_auth_hash(request, user)  # other sessions of the user end
            record("password.changed", actor=user, obj=user)
            messages.success(request, _("密码已修改。"))
            return redirect(settings.LOGIN_REDIRECT_URL)
    context = {
        "form": form,
        "required": must_change_password(user),
        "rules": help_texts(),
        "max_age": describe_rules(),
    }
    return render(request, "web/security/password_change.html", context)


class PersonalForm(forms.Form):
    phone = forms.RegexField(
        label=gettext_lazy("手机号"), regex=r"^1[3-9]\d{9}$", required=False, max_length=11
    )
    id_number = forms.RegexField(
        label=gettext_lazy("身份证号"), regex=r"^\d{17}[\dXx]$", required=False, max_length=18
    )
    password = forms.CharField(
        label=gettext_lazy("当前密码(确认身份)"), strip=False, max_length=4096
    )


@login_required
@sensitive_post_parameters("password", "phone", "id_number")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def account_view(request: HttpRequest) -> HttpResponse:
    """The person's own account: masked personal data, revealing it (audited), changing it
    (after giving the password again, ASVS 7.5.1), the authenticator."""
    user: User = request.user
    revealed = None
    form = PersonalForm()
    if request.method == "POST" and request.POST.get("action") == "reveal":
        revealed = reveal_personal(subject=user, actor=user)
    elif request.method == "POST":
        form = PersonalForm(request.POST)
        if form.is_valid():
            if not user.check_password(form.cleaned_data["password"]):
                lockout.register_failure(user.username, client_address(request), reason="reauth")
                form.add_error("password", _("当前密码不正确。"))
            else:
                user.phone = form.cleaned_data["phone"] or None
                user.id_number = (form.cleaned_data["id_number"] or "").upper() or None
                user.save(update_fields=["phone", "id_number"])
                record(
                    "personal.changed",
                    actor=user,
                    obj=user,
                    after={
                        "phone": mask_phone(user.phone),
                        "id_number": mask_id_number(user.id_number),
                    },
                )
                messages.success(request, _("个人信息已保存。"))
                return redirect("web:account")
    device = totp.device_of(user)
    context = {
        "form": form,
        "phone": mask_phone(user.phone),
        "id_number": mask_id_number(user.id_number),
        "revealed": revealed,
        "totp_enabled": bool(device and device.confirmed),
        "totp_required": totp.must_use_totp(user),
    }
    return render(request, "web/security/account.html", context)
