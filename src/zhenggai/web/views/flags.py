"""Quality flags (形式整改体检) on the pages.

* dismissing a flag with a reason (the unit's secretary, leaders, coordinator);
* the 体检 page of an inspection, with 重新体检 and the .docx / printable report;
* the office's overview of open flags per unit;
* the acknowledgement a reviewer gives before approving or closing a measure that has
  open flags: acknowledging means dismissing each with a reason — what the quality
  service records and audits — in the same transaction as the approval.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhenggai.accounts.models import Role
from zhenggai.accounts.permissions import (
    Action,
    can_on_inspection,
    roles_of,
    visible_inspections,
    visible_measures,
    visible_rounds,
)
from zhenggai.audit.models import AuditEntry
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.ledger.services.workflow import PermissionRefused
from zhenggai.quality import selectors, services
from zhenggai.quality.check_report import (
    build_check_report,
    render_check_report_docx,
    render_check_report_html,
)
from zhenggai.quality.engine import all_rules
from zhenggai.quality.models import Flag
from zhenggai.quality.presentation import FlagView, view_flags
from zhenggai.web.views.reports import download, inspection_tabs, whole_unit_inspection

#: The measure actions that may not go ahead while the measure has open flags.
ACK_ACTIONS = frozenset({"leader.approve", "close"})
ACK_FIELD = "ack_reason"


def can_run_checks(user: Any, inspection: Inspection) -> bool:
    """整改办 (or the office above) and the 主要负责人, who answer for the ledger's quality."""
    return can_on_inspection(user, Action.EDIT_LEDGER, inspection) or can_on_inspection(
        user, Action.APPROVE_PLAN, inspection
    )


def visible_flags(user: Any) -> QuerySet[Flag]:
    """Flags of the inspections the user sees, leaving out those on measures they do not see."""
    return Flag.objects.filter(inspection__in=visible_inspections(user)).filter(
        Q(measure__isnull=True) | Q(measure__in=visible_measures(user))
    )


def back_to(request: HttpRequest, fallback: str) -> str:
    """``next``, else the page the form was on (same site, not this URL), else ``fallback``."""
    for target in (
        request.POST.get("next"),
        request.GET.get("next"),
        request.META.get("HTTP_REFERER"),
    ):
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            if request.path not in target:
                return target
    return fallback


def _flag_home(flag: Flag) -> str:
    if flag.measure_id:
        return reverse("web:measure.detail", args=[flag.measure_id]) + "#flags"
    if flag.problem_id:
        return reverse("web:problem.detail", args=[flag.problem_id]) + "#flags"
    return reverse("web:quality.check", args=[flag.inspection_id])


# ---------------------------------------------------------------- dismissing


@login_required
@require_http_methods(["GET", "POST"])
def flag_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the flag with its dismiss form; POST: dismiss it with the reason (audited)."""
    flag = (
        visible_flags(request.user)
        .select_related("inspection__unit", "problem", "measure", "dismissed_by")
        .filter(pk=pk)
        .first()
    )
    if flag is None:
        raise Http404
    if not services.can_dismiss_flag(request.user, flag):
        raise PermissionDenied
    fallback = _flag_home(flag)
    error, status = None, 200
    if request.method == "POST":
        try:
            services.dismiss_flag(flag, request.user, request.POST.get("reason", ""))
        except PermissionRefused as refused:
            raise PermissionDenied(refused.message) from refused
        except DomainError as exc:
            error, status = exc, 400
        else:
            title = view_flags([flag])[0].title
            messages.success(
                request, _("已排除体检提示“%(t)s”,理由已记入审计日志。") % {"t": title}
            )
            return redirect(back_to(request, fallback))
    context = {
        "flag": flag,
        "flags": view_flags([flag], request.user),
        "inspection": flag.inspection,
        "error": error,
        "back": back_to(request, fallback),
    }
    return render(request, "web/flags/dismiss.html", context, status=status)


# ---------------------------------------------------------------- acknowledging before approval


def ack_context(user: Any, measure: Measure) -> dict[str, Any]:
    """What the approval confirmation shows: the open flags the reviewer must acknowledge."""
    flags = selectors.open_flags_requiring_ack(measure)
    return {
        "ack_flags": view_flags(flags, user),
        "ack_ids": ",".join(str(f.pk) for f in flags),
        "ack_field": ACK_FIELD,
    }


def acknowledge_flags(request: HttpRequest, measure: Measure) -> int:
    """Dismiss the open flags the reviewer saw, with their reason; returns how many.

    Raises :class:`DomainError` (field ``ack_reason``) without a reason or when the flags
    changed since the confirmation was shown; :class:`PermissionRefused` from the service
    when the reviewer may not dismiss them. Call inside the approval's transaction.
    """
    flags = selectors.open_flags_requiring_ack(measure)
    if not flags:
        return 0
    seen = {int(x) for x in request.POST.get("ack_flags", "").split(",") if x.strip().isdigit()}
    if seen != {f.pk for f in flags}:
        raise DomainError(
            _("该措施的体检提示有变化,请阅看下面的提示后重新确认。"),
            "The quality flags changed; read them and confirm again.",
            field=ACK_FIELD,
        )
    reason = request.POST.get(ACK_FIELD, "").strip()
    if not reason:
        raise DomainError(
            _("该措施有%(n)d条待处理的体检提示,请填写处理意见(排除理由)后再确认。")
            % {"n": len(flags)},
            "Open quality flags: give the reason for dismissing them before approving.",
            field=ACK_FIELD,
        )
    for flag in flags:
        services.dismiss_flag(flag, request.user, reason)
    return len(flags)


# ---------------------------------------------------------------- the 体检 page


def _last_check(inspection: Inspection) -> dict[str, Any] | None:
    return (
        AuditEntry.objects.filter(
            action="quality.checked", object_type="Inspection", object_id=str(inspection.pk)
        )
        .order_by("-at", "-id")
        .values("at", "actor_name", "actor__display_name", "after")
        .first()
    )


STATUS_FILTERS = {"open": True, "dismissed": False}


def _sections(report: Any, rule: str, status: str) -> list[dict[str, Any]]:
    """The report's sections (optionally one rule's or one status's flags) with the problem id."""
    sections = []
    for section in report.sections:
        flags: list[FlagView] = [
            f
            for f in section.flags
            if (not rule or f.rule == rule)
            and (status not in STATUS_FILTERS or f.is_open == STATUS_FILTERS[status])
        ]
        if not flags:
            continue
        sections.append(
            {
                "number": section.number,
                "text": section.text,
                "problem_id": flags[0].problem_id,
                "flags": flags,
                "open": sum(f.is_open for f in flags),
            }
        )
    return sections


