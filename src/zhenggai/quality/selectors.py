"""Reading flags: per measure, problem, inspection; what a reviewer must acknowledge; unit counts.

These return current flags only (found by the latest run), open and dismissed alike,
in display order. Callers authorise the object first (``get_measure_for`` and the like);
with ``user``, flags anchored at measures the user may not see are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhenggai.accounts.permissions import visible_inspections, visible_measures
from zhenggai.ledger.models import Inspection, Measure, Problem, Round
from zhenggai.quality.engine import Severity
from zhenggai.quality.models import Flag, FlagStatus


def _current() -> QuerySet[Flag]:
    return Flag.objects.filter(is_current=True).select_related(
        "inspection", "problem", "measure", "dismissed_by"
    )


def _for_user(flags: QuerySet[Flag], user: Any) -> QuerySet[Flag]:
    if user is None:
        return flags
    return flags.filter(Q(measure__isnull=True) | Q(measure__in=visible_measures(user)))


def flags_for_measure(measure: Measure, *, open_only: bool = False) -> list[Flag]:
    """Flags anchored at the measure or involving it (e.g. the other copies of a reused text).

    Each flag carries what the measure's page shows of its anchor and dismissal as
    ``problem_number``, ``measure_position`` and ``dismissed_by_name`` (see
    :func:`zhenggai.quality.presentation.anchor_of`). One hand-written query: every
    measure page asks it, most measures have no flag, and the ORM's version with its
    three joined rows took longer to build than to run.
    """
    from zhenggai.accounts.models import User

    flag = Flag._meta.db_table
    involved = Flag.involved.through._meta.db_table
    problem = Problem._meta.db_table
    measure_table = Measure._meta.db_table
    user = User._meta.db_table
    # ``involved`` as a subquery, not a join: no duplicates to remove, a simpler plan.
    sql = (
        "SELECT f.*, p.number AS problem_number, m.position AS measure_position, "
        f"{User.label_sql('u')} AS dismissed_by_name "
        f"FROM {flag} f LEFT JOIN {problem} p ON p.id = f.problem_id "
        f"LEFT JOIN {measure_table} m ON m.id = f.measure_id "
        f"LEFT JOIN {user} u ON u.id = f.dismissed_by_id "
        "WHERE f.is_current = %s AND (f.measure_id = %s OR f.id IN "
        f"(SELECT i.flag_id FROM {involved} i WHERE i.measure_id = %s))"
    )
    params: list[Any] = [True, measure.pk, measure.pk]
    if open_only:
        sql += " AND f.status = %s"
        params.append(FlagStatus.OPEN)
    return list(Flag.objects.raw(sql + " ORDER BY f.position, f.id", params))


def flags_for_problem(problem: Problem, *, user: Any = None) -> list[Flag]:
    """Flags anchored at the problem or at any of its measures, or involving its measures."""
    flags = _current().filter(Q(problem=problem) | Q(involved__problem=problem))
    return list(_for_user(flags, user).distinct().order_by("position", "id"))


def flags_for_inspection(
    inspection: Inspection,
    *,
    user: Any = None,
    rule: str | None = None,
    status: str | None = None,
) -> list[Flag]:
    """The inspection's flags, optionally of one rule or status."""
    flags = _current().filter(inspection=inspection)
    if rule:
        flags = flags.filter(rule=rule)
    if status:
        flags = flags.filter(status=status)
    return list(_for_user(flags, user).order_by("position", "id"))


def open_flags_requiring_ack(measure: Measure) -> list[Flag]:
    """Open flags a reviewer must acknowledge (dismiss with a reason) before approving ``measure``.

    Those on the measure or involving it, and those on its problem as a whole (such as
    ``count_mismatch``). Empty means nothing stands in the way.
    """
    flags = (
        _current()
        .filter(status=FlagStatus.OPEN)
        .filter(
            Q(measure=measure)
            | Q(involved=measure)
            | Q(problem_id=measure.problem_id, measure__isnull=True)
        )
    )
    return list(flags.distinct().order_by("position", "id"))


@dataclass
class UnitFlagCounts:
    """Flags of one unit's inspections: open (and of those, high severity), dismissed, by rule."""

    unit_id: int
    unit_name: str
    open: int = 0
    open_high: int = 0
    dismissed: int = 0
    open_by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.open + self.dismissed


def flag_counts_by_unit(user: Any, *, round: Round | None = None) -> list[UnitFlagCounts]:
    """For the office dashboard: flag counts per unit the user sees, most open flags first."""
    inspections = visible_inspections(user)
    if round is not None:
        inspections = inspections.filter(round=round)
    rows = (
        Flag.objects.filter(is_current=True, inspection__in=inspections)
        .values("inspection__unit_id", "inspection__unit__name", "rule", "status", "severity")
        .annotate(n=Count("id"))
    )
    units: dict[int, UnitFlagCounts] = {}
    for row in rows:
        unit = units.setdefault(
            row["inspection__unit_id"],
            UnitFlagCounts(row["inspection__unit_id"], row["inspection__unit__name"]),
        )
        if row["status"] == FlagStatus.OPEN:
            unit.open += row["n"]
            unit.open_by_rule[row["rule"]] = unit.open_by_rule.get(row["rule"], 0) + row["n"]
            if row["severity"] == Severity.HIGH:
                unit.open_high += row["n"]
        else:
            unit.dismissed += row["n"]
    return sorted(units.values(), key=lambda u: (-u.open_high, -u.open, u.unit_name))


def flag_counts_for_inspection(inspection: Inspection) -> dict[str, dict[str, int]]:
    """``{rule: {"open": n, "dismissed": m}}`` for the inspection's current flags."""
    counts: dict[str, dict[str, int]] = {}
    rows = (
        Flag.objects.filter(inspection=inspection, is_current=True)
        .values("rule", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["rule"], {"open": 0, "dismissed": 0})[row["status"]] = row["n"]
    return counts
