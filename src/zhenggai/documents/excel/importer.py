"""Importing a 台账 sheet into an inspection: all or nothing, idempotent, in batches.

A row is keyed by (inspection, problem number, measure number). A key the inspection
lacks creates the problem and/or measure; a key it has updates the measure where a
cell differs — through :func:`~zhenggai.ledger.services.plan.update_measure`, so a
closed measure or an original deadline cannot be changed from a sheet — and a row
that matches changes nothing. 整改状态, 是否销号 and 销号日期 are compared, never
written: statuses change only through review and sign-off. 整改进展 adds a progress
update when it differs from the latest one; 完善制度 records the institutions the
problem does not have yet; 佐证材料 is exported for reference and not imported.

Rows are read and written in batches inside one transaction, so memory stays flat
with the file's size and any error rolls back everything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from zhenggai.accounts.permissions import Action, can_on_inspection
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import (
    Category,
    Inspection,
    Institution,
    Measure,
    MeasureKind,
    MeasureStatus,
    Problem,
    ProgressUpdate,
)
from zhenggai.ledger.services.common import refresh_problem_status
from zhenggai.ledger.services.plan import add_category, update_measure
from zhenggai.ledger.services.workflow import PermissionRefused

from .names import Names, Resolved, RowError, current_value
from .result import SheetImportError, SheetImportResult
from .sheet import SheetError, SheetReadError, SheetRow, columns_found, read_rows

__all__ = ["SheetImportError", "SheetImportResult", "import_sheet"]

BATCH = 500
MAX_ERRORS = 100
MAX_CHANGES = 200
_FIELD_COLUMNS = {
    "text": "measure",
    "deadline": "deadline",
    "responsible_leader": "leader",
    "lead_department": "department",
    "supporting_departments": "department",
    "kind": "status",
    "goal": "goal",
    "owner_name": "owner",
    "note": "note",
}
_STATUS_LABELS = {s.value: str(s.label) for s in MeasureStatus}


def _sha256(source: Path | bytes) -> str:
    digest = hashlib.sha256()
    if isinstance(source, bytes):
        digest.update(source)
    else:
        with source.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def _batches(
    items: Iterator[SheetRow | SheetError], size: int
) -> Iterator[list[SheetRow | SheetError]]:
    while batch := list(islice(items, size)):
        yield batch


class _Importer:
    """Holds what must persist across batches: lookups, counters, errors."""

    def __init__(
        self, inspection: Inspection, actor: Any, result: SheetImportResult, present: set[str]
    ) -> None:
        self.inspection = inspection
        self.present = present
        self.actor = actor
        self.result = result
        self.names = Names(inspection)
        self.categories = {c.title: c for c in Category.objects.filter(inspection=inspection)}
        self.position = inspection.problems.aggregate(m=Max("position"))["m"] or 0
        self.institutions = set(
            Institution.objects.filter(inspection=inspection).values_list("title", flat=True)
        )
        self.seen: set[tuple[str, int]] = set()
        self.seen_problems: set[int] = set()  # problems already read in this file
        self.touched: set[int] = set()
        self.created_problems: set[int] = set()  # only drafts under them: status stays 未开始
        self.errors: list[SheetError] = []
        self.now = timezone.now()

    def error(self, row: int | None, column: str | None, zh: str, en: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(SheetError(row, column, zh, en))

    def warn(self, row: int | None, column: str | None, zh: str, en: str) -> None:
        if len(self.result.warnings) < MAX_ERRORS:
            self.result.warnings.append(SheetError(row, column, zh, en))

    def change(self, row: SheetRow, action: str, fields: list[str]) -> None:
        if action != "unchanged" and len(self.result.changes) < MAX_CHANGES:
            key = f"{row.number}-{row.measure_number}"
            self.result.changes.append(
                {
                    "row": row.row,
                    "key": key,
                    "action": action,
                    "fields": fields,
                    "measure": row.measure[:60],
                }
            )

    # --- one batch ---------------------------------------------------------------------------

    def batch(self, items: list[SheetRow | SheetError]) -> None:
        resolved: list[Resolved] = []
        for item in items:
            if isinstance(item, SheetError):
                self.error(item.row, item.column, item.message_zh, item.message_en)
                continue
            self.result.rows += 1
            key = (item.number, item.measure_number or 0)
            if key in self.seen:
                self.error(
                    item.row,
                    "number",
                    f"序号{key[0]}-{key[1]}重复",
                    f"number {key[0]}-{key[1]} appears twice",
                )
                continue
            self.seen.add(key)
            try:
                resolved.append(self.resolve(item))
            except RowError as exc:
                self.error(item.row, exc.column, exc.zh, exc.en)
        if self.errors:
            return  # keep checking later rows, but write nothing more
        problems = self.problems([r.row for r in resolved])
        if self.errors:
            return
        self.measures(resolved, problems)

    def resolve(self, row: SheetRow) -> Resolved:
        leader = self.names.leader(row)
        lead = self.names.department(row.lead) if row.lead else None
        supporting = [self.names.department(name) for name in row.supporting]
        return Resolved(row, leader, lead, supporting)

    def category(self, title: str) -> Category:
        title = title.strip() or "未分类"
        category = self.categories.get(title)
        if category is None:
            category = add_category(inspection=self.inspection, title=title, actor=self.actor)
            self.categories[title] = category
            self.result.categories_created += 1
        return category

    def problems(self, rows: list[SheetRow]) -> dict[str, Problem]:
        """The problems of the batch by number, existing ones updated, new ones created."""
        numbers = {r.number for r in rows}
        found: dict[str, Problem] = {}
        for problem in Problem.objects.filter(inspection=self.inspection, number__in=numbers):
            if problem.number in found:
                row = next(r.row for r in rows if r.number == problem.number)
                self.error(
                    row,
                    "number",
                    f"该巡察中序号为{problem.number}的问题不止一个",
                    f"the inspection has several problems numbered {problem.number}",
                )
            found[problem.number] = problem
        new: list[Problem] = []
        for row in rows:
            problem = found.get(row.number)
            category = self.category(row.category) if row.category or problem is None else None
            if problem is None:
                self.position += 1
                problem = Problem(
                    inspection=self.inspection,
                    category=category,
                    number=row.number,
                    position=self.position,
                    text=row.problem,
                )
                found[row.number] = problem
                new.append(problem)
                self.result.problems_created += 1
            elif problem.pk is None or problem.pk in self.seen_problems:
                self.same_problem(row, problem, category)
            else:
                self.update_problem(row, problem, category)
        Problem.objects.bulk_create(new)
        self.created_problems.update(problem.pk for problem in new)
        for problem in new:
            self.seen_problems.add(problem.pk)
        return found

    def same_problem(self, row: SheetRow, problem: Problem, category: Category | None) -> None:
        """A problem seen earlier in this file must read the same on every row."""
        if problem.text != row.problem:
            self.error(
                row.row,
                "problem",
                "同一序号的问题表现与前面的行不一致",
                "the problem text differs from an earlier row with the same number",
            )
        elif category is not None and problem.category_id != category.pk:
            self.error(
                row.row,
                "category",
                "同一序号的问题类别与前面的行不一致",
                "the category differs from an earlier row with the same number",
            )

    def update_problem(self, row: SheetRow, problem: Problem, category: Category | None) -> None:
        changed: dict[str, Any] = {}
        if problem.text != row.problem:
            changed["text"] = row.problem
        if category is not None and problem.category_id != category.pk:
            changed["category"] = category
        self.seen_problems.add(problem.pk)
        if not changed:
            return
        before = {"text": problem.text, "category": problem.category_id}
        for name, value in changed.items():
            setattr(problem, name, value)
        problem.save(update_fields=list(changed))
        self.result.problems_updated += 1
        record(
            "problem.updated",
            actor=self.actor,
            obj=problem,
            organisation_id=self.inspection.unit_id,
            before=before,
            after={"text": problem.text, "category": problem.category_id},
        )

    def measures(self, resolved: list[Resolved], problems: dict[str, Problem]) -> None:
        problem_ids = {problems[r.row.number].pk for r in resolved}
        latest = ProgressUpdate.objects.filter(measure=OuterRef("pk")).order_by(
            "-created_at", "-id"
        )
        existing = {
            (m.problem_id, m.position): m
            for m in Measure.objects.filter(problem_id__in=problem_ids).annotate(
                latest_progress=Subquery(latest.values("text")[:1])
            )
        }
        through = Measure.supporting_departments.through
        self.supporting: dict[int, list[int]] = {}
        pairs = through.objects.filter(measure__problem_id__in=problem_ids).order_by(
            "organisation_id"
        )
        for measure_id, organisation_id in pairs.values_list("measure_id", "organisation_id"):
            self.supporting.setdefault(measure_id, []).append(organisation_id)
        new: list[tuple[Measure, Resolved]] = []
        for item in resolved:
            problem = problems[item.row.number]
            measure = existing.get((problem.pk, item.row.measure_number))
            if measure is None:
                new.append((self.new_measure(problem, item), item))
                if problem.pk not in self.created_problems:
                    self.touched.add(problem.pk)
            else:
                self.existing_measure(measure, item)
        Measure.objects.bulk_create([m for m, _ in new])
        through.objects.bulk_create(
            [
                through(measure_id=m.pk, organisation_id=d.pk)
                for m, item in new
                for d in item.supporting
            ]
        )
        self.add_progress([(m, item.row.progress) for m, item in new if item.row.progress])
        for measure, item in new:
            self.add_institutions(measure.problem_id, item.row)
            self.result.created += 1
            self.change(item.row, "create", [])
            if item.row.status not in (None, MeasureStatus.DRAFT):
                self.warn(
                    item.row.row,
                    "status",
                    "新措施以“草拟”状态导入,整改状态需经审核流程改变",
                    "a new measure starts as a draft; its status changes only by review",
                )

    def new_measure(self, problem: Problem, item: Resolved) -> Measure:
        row = item.row
        return Measure(
            inspection=self.inspection,
            problem=problem,
            position=row.measure_number,
            text=row.measure,
            kind=row.kind or MeasureKind.DEADLINE,
            goal=row.goal,
            owner_name=row.owner,
            note=row.note,
            responsible_leader=item.leader,
            lead_department=item.lead,
            deadline=row.deadline,
            last_progress_at=self.now if row.progress else None,
        )

    def existing_measure(self, measure: Measure, item: Resolved) -> None:
        row = item.row
        candidates = {
            "text": row.measure,
            "goal": row.goal,
            "owner_name": row.owner,
            "note": row.note,
            "responsible_leader": item.leader,
            "deadline": row.deadline,
            "lead_department": item.lead,
            "kind": row.kind,
        }
        # Only the columns the sheet has are compared: a sheet without 完成时限 clears nothing.
        wanted = {
            name: value
            for name, value in candidates.items()
            if (value is not None if name == "kind" else _FIELD_COLUMNS[name] in self.present)
        }
        wanted["text"] = row.measure
        changes = {
            name: value for name, value in wanted.items() if current_value(measure, name) != value
        }
        supporting = None
        current = self.supporting.get(measure.pk, [])
        if row.departments_given and current != sorted(d.pk for d in item.supporting):
            supporting = item.supporting
        if changes or supporting is not None:
            try:
                update_measure(
                    measure=measure, actor=self.actor, supporting_departments=supporting, **changes
                )
            except DomainError as exc:
                column = _FIELD_COLUMNS.get(exc.field or "", "measure")
                self.error(row.row, column, exc.message, exc.english or exc.message)
                return
            self.touched.add(measure.problem_id)
            self.result.updated += 1
            fields = {_FIELD_COLUMNS[n] for n in changes}
            if supporting is not None:
                fields.add("department")
            self.change(row, "update", sorted(fields))
        else:
            self.result.unchanged += 1
        if row.progress and row.progress != getattr(measure, "latest_progress", None):
            self.add_progress([(measure, row.progress)])
            Measure.objects.filter(pk=measure.pk).update(last_progress_at=self.now)
        self.add_institutions(measure.problem_id, row)
        self.compare_status(measure, row)

    def compare_status(self, measure: Measure, row: SheetRow) -> None:
        closed = measure.status == MeasureStatus.CLOSED
        if row.status is not None and row.status != measure.status:
            self.warn(
                row.row,
                "status",
                f"整改状态“{row.status_text}”与系统中“{_STATUS_LABELS[measure.status]}”不同,"
                "状态只能经审核流程改变,未修改",
                f"status “{row.status_text}” differs from “{measure.status}”; statuses change"
                " only by review, so it was not changed",
            )
        if row.closed is not None and row.closed != closed:
            self.warn(
                row.row,
                "closed",
                "是否销号与系统中不同,未修改",
                "是否销号 differs from the ledger; it was not changed",
            )

    def add_progress(self, items: list[tuple[Measure, str]]) -> None:
        if not items:
            return
        ProgressUpdate.objects.bulk_create(
            [
                ProgressUpdate(measure=m, author=self.actor, text=text, created_at=self.now)
                for m, text in items
            ]
        )
        self.result.progress_added += len(items)

    def add_institutions(self, problem_id: int, row: SheetRow) -> None:
        titles = [t for t in row.institutions if t not in self.institutions]
        if not titles:
            return
        Institution.objects.bulk_create(
            [
                Institution(
                    inspection=self.inspection,
                    problem_id=problem_id,
                    title=t[:300],
                    recorded_by=self.actor,
                )
                for t in titles
            ]
        )
        self.institutions.update(titles)
        self.result.institutions_added += len(titles)

    def finish(self) -> None:
        """Recompute the status of the problems that existed and whose measures changed."""
        for problem in Problem.objects.filter(pk__in=self.touched - self.created_problems):
            refresh_problem_status(problem)


def import_sheet(
    inspection: Inspection,
    source: Path | bytes,
    *,
    actor: Any,
    name: str = "",
    dry_run: bool = False,
    batch: int = BATCH,
) -> SheetImportResult:
    """Import a 台账 sheet (.xlsx, or .csv in UTF-8 or GBK) into ``inspection``.

    ``actor`` must be allowed to edit the inspection's ledger (整改办 or 巡察办);
    progress updates and institutions are recorded in their name. Everything runs
    in one transaction: on any error nothing is written and :class:`SheetImportError`
    lists the rows and columns at fault (a sheet that cannot be read at all raises
    it with one error). ``dry_run`` does the whole import and rolls it back, so the
    result shows exactly what would change. Writes ``ledger.imported`` to the audit log.
    """
    if actor is None or not can_on_inspection(actor, Action.EDIT_LEDGER, inspection):
        raise PermissionRefused("您无权修改该单位的整改台账。", "Not allowed to edit this ledger.")
    name = name or (source.name if isinstance(source, Path) else "")
    result = SheetImportResult(name=name, sha256=_sha256(source), dry_run=dry_run)
    with transaction.atomic():
        try:
            header, reader, rows = read_rows(source, name)
        except SheetReadError as exc:
            raise SheetImportError([exc.error]) from exc
        result.columns = [c.header for c in columns_found(header)]
        if header.ignored:
            result.warnings.append(
                SheetError(
                    header.row,
                    None,
                    f"未识别的列已忽略:{'、'.join(header.ignored)}",
                    f"columns not recognised were ignored: {', '.join(header.ignored)}",
                )
            )
        importer = _Importer(inspection, actor, result, set(header.index))
        try:
            for items in _batches(rows, batch):
                importer.batch(items)
        except SheetReadError as exc:
            importer.errors.append(exc.error)
        for row in reader.skipped[:20]:
            importer.warn(
                row,
                None,
                "该行没有序号、问题和措施,未导入",
                "the row has no number, problem or measure and was skipped",
            )
        if not importer.errors and result.rows == 0:
            importer.error(header.row + 1, None, "表格中没有数据行", "the sheet has no data rows")
        if importer.errors:
            raise SheetImportError(importer.errors, result.warnings)
        importer.finish()
        if not dry_run:
            record(
                "ledger.imported",
                actor=actor,
                obj=inspection,
                organisation_id=inspection.unit_id,
                after={"kind": "sheet", "source": name, "sha256": result.sha256, **result.counts()},
            )
        transaction.set_rollback(dry_run)
    return result
