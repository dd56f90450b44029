"""Scoped, annotated querysets for the pages.

Every list starts from the permissions module's ``visible_*`` querysets and adds what
the page shows with ``select_related``, ``prefetch_related`` and correlated subqueries,
so that a page costs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from zhenggai.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from zhenggai.accounts.permissions import scope_of, visible_measures
from zhenggai.ledger import tally
from zhenggai.ledger.models import (
    Category,
    Inspection,
    InspectionTally,
    Measure,
    MeasureStatus,
    Problem,
    ProblemStatus,
)
from zhenggai.web.lights import near_q, overdue_q


def count_of(model: type[Model], link: str, condition: Q | None = None) -> Coalesce:
    """``COUNT(*)`` of ``model`` rows whose ``link`` is the outer row, as an annotation.

    A correlated subquery rather than a join, so that several counts on one row do not
    multiply each other and each uses the (link, …) index.
    """
    rows = model.objects.filter(**{link: OuterRef("pk")})
    if condition is not None:
        rows = rows.filter(condition)
    counted = rows.order_by().values(link).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# ---------------------------------------------------------------- measures


# The per-row columns of measure lists, as correlated subqueries written out in SQL.
# Built with the ORM, these subqueries took longer to compile than to run (about 1 ms
# each, on every list of every page); written out they cost nothing to build. They refer
# to the outer row as "ledger_measure"."id", the alias of the measure table in a
# top-level query: use them on lists, not inside another query.
_M = '"ledger_measure"."id"'
_LATEST_PROGRESS = (
    "(SELECT pu.text FROM ledger_progressupdate pu WHERE pu.measure_id = "
    f"{_M} ORDER BY pu.created_at DESC, pu.id DESC LIMIT 1)"
)
_EVIDENCE_COUNT = f"(SELECT COUNT(*) FROM ledger_evidence e WHERE e.measure_id = {_M})"
_LAST_REVIEW = (
    "(SELECT r.%s FROM ledger_review r WHERE r.measure_id = "
    f"{_M} ORDER BY r.created_at DESC, r.id DESC LIMIT 1)"
)
_OPEN_FLAGS = (
    "(SELECT COUNT(*) FROM quality_flag_involved fi JOIN quality_flag f ON f.id = fi.flag_id "
    f"WHERE fi.measure_id = {_M} AND f.is_current = %s AND f.status = %s)"
)

#: The related columns a list of measures shows (``only()``: no password hashes, no notes).
_RELATED = (
    "problem__number",
    "problem__text",
    "problem__position",
    "responsible_leader__username",
    "responsible_leader__display_name",
    "lead_department__name",
)


def with_ledger_columns(
    measures: QuerySet[Measure],
    *,
    supporting: bool = True,
    progress: bool = True,
    evidence: bool = True,
    flags: bool = True,
    reviews: bool = True,
    unit: bool = True,
) -> QuerySet[Measure]:
    """What a list of measures shows: problem, people, and on request the latest progress
    (``latest_progress``; its time is the measure's ``last_progress_at``), the evidence
    count, open quality flags, the last review (``last_decision``, ``last_reason``) and
    the unit's name.

    One query for the rows, plus one to prefetch the page's supporting departments when
    the page shows them (``supporting``). Each annotation is a correlated subquery that
    costs time to build and to run, so a page asks only for the ones it shows.
    """
    related = ["problem", "responsible_leader", "lead_department"]
    fields = [f.name for f in Measure._meta.concrete_fields] + list(_RELATED)
    if unit:
        related.append("inspection__unit")
        fields += ["inspection__unit_id", "inspection__unit__name"]
    rows = measures.select_related(*related).only(*fields)
    columns: dict[str, Any] = {}
    if progress:
        columns["latest_progress"] = RawSQL(_LATEST_PROGRESS, (), output_field=TextField())
    if evidence:
        columns["evidence_count"] = RawSQL(_EVIDENCE_COUNT, (), output_field=IntegerField())
    if reviews:
        columns["last_decision"] = RawSQL(_LAST_REVIEW % "decision", (), output_field=TextField())
        columns["last_reason"] = RawSQL(_LAST_REVIEW % "reason", (), output_field=TextField())
    if flags:
        columns["open_flags"] = open_flag_count()
    rows = rows.annotate(**columns)
    if supporting:
        names = Organisation.objects.only("name")
        rows = rows.prefetch_related(
            Prefetch("supporting_departments", queryset=names, to_attr="supporting_list")
        )
    return rows


def open_flag_count() -> RawSQL:
    """Open quality flags about the measure (anchored at it or involving it), as an annotation.

    A correlated count in the row query (no query per row): the amber marker on ledger rows.
    """
    from zhenggai.quality.models import FlagStatus

    return RawSQL(_OPEN_FLAGS, (True, FlagStatus.OPEN), output_field=IntegerField())


def unit_ids_with_role(user: User | Any, role: str) -> set[int]:
    return {unit for unit, roles in scope_of(user).unit_roles.items() if role in roles}


def department_measures(user: User | Any) -> QuerySet[Measure]:
    """Measures one of the user's departments leads or supports (and nothing else)."""
    department_ids = scope_of(user).department_ids
    through = Measure.supporting_departments.through
    supported = through.objects.filter(organisation_id__in=department_ids).values("measure_id")
    return visible_measures(user).filter(
        Q(lead_department_id__in=department_ids) | Q(pk__in=supported)
    )


def leader_queue(user: User | Any) -> QuerySet[Measure]:
    """Submitted measures this leader must review first."""
    return visible_measures(user).filter(
        status=MeasureStatus.SUBMITTED,
        responsible_leader=user,
        inspection__unit_id__in=unit_ids_with_role(user, Role.LEADER),
    )


def closure_queue(user: User | Any) -> QuerySet[Measure]:
    """Leader-approved measures waiting for this secretary's closure (销号)."""
    return visible_measures(user).filter(
        status=MeasureStatus.APPROVED,
        inspection__unit_id__in=unit_ids_with_role(user, Role.SECRETARY),
    )


def urgent_first(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    """Overdue first, then nearest deadline; measures without a deadline last."""
    return measures.order_by(F("deadline").asc(nulls_last=True), "problem__position", "position")


# ---------------------------------------------------------------- problems


def with_problem_columns(
    problems: QuerySet[Problem], user: User | Any, today: dt.date, *, whole_unit: bool
) -> QuerySet:
    """Problems with the counts of the measures this user sees under each.

    Someone who sees the whole unit sees every measure, so the per-user restriction
    (a nested scope subquery) is only added for department users.
    """
    if whole_unit:
        return problems.select_related("category").annotate(**_problem_counts(today))
    mine = Q(pk__in=visible_measures(user).values("pk"))
    return problems.select_related("category").annotate(
        measure_count=count_of(Measure, "problem", mine),
        closed_count=count_of(Measure, "problem", mine & Q(status=MeasureStatus.CLOSED)),
        overdue_count=count_of(Measure, "problem", mine & overdue_q(today)),
        total_measures=count_of(Measure, "problem"),
    )


_MEASURES_OF_PROBLEM = (
    'SELECT COUNT(*) FROM ledger_measure m WHERE m.problem_id = "ledger_problem"."id"'
)


def _problem_counts(today: dt.date) -> dict[str, RawSQL]:
    """The counts of every measure of each problem, written out like the measure lists'
    columns (see ``_LATEST_PROGRESS``); overdue as in :func:`overdue_q`."""
    closed = MeasureStatus.CLOSED
    every = RawSQL(f"({_MEASURES_OF_PROBLEM})", (), output_field=IntegerField())
    return {
        "measure_count": every,
        "closed_count": RawSQL(
            f"({_MEASURES_OF_PROBLEM} AND m.status = %s)", (closed,), output_field=IntegerField()
        ),
        "overdue_count": RawSQL(
            f"({_MEASURES_OF_PROBLEM} AND NOT m.status = %s AND ((m.extended_deadline IS NULL "
            "AND m.deadline < %s) OR m.extended_deadline < %s))",
            (closed, today, today),
            output_field=IntegerField(),
        ),
        "total_measures": every,
    }


def problems_having(user: User | Any, condition: Q) -> Exists:
    """Problems with at least one visible measure matching ``condition``."""
    return Exists(visible_measures(user).filter(condition, problem=OuterRef("pk")))


# ---------------------------------------------------------------- inspections


def with_inspection_stats(inspections: QuerySet[Inspection], today: dt.date) -> QuerySet:
    """Per-inspection figures for the overview: one query for any number of rows.

    Each figure is a correlated ``COUNT`` on the (inspection, status) or
    (inspection, deadline) index.
    """
    return inspections.select_related("unit", "round").annotate(
        problems_total=count_of(Problem, "inspection"),
        problems_done=count_of(Problem, "inspection", Q(status=ProblemStatus.DONE)),
        problems_partial=count_of(Problem, "inspection", Q(status=ProblemStatus.PARTIAL)),
        problems_in_progress=count_of(Problem, "inspection", Q(status=ProblemStatus.IN_PROGRESS)),
        problems_not_started=count_of(Problem, "inspection", Q(status=ProblemStatus.NOT_STARTED)),
        measures_total=count_of(Measure, "inspection"),
        measures_closed=count_of(Measure, "inspection", Q(status=MeasureStatus.CLOSED)),
        measures_overdue=count_of(Measure, "inspection", overdue_q(today)),
        measures_near=count_of(Measure, "inspection", near_q(today)),
    )


class MostOverdue:
    """The inspections of ``inspections`` with the most overdue measures first (then the
    latest round, then the unit's name), each with the figures of
    :func:`with_inspection_stats`; sliced like a queryset, so a ``Paginator`` takes it.

    A slice costs two queries: the ranking, then the figures of the slice's rows only.
    On PostgreSQL the ranking reads the materialised count of each inspection
    (:class:`~zhenggai.ledger.models.InspectionTally`) when the whole tally is of today,
    and counts live inside the same query when it is not (before the day's first
    ``zhenggai periodic``); SQLite counts live.
    """

    def __init__(self, inspections: QuerySet[Inspection], today: dt.date) -> None:
        self.inspections = inspections
        self.today = today

    def count(self) -> int:
        return self.inspections.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Inspection]:
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            raise TypeError("MostOverdue takes a slice with an end and without a step")
        start = index.start or 0
        if index.stop <= start:
            return []
        ids = self._ranked_ids(start, index.stop - start)
        # The ids come from the scoped ranking: the figures need no second scope check.
        rows = with_inspection_stats(Inspection.objects.filter(pk__in=ids), self.today)
        by_id = {row.pk: row for row in rows}
        return [by_id[pk] for pk in ids if pk in by_id]

    def _ranked_ids(self, offset: int, limit: int) -> list[int]:
        live = count_of(Measure, "inspection", overdue_q(self.today))
        if tally.supported():
            stale = InspectionTally.objects.filter(
                Q(as_of__lt=self.today) | Q(as_of__gt=self.today)
            )
            overdue = Case(
                When(~Exists(stale), then=Coalesce("tally__overdue", 0)),
                default=live,
                output_field=IntegerField(),
            )
        else:
            overdue = live
        ranked = (
            self.inspections.alias(ranked_overdue=overdue)
            .order_by("-ranked_overdue", "-round__year", "unit__name", "pk")
            .values_list("pk", flat=True)
        )
        return list(ranked[offset : offset + limit])


def completion_rate(done: int, partial: int, total: int) -> float | None:
    """(已完成 + 阶段性完成) / 问题总数, as a percentage; ``None`` without problems."""
    if not total:
        return None
    return round(100 * (done + partial) / total, 1)


# ---------------------------------------------------------------- filter choices


@dataclass(frozen=True)
class FilterChoices:
    """The ledger filter bar's choices: ``(id, label)`` pairs in display order."""

    categories: list[tuple[int, str]]
    departments: list[tuple[int, str]]
    leaders: list[tuple[int, str]]


def filter_choices(inspection_id: int, unit_id: int) -> FilterChoices:
    """The inspection's categories, the unit's departments and its leaders, in one query.

    The filter bar is on every view of the ledger; as three ORM queries it cost three
    round trips, three compilations and a model per row, more than the rows' SQL. Labels
    are what ``str()`` gives for each model: ``"1. 类别"``, the department's name, the
    leader's display name or else user name. Order: category position, department
    path (the organisation tree's order), leader name.
    """
    category = Category._meta.db_table
    organisation = Organisation._meta.db_table
    user = User._meta.db_table
    membership = Membership._meta.db_table
    sql = (
        f"SELECT 0, c.id, c.number || '. ' || c.title, '', c.position FROM {category} c "
        "WHERE c.inspection_id = %s "
        f"UNION ALL SELECT 1, o.id, o.name, o.path, 0 FROM {organisation} o "
        "WHERE o.parent_id = %s AND o.kind = %s "
        f"UNION ALL SELECT DISTINCT 2, u.id, {User.label_sql('u')}, '', 0 "
        f"FROM {user} u JOIN {membership} ms ON ms.user_id = u.id "
        "WHERE ms.organisation_id = %s AND ms.role = %s "
        "ORDER BY 1, 5, 4, 3, 2"
    )
    params = [inspection_id, unit_id, OrganisationKind.DEPARTMENT, unit_id, Role.LEADER]
    groups: tuple[list[tuple[int, str]], ...] = ([], [], [])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for group, pk, label, _path, _position in cursor.fetchall():
            groups[group].append((pk, label))
    return FilterChoices(*groups)


def unit_departments(unit_id: int) -> QuerySet[Organisation]:
    return Organisation.objects.filter(parent_id=unit_id, kind=OrganisationKind.DEPARTMENT)


def unit_leaders(unit_id: int) -> QuerySet[User]:
    return User.objects.filter(
        memberships__organisation_id=unit_id, memberships__role=Role.LEADER
    ).distinct()
