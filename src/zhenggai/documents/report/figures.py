"""The figures of a unit's rectification and of a round: one definition for every page.

Reports, dashboards and the round summary all call :func:`figures_for` (through
:func:`inspection_figures` or :func:`round_figures`), so a figure printed in a report
is the figure shown on a dashboard. Every figure is aggregated in the database: a call
costs a fixed number of queries (six, seven with quality flags) whatever the number of
units, problems or measures.

* 完成率 (completion rate) = (已完成 + 阶段性完成) / 问题总数, in per cent with one
  decimal; ``None`` when there are no problems. A problem is 阶段性完成 when all its
  measures are closed and some are long-term (长期坚持) — see ``derive_problem_status``.
* 逾期 (overdue): a measure past its effective deadline (an approved extension, else the
  original deadline) and not closed, on ``today``.
* 已延期 (extended): an open measure whose approved extension has not run out — counted
  apart from 逾期 (see ``zhenggai.supervision.lights``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from zhenggai.ledger.models import (
    Accountability,
    AccountabilityForm,
    Inspection,
    InstitutionKind,
    Measure,
    MeasureKind,
    MeasureStatus,
    Problem,
    ProblemStatus,
    Recovery,
    Round,
)
from zhenggai.ledger.models import Institution as InstitutionModel


def completion_rate(done: int, partial: int, total: int) -> float | None:
    """(已完成 + 阶段性完成) / 问题总数 in per cent, one decimal; ``None`` without problems."""
    if not total:
        return None
    return round(100 * (done + partial) / total, 1)


@dataclass
class InspectionFigures:
    """What one inspected unit has achieved; ``inspection_id`` 0 for a round's totals."""

    inspection_id: int = 0
    unit_id: int = 0
    unit_name: str = ""
    problems: int = 0
    done: int = 0
    partial: int = 0
    in_progress: int = 0
    not_started: int = 0
    not_public: int = 0
    measures: int = 0
    measures_closed: int = 0
    measures_overdue: int = 0
    measures_extended: int = 0
    measures_ongoing: int = 0
    #: 问责 by form (``AccountabilityForm`` value → 人次), only forms that occurred.
    accountability: dict[str, int] = field(default_factory=dict)
    institutions_new: int = 0
    institutions_revised: int = 0
    recovered_yuan: Decimal = Decimal("0")
    open_flags: int = 0

    @property
    def completion_rate(self) -> float | None:
        return completion_rate(self.done, self.partial, self.problems)

    @property
    def accountability_people(self) -> int:
        return sum(self.accountability.values())

    @property
    def institutions(self) -> int:
        return self.institutions_new + self.institutions_revised

    def accountability_items(self) -> list[tuple[str, int]]:
        """``[(label, 人次)]`` in the order of :class:`AccountabilityForm`."""
        return [
            (str(label), self.accountability[value])
            for value, label in AccountabilityForm.choices
            if self.accountability.get(value)
        ]

    def add(self, other: InspectionFigures) -> None:
        """Add ``other``'s counts to these (for totals)."""
        for item in fields(self):
            name = item.name
            if name in ("inspection_id", "unit_id", "unit_name"):
                continue
            if name == "accountability":
                for form, people in other.accountability.items():
                    self.accountability[form] = self.accountability.get(form, 0) + people
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["recovered_yuan"] = str(self.recovered_yuan)
        data["completion_rate"] = self.completion_rate
        return data


def _count(status: str) -> Count:
    return Count("pk", filter=Q(status=status))


def _flag_counts(ids: QuerySet[Any]) -> dict[int, int]:
    """Open, current quality flags per inspection; none when the quality app is absent."""
    if not apps.is_installed("zhenggai.quality"):
        return {}
    try:
        flag = apps.get_model("quality", "Flag")
    except LookupError:
        return {}
    names = {f.name for f in flag._meta.get_fields()}
    rows = flag.objects.filter(inspection_id__in=ids)
    if "status" in names:
        rows = rows.filter(status="open")
    if "is_current" in names:
        rows = rows.filter(is_current=True)
    return dict(rows.order_by().values_list("inspection_id").annotate(n=Count("pk")))


