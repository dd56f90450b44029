"""The pages of the 三员 (docs/security.md, checks 9 and 10).

* 安全管理员 (``secadmin``): grant and revoke roles, lift sign-in locks, reset a lost
  authenticator, require a password change, read a person's unmasked personal data
  (audited). No business data, no audit log.
* 审计管理员 (``auditadmin``): search, verify and export the audit log. Nothing else.
* 系统管理员 (``sysadmin``): the Django admin (system configuration); none of these pages.

Each view checks its one role; every other account, the other two administrators
included, gets 403 (and the refusal is audited by the access audit middleware).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhenggai.accounts import lockout, totp
from zhenggai.accounts.crypto import mask_id_number, mask_phone
from zhenggai.accounts.models import LockKind, LoginLock, Membership, Organisation, Role, User
from zhenggai.accounts.permissions import scope_of
from zhenggai.accounts.services import grant_role, reveal_personal, revoke_role
from zhenggai.audit import export
from zhenggai.audit.log import record, verify_chain
from zhenggai.audit.models import AuditEntry
from zhenggai.core.errors import DomainError
from zhenggai.web.views.common import paginate


def admin_role(role: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Only holders of ``role`` (one of the 三员) reach the view; everyone else gets 403.

    Placed under ``login_required`` and the method check, like the other pages: anonymous
    visitors are sent to sign in, a wrong method is 405 for everyone.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @never_cache
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if role not in scope_of(request.user).admin_roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


# ------------------------------------------------------------------ 安全管理员


class GrantForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("用户名"), max_length=150)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("组织"), queryset=Organisation.objects.order_by("path")
    )
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=Role.choices)


@login_required
@require_GET
@admin_role(Role.SECADMIN)
def roles(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:150]
    users = User.objects.order_by("username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
    )
    if query:
        users = users.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    page = paginate(request, users)
    locked = set(
        LoginLock.objects.filter(kind=LockKind.ACCOUNT, until__gt=timezone.now()).values_list(
            "key", flat=True
        )
    )
    for user in page.object_list:
        user.is_locked = lockout.normalise_username(user.username) in locked
    context = {"page": page, "query": query, "form": GrantForm()}
    return render(request, "web/security/roles.html", context)


@login_required
@require_POST
@admin_role(Role.SECADMIN)
def grant(request: HttpRequest) -> HttpResponse:
    form = GrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写用户名、组织和角色。"))
        return redirect("web:security.roles")
    user = User.objects.filter(username=form.cleaned_data["username"]).first()
    if user is None:
        messages.error(request, _("没有这个用户名的账号。"))
        return redirect("web:security.roles")
    try:
        grant_role(
            user=user,
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
            actor=request.user,
        )
    except DomainError as error:
        record(
            "membership.grant_refused",
            actor=request.user,
            obj=user,
            success=False,
            after={"role": form.cleaned_data["role"], "reason": error.english},
        )
        messages.error(request, error.message)
    else:
        messages.success(request, _("已授予角色。"))
    return redirect(f"{_roles_url()}?q={user.username}")


def _roles_url() -> str:
    from django.urls import reverse

    return reverse("web:security.roles")


@login_required
@require_POST
@admin_role(Role.SECADMIN)
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user", "organisation"), pk=pk)
    try:
        revoke_role(membership=membership, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已撤销角色。"))
    return redirect("web:security.roles")


@login_required
@require_http_methods(["GET", "POST"])
@admin_role(Role.SECADMIN)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One account: roles, lock, authenticator, masked personal data; the secadmin's
    actions on it (each audited)."""
    subject = get_object_or_404(User, pk=pk)
    revealed = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "reveal":
            revealed = reveal_personal(subject=subject, actor=request.user)
        elif action == "unlock":
            lockout.unlock(subject.username, actor=request.user)
            messages.success(request, _("已解除锁定。"))
        elif action == "reset_totp" and subject.pk != request.user.pk:
            totp.reset(subject)
            record("totp.reset", actor=request.user, obj=subject)
            messages.success(request, _("已重置动态口令,该用户下次登录时重新设置。"))
        elif action == "require_change" and subject.pk != request.user.pk:
            subject.must_change_password = True
            subject.save(update_fields=["must_change_password"])
            record("password.change_required", actor=request.user, obj=subject)
            messages.success(request, _("该用户下次登录时须修改密码。"))
        else:
            raise PermissionDenied
        if revealed is None:
            return redirect("web:security.user", pk=subject.pk)
    device = totp.device_of(subject)
    context = {
        "subject": subject,
        "memberships": Membership.objects.filter(user=subject).select_related("organisation"),
        "phone": mask_phone(subject.phone),
        "id_number": mask_id_number(subject.id_number),
        "revealed": revealed,
        "totp_enabled": bool(device and device.confirmed),
        "locked": lockout.active_lock(subject.username, None) is not None,
        "is_self": subject.pk == request.user.pk,
    }
    return render(request, "web/security/user.html", context)


# ------------------------------------------------------------------ 审计管理员


@login_required
@require_GET
@admin_role(Role.AUDITADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    filters = export.AuditFilters.from_query(request.GET)
    page = paginate(request, export.search(filters))
    for entry in page.object_list:
        entry.before_text = export.mask_personal(export.as_json(entry.before))
        entry.after_text = export.mask_personal(export.as_json(entry.after))
    record(
        "audit.viewed",
        actor=request.user,
        after={"filters": filters.as_dict(), "page": page.number},
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "actions": list(
            AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()[:200]
        ),
    }
    return render(request, "web/security/audit_log.html", context)


@login_required
@require_GET
@admin_role(Role.AUDITADMIN)
def audit_export(request: HttpRequest) -> HttpResponse:
    filters = export.AuditFilters.from_query(request.GET)
    kind = request.GET.get("format", "csv")
    if kind not in {"csv", "xlsx"}:
        kind = "csv"
    entries = export.search(filters)
    count = entries.count()
    if count > export.MAX_EXPORT_ROWS:
        messages.error(request, _("导出条数过多,请缩小时间范围或增加筛选条件。"))
        return redirect("web:security.audit")
    record(
        "audit.exported",
        actor=request.user,
        after={"filters": filters.as_dict(), "format": kind, "rows": count},
    )
    entries = entries.iterator(chunk_size=2000)
    if kind == "xlsx":
        body = export.to_xlsx(entries)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = export.to_csv(entries)
        content_type = "text/csv; charset=utf-8"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{kind}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
@admin_role(Role.AUDITADMIN)
def audit_verify(request: HttpRequest) -> HttpResponse:
    breaks = list(verify_chain())
    record("audit.verified", actor=request.user, success=not breaks, after={"breaks": len(breaks)})
    if breaks:
        first = breaks[0]
        messages.error(
            request,
            _("审计链校验未通过:第 %(id)s 条记录(%(reason)s)。")
            % {"id": first.entry_id, "reason": first.reason},
        )
    else:
        messages.success(request, _("审计链校验通过,未发现篡改。"))
    return redirect("web:security.audit")
