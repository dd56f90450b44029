"""Template helpers for reports and quality flags: the 报告 navigation item, flag markers."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from zhenggai.accounts.permissions import scope_of
from zhenggai.web import cells

register = template.Library()

#: URL names (in the ``web`` namespace) that belong under 报告.
REPORT_PAGES = frozenset(
    {
        "reports",
        "report",
        "report.texts",
        "report.generate",
        "report.version",
        "report.publish",
        "report.withdraw",
        "round.summary",
        "feedback.inbox",
        "feedback.answer",
        "quality.overview",
        "quality.check",
        "quality.run",
        "flag.dismiss",
    }
)


def documents_nav(request: Any) -> dict[str, Any]:
    """报告, for whoever reads a whole unit's ledger (unit roles and the office); no query.
    (``zhenggai_web.sidenav`` writes it.)"""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"url": ""}
    scope = scope_of(user)
    if not (scope.unit_roles or scope.jurisdiction_paths):
        return {"url": ""}
    match = getattr(request, "resolver_match", None)
    current = bool(match and match.namespace == "web" and match.url_name in REPORT_PAGES)
    return {"url": reverse("web:reports"), "current": current}


@register.simple_tag
def flag_marker(count: int | None, url: str = "") -> str:
    """The amber marker with the number of open quality flags (nothing when there are none)."""
    return cells.flag_marker(count, url)


@register.inclusion_tag("web/flags/_panel.html", takes_context=True)
def flags_panel(
    context: dict[str, Any], measure: Any = None, problem: Any = None
) -> dict[str, Any]:
    """The quality flags about a measure or a problem, for its page (one query; none if empty).

    The caller has authorised the measure or problem; flags on measures the user may not
    see are left out for a problem.
    """
    from zhenggai.quality.presentation import view_flags
    from zhenggai.quality.selectors import flags_for_measure, flags_for_problem

    request = context.get("request")
    user = getattr(request, "user", None)
    owner = measure if measure is not None else problem
    if measure is not None:
        flags = flags_for_measure(measure)
    else:
        flags = flags_for_problem(problem, user=user)
    views = view_flags(flags, user)
    still_open = sum(v.is_open for v in views)
    return {
        "flags": views,
        "open": still_open,
        "dismissed": len(views) - still_open,
        "check_url": reverse("web:quality.check", args=[owner.inspection_id]),
        "whole_unit": _whole_unit(user, owner.inspection.unit),
    }


def _whole_unit(user: Any, unit: Any) -> bool:
    """Whether the user may open the 体检 page (whole-unit readers; no query)."""
    scope = scope_of(user)
    return unit.pk in scope.unit_roles or any(
        unit.path.startswith(p) for p in scope.jurisdiction_paths
    )


@register.inclusion_tag("web/reports/_ledger_links.html", takes_context=True)
def ledger_links(context: dict[str, Any], inspection: Any) -> dict[str, Any]:
    """The ledger's way to its report, 体检, import and export (rights only; no query)."""
    from zhenggai.accounts.permissions import Action, can_on_inspection

    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "inspection": inspection,
        "whole_unit": _whole_unit(user, inspection.unit),
        "can_import": can_on_inspection(user, Action.EDIT_LEDGER, inspection),
    }
