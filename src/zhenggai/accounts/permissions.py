"""The one place where rights are decided (DESIGN §2).

Every list, page, download and export asks this module for its queryset or its
yes/no. A user's rights come only from :class:`~zhenggai.accounts.models.Membership`
rows; the 三员 administrators see no business data at all.

* ``office`` at a jurisdiction: every unit below it (read, supervise, register problems).
* ``secretary``, ``leader``, ``coordinator``, ``inspector`` at a unit: that unit's ledger.
* ``department`` at a department: the measures that department leads or supports,
  and the problems they belong to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from zhenggai.accounts.models import Membership, Organisation, OrganisationKind, Role
from zhenggai.core.db import ByKey

if TYPE_CHECKING:
    from zhenggai.accounts.models import User
    from zhenggai.ledger.models import Evidence, Inspection, Measure, Problem, Round


class Action(StrEnum):
    VIEW = "view"
    EDIT_LEDGER = "edit_ledger"  # 整改办: build the lists, assign, set deadlines
    APPROVE_PLAN = "approve_plan"  # 主要负责人 approves the plan
    REPORT_PROGRESS = "report_progress"  # 责任处室: progress and evidence
    SUBMIT = "submit"  # 责任处室: claim completion
    LEADER_REVIEW = "leader_review"  # 分管领导: first-level review
    CLOSE = "close"  # 主要负责人: 销号
    REOPEN = "reopen"  # 主要负责人 or 巡察办 (回头看)
    RECORD_ACCOUNTABILITY = "record_accountability"  # 纪检监察 or 整改办
    RECORD_OUTCOME = "record_outcome"  # 整改办: institutions, recovered funds
    SUPERVISE = "supervise"  # 巡察办: 督办单, 回头看, light rules
    REQUEST_EXTENSION = "request_extension"  # 牵头部门: 延期申请
    DECIDE_EXTENSION = "decide_extension"  # 责任领导 or 主要负责人: approve or reject it
    ANSWER_ORDER = "answer_order"  # 整改办 or 主要负责人 answers a 督办单


FULL_UNIT_ROLES = frozenset({Role.SECRETARY, Role.LEADER, Role.COORDINATOR, Role.INSPECTOR})


@dataclass
class Scope:
    """What one user may reach, computed once per request from the memberships."""

    jurisdiction_paths: tuple[str, ...] = ()
    unit_roles: dict[int, set[str]] = field(default_factory=dict)
    department_ids: frozenset[int] = frozenset()
    department_unit_ids: frozenset[int] = frozenset()
    admin_roles: frozenset[str] = frozenset()

    @property
    def full_unit_ids(self) -> set[int]:
        return set(self.unit_roles)

    @property
    def has_business_access(self) -> bool:
        return bool(self.jurisdiction_paths or self.unit_roles or self.department_ids)


def _membership_rows(user_id: int) -> list[tuple[str, int, str, int | None]]:
    """(role, organisation id, its path, its parent) of each of the user's memberships.

    Every page of a signed-in user asks it once; written out, it costs a fifth of what the
    ORM's ``values_list`` took to build and compile (0.17 against 0.76 ms, of which the
    database's part is the same).
    """
    membership = Membership._meta.db_table
    organisation = Organisation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ms.role, ms.organisation_id, o.path, o.parent_id FROM {membership} ms "
            f"JOIN {organisation} o ON o.id = ms.organisation_id WHERE ms.user_id = %s",
            [user_id],
        )
        return cursor.fetchall()


def scope_of(user: User | Any) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_zhenggai_scope", None)
    if cached is not None:
        return cached
    rows = _membership_rows(user.pk)
    jurisdiction_paths: list[str] = []
    unit_roles: dict[int, set[str]] = {}
    department_ids: set[int] = set()
    department_units: set[int] = set()
    admin_roles: set[str] = set()
    for role, org_id, path, parent_id in rows:
        if role == Role.OFFICE:
            jurisdiction_paths.append(path)
        elif role in FULL_UNIT_ROLES:
            unit_roles.setdefault(org_id, set()).add(role)
        elif role == Role.DEPARTMENT:
            department_ids.add(org_id)
            department_units.add(parent_id)
        else:
            admin_roles.add(role)
    scope = Scope(
        tuple(jurisdiction_paths),
        unit_roles,
        frozenset(department_ids),
        frozenset(department_units),
        frozenset(admin_roles),
    )
    user._zhenggai_scope = scope
    return scope


def roles_of(user: User | Any) -> set[str]:
    scope = scope_of(user)
    roles: set[str] = set(scope.admin_roles)
    for unit_set in scope.unit_roles.values():
        roles |= unit_set
    if scope.jurisdiction_paths:
        roles.add(Role.OFFICE)
    if scope.department_ids:
        roles.add(Role.DEPARTMENT)
    return roles


def is_sysadmin(user: User | Any) -> bool:
    return Role.SYSADMIN in scope_of(user).admin_roles


def _jurisdiction_q(scope: Scope, prefix: str) -> Q:
    q = Q(pk__in=[])
    for path in scope.jurisdiction_paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


# ---------------------------------------------------------------- scoped querysets


def visible_units(user: User | Any) -> QuerySet[Organisation]:
    scope = scope_of(user)
    q = Q(pk__in=scope.full_unit_ids | set(scope.department_unit_ids)) | _jurisdiction_q(scope, "")
    return Organisation.objects.filter(q, kind=OrganisationKind.UNIT)


def visible_inspections(user: User | Any) -> QuerySet[Inspection]:
    from zhenggai.ledger.models import Inspection

    scope = scope_of(user)
    q = Q(unit_id__in=scope.full_unit_ids | set(scope.department_unit_ids))
    q |= _jurisdiction_q(scope, "unit__")
    return Inspection.objects.filter(q)


def visible_rounds(user: User | Any) -> QuerySet[Round]:
    from zhenggai.ledger.models import Round

    scope = scope_of(user)
    q = _jurisdiction_q(scope, "jurisdiction__")
    q |= Q(pk__in=visible_inspections(user).values("round_id"))
    return Round.objects.filter(q)


def _department_measure_ids(scope: Scope) -> Q:
    from zhenggai.ledger.models import Measure

    # One ``IN (… UNION ALL …)`` rather than ``lead OR id IN (…)``: the OR cannot use an
    # index and made PostgreSQL filter every open measure of the province.
    through = Measure.supporting_departments.through
    ids = scope.department_ids
    led = Measure.objects.filter(lead_department_id__in=ids).order_by().values("pk")
    supported = through.objects.filter(organisation_id__in=ids).values("measure_id")
    return Q(pk__in=led.union(supported, all=True))


def visible_measures(user: User | Any) -> QuerySet[Measure]:
    from zhenggai.ledger.models import Measure

    scope = scope_of(user)
    q = Q(inspection__unit_id__in=scope.full_unit_ids) | _jurisdiction_q(
        scope, "inspection__unit__"
    )
    if scope.department_ids:
        q |= _department_measure_ids(scope)
    return Measure.objects.filter(q)


def visible_problems(user: User | Any) -> QuerySet[Problem]:
    from zhenggai.ledger.models import Measure, Problem

    scope = scope_of(user)
    q = Q(inspection__unit_id__in=scope.full_unit_ids) | _jurisdiction_q(
        scope, "inspection__unit__"
    )
    if scope.department_ids:
        q |= Q(pk__in=Measure.objects.filter(_department_measure_ids(scope)).values("problem_id"))
    return Problem.objects.filter(q)


def inspection_measures(user: User | Any, inspection: Inspection) -> QuerySet[Measure]:
    """The measures of ``inspection`` that ``user`` sees (the inspection already opened
    with :func:`get_inspection_for`). Whole-unit readers see all of them, so their query
    carries no scope condition — less for the ORM to compile and the database to run."""
    from zhenggai.ledger.models import Measure

    if sees_whole_unit(user, inspection.unit):
        return Measure.objects.filter(inspection=inspection)
    return visible_measures(user).filter(inspection=inspection)


def inspection_problems(user: User | Any, inspection: Inspection) -> QuerySet[Problem]:
    """The problems of ``inspection`` that ``user`` sees, like :func:`inspection_measures`."""
    from zhenggai.ledger.models import Problem

    if sees_whole_unit(user, inspection.unit):
        return Problem.objects.filter(inspection=inspection)
    return visible_problems(user).filter(inspection=inspection)


def sees_whole_unit(user: User | Any, unit: Organisation | int) -> bool:
    """True for unit-level roles and the office above it; false for department users."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    scope = scope_of(user)
    if unit_id in scope.unit_roles:
        return True
    if not scope.jurisdiction_paths:
        return False
    path = (
        unit.path
        if isinstance(unit, Organisation)
        else (Organisation.objects.filter(pk=unit_id).values_list("path", flat=True).first() or "")
    )
    return any(path.startswith(p) for p in scope.jurisdiction_paths)


