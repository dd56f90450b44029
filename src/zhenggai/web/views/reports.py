"""报告: the unit's progress report — texts, live preview, versions, downloads, publishing.

Rights are the report services' (``services.can_generate``, ``can_publish``,
``get_report_for``); every write goes through a service, which writes the audit entry.
Actions that change something take GET (a confirmation that names the version and
spells out the consequence) and POST (do it, then say what happened).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from zhenggai.accounts.models import Role
from zhenggai.accounts.permissions import (
    Action,
    can_on_inspection,
    can_register_in,
    get_inspection_for,
    roles_of,
    scope_of,
    sees_whole_unit,
    visible_inspections,
    visible_rounds,
)
from zhenggai.core.errors import DomainError
from zhenggai.documents.models import Report, ReportKind
from zhenggai.documents.report import services
from zhenggai.documents.report.figures import round_figures
from zhenggai.documents.report.fingerprint import ledger_fingerprint
from zhenggai.documents.report.pdf import PdfUnavailable, pdf_available
from zhenggai.ledger.models import Inspection
from zhenggai.quality.models import Flag, FlagStatus
from zhenggai.web.queries import count_of
from zhenggai.web.views.common import paginate

FORMAT_LABELS = {"docx": "Word(.docx)", "pdf": "PDF", "html": "网页(.html)", "txt": "文本(.txt)"}


# ---------------------------------------------------------------- shared helpers


def whole_unit_inspection(user: Any, pk: int) -> Inspection:
    """The inspection for a whole-unit reader: 404 outside the user's units, 403 for departments."""
    inspection = get_inspection_for(user, pk)
    if not sees_whole_unit(user, inspection.unit):
        raise PermissionDenied
    return inspection


def whole_unit_inspections(user: Any) -> QuerySet[Inspection]:
    """The inspections whose whole ledger ``user`` reads (unit roles, or the office above)."""
    scope = scope_of(user)
    q = Q(unit_id__in=scope.full_unit_ids)
    for path in scope.jurisdiction_paths:
        q |= Q(unit__path__startswith=path)
    return visible_inspections(user).filter(q)


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """An attachment with an RFC 6266 file name, never rendered inline, not cached."""
    response = HttpResponse(content, content_type=content_type)
    ascii_name = "download." + filename.rsplit(".", 1)[-1]
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def domain_error_page(
    request: HttpRequest, error: DomainError, back: str, status: int = 400
) -> HttpResponse:
    return render(request, "web/reports/error.html", {"error": error, "back": back}, status=status)


def inspection_tabs(user: Any, inspection: Inspection, current: str) -> list[dict[str, Any]]:
    """The inspection's pages beside its ledger: 台账, 报告, 体检, 导入 (what the user may open)."""
    tabs = [
        ("ledger", _("整改台账"), reverse("web:ledger", args=[inspection.pk])),
        ("report", _("整改报告"), reverse("web:report", args=[inspection.pk])),
        ("quality", _("形式整改体检"), reverse("web:quality.check", args=[inspection.pk])),
    ]
    if can_on_inspection(user, Action.EDIT_LEDGER, inspection):
        tabs.append(("import", _("导入台账"), reverse("web:import.upload", args=[inspection.pk])))
    return [{"key": k, "label": label, "url": u, "current": k == current} for k, label, u in tabs]


# ---------------------------------------------------------------- 报告 (index)


@login_required
@require_GET
def reports_index(request: HttpRequest) -> HttpResponse:
    """Every inspection the user reads whole: its report versions, publication, open flags.

    Queries: the page's count and rows (the three figures are correlated counts); for
    the office one more for its rounds.
    """
    user = request.user
    scope = scope_of(user)
    if not (scope.unit_roles or scope.jurisdiction_paths):
        raise PermissionDenied
    rows = (
        whole_unit_inspections(user)
        .select_related("unit", "round")
        .annotate(
            versions=count_of(Report, "inspection", Q(kind=ReportKind.UNIT)),
            published=count_of(Report, "inspection", Q(is_published=True)),
            open_flags=count_of(Flag, "inspection", Q(is_current=True, status=FlagStatus.OPEN)),
        )
        .order_by("-round__year", "round__name", "unit__name")
    )
    roles = roles_of(user)
    rounds = []
    if Role.OFFICE in roles:
        rounds = [
            r
            for r in visible_rounds(user).select_related("jurisdiction").order_by("-year", "name")
            if can_register_in(user, r.jurisdiction)
        ]
    context = {
        "page": paginate(request, rows),
        "rounds": rounds,
        "is_office": Role.OFFICE in roles,
        "answers_feedback": bool(roles & {Role.COORDINATOR, Role.SECRETARY}),
    }
    return render(request, "web/reports/index.html", context)


