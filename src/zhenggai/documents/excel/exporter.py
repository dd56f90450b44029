"""Exporting an inspection's ledger as a 台账 .xlsx the importer reads back unchanged.

Only the measures the user may see are written (``visible_measures``): a department
user's export holds their department's measures. The workbook is written in
openpyxl's write-only mode and the measures are read with ``iterator()``, so memory
does not grow with the ledger. Text a spreadsheet would run as a formula is
prefixed with ``'``; 完成时限 and 销号日期 are date cells; 是否销号 is 是/否 text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from zhenggai.accounts.models import Organisation
from zhenggai.accounts.permissions import visible_inspections, visible_measures
from zhenggai.audit.log import record
from zhenggai.ledger.models import (
    Evidence,
    Inspection,
    Institution,
    MeasureKind,
    MeasureStatus,
    ProgressUpdate,
)

from .columns import COLUMNS, KIND_LABELS, departments_cell, neutralise, status_cell

_WIDTHS = {
    "序号": 8,
    "问题类别": 16,
    "问题表现": 40,
    "整改目标": 24,
    "整改措施": 48,
    "责任领导": 10,
    "责任部门": 16,
    "责任人": 10,
    "完成时限": 12,
    "整改进展": 36,
    "整改状态": 14,
    "佐证材料": 20,
    "完善制度": 24,
    "是否销号": 8,
    "销号日期": 12,
    "备注": 16,
}
_DATE_FORMAT = "yyyy-mm-dd"


def _measures(user: Any, inspection: Inspection) -> Iterator[Any]:
    latest = ProgressUpdate.objects.filter(measure=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        visible_measures(user)
        .filter(inspection=inspection)
        .select_related("problem__category", "responsible_leader", "lead_department")
        .prefetch_related(
            Prefetch("supporting_departments", queryset=Organisation.objects.order_by("name")),
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "id")),
        )
        .annotate(latest_progress=Subquery(latest.values("text")[:1]))
        .order_by("problem__position", "position")
        .iterator(chunk_size=1000)
    )


def _institutions(inspection: Inspection) -> dict[int, list[str]]:
    titles: dict[int, list[str]] = {}
    rows = Institution.objects.filter(inspection=inspection, problem__isnull=False).order_by("id")
    for problem_id, title in rows.values_list("problem_id", "title"):
        titles.setdefault(problem_id, []).append(title)
    return titles


def _deadline_cell(measure: Any) -> dt.date | str | None:
    if measure.deadline is not None:
        return measure.deadline
    return KIND_LABELS[measure.kind] if measure.kind != MeasureKind.DEADLINE else None


def sheet_rows(user: Any, inspection: Inspection) -> Iterator[list[Any]]:
    """The data rows of the export, one per visible measure, in ledger order."""
    institutions = _institutions(inspection)
    last_problem = None
    for measure in _measures(user, inspection):
        problem = measure.problem
        first_of_problem = problem.pk != last_problem
        last_problem = problem.pk
        leader = measure.responsible_leader
        supporting = [d.name for d in measure.supporting_departments.all()]
        closed = measure.status == MeasureStatus.CLOSED
        closed_on = (
            timezone.localtime(measure.closed_at).date() if closed and measure.closed_at else None
        )
        yield [
            f"{problem.number}-{measure.position}",
            problem.category.title,
            problem.text,
            measure.goal,
            measure.text,
            (leader.display_name or leader.username) if leader else "",
            departments_cell(
                measure.lead_department.name if measure.lead_department else None, supporting
            ),
            measure.owner_name,
            _deadline_cell(measure),
            measure.latest_progress or "",
            status_cell(measure.status, measure.kind),
            "、".join(e.original_name for e in measure.evidence.all()),
            "\n".join(institutions.get(problem.pk, [])) if first_of_problem else "",
            "是" if closed else "否",
            closed_on,
            measure.note,
        ]


def export_sheet(user: Any, inspection: Inspection, stream: IO[bytes]) -> int:
    """Write ``inspection``'s 台账 as .xlsx to ``stream``; returns the number of data rows.

    Raises :class:`PermissionDenied` when ``user`` cannot see the inspection. The rows
    are limited to ``visible_measures(user)``. Writes ``ledger.exported`` to the audit log.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    if not visible_inspections(user).filter(pk=inspection.pk).exists():
        raise PermissionDenied("无权导出该台账 / not allowed to export this ledger")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("整改台账")
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[column.header]
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def header_cell(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        return cell

    sheet.append([header_cell(c.header) for c in COLUMNS])
    wrap = Alignment(vertical="top", wrap_text=True)
    count = 0
    for values in sheet_rows(user, inspection):
        cells = []
        for value in values:
            cell = WriteOnlyCell(
                sheet, value=neutralise(value) if isinstance(value, str) else value
            )
            if isinstance(value, dt.date):
                cell.number_format = _DATE_FORMAT
            cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
        count += 1
    workbook.save(stream)
    record(
        "ledger.exported",
        actor=user,
        obj=inspection,
        organisation_id=inspection.unit_id,
        after={"format": "xlsx", "rows": count},
    )
    return count