# ---------------------------------------------------------------- decisions


def _unit_has(scope: Scope, unit_id: int, *roles: str) -> bool:
    return bool(scope.unit_roles.get(unit_id, set()) & set(roles))


def _office_over(scope: Scope, unit_path: str) -> bool:
    return any(unit_path.startswith(p) for p in scope.jurisdiction_paths)


def _leads_or_supports(scope: Scope, measure: Measure) -> bool:
    """One of the user's departments leads the measure or supports it."""
    return measure.lead_department_id in scope.department_ids or (
        bool(scope.department_ids)
        and measure.supporting_departments.filter(pk__in=scope.department_ids).exists()
    )


def can_on_measure(user: User | Any, action: Action, measure: Measure) -> bool:
    """May ``user`` do ``action`` on ``measure``? ``measure.inspection.unit`` must be loaded."""
    scope = scope_of(user)
    unit = measure.inspection.unit
    if action == Action.VIEW:  # visible_measures's rule, decided on the loaded row
        return (
            unit.pk in scope.unit_roles
            or _office_over(scope, unit.path)
            or _leads_or_supports(scope, measure)
        )
    if action == Action.REPORT_PROGRESS:
        return _leads_or_supports(scope, measure)
    if action == Action.SUBMIT:
        return measure.lead_department_id in scope.department_ids
    if action == Action.LEADER_REVIEW:
        return measure.responsible_leader_id == user.pk and _unit_has(scope, unit.pk, Role.LEADER)
    if action == Action.CLOSE:
        return _unit_has(scope, unit.pk, Role.SECRETARY)
    if action == Action.REOPEN:
        return _unit_has(scope, unit.pk, Role.SECRETARY) or _office_over(scope, unit.path)
    if action == Action.EDIT_LEDGER:
        return _unit_has(scope, unit.pk, Role.COORDINATOR)
    if action == Action.REQUEST_EXTENSION:
        return measure.lead_department_id in scope.department_ids
    if action == Action.DECIDE_EXTENSION:
        leads = measure.responsible_leader_id == user.pk and _unit_has(scope, unit.pk, Role.LEADER)
        return leads or _unit_has(scope, unit.pk, Role.SECRETARY)
    if action == Action.SUPERVISE:
        return _office_over(scope, unit.path)
    return False