# ---------------------------------------------------------------- the report page


class ReportTextsForm(forms.Form):
    """一、整改工作组织情况, 三、下一步工作计划 and the closing contact block."""

    organisation_text = forms.CharField(
        label=gettext_lazy("一、整改工作组织情况"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 9}),
        error_messages={"required": gettext_lazy("请填写整改工作组织情况。")},
    )
    next_steps_text = forms.CharField(
        label=gettext_lazy("三、下一步工作计划"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": gettext_lazy("请填写下一步工作计划。")},
    )
    phone = forms.CharField(label=gettext_lazy("联系电话"), required=False, max_length=50)
    address = forms.CharField(label=gettext_lazy("通信地址"), required=False, max_length=200)
    postcode = forms.RegexField(
        label=gettext_lazy("邮政编码"),
        required=False,
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("邮政编码应为6位数字。")},
    )
    email = forms.EmailField(
        label=gettext_lazy("电子邮箱"),
        required=False,
        error_messages={"invalid": gettext_lazy("请输入有效的电子邮箱地址。")},
    )
    text = forms.CharField(
        label=gettext_lazy("结语全文(可不填)"),
        help_text=gettext_lazy("填写后代替由上面联系方式组成的结语。"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    report_date = forms.DateField(
        label=gettext_lazy("成文日期(可不填,默认为生成当天)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("请输入有效的日期,如 2026-03-27。")},
    )

    CONTACT = ("phone", "address", "postcode", "email", "text")

    @classmethod
    def for_inspection(cls, inspection: Inspection) -> ReportTextsForm:
        contact = inspection.contact or {}
        initial = {
            **services.report_text_drafts(inspection),
            **{k: contact.get(k, "") for k in cls.CONTACT},
            "report_date": inspection.report_date,
        }
        return cls(initial=initial)


def _versions(user: Any, inspection: Inspection) -> list[Report]:
    """The versions, newest first, each marked current or stale against the ledger."""
    versions = list(services.reports_for(user, inspection))
    if versions:
        # One fingerprint for every version (``services.is_current`` computes it each time).
        fingerprint = ledger_fingerprint(inspection)
        for report in versions:
            report.current = report.ledger_hash == fingerprint
    return versions


def _report_page(
    request: HttpRequest, inspection: Inspection, form: ReportTextsForm | None, status: int = 200
) -> HttpResponse:
    user = request.user
    may_generate = services.can_generate(user, inspection)
    if form is None and may_generate:
        form = ReportTextsForm.for_inspection(inspection)
    versions = _versions(user, inspection)
    context = {
        "inspection": inspection,
        "tabs": inspection_tabs(user, inspection, "report"),
        "preview": services.preview_html(inspection=inspection, user=user),
        "versions": versions,
        "next_version": (versions[0].version + 1) if versions else 1,
        "form": form,
        "can_generate": may_generate,
        "texts_saved": bool(inspection.organisation_text and inspection.next_steps_text),
        "can_publish": services.can_publish(user, inspection),
        "pdf_available": pdf_available(),
        "formats": FORMAT_LABELS,
    }
    return render(request, "web/reports/report.html", context, status=status)


@login_required
@require_GET
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = whole_unit_inspection(request.user, pk)
    return _report_page(request, inspection, None)


@login_required
@require_http_methods(["GET", "POST"])
def report_texts(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the texts form on its own; POST: save them (audited), back to the preview."""
    inspection = whole_unit_inspection(request.user, pk)
    if not services.can_generate(request.user, inspection):
        raise PermissionDenied
    if request.method == "GET":
        context = {
            "inspection": inspection,
            "form": ReportTextsForm.for_inspection(inspection),
        }
        return render(request, "web/reports/texts.html", context)
    form = ReportTextsForm(request.POST)
    if not form.is_valid():
        return _report_page(request, inspection, form, status=400)
    data = form.cleaned_data
    services.save_report_texts(
        inspection=inspection,
        actor=request.user,
        organisation_text=data["organisation_text"],
        next_steps_text=data["next_steps_text"],
        contact={k: data[k] for k in ReportTextsForm.CONTACT},
        report_date=data["report_date"],
    )
    messages.success(request, _("已保存报告文字,下面的预览已更新。生成新版本后才会进入报告版本。"))
    return redirect(reverse("web:report", args=[inspection.pk]) + "#preview")


@login_required
@require_http_methods(["GET", "POST"])
def report_generate(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what generating does; POST: compose the report from the ledger and store it."""
    inspection = whole_unit_inspection(request.user, pk)
    if not services.can_generate(request.user, inspection):
        raise PermissionDenied
    if request.method == "GET":
        versions = services.reports_for(request.user, inspection)
        latest = versions.first()
        context = {
            "inspection": inspection,
            "next_version": (latest.version + 1) if latest else 1,
        }
        return render(request, "web/reports/generate.html", context)
    report = services.generate_report(inspection=inspection, actor=request.user)
    messages.success(
        request,
        _("已生成第%(v)d版报告。请核对后下载;主要负责人可将其公开。") % {"v": report.version},
    )
    return redirect("web:report.version", pk=report.pk)


# ---------------------------------------------------------------- one version


def _version_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    user = request.user
    unit_report = report.kind == ReportKind.UNIT
    if unit_report:
        current = services.is_current(report)
        can_publish = services.can_publish(user, report.inspection)
        back = reverse("web:report", args=[report.inspection_id])
    else:
        current, can_publish = None, False
        back = reverse("web:round.summary", args=[report.round_id])
    return {
        "report": report,
        "unit_report": unit_report,
        "current": current,
        "can_publish": can_publish,
        "back": back,
        "formats": FORMAT_LABELS,
        "pdf_available": pdf_available(),
    }


@login_required
@require_GET
def report_version(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored version as it will download, whatever the ledger did since."""
    report = services.get_report_for(request.user, pk)
    context = _version_context(request, report)
    context["html"] = services.report_html(report)
    return render(request, "web/reports/version.html", context)


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The stored version as .docx, .pdf, .html or .txt (audited as ``report.exported``)."""
    report = services.get_report_for(request.user, pk)
    back = reverse("web:report.version", args=[report.pk])
    try:
        rendered = services.export_report(report=report, actor=request.user, fmt=fmt)
    except PdfUnavailable:
        messages.warning(
            request,
            _(
                "暂时无法生成 PDF(服务器未安装转换工具)。"
                "请下载 Word 版本,在 Word 或 WPS 中另存为 PDF。"
            ),
        )
        return redirect(back)
    except DomainError as error:
        return domain_error_page(request, error, back)
    return download(rendered.content, rendered.filename, rendered.content_type)


class _Confirm:
    """Publish or withdraw: GET names the version and the consequence; POST does it."""

    def __init__(self, action: str) -> None:
        self.action = action

    def __call__(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = services.get_report_for(request.user, pk)
        if report.kind != ReportKind.UNIT or not services.can_publish(
            request.user, report.inspection
        ):
            raise PermissionDenied
        context = {**_version_context(request, report), "action": self.action}
        if self.action == "publish":
            context["previous"] = (
                Report.objects.filter(inspection=report.inspection_id, is_published=True)
                .exclude(pk=report.pk)
                .first()
            )
        if request.method == "GET":
            return render(request, "web/reports/confirm.html", context)
        try:
            if self.action == "publish":
                services.publish_report(report=report, actor=request.user)
                said = _("已公开第%(v)d版。公众可在门户网站查看并提交意见建议。")
            else:
                services.withdraw_report(report=report, actor=request.user)
                said = _("已撤回第%(v)d版,门户网站不再显示。")
        except DomainError as error:
            context["error"] = error
            return render(request, "web/reports/confirm.html", context, status=400)
        messages.success(request, said % {"v": report.version})
        return redirect("web:report.version", pk=report.pk)


report_publish = login_required(require_http_methods(["GET", "POST"])(_Confirm("publish")))
report_withdraw = login_required(require_http_methods(["GET", "POST"])(_Confirm("withdraw")))


# ---------------------------------------------------------------- the round summary


@login_required
@require_http_methods(["GET", "POST"])
def round_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's summary of a round: its figures per unit, versions, the latest previewed."""
    rnd = visible_rounds(request.user).select_related("jurisdiction").filter(pk=pk).first()
    if rnd is None:
        raise Http404
    if not can_register_in(request.user, rnd.jurisdiction):
        raise PermissionDenied
    if request.method == "POST":
        report = services.generate_round_summary(round=rnd, actor=request.user)
        messages.success(request, _("已生成第%(v)d版轮次汇总。") % {"v": report.version})
        return redirect(reverse("web:round.summary", args=[rnd.pk]) + "#latest")
    versions = list(
        Report.objects.filter(round=rnd, kind=ReportKind.ROUND)
        .select_related("created_by")
        .order_by("-version")
    )
    inspections = {
        i.unit_id: i.pk for i in visible_inspections(request.user).filter(round=rnd).only("unit")
    }
    figures = round_figures(rnd, request.user)
    context = {
        "round": rnd,
        "figures": figures,
        "inspections": inspections,
        "versions": versions,
        "latest_html": services.report_html(versions[0]) if versions else "",
        "formats": FORMAT_LABELS,
        "pdf_available": pdf_available(),
    }
    return render(request, "web/reports/round_summary.html", context)
