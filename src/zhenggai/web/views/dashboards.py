"""Dashboards (统计): the office's round view and a unit's view, with ECharts.

The unit figures come from :func:`zhenggai.documents.report.figures.round_figures`, the
same function as the round summary report, so a dashboard and the report never
disagree. Every chart has a table under it (the same rows), a CSV download, and every
bar or cell links to the ledger list it counts.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhenggai.accounts.models import Role
from zhenggai.accounts.permissions import (
    get_inspection_for,
    inspection_measures,
    sees_whole_unit,
    visible_inspections,
    visible_measures,
    visible_rounds,
)
from zhenggai.documents.report.figures import round_figures
from zhenggai.ledger.models import Inspection, MeasureStatus, Milestone
from zhenggai.supervision.lights import annotate_lights, extended_q, overdue_q
from zhenggai.supervision.models import Light
from zhenggai.web import clock
from zhenggai.web.views.common import require_role

# The fixed colour meanings of UI.md: red = overdue, blue = closed, grey = not started.
RED, CLOSED, CLOSED_LIGHT, EXTENDED = "#c0392b", "#2f6fb0", "#8fb3dc", "#16a085"
GREY, SLATE, PURPLE = "#9aa0a6", "#5b7083", "#8e6bbf"


@dataclass
class Chart:
    """One chart: its series, the table under it (same rows) and drill-down links."""

    key: str
    title: str
    kind: str  # bar | stack | line | timeline
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    links: list[list[str]] = field(default_factory=list)  # per row, per value column
    #: Series colours; the fixed meanings of UI.md (red overdue, blue closed, …).
    colours: list[str] = field(default_factory=list)

    def spec(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "columns": self.columns,
            "rows": self.rows,
            "links": self.links,
            "colours": self.colours,
        }

    def table(self) -> list[list[tuple[Any, str]]]:
        """Rows of (value, link) pairs for the template's table view."""
        result = []
        for row, links in zip(self.rows, self.links or [[]] * len(self.rows), strict=True):
            cells = [(row[0], links[0] if links else "")]
            cells += [
                (v, links[i + 1] if len(links) > i + 1 else "") for i, v in enumerate(row[1:])
            ]
            result.append(cells)
        return result


def ledger_url(inspection_id: int, **filters: Any) -> str:
    query = {"tab": "ledger", **{k: v for k, v in filters.items() if v is not None}}
    return f"{reverse('web:ledger', args=[inspection_id])}?{urlencode(query)}"


# ---------------------------------------------------------------- office: a round


def _lights_by_inspection(measures: QuerySet, today: dt.date) -> dict[int, dict[str, int]]:
    rows = (
        annotate_lights(measures.order_by(), today)
        .values("inspection_id", "light")
        .annotate(n=Count("pk"))
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row["inspection_id"], {})[row["light"]] = row["n"]
    return result


