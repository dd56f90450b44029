"""The inspection office's overview: every unit of its rounds, with figures that drill down."""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import ExpressionWrapper, F, FloatField
from django.db.models.functions import NullIf
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from zhenggai.accounts.models import Role
from zhenggai.accounts.permissions import visible_inspections
from zhenggai.core.db import planned_each_time
from zhenggai.web import clock
from zhenggai.web.queries import MostOverdue, completion_rate, with_inspection_stats
from zhenggai.web.views.common import paginate, require_role

#: The sorts of the page; "overdue" is ranked by :class:`MostOverdue`.
SORTS = {
    "": ("-round__year", "round__name", "unit__name"),
    "overdue": None,
    "rate": (F("rate_order").asc(nulls_last=True), "-round__year", "unit__name"),
}


SORT_TITLES = {
    "overdue": _("各轮次被巡察单位,逾期措施多的在前"),
    "rate": _("各轮次被巡察单位,完成率低的在前"),
}


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Queries: the page's ``COUNT`` and one query for its rows with every figure annotated
    (sorted by overdue measures, two: the ranking, then the figures of the page's rows)."""
    require_role(request, Role.OFFICE)
    sort = request.GET.get("sort", "")
    if sort not in SORTS:
        sort = ""
    visible, today = visible_inspections(request.user), clock.today()
    if sort == "overdue":
        rows: Any = MostOverdue(visible, today)
    else:
        rows = with_inspection_stats(visible, today)
        if sort == "rate":
            done = F("problems_done") + F("problems_partial")
            rows = rows.alias(
                rate_order=ExpressionWrapper(
                    done * 1.0 / NullIf(F("problems_total"), 0), output_field=FloatField()
                )
            )
        rows = rows.order_by(*SORTS[sort])
    with planned_each_time():
        page = paginate(request, rows)
        for row in page:
            row.rate = completion_rate(row.problems_done, row.problems_partial, row.problems_total)
    context = {"page": page, "sort": sort, "groups": _groups(list(page), sort)}
    return render(request, "web/overview.html", context)


def _groups(rows: list[Any], sort: str) -> list[tuple[str, list[Any]]]:
    """By round, in the default order; one ranked list, each row naming its round, when
    sorted across rounds (grouping a ranking by round would split it into one-row tables).
    """
    if sort:
        return [(str(SORT_TITLES[sort]), rows)]
    return [(rnd.name, list(group)) for rnd, group in groupby(rows, key=attrgetter("round"))]
