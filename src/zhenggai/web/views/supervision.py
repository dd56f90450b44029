"""Supervision pages: inbox, reminder preferences, extensions, orders, follow-up checks.

Every page asks :mod:`zhenggai.accounts.permissions` for its rows and calls a service
for every change; a :class:`DomainError` comes back as a message next to the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhenggai.accounts.models import Role
from zhenggai.accounts.permissions import (
    Action,
    can_on_inspection,
    can_on_measure,
    get_inspection_for,
    get_measure_for,
    roles_of,
    visible_inspections,
    visible_measures,
    visible_rounds,
)
from zhenggai.core.errors import DomainError
from zhenggai.supervision.docx import order_docx
from zhenggai.supervision.models import (
    ExtensionRequest,
    ExtensionStatus,
    FollowUpCheck,
    FollowUpItem,
    Notification,
    NotificationPreference,
    SupervisionOrder,
)
from zhenggai.supervision.services import extensions, followup, orders
from zhenggai.web.views.common import paginate, require_role, safe_next

DATE = forms.DateInput(attrs={"type": "date"})


# ---------------------------------------------------------------- inbox and preferences


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        rows.filter(read_at__isnull=True).update(read_at=timezone.now())
        messages.success(request, _("已全部标为已读。"))
        return redirect("web:supervision.inbox")
    return render(request, "web/supervision/inbox.html", {"page": paginate(request, rows)})


@login_required
@require_GET
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return redirect(note.url or "web:supervision.inbox")


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email", "wecom", "dingtalk", "sms", "phone"]

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not (phone.isdigit() and 7 <= len(phone) <= 15):
            raise forms.ValidationError(_("请填写正确的手机号码。"))
        if self.cleaned_data.get("sms") and not phone:
            raise forms.ValidationError(_("选择短信提醒时请填写手机号码。"))
        return phone


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    pref, _created = NotificationPreference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("提醒方式已保存。"))
        return redirect("web:supervision.preferences")
    return render(request, "web/supervision/preferences.html", {"form": form})


# ---------------------------------------------------------------- extensions


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label=_l("申请延至"), widget=DATE)
    reason = forms.CharField(label=_l("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_l("审批意见(不同意时必填)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, f"{exc.message}")


@login_required
@require_http_methods(["GET", "POST"])
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_measure_for(request.user, pk, Action.REQUEST_EXTENSION)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extensions.request_extension(
                measure=measure,
                actor=request.user,
                new_deadline=form.cleaned_data["new_deadline"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("延期申请已提交,等待责任领导或主要负责人审批。"))
            return redirect("web:measure.detail", pk=measure.pk)
    history = measure.extension_requests.select_related("requested_by", "decided_by")
    context = {"measure": measure, "form": form, "history": history}
    return render(request, "web/supervision/extension_request.html", context)


@login_required
@require_GET
def extension_list(request: HttpRequest) -> HttpResponse:
    rows = ExtensionRequest.objects.filter(
        measure__in=visible_measures(request.user)
    ).select_related("measure__inspection__unit", "requested_by", "decided_by")
    status = request.GET.get("status", ExtensionStatus.PENDING)
    if status in ExtensionStatus.values:
        rows = rows.filter(status=status)
    page = paginate(request, rows)
    for row in page:
        row.can_decide = row.status == ExtensionStatus.PENDING and can_on_measure(
            request.user, Action.DECIDE_EXTENSION, row.measure
        )
    context = {"page": page, "status": status, "statuses": ExtensionStatus.choices}
    return render(request, "web/supervision/extensions.html", context)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(
        ExtensionRequest.objects.filter(measure__in=visible_measures(request.user)), pk=pk
    )
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        extensions.decide_extension(
            request=row,
            actor=request.user,
            approve=request.POST.get("decision") == "approve",
            reason=form.cleaned_data.get("reason", ""),
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已处理延期申请;原完成时限保留不变。"))
    return redirect(safe_next(request, "/extensions/"))


# ---------------------------------------------------------------- orders


def visible_orders(user: Any):
    return SupervisionOrder.objects.filter(inspection__in=visible_inspections(user))


class OrderForm(forms.Form):
    subject = forms.CharField(label=_l("督办事项"), max_length=300)
    requirement = forms.CharField(
        label=_l("督办要求"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.DateField(label=_l("办理时限"), widget=DATE)
    measures = forms.TypedMultipleChoiceField(
        label=_l("督办的整改措施"), coerce=int, widget=forms.CheckboxSelectMultiple
    )


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    rows = visible_orders(request.user).select_related("unit")
    context = {"page": paginate(request, rows), "is_office": Role.OFFICE in roles_of(request.user)}
    return render(request, "web/supervision/orders.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_inspection_for(request.user, pk, Action.SUPERVISE)
    open_measures = inspection.measures.exclude(status="closed").order_by(
        "problem__position", "position"
    )
    form = OrderForm(request.POST or None, initial={"measures": request.GET.getlist("measure")})
    form.fields["measures"].choices = [(m.pk, m.text[:60]) for m in open_measures]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = orders.issue_order(
                inspection=inspection,
                actor=request.user,
                measures=list(open_measures.filter(pk__in=data["measures"])),
                subject=data["subject"],
                requirement=data["requirement"],
                due_date=data["due_date"],
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("督办单 %(n)s 已下发。") % {"n": order.number})
            return redirect("web:supervision.order", pk=order.pk)
    return render(
        request, "web/supervision/order_new.html", {"inspection": inspection, "form": form}
    )


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(
        visible_orders(request.user).select_related("unit", "inspection__unit"), pk=pk
    )
    context = {
        "order": order,
        "notices": order.notices.prefetch_related("addressees"),
        "measures": order.measures.select_related("problem"),
        "can_answer": can_on_inspection(request.user, Action.ANSWER_ORDER, order.inspection)
        and order.status in ("issued", "returned"),
        "can_review": can_on_inspection(request.user, Action.SUPERVISE, order.inspection)
        and order.status == "answered",
    }
    return render(request, "web/supervision/order.html", context)


@login_required
@require_POST
def order_act(request: HttpRequest, pk: int, act: str) -> HttpResponse:
    order = get_object_or_404(visible_orders(request.user), pk=pk)
    text = request.POST.get("text", "")
    try:
        if act == "answer":
            orders.answer_order(order=order, actor=request.user, text=text)
            messages.success(request, _("办理情况已反馈,等待巡察办审核。"))
        elif act in ("accept", "return"):
            orders.review_order(
                order=order, actor=request.user, accept=act == "accept", reason=text
            )
            messages.success(request, _("已审核。"))
        else:
            raise Http404
    except DomainError as exc:
        _error(request, exc)
    return redirect("web:supervision.order", pk=order.pk)


@login_required
@require_GET
def order_download(request: HttpRequest, pk: int, step: int | None = None) -> HttpResponse:
    order = get_object_or_404(
        visible_orders(request.user).select_related("unit", "jurisdiction"), pk=pk
    )
    notice = order.notices.filter(step=step).first() if step is not None else None
    data = order_docx(order, notice)
    name = (notice.number if notice else order.number).replace("〔", "-").replace("〕", "-")
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = (
        f"attachment; filename=\"order-{order.pk}.docx\"; filename*=UTF-8''{_quote(name)}.docx"
    )
    return response


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


# ---------------------------------------------------------------- follow-up checks


class FollowUpForm(forms.Form):
    round = forms.TypedChoiceField(label=_l("轮次"), coerce=int)
    method = forms.ChoiceField(
        label=_l("抽取方式"), choices=[("random", _l("随机抽取")), ("risk", _l("按风险抽取"))]
    )
    sample_size = forms.IntegerField(label=_l("抽取数量"), min_value=1, max_value=500, initial=5)
    seed = forms.IntegerField(label=_l("随机种子(留空自动生成)"), required=False, min_value=0)


@login_required
@require_http_methods(["GET", "POST"])
def followup_list(request: HttpRequest) -> HttpResponse:
    require_role(request, Role.OFFICE)
    rounds = visible_rounds(request.user).filter(jurisdiction__isnull=False)
    form = FollowUpForm(request.POST or None)
    form.fields["round"].choices = [(r.pk, r.name) for r in rounds]
    if request.method == "POST" and form.is_valid():
        rnd = get_object_or_404(rounds, pk=form.cleaned_data["round"])
        try:
            check = followup.create_check(
                rnd=rnd,
                actor=request.user,
                method=form.cleaned_data["method"],
                sample_size=form.cleaned_data["sample_size"],
                seed=form.cleaned_data["seed"],
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            return redirect("web:supervision.followup", pk=check.pk)
    checks = FollowUpCheck.objects.filter(round__in=rounds).select_related("round")
    return render(
        request, "web/supervision/followups.html", {"form": form, "page": paginate(request, checks)}
    )


def _visible_check(request: HttpRequest, pk: int) -> FollowUpCheck:
    require_role(request, Role.OFFICE)
    rounds = visible_rounds(request.user)
    return get_object_or_404(FollowUpCheck.objects.filter(round__in=rounds), pk=pk)


@login_required
@require_GET
def followup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = _visible_check(request, pk)
    items = check.items.select_related("measure__problem", "measure__inspection__unit", "checker")
    return render(request, "web/supervision/followup.html", {"check": check, "items": items})


@login_required
@require_POST
def followup_result(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(FollowUpItem, pk=pk)
    check = _visible_check(request, item.check_run_id)
    try:
        followup.record_result(
            item=item,
            actor=request.user,
            passed=request.POST.get("result") == "passed",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        _error(request, exc)
    except PermissionDenied:
        raise
    return redirect("web:supervision.followup", pk=check.pk)


def today() -> dt.date:
    return timezone.localdate()