def round_charts(rnd: Any, user: Any, today: dt.date) -> tuple[Any, list[Chart]]:
    figures = round_figures(rnd, user, today)
    measures = visible_measures(user).filter(inspection__round=rnd)
    lights = _lights_by_inspection(measures, today)
    units = Chart(
        "units",
        _("各单位整改完成情况"),
        "stack",
        [
            _("单位"),
            _("问题数"),
            _("已完成"),
            _("阶段性完成"),
            _("完成率(%)"),
            _("措施数"),
            _("已销号"),
            _("逾期"),
            _("已延期"),
        ],
        colours=[GREY, CLOSED, CLOSED_LIGHT, PURPLE, SLATE, CLOSED, RED, EXTENDED],
    )
    light_chart = Chart(
        "lights", _("各单位红黄绿灯"), "stack", [_("单位"), _("红灯"), _("黄灯"), _("绿灯")]
    )
    for f in figures.units:
        i = f.inspection_id
        units.rows.append(
            [
                f.unit_name,
                f.problems,
                f.done,
                f.partial,
                f.completion_rate or 0,
                f.measures,
                f.measures_closed,
                f.measures_overdue,
                f.measures_extended,
            ]
        )
        problems = reverse("web:ledger", args=[i]) + "?tab=problems"
        units.links.append(
            [
                ledger_url(i),
                problems,
                problems + "&status=done",
                problems + "&status=partial",
                problems,
                ledger_url(i),
                ledger_url(i, status=MeasureStatus.CLOSED),
                ledger_url(i, overdue=1),
                reverse("web:supervision.extensions") + "?status=approved",
            ]
        )
        counts = lights.get(i, {})
        light_chart.rows.append(
            [
                f.unit_name,
                counts.get(Light.RED, 0),
                counts.get(Light.YELLOW, 0),
                counts.get(Light.GREEN, 0),
            ]
        )
        light_chart.links.append(
            [
                ledger_url(i),
                ledger_url(i, overdue=1),
                ledger_url(i, sort="light"),
                ledger_url(i, sort="deadline"),
            ]
        )
    ranking = Chart("ranking", _("完成率排名"), "bar", [_("单位"), _("完成率(%)")])
    ranked = sorted(figures.units, key=lambda f: (-(f.completion_rate or 0), f.unit_name))
    for f in ranked:
        ranking.rows.append([f.unit_name, f.completion_rate or 0])
        ranking.links.append([ledger_url(f.inspection_id), ledger_url(f.inspection_id)])
    progress = Chart("progress", _("销号进度(累计)"), "line", [_("月份"), _("累计销号措施")])
    closed = (
        measures.filter(status=MeasureStatus.CLOSED)
        .annotate(month=TruncMonth("closed_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    total = 0
    for row in closed:
        total += row["n"]
        progress.rows.append([row["month"].strftime("%Y-%m"), total])
    return figures, [units, light_chart, ranking, progress]


@login_required
@require_GET
def office_dashboard(request: HttpRequest) -> HttpResponse:
    require_role(request, Role.OFFICE)
    rounds = visible_rounds(request.user).order_by("-year", "name")
    first = rounds.first()
    if first is not None and "all" not in request.GET:
        return redirect("web:dashboard.round", pk=first.pk)
    return render(request, "web/supervision/dashboard_rounds.html", {"rounds": rounds})


@login_required
@require_GET
def round_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request, Role.OFFICE)
    rnd = get_object_or_404(visible_rounds(request.user), pk=pk)
    figures, charts = round_charts(rnd, request.user, clock.today())
    context = {
        "round": rnd,
        "figures": figures,
        "charts": charts,
        "rounds": visible_rounds(request.user),
        "csv_url": reverse("web:dashboard.round.csv", args=[rnd.pk]),
        "specs": [c.spec() for c in charts],
    }
    return render(request, "web/supervision/dashboard.html", context)


def csv_response(chart: Chart, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{chart.key}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with a BOM
    writer = csv.writer(response)
    writer.writerow(chart.columns)
    writer.writerows(chart.rows)
    return response


def _pick(charts: list[Chart], key: str | None) -> Chart:
    return next((c for c in charts if c.key == key), charts[0])


@login_required
@require_GET
def round_csv(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request, Role.OFFICE)
    rnd = get_object_or_404(visible_rounds(request.user), pk=pk)
    _figures, charts = round_charts(rnd, request.user, clock.today())
    return csv_response(_pick(charts, request.GET.get("chart")), f"round-{rnd.pk}")


# ---------------------------------------------------------------- a unit


def _grouped(measures: QuerySet, field_name: str, today: dt.date) -> list[dict[str, Any]]:
    return list(
        measures.order_by()
        .values(field_name)
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status=MeasureStatus.CLOSED)),
            overdue=Count("pk", filter=overdue_q(today)),
            extended=Count("pk", filter=extended_q(today)),
        )
        .order_by(field_name)
    )


