"""Template helpers for the editing pages: the buttons on the ledger, problem and measure
pages (shown only to those the permissions module allows) and money in 万元.

None of these helpers queries the database: the rights come from the user's scope,
computed once per request.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from zhenggai.accounts.permissions import Action, can_on_inspection, can_on_measure, sees_whole_unit
from zhenggai.ledger.models import MeasureStatus
from zhenggai.web import clock

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.filter
def wan(yuan: Decimal | None) -> str:
    """Yuan as 万元 with two decimals and thousands separators: 1234567 → 123.46."""
    value = (Decimal(yuan or 0) / Decimal(10000)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value:,.2f}"


@register.filter
def yuan(value: Decimal | None) -> str:
    return f"{Decimal(value or 0):,.2f}"


@register.simple_tag
def problem_link(problem: Any) -> SafeString | str:
    if problem is None:
        return "—"
    text = problem.text if len(problem.text) <= 30 else problem.text[:30] + "…"
    return format_html(
        '<a href="{}">({}) {}</a>',
        reverse("web:problem.detail", args=[problem.pk]),
        problem.number,
        text,
    )


@register.inclusion_tag("web/edit/ledger_tools.html", takes_context=True)
def ledger_tools(context: template.Context, inspection: Any) -> dict[str, Any]:
    """The plan's status and the coordinator's and secretary's buttons on the ledger."""
    user = _user(context)
    approved = inspection.plan_approved_at is not None
    return {
        "inspection": inspection,
        "approved": approved,
        "late": not approved and inspection.plan_due < clock.today(),
        "can_edit": can_on_inspection(user, Action.EDIT_LEDGER, inspection),
        "can_approve": not approved and can_on_inspection(user, Action.APPROVE_PLAN, inspection),
        "whole_unit": sees_whole_unit(user, inspection.unit),
    }


@register.inclusion_tag("web/edit/problem_tools.html", takes_context=True)
def problem_tools(context: template.Context, problem: Any) -> dict[str, Any]:
    user = _user(context)
    return {
        "problem": problem,
        "can_edit": can_on_inspection(user, Action.EDIT_LEDGER, problem.inspection),
    }


EDITABLE = (MeasureStatus.DRAFT, MeasureStatus.IN_PROGRESS)


@register.inclusion_tag("web/edit/measure_tools.html", takes_context=True)
def measure_tools(context: template.Context, measure: Any) -> dict[str, Any]:
    """编辑措施 / 添加节点 for the 整改办 (only while the measure may be edited)."""
    can_edit = can_on_measure(_user(context), Action.EDIT_LEDGER, measure)
    return {
        "measure": measure,
        "can_edit": can_edit and measure.status in EDITABLE,
        "can_add_milestone": can_edit,
        "reason": "" if measure.status in EDITABLE else _("措施在审核中或已销号,暂不能修改。"),
    }


@register.simple_tag(takes_context=True)
def milestone_done_link(context: template.Context, milestone: Any, measure: Any) -> str:
    """A "标记完成" link on an open milestone for the departments and the 整改办."""
    if milestone.done_on:
        return ""
    allowed = getattr(measure, "_zg_may_complete", None)
    if allowed is None:
        user = _user(context)
        allowed = can_on_measure(user, Action.EDIT_LEDGER, measure) or can_on_measure(
            user, Action.REPORT_PROGRESS, measure
        )
        measure._zg_may_complete = allowed
    if not allowed:
        return ""
    return format_html(
        '<a class="button button--small" href="{}">{}</a>',
        reverse("web:milestone.done", args=[milestone.pk]),
        _("标记完成"),
    )