def can_on_inspection(user: User | Any, action: Action, inspection: Inspection) -> bool:
    scope = scope_of(user)
    unit = inspection.unit
    if action == Action.VIEW:
        return (
            unit.pk in scope.full_unit_ids
            or unit.pk in scope.department_unit_ids
            or _office_over(scope, unit.path)
        )
    if action == Action.EDIT_LEDGER:
        return _unit_has(scope, unit.pk, Role.COORDINATOR) or _office_over(scope, unit.path)
    if action == Action.APPROVE_PLAN:
        return _unit_has(scope, unit.pk, Role.SECRETARY)
    if action == Action.RECORD_ACCOUNTABILITY:
        return _unit_has(scope, unit.pk, Role.INSPECTOR, Role.COORDINATOR)
    if action == Action.RECORD_OUTCOME:
        return _unit_has(scope, unit.pk, Role.COORDINATOR)
    if action == Action.SUPERVISE:
        return _office_over(scope, unit.path)
    if action == Action.ANSWER_ORDER:
        return _unit_has(scope, unit.pk, Role.COORDINATOR, Role.SECRETARY)
    return False


def can_register_in(user: User | Any, organisation: Organisation) -> bool:
    """Rounds and inspections are registered by the office (巡察办) over ``organisation``."""
    return _office_over(scope_of(user), organisation.path)


