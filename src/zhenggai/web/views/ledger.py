"""The unit ledger (三单一账) and the problem page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from zhenggai.accounts.permissions import (
    get_inspection_for,
    get_problem_for,
    inspection_measures,
    inspection_problems,
    scope_of,
    sees_whole_unit,
    visible_inspections,
    visible_measures,
)
from zhenggai.core.db import planned_each_time
from zhenggai.web import clock
from zhenggai.web.filters import (
    DEFAULT_TAB,
    SHARED_FILTERS,
    TABS,
    LedgerFilterForm,
    filter_measures,
    filter_problems,
    sort_measures,
    whole_unit_problems,
)
from zhenggai.web.queries import (
    completion_rate,
    with_inspection_stats,
    with_ledger_columns,
    with_problem_columns,
)
from zhenggai.web.views.common import paginate, wants_fragment


@login_required
@require_GET
def inspections(request: HttpRequest) -> HttpResponse:
    """The inspections (units' ledgers) this user may open."""
    if not scope_of(request.user).has_business_access:
        raise PermissionDenied
    rows = with_inspection_stats(visible_inspections(request.user), clock.today()).order_by(
        "-round__year", "round__name", "unit__name"
    )
    with planned_each_time():
        page = paginate(request, rows)
        page.object_list = list(page.object_list)
    for row in page:
        # Department users see only their own measures, so no unit-wide figures for them.
        row.whole = sees_whole_unit(request.user, row.unit)
        row.rate = completion_rate(row.problems_done, row.problems_partial, row.problems_total)
    return render(request, "web/inspections.html", {"page": page})


def _tab_links(request: HttpRequest, current: str) -> list[dict[str, Any]]:
    """Tab links keep the filters that mean the same thing on every tab."""
    links = []
    for key, label in TABS.items():
        query = QueryDict(mutable=True)
        for name in SHARED_FILTERS:
            if request.GET.get(name):
                query[name] = request.GET[name]
        query["tab"] = key
        links.append(
            {"key": key, "label": label, "query": query.urlencode(), "current": key == current}
        )
    return links


def _rows(
    request: HttpRequest, inspection: Any, tab: str, values: dict[str, Any], whole_unit: bool
) -> Any:
    user, today = request.user, clock.today()
    if tab == "problems":
        if whole_unit and not values:
            return whole_unit_problems(inspection.pk, today)
        problems = filter_problems(inspection_problems(user, inspection), values, user, today)
        return with_problem_columns(problems, user, today, whole_unit=whole_unit)
    measures = filter_measures(inspection_measures(user, inspection), values, today)
    if tab == "responsibility":
        measures = measures.order_by(
            "responsible_leader_id",
            "lead_department_id",
            "deadline",
            "problem__position",
            "position",
        )
    else:
        measures = sort_measures(measures, values.get("sort", ""), today)
    if tab == "ledger":
        return with_ledger_columns(measures, reviews=False, unit=False)
    # The tasks and responsibility lists show no progress, evidence or flags.
    return with_ledger_columns(
        measures,
        supporting=tab != "tasks",
        progress=False,
        evidence=False,
        flags=False,
        reviews=False,
        unit=False,
    )


@login_required
@require_GET
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """One inspection's ledger, in four tabs, filtered and paginated from the query string.

    Queries: the inspection, three for the filter choices (categories, departments,
    leaders), the page's count and rows, and the supporting departments of the page.
    """
    inspection = get_inspection_for(request.user, pk)
    tab = request.GET.get("tab", DEFAULT_TAB)
    if tab not in TABS:
        tab = DEFAULT_TAB
    form = LedgerFilterForm(request.GET, inspection=inspection, tab=tab)
    values = form.values()
    whole_unit = sees_whole_unit(request.user, inspection.unit)
    page = paginate(request, _rows(request, inspection, tab, values, whole_unit))
    context = {
        "inspection": inspection,
        "tab": tab,
        "tab_label": TABS[tab],
        "tabs": _tab_links(request, tab),
        "form": form,
        "filtered": form.is_filtered,
        "page": page,
        "whole_unit": whole_unit,
    }
    if wants_fragment(request):
        # The results, and the tab links out of band so that they carry the new filters.
        response = render(
            request, "web/fragments/ledger_results.html", {**context, "oob_tabs": True}
        )
    else:
        response = render(request, "web/ledger.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem: its text, derived status, stated counts against the listed measures."""
    problem = get_problem_for(request.user, pk)
    measures = with_ledger_columns(
        visible_measures(request.user).filter(problem=problem).order_by("position"),
        flags=False,
        reviews=False,
        unit=False,
    )
    rows = list(measures)
    total = problem.measures.count()
    context = {
        "problem": problem,
        "inspection": problem.inspection,
        "measures": rows,
        "listed": total,
        "stated_mismatch": problem.stated_planned is not None and problem.stated_planned != total,
        "partial_view": len(rows) != total,
    }
    return render(request, "web/problem.html", context)
