"""Turning a read report (``zhenggai.ledger/1``) into ledger rows, all or nothing.

:func:`import_ledger` registers a new inspection with everything the report lists;
:func:`import_report_into` adds the report's categories, problems and measures to an
inspection that already exists. Both validate the JSON first, run in one transaction
through the ledger services, and write an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from zhenggai.accounts.models import Organisation, User
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError
from zhenggai.documents.ledger_json import from_ledger_json
from zhenggai.documents.readers.model import ParsedProblem, ParsedReport
from zhenggai.documents.readers.summary import problem_class, status_is_ongoing
from zhenggai.ledger.models import (
    Category,
    Inspection,
    Measure,
    MeasureKind,
    MeasureStatus,
    Problem,
    Round,
)
from zhenggai.ledger.services.common import refresh_problem_status
from zhenggai.ledger.services.plan import add_category, add_measure, add_problem, create_inspection

#: Chooses the lead department of an imported measure from its text (or None).
DepartmentChooser = Callable[[str], Organisation | None]


@dataclass(frozen=True)
class ImportOptions:
    """How statuses and responsibilities are set for measures read from a published report.

    ``claimed_status`` keeps what the document claims: a problem stated as fully
    implemented (已落实整改N项) or printed as 完成 gets its measures closed on the report
    date; 阶段性完成, 并常态坚持 or 长期坚持 make them long-term (长期坚持) measures;
    正在整改 puts them in progress. Without it every measure starts as a draft.
    """

    claimed_status: bool = True
    leader: User | None = None
    department_for: DepartmentChooser | None = None
    deadline: dt.date | None = None


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote: counts of new rows."""

    inspection_id: int
    categories: int
    problems: int
    measures: int

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict (for JSON and the audit log)."""
        return {
            "inspection": self.inspection_id,
            "categories": self.categories,
            "problems": self.problems,
            "measures": self.measures,
        }


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def problem_numbers(report: ParsedReport) -> list[str]:
    """Problem numbers to store: as printed, or ``类别.序号`` when they repeat per category."""
    printed = [p.number for p in report.problems]
    if len(set(printed)) == len(printed):
        return printed
    qualified = [f"{c.number}.{p.number}" for c in report.categories for p in c.problems]
    if len(set(qualified)) != len(qualified):
        repeated = next(n for n, k in Counter(printed).items() if k > 1)
        raise DomainError(
            f"报告中问题序号“{repeated}”重复,无法区分", f"problem number {repeated!r} repeats"
        )
    return qualified


def _stated(problem: ParsedProblem) -> tuple[int | None, int | None, str]:
    stated, status = problem.stated, problem.status
    planned = stated.planned if stated else None
    done = stated.done if stated else None
    if planned is not None and done is not None and done > planned:
        done = None  # printed as more than planned: the sentence is kept in the text
    text = "\n".join(t for t in (stated.text if stated else "", status.text if status else "") if t)
    return planned, done, text


def _claim(problem: ParsedProblem, options: ImportOptions) -> tuple[str, str | None]:
    """The kind of the problem's measures and the status they start in (None: draft)."""
    ongoing = bool(problem.stated and problem.stated.ongoing) or status_is_ongoing(problem.status)
    kind = MeasureKind.ONGOING if ongoing else MeasureKind.DEADLINE
    if not options.claimed_status:
        return kind, None
    claimed = problem_class(problem)
    if claimed in ("done", "partial"):
        return kind, MeasureStatus.CLOSED
    if claimed == "in_progress":
        return kind, MeasureStatus.IN_PROGRESS
    return kind, None