def _counts(ids: QuerySet[Any], today: dt.date) -> list[dict[str, Any]]:
    """Problems by status and measures by state, one row per inspection and table."""
    problems = (
        Problem.objects.filter(inspection_id__in=ids)
        .order_by()
        .values("inspection_id")
        .annotate(
            problems=Count("pk"),
            done=_count(ProblemStatus.DONE),
            partial=_count(ProblemStatus.PARTIAL),
            in_progress=_count(ProblemStatus.IN_PROGRESS),
            not_started=_count(ProblemStatus.NOT_STARTED),
            not_public=Count("pk", filter=Q(is_public=False)),
        )
    )
    from zhenggai.supervision.lights import extended_q, overdue_q

    overdue = overdue_q(today)
    measures = (
        Measure.objects.filter(inspection_id__in=ids)
        .order_by()
        .values("inspection_id")
        .annotate(
            measures=Count("pk"),
            measures_closed=_count(MeasureStatus.CLOSED),
            measures_overdue=Count("pk", filter=overdue),
            measures_extended=Count("pk", filter=extended_q(today)),
            measures_ongoing=Count("pk", filter=Q(kind=MeasureKind.ONGOING)),
        )
    )
    return [*problems, *measures]


def _outcomes(ids: QuerySet[Any]) -> dict[str, Any]:
    """Accountability by form, institutions by kind, recovered funds: per inspection."""
    return {
        "accountability": Accountability.objects.filter(inspection_id__in=ids)
        .order_by()
        .values_list("inspection_id", "form")
        .annotate(people=Sum("people")),
        "institutions": InstitutionModel.objects.filter(inspection_id__in=ids)
        .order_by()
        .values_list("inspection_id")
        .annotate(
            new=Count("pk", filter=Q(kind=InstitutionKind.NEW)),
            revised=Count("pk", filter=Q(kind=InstitutionKind.REVISED)),
        ),
        "recoveries": Recovery.objects.filter(inspection_id__in=ids)
        .order_by()
        .values_list("inspection_id")
        .annotate(total=Sum("amount_yuan")),
    }


def figures_for(
    inspections: QuerySet[Inspection], today: dt.date | None = None
) -> dict[int, InspectionFigures]:
    """Figures of each inspection in ``inspections`` (already scoped by the caller).

    Queries: the inspections, problems, measures, accountability, institutions and
    recovered funds, each aggregated per inspection (plus open flags when installed).
    """
    today = today or timezone.localdate()
    ids = inspections.order_by().values("pk")
    rows = inspections.order_by("unit__name", "pk").values_list("pk", "unit_id", "unit__name")
    result = {
        pk: InspectionFigures(inspection_id=pk, unit_id=unit_id, unit_name=name)
        for pk, unit_id, name in rows
    }
    empty = InspectionFigures()  # absorbs rows of inspections outside ``result``
    for row in _counts(ids, today):
        figures = result.get(row.pop("inspection_id"), empty)
        for name, value in row.items():
            setattr(figures, name, value)
    outcomes = _outcomes(ids)
    for pk, form, people in outcomes["accountability"]:
        result.get(pk, empty).accountability[form] = int(people or 0)
    for pk, new, revised in outcomes["institutions"]:
        figures = result.get(pk, empty)
        figures.institutions_new, figures.institutions_revised = new, revised
    for pk, total in outcomes["recoveries"]:
        result.get(pk, empty).recovered_yuan = Decimal(total or 0)
    for pk, count in _flag_counts(ids).items():
        result.get(pk, empty).open_flags = count
    return result


def inspection_figures(inspection: Inspection, today: dt.date | None = None) -> InspectionFigures:
    """The figures of one inspection (the caller has authorised access to it)."""
    found = figures_for(Inspection.objects.filter(pk=inspection.pk), today)
    return found[inspection.pk]


@dataclass
class RoundFigures:
    """A round's per-unit figures (ordered by unit name) and their totals."""

    round_id: int
    round_name: str
    units: list[InspectionFigures]
    total: InspectionFigures

    def to_json(self) -> dict[str, Any]:
        return {
            "round_id": self.round_id,
            "round_name": self.round_name,
            "units": [unit.to_json() for unit in self.units],
            "total": self.total.to_json(),
        }


def round_inspections(rnd: Round, user: Any = None) -> QuerySet[Inspection]:
    """The round's inspections ``user`` may see; all of them for the system (``None``)."""
    from zhenggai.accounts.permissions import visible_inspections

    base = Inspection.objects.all() if user is None else visible_inspections(user)
    return base.filter(round=rnd)


def round_figures(rnd: Round, user: Any = None, today: dt.date | None = None) -> RoundFigures:
    """Figures per inspected unit of ``rnd`` that ``user`` sees, and their totals."""
    per_unit = figures_for(round_inspections(rnd, user), today)
    total = InspectionFigures(unit_name=str(rnd))
    for figures in per_unit.values():
        total.add(figures)
    return RoundFigures(rnd.pk, rnd.name, list(per_unit.values()), total)