def unit_charts(inspection: Inspection, user: Any, today: dt.date) -> list[Chart]:
    measures = inspection_measures(user, inspection)
    cols = [_("合计"), _("已销号"), _("逾期"), _("已延期")]
    charts = []
    groups = [
        ("category", _("按问题类别"), "problem__category_id", "problem__category__title"),
        ("department", _("按牵头部门"), "lead_department_id", "lead_department__name"),
        ("leader", _("按责任领导"), "responsible_leader_id", "responsible_leader__display_name"),
    ]
    for key, title, id_field, name_field in groups:
        chart = Chart(key, title, "stack", [title, *cols], colours=[SLATE, CLOSED, RED, EXTENDED])
        names = dict(measures.order_by().values_list(id_field, name_field).distinct())
        for row in _grouped(measures, id_field, today):
            ident = row[id_field]
            chart.rows.append(
                [
                    names.get(ident) or _("未指定"),
                    row["total"],
                    row["closed"],
                    row["overdue"],
                    row["extended"],
                ]
            )
            base = {key: ident} if ident else {}
            chart.links.append(
                [
                    ledger_url(inspection.pk, **base),
                    ledger_url(inspection.pk, **base),
                    ledger_url(inspection.pk, status=MeasureStatus.CLOSED, **base),
                    ledger_url(inspection.pk, overdue=1, **base),
                    reverse("web:supervision.extensions") + "?status=approved",
                ]
            )
        charts.append(chart)
    charts.append(timeline(inspection, measures, today))
    return charts


def timeline(inspection: Inspection, measures: QuerySet, today: dt.date) -> Chart:
    """挂图作战: each open measure and milestone against its deadline, by light."""
    chart = Chart(
        "timeline",
        _("挂图作战(剩余天数,负数为逾期)"),
        "timeline",
        [_("事项"), _("剩余天数"), _("完成时限"), _("延期至"), _("红黄绿灯")],
    )
    rows = (
        annotate_lights(measures.exclude(status=MeasureStatus.CLOSED), today)
        .filter(effective_deadline__isnull=False)
        .select_related("problem")
        .order_by("effective_deadline")[:60]
    )
    for m in rows:
        label = f"({m.problem.number}-{m.position}) {m.text[:24]}"
        chart.rows.append(
            [
                label,
                (m.effective_deadline - today).days,
                m.deadline.isoformat() if m.deadline else "",
                m.extended_deadline.isoformat() if m.extended_deadline else "",
                m.light,
            ]
        )
        url = reverse("web:measure.detail", args=[m.pk])
        chart.links.append([url] * 5)
    stones = (
        Milestone.objects.filter(measure__in=measures, done_on__isnull=True)
        .exclude(measure__status=MeasureStatus.CLOSED)
        .select_related("measure")
        .order_by("due_date")[:40]
    )
    for s in stones:
        days = (s.due_date - today).days
        light = Light.RED if days < 0 else Light.YELLOW if days <= 10 else Light.GREEN
        chart.rows.append([f"◆ {s.title[:24]}", days, s.due_date.isoformat(), "", light])
        chart.links.append([reverse("web:measure.detail", args=[s.measure_id])] * 5)
    return chart


def _unit_inspection(request: HttpRequest, pk: int) -> Inspection:
    inspection = get_inspection_for(request.user, pk)
    if not sees_whole_unit(request.user, inspection.unit):
        require_role(request, Role.OFFICE, Role.SECRETARY, Role.LEADER, Role.COORDINATOR)
    return inspection


@login_required
@require_GET
def unit_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _unit_inspection(request, pk)
    charts = unit_charts(inspection, request.user, clock.today())
    context = {
        "inspection": inspection,
        "charts": charts,
        "specs": [c.spec() for c in charts],
        "csv_url": reverse("web:dashboard.unit.csv", args=[inspection.pk]),
        "inspections": visible_inspections(request.user).select_related("unit", "round")[:50],
    }
    return render(request, "web/supervision/dashboard_unit.html", context)


@login_required
@require_GET
def unit_csv(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _unit_inspection(request, pk)
    charts = unit_charts(inspection, request.user, clock.today())
    return csv_response(_pick(charts, request.GET.get("chart")), f"unit-{inspection.pk}")