def _add_tree(
    inspection: Inspection, report: ParsedReport, options: ImportOptions, actor: Any
) -> ImportSummary:
    numbers = iter(problem_numbers(report))
    existing = set(inspection.problems.values_list("number", flat=True))
    clash = sorted(existing.intersection(problem_numbers(report)))
    if clash:
        raise DomainError(
            f"该巡察已有序号为{'、'.join(clash[:5])}的问题,不能重复导入",
            f"the inspection already has problems numbered {', '.join(clash[:5])}",
        )
    closed_at = None
    if inspection.report_date:
        closed_at = dt.datetime.combine(inspection.report_date, dt.time(12, 0), tzinfo=dt.UTC)
    deadline = options.deadline or inspection.report_due
    categories = {c.title: c for c in Category.objects.filter(inspection=inspection)}
    new_categories = problems = measures = 0
    for parsed in report.categories:
        category = categories.get(parsed.title)
        if category is None:
            category = add_category(
                inspection=inspection, title=parsed.title, number=parsed.number, actor=actor
            )
            categories[parsed.title] = category
            new_categories += 1
        for item in parsed.problems:
            planned, done, stated_text = _stated(item)
            problem = add_problem(
                category=category,
                text=item.text,
                number=next(numbers),
                actor=actor,
                stated_planned=planned,
                stated_done=done,
                stated_text=stated_text,
            )
            problems += 1
            kind, status = _claim(item, options)
            if status == MeasureStatus.CLOSED and closed_at is None:
                status = MeasureStatus.IN_PROGRESS  # no report date to close them on
            for parsed_measure in item.measures:
                _add_measure(
                    problem,
                    parsed_measure.text,
                    parsed_measure.group,
                    kind,
                    status,
                    closed_at,
                    deadline,
                    options,
                    actor,
                )
                measures += 1
            refresh_problem_status(Problem.objects.get(pk=problem.pk))
    return ImportSummary(inspection.pk, new_categories, problems, measures)


def _add_measure(
    problem: Problem,
    text: str,
    group: str | None,
    kind: str,
    status: str | None,
    closed_at: dt.datetime | None,
    deadline: dt.date | None,
    options: ImportOptions,
    actor: Any,
) -> None:
    chooser = options.department_for
    measure = add_measure(
        problem=problem,
        text=text,
        group=group or "",
        kind=kind,
        responsible_leader=options.leader,
        lead_department=chooser(text) if chooser else None,
        deadline=deadline,
        actor=actor,
    )
    if status == MeasureStatus.CLOSED:
        Measure.objects.filter(pk=measure.pk).update(status=status, closed_at=closed_at)
    elif status is not None:
        Measure.objects.filter(pk=measure.pk).update(status=status)


@transaction.atomic
def import_ledger(
    data: dict[str, Any],
    *,
    round: Round,
    unit: Organisation,
    actor: Any = None,
    options: ImportOptions = ImportOptions(),
    source_name: str = "",
) -> Inspection:
    """Create the inspection, its categories, problems and measures from ledger JSON.

    ``data`` is validated first (:class:`ReportReadError` naming the JSON path); a
    refused service call (:class:`DomainError`) rolls everything back.
    """
    report = from_ledger_json(data)
    inspection = create_inspection(
        round=round,
        unit=unit,
        unit_name=report.unit,
        team=report.team,
        period_start=report.period_start,
        period_end=report.period_end,
        feedback_date=report.feedback_date,
        report_date=report.report_date,
        issuer=report.issuer,
        organisation_text=report.organisation_text,
        next_steps_text=report.next_steps_text,
        contact=data.get("contact") or {},
        source_name=source_name,
        actor=actor,
    )
    summary = _add_tree(inspection, report, options, actor)
    if options.claimed_status and inspection.report_date and inspection.measures.exists():
        # A published progress report implies the plan it reports on was approved; the
        # approver is not named in it, so the record keeps only the report's date.
        inspection.plan_approved_at = dt.datetime.combine(
            inspection.report_date, dt.time(12, 0), tzinfo=dt.UTC
        )
        inspection.save(update_fields=["plan_approved_at"])
    record(
        "inspection.imported",
        actor=actor,
        obj=inspection,
        organisation_id=unit.pk,
        after={
            "source": source_name,
            **summary.as_dict(),
            "layout": report.layout,
            "claimed_status": options.claimed_status,
        },
    )
    return inspection


@transaction.atomic
def import_report_into(
    inspection: Inspection,
    data: dict[str, Any],
    *,
    actor: Any,
    options: ImportOptions = ImportOptions(claimed_status=False),
    source_name: str = "",
) -> ImportSummary:
    """Add a read report's categories, problems and measures to an existing inspection.

    All or nothing: the JSON is validated first, each row goes through the ledger
    services (which check ``actor``'s right to edit the ledger), and a problem number
    the inspection already has refuses the whole import, so the same report cannot be
    imported twice. Categories with the same title are reused. By default the new
    measures are drafts, whatever the report claims (``options.claimed_status``).
    Writes ``ledger.imported`` to the audit log.
    """
    report = from_ledger_json(data)
    summary = _add_tree(inspection, report, options, actor)
    record(
        "ledger.imported",
        actor=actor,
        obj=inspection,
        organisation_id=inspection.unit_id,
        after={
            "source": source_name,
            "kind": "report",
            "layout": report.layout,
            **summary.as_dict(),
        },
    )
    return summary
