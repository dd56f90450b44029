"""Turning a ``zhenggai.ledger/1`` document into ledger rows, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from zhenggai.accounts.models import Organisation, User
from zhenggai.audit.log import record
from zhenggai.ledger.models import Inspection, Measure, MeasureKind, MeasureStatus, Round
from zhenggai.ledger.services.common import refresh_problem_status
from zhenggai.ledger.services.plan import add_category, add_measure, add_problem, create_inspection

#: Chooses the lead department of an imported measure from its text (or None).
DepartmentChooser = Callable[[str], Organisation | None]


@dataclass(frozen=True)
class ImportOptions:
    """How statuses and responsibilities are set for measures read from a published report.

    ``claimed_status`` keeps what the document claims: a problem stated as fully
    implemented (已落实整改N项) gets its listed measures closed on the report date,
    and 并常态坚持 makes them long-term (长期坚持) measures.
    """

    claimed_status: bool = True
    leader: User | None = None
    department_for: DepartmentChooser | None = None
    deadline: dt.date | None = None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def import_ledger(
    data: dict[str, Any], *, round: Round, unit: Organisation, actor: Any = None,
    options: ImportOptions = ImportOptions(), source_name: str = "",
) -> Inspection:
    """Create the inspection, its categories, problems and measures from ledger JSON."""
    info = data["inspection"]
    period = info.get("period") or {}
    inspection = create_inspection(
        round=round, unit=unit, unit_name=info["unit"], team=info["team"],
        period_start=_date(period["start"]), period_end=_date(period["end"]),
        feedback_date=_date(info["feedback_date"]), report_date=_date(info.get("report_date")),
        issuer=info.get("issuer", ""), organisation_text=data.get("organisation_text", ""),
        next_steps_text=data.get("next_steps_text", ""), contact=data.get("contact") or {},
        source_name=source_name, actor=actor,
    )
    closed_at = None
    if inspection.report_date:
        closed_at = dt.datetime.combine(inspection.report_date, dt.time(12, 0), tzinfo=dt.UTC)
    deadline = options.deadline or inspection.report_due
    for cat in data["categories"]:
        category = add_category(inspection=inspection, title=cat["title"], number=cat["number"])
        for prob in cat["problems"]:
            stated = prob.get("stated") or {}
            problem = add_problem(
                category=category, text=prob["text"], number=prob["number"],
                stated_planned=stated.get("planned"), stated_done=stated.get("done"),
                stated_text=stated.get("text", ""),
            )
            claimed_done = (
                options.claimed_status and stated.get("planned") is not None
                and stated.get("done") == stated.get("planned")
            )
            kind = MeasureKind.ONGOING if stated.get("ongoing") else MeasureKind.DEADLINE
            for item in prob["measures"]:
                chooser = options.department_for
                measure = add_measure(
                    problem=problem, text=item["text"], group=item.get("group") or "", kind=kind,
                    responsible_leader=options.leader,
                    lead_department=chooser(item["text"]) if chooser else None, deadline=deadline,
                )
                if claimed_done and closed_at is not None:
                    Measure.objects.filter(pk=measure.pk).update(
                        status=MeasureStatus.CLOSED, closed_at=closed_at
                    )
            refresh_problem_status(problem)
    record(
        "inspection.imported", actor=actor, obj=inspection, organisation_id=unit.pk,
        after={
            "source": source_name, "categories": inspection.categories.count(),
            "problems": inspection.problems.count(), "measures": inspection.measures.count(),
            "claimed_status": options.claimed_status,
        },
    )
    return inspection