def _filter_label(title: str, status: str) -> str:
    state = {"open": _("待处理"), "dismissed": _("已排除")}.get(status, "")
    if title and state:
        return _("只显示“%(t)s”中%(s)s的提示。") % {"t": title, "s": state}
    if title:
        return _("只显示“%(t)s”的提示。") % {"t": title}
    if state:
        return _("只显示%(s)s的提示。") % {"s": state}
    return ""


@login_required
@require_GET
def check_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspection's current flags by problem, with a summary per rule."""
    inspection = whole_unit_inspection(request.user, pk)
    report = build_check_report(inspection, user=request.user)
    titles = {t.rule: t.title for t in report.totals}
    rule = request.GET.get("rule", "")
    rule = rule if rule in titles else ""
    status = request.GET.get("status", "")
    status = status if status in STATUS_FILTERS else ""
    context = {
        "inspection": inspection,
        "tabs": inspection_tabs(request.user, inspection, "quality"),
        "report": report,
        "sections": _sections(report, rule, status),
        "filter_label": _filter_label(titles.get(rule, ""), status),
        "last": _last_check(inspection),
        "can_run": can_run_checks(request.user, inspection),
    }
    return render(request, "web/flags/check.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def check_run(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what re-running does; POST: run every rule on the ledger (audited)."""
    inspection = whole_unit_inspection(request.user, pk)
    if not can_run_checks(request.user, inspection):
        raise PermissionDenied
    if request.method == "GET":
        return render(request, "web/flags/run.html", {"inspection": inspection})
    try:
        flags = services.run_checks(inspection, actor=request.user)
    except PermissionRefused as refused:
        raise PermissionDenied(refused.message) from refused
    still_open = sum(f.is_open for f in flags)
    if flags:
        said = _("体检完成:当前共%(n)d条提示,其中待处理%(o)d条。") % {
            "n": len(flags),
            "o": still_open,
        }
    else:
        said = _("体检完成:未发现形式整改迹象。")
    messages.success(request, said)
    return redirect("web:quality.check", pk=inspection.pk)


@login_required
@require_GET
def check_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The check report as .docx (attachment) or as a printable page (``html``)."""
    inspection = whole_unit_inspection(request.user, pk)
    if fmt not in ("docx", "html"):
        raise Http404
    report = build_check_report(inspection, user=request.user)
    if fmt == "html":
        response = HttpResponse(render_check_report_html(report))
        response["Cache-Control"] = "private, no-store"
        return response
    return download(
        render_check_report_docx(report),
        f"{report.title}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


# ---------------------------------------------------------------- the office's overview


@login_required
@require_GET
def flags_overview(request: HttpRequest) -> HttpResponse:
    """Open flags per unit of one round (the latest by default), each linking to its 体检 page."""
    if Role.OFFICE not in roles_of(request.user):
        raise PermissionDenied
    rounds = list(visible_rounds(request.user).order_by("-year", "name"))
    chosen = next((r for r in rounds if str(r.pk) == request.GET.get("round")), None)
    chosen = chosen or (rounds[0] if rounds else None)
    rows: list[dict[str, Any]] = []
    if chosen is not None:
        counts = {c.unit_id: c for c in selectors.flag_counts_by_unit(request.user, round=chosen)}
        inspections = visible_inspections(request.user).filter(round=chosen).select_related("unit")
        titles = {rule.id: str(rule.title) for rule in all_rules()}
        for inspection in inspections:
            found = counts.get(inspection.unit_id)
            per_rule = found.open_by_rule if found else {}
            by_rule = [(titles.get(k, k), n) for k, n in per_rule.items()]
            rows.append({"inspection": inspection, "counts": found, "by_rule": by_rule})
        rows.sort(
            key=lambda r: (
                -(r["counts"].open_high if r["counts"] else 0),
                -(r["counts"].open if r["counts"] else 0),
                r["inspection"].unit.name,
            )
        )
    context = {
        "rounds": rounds,
        "chosen": chosen,
        "rows": rows,
    }
    return render(request, "web/flags/overview.html", context)