# ---------------------------------------------------------------- fetch-and-authorise


def _deny_or_404(visible: bool) -> None:
    if not visible:
        raise Http404
    raise PermissionDenied


MEASURE_RELATED = ("inspection__unit", "problem__category", "responsible_leader", "lead_department")


def _measure_query(pk: int) -> QuerySet[Measure]:
    from zhenggai.ledger.models import Measure

    return Measure.objects.select_related(*MEASURE_RELATED).filter(pk=pk)


#: The measure with its problem, category, unit and people, by id (the measure page).
_MEASURE = ByKey(_measure_query)


def get_measure_for(
    user: User | Any,
    pk: int,
    action: Action = Action.VIEW,
    *,
    annotate: Callable[[QuerySet[Measure]], QuerySet[Measure]] | None = None,
) -> Measure:
    """The measure if ``user`` sees it (else 404) and may do ``action`` (else 403).

    Without ``annotate`` the measure is read by key (compiled once) and seeing it is
    decided on the row by :func:`visible_measures`'s rule (``can_on_measure(…, VIEW)``);
    ``annotate`` adds columns to the scoped query instead (the API's light, for one).
    """
    if annotate is None:
        measure = _MEASURE.get(pk)
        if measure is not None and not can_on_measure(user, Action.VIEW, measure):
            measure = None
    else:
        measure = (
            annotate(visible_measures(user).select_related(*MEASURE_RELATED)).filter(pk=pk).first()
        )
    if measure is None:
        raise Http404
    if action != Action.VIEW and not can_on_measure(user, action, measure):
        _deny_or_404(True)
    return measure


def get_problem_for(user: User | Any, pk: int) -> Problem:
    problem = (
        visible_problems(user).select_related("inspection__unit", "category").filter(pk=pk).first()
    )
    if problem is None:
        raise Http404
    return problem


def _inspection_query(pk: int) -> QuerySet[Inspection]:
    from zhenggai.ledger.models import Inspection

    return Inspection.objects.select_related("unit", "round").filter(pk=pk)


#: The inspection with its unit and round, by id: every ledger page starts with it.
_INSPECTION = ByKey(_inspection_query)


def get_inspection_for(user: User | Any, pk: int, action: Action = Action.VIEW) -> Inspection:
    """The inspection if ``user`` sees it (else 404) and may do ``action`` (else 403).

    Seeing it is decided on the loaded row by the same rule as :func:`visible_inspections`
    (``can_on_inspection(…, VIEW)``), so the query is one by key, compiled once.
    """
    inspection = _INSPECTION.get(pk)
    if inspection is None or not can_on_inspection(user, Action.VIEW, inspection):
        raise Http404
    if action != Action.VIEW and not can_on_inspection(user, action, inspection):
        raise PermissionDenied
    return inspection


def get_evidence_for(user: User | Any, pk: int) -> Evidence:
    from zhenggai.ledger.models import Evidence

    evidence = (
        Evidence.objects.filter(measure__in=visible_measures(user))
        .select_related("measure__inspection__unit")
        .filter(pk=pk)
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence
