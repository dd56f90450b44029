"""Template helpers: Chinese dates, lights, problem statuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.ledger.models import MeasureStatus, ProblemStatus
from zhenggai.web import clock
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


@register.inclusion_tag("web/fragments/light.html")
def light(measure: Any, detail: bool = False) -> dict[str, Any]:
    """A measure's light as dot + word, with its workflow status beside it."""
    info = light_of(
        measure.status, measure.deadline, clock.today(), getattr(measure, "extended_deadline", None)
    )
    # On the measure page the workflow step has its own line; in lists it sits beside the light.
    show_status = not detail and measure.status not in (MeasureStatus.CLOSED, MeasureStatus.DRAFT)
    return {
        "info": info,
        "status_label": measure.get_status_display() if show_status else "",
        "detail": detail,
    }


PROBLEM_DOTS = {
    ProblemStatus.DONE: "closed",
    ProblemStatus.PARTIAL: "partial",
    ProblemStatus.IN_PROGRESS: "on_track",
    ProblemStatus.NOT_STARTED: "not_started",
}


@register.inclusion_tag("web/fragments/problem_status.html")
def problem_status(problem: Any) -> dict[str, Any]:
    return {
        "dot": PROBLEM_DOTS.get(problem.status, "not_started"),
        "label": problem.get_status_display(),
        "rebound": getattr(problem, "rebound", False),
        "rebound_on": getattr(problem, "rebound_on", None),
    }


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, param: str, number: int) -> str:
    """The current query string with ``param`` set to ``number`` (pagination links)."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"
