"""Template helpers: Chinese dates, lights, problem statuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from zhenggai.ledger.models import MeasureStatus, ProblemStatus
from zhenggai.web import clock, links
from zhenggai.web.lights import light_of

register = template.Library()


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2020年3月27日 — dates in running text, without leading zeros."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return _("%(y)d年%(m)d月%(d)d日") % {"y": value.year, "m": value.month, "d": value.day}


@register.filter
def iso_date(value: dt.date | dt.datetime | None) -> str:
    """2020-03-27 — dates in tables and inputs."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.isoformat()


@register.filter
def cn_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{cn_date(local)} {local:%H:%M}"


@register.simple_tag
def light(measure: Any, detail: bool = False) -> str:
    """A measure's light as dot + word, with its workflow status beside it.

    Built in Python, not from a template: lists show it on every row.
    """
    info = light_of(
        measure.status, measure.deadline, clock.today(), getattr(measure, "extended_deadline", None)
    )
    html = format_html(
        '<span class="light light--{}"><span class="dot" aria-hidden="true"></span>{}</span>',
        info.light,
        info.label,
    )
    if info.extended:
        html += format_html(' <span class="tag tag--extended">{}</span>', _("已延期"))
    # On the measure page the workflow step has its own line; in lists it sits beside the light.
    if not detail and measure.status not in (MeasureStatus.CLOSED, MeasureStatus.DRAFT):
        html += format_html(' <span class="status-word">{}</span>', measure.get_status_display())
    if detail and info.days_left is not None and info.light != "closed":
        if info.days_late:
            days = _("已逾期 %(days)s 天") % {"days": info.days_late}
        elif info.days_left == 0:
            days = _("今天到期")
        else:
            days = _("还剩 %(days)s 天") % {"days": info.days_left}
        html += format_html(' <span class="days">{}</span>', days)
    return html


PROBLEM_DOTS = {
    ProblemStatus.DONE: "closed",
    ProblemStatus.PARTIAL: "partial",
    ProblemStatus.IN_PROGRESS: "on_track",
    ProblemStatus.NOT_STARTED: "not_started",
}


@register.simple_tag
def problem_status(problem: Any) -> str:
    """A problem's derived status as dot + word, with 反弹 when 回头看 found it back."""
    html = format_html(
        '<span class="light light--{}"><span class="dot" aria-hidden="true"></span>{}</span>',
        PROBLEM_DOTS.get(problem.status, "not_started"),
        problem.get_status_display(),
    )
    if getattr(problem, "rebound", False):
        rebound_on = getattr(problem, "rebound_on", None)
        title = _("回头看发现问题反弹")
        if rebound_on:
            title = f"{title} {iso_date(rebound_on)}"
        html += format_html(' <span class="tag tag--rebound" title="{}">{}</span>', title, _("反弹"))
    return html


@register.filter
def departments(measure: Any) -> str:
    """The lead department (or 未指定), and the supporting ones under it (配合:甲、乙)."""
    lead = measure.lead_department
    html = conditional_escape(lead.name if lead is not None else _("未指定"))
    support = [d.name for d in measure.supporting_departments.all()]
    if support:
        html += format_html(
            '<br><span class="muted small">{}{}</span>', _("配合:"), "、".join(support)
        )
    return mark_safe(html)  # noqa: S308 — every part above is escaped


@register.filter
def object_url(pk: int, name: str) -> str:
    """``{{ m.pk|object_url:"web:measure.detail" }}``: an object page's path, reversed once."""
    return links.object_url(name, pk)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, param: str, number: int) -> str:
    """The current query string with ``param`` set to ``number`` (pagination links)."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"
