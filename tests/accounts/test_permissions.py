"""Who sees what and who may do what (docs/permissions.md).

Unit A's ledger gets two more problems so that the department scopes differ:
``p3`` has one measure led by 信息中心 alone, ``p4`` one measure with no department.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from tests.world import World, make_user
from zhenggai.accounts.models import Membership, Organisation, OrganisationKind, Role
from zhenggai.accounts.permissions import (
    Action,
    can_on_inspection,
    can_on_measure,
    get_evidence_for,
    get_inspection_for,
    get_measure_for,
    get_problem_for,
    visible_inspections,
    visible_measures,
    visible_problems,
    visible_rounds,
    visible_units,
)
from zhenggai.accounts.services import create_organisation, grant_role
from zhenggai.audit.models import AuditEntry
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Evidence, Measure, Problem
from zhenggai.ledger.services import plan


@dataclass
class Ledger:
    world: World
    p3: Problem
    m3: Measure
    p4: Problem
    m4: Measure

    def ids(self, *names: str) -> set[int]:
        """Primary keys of groups of objects: "a" / "b" (world measures or problems), "m3", "p3"…"""
        return {obj.pk for name in names for obj in self._objects(name)}

    def _objects(self, name: str) -> list:
        w = self.world
        return {
            "a_measures": w.a.measures,
            "b_measures": w.b.measures,
            "a_problems": w.a.problems,
            "b_problems": w.b.problems,
            "m3": [self.m3],
            "m4": [self.m4],
            "p3": [self.p3],
            "p4": [self.p4],
        }[name]


@pytest.fixture
def ledger(world: World) -> Ledger:
    category = world.a.problems[0].category
    p3 = plan.add_problem(category=category, text="信息系统台账不全。", actor=world.coordinator)
    m3 = plan.add_measure(
        problem=p3,
        text="建立系统台账",
        lead_department=world.a.departments["信息中心"],
        actor=world.coordinator,
    )
    p4 = plan.add_problem(category=category, text="党组会议记录不规范。", actor=world.coordinator)
    m4 = plan.add_measure(problem=p4, text="规范会议记录", actor=world.coordinator)
    return Ledger(world, p3, m3, p4, m4)


ALL_A_MEASURES = ("a_measures", "m3", "m4")
ALL_A_PROBLEMS = ("a_problems", "p3", "p4")

# persona → (measures, problems, units, inspections) it sees
VISIBILITY: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "office": (ALL_A_MEASURES + ("b_measures",), ALL_A_PROBLEMS + ("b_problems",), ("a", "b")),
    "secretary": (ALL_A_MEASURES, ALL_A_PROBLEMS, ("a",)),
    "leader": (ALL_A_MEASURES, ALL_A_PROBLEMS, ("a",)),
    "leader2": (ALL_A_MEASURES, ALL_A_PROBLEMS, ("a",)),
    "coordinator": (ALL_A_MEASURES, ALL_A_PROBLEMS, ("a",)),
    "inspector": (ALL_A_MEASURES, ALL_A_PROBLEMS, ("a",)),
    "dept": (("a_measures",), ("a_problems",), ("a",)),  # leads the four world measures
    "dept_support": (("a_measures", "m3"), ("a_problems", "p3"), ("a",)),  # supports them, leads m3
    "outsider_secretary": (("b_measures",), ("b_problems",), ("b",)),
    "outsider_leader": (("b_measures",), ("b_problems",), ("b",)),
    "outsider_dept": (("b_measures",), ("b_problems",), ("b",)),
    "sysadmin": ((), (), ()),
    "secadmin": ((), (), ()),
    "auditadmin": ((), (), ()),
}


@pytest.mark.parametrize("persona", VISIBILITY)
def test_scoped_querysets(ledger: Ledger, persona: str) -> None:
    world = ledger.world
    user = getattr(world, persona)
    measures, problems, units = VISIBILITY[persona]
    unit = {"a": world.a, "b": world.b}

    assert set(visible_measures(user).values_list("pk", flat=True)) == ledger.ids(*measures)
    assert set(visible_problems(user).values_list("pk", flat=True)) == ledger.ids(*problems)
    assert set(visible_units(user).values_list("pk", flat=True)) == {unit[u].org.pk for u in units}
    assert set(visible_inspections(user).values_list("pk", flat=True)) == {
        unit[u].inspection.pk for u in units
    }
    expected_rounds = {world.a.inspection.round_id} if units else set()
    assert set(visible_rounds(user).values_list("pk", flat=True)) == expected_rounds


def _opens(get, user, pk: int) -> bool:
    try:
        get(user, pk)
    except Http404:
        return False
    return True


@pytest.mark.parametrize("persona", VISIBILITY)
def test_pages_open_exactly_what_the_querysets_show(ledger: Ledger, persona: str) -> None:
    """get_measure_for / get_inspection_for decide on the loaded row (read by key); they
    must open exactly the rows of visible_measures / visible_inspections."""
    world = ledger.world
    user = getattr(world, persona)
    measures, _, units = VISIBILITY[persona]
    every = ledger.ids("a_measures", "b_measures", "m3", "m4")
    opened = {pk for pk in every if _opens(get_measure_for, user, pk)}
    assert opened == ledger.ids(*measures)
    inspections = {world.a.inspection.pk: "a", world.b.inspection.pk: "b"}
    opened_units = {u for pk, u in inspections.items() if _opens(get_inspection_for, user, pk)}
    assert opened_units == set(units)


def test_querysets_have_no_duplicates_for_a_lead_and_supporting_department(ledger: Ledger) -> None:
    world = ledger.world
    both = make_user("two_departments")
    grant_role(user=both, organisation=world.a.departments["综合处"], role=Role.DEPARTMENT)
    grant_role(user=both, organisation=world.a.departments["信息中心"], role=Role.DEPARTMENT)
    measures = list(visible_measures(both).values_list("pk", flat=True))
    assert sorted(measures) == sorted(ledger.ids("a_measures", "m3"))


@pytest.mark.parametrize("user", ["anonymous", "inactive"])
def test_anonymous_and_inactive_users_see_nothing(world: World, user: str) -> None:
    if user == "anonymous":
        subject = AnonymousUser()
    else:
        subject = world.secretary
        subject.is_active = False
    assert not visible_measures(subject).exists()
    assert not visible_problems(subject).exists()
    assert not visible_units(subject).exists()
    assert not visible_inspections(subject).exists()
    with pytest.raises(Http404):
        get_measure_for(subject, world.a.measures[0].pk)


# ------------------------------------------------------------------ decisions: role × action

MEASURE_ACTIONS = [
    Action.VIEW,
    Action.REPORT_PROGRESS,
    Action.SUBMIT,
    Action.LEADER_REVIEW,
    Action.CLOSE,
    Action.REOPEN,
    Action.EDIT_LEDGER,
]
INSPECTION_ACTIONS = [
    Action.VIEW,
    Action.EDIT_LEDGER,
    Action.APPROVE_PLAN,
    Action.RECORD_ACCOUNTABILITY,
    Action.RECORD_OUTCOME,
    Action.SUPERVISE,
]

# persona → (actions allowed on a measure of unit A, actions allowed on unit A's inspection)
MATRIX: dict[str, tuple[set[Action], set[Action]]] = {
    "office": ({Action.VIEW, Action.REOPEN}, {Action.VIEW, Action.EDIT_LEDGER, Action.SUPERVISE}),
    "secretary": ({Action.VIEW, Action.CLOSE, Action.REOPEN}, {Action.VIEW, Action.APPROVE_PLAN}),
    "leader": ({Action.VIEW, Action.LEADER_REVIEW}, {Action.VIEW}),
    "leader2": ({Action.VIEW}, {Action.VIEW}),
    "coordinator": (
        {Action.VIEW, Action.EDIT_LEDGER},
        {Action.VIEW, Action.EDIT_LEDGER, Action.RECORD_ACCOUNTABILITY, Action.RECORD_OUTCOME},
    ),
    "inspector": ({Action.VIEW}, {Action.VIEW, Action.RECORD_ACCOUNTABILITY}),
    "dept": ({Action.VIEW, Action.REPORT_PROGRESS, Action.SUBMIT}, {Action.VIEW}),
    "dept_support": ({Action.VIEW, Action.REPORT_PROGRESS}, {Action.VIEW}),
    "outsider_secretary": (set(), set()),
    "outsider_leader": (set(), set()),
    "outsider_dept": (set(), set()),
    "sysadmin": (set(), set()),
    "secadmin": (set(), set()),
    "auditadmin": (set(), set()),
}


@pytest.mark.parametrize("persona", MATRIX)
def test_role_action_matrix(world: World, persona: str) -> None:
    user = getattr(world, persona)
    measure = Measure.objects.select_related("inspection__unit").get(pk=world.a.measures[0].pk)
    inspection = world.a.inspection
    on_measure, on_inspection = MATRIX[persona]
    assert {a for a in MEASURE_ACTIONS if can_on_measure(user, a, measure)} == on_measure
    assert {
        a for a in INSPECTION_ACTIONS if can_on_inspection(user, a, inspection)
    } == on_inspection


# ------------------------------------------------------------------ fetch-and-authorise


def test_get_measure_for_answers_404_outside_and_403_inside_the_scope(ledger: Ledger) -> None:
    world = ledger.world
    a_measure, b_measure = world.a.measures[0], world.b.measures[0]

    assert get_measure_for(world.dept, a_measure.pk) == a_measure
    assert get_measure_for(world.dept, a_measure.pk, Action.SUBMIT) == a_measure
    with pytest.raises(PermissionDenied):
        get_measure_for(world.dept, a_measure.pk, Action.CLOSE)
    with pytest.raises(PermissionDenied):
        get_measure_for(world.dept_support, a_measure.pk, Action.SUBMIT)
    with pytest.raises(Http404):
        get_measure_for(world.dept, ledger.m3.pk)  # same unit, another department's measure
    with pytest.raises(Http404):
        get_measure_for(world.dept, b_measure.pk, Action.SUBMIT)
    with pytest.raises(Http404):
        get_measure_for(world.sysadmin, a_measure.pk)
    with pytest.raises(Http404):
        get_measure_for(world.secretary, 10**9)
    assert get_measure_for(world.secretary, a_measure.pk, Action.CLOSE) == a_measure


def test_get_problem_and_inspection_for(ledger: Ledger) -> None:
    world = ledger.world
    assert get_problem_for(world.dept_support, ledger.p3.pk) == ledger.p3
    with pytest.raises(Http404):
        get_problem_for(world.dept, ledger.p3.pk)
    with pytest.raises(Http404):
        get_problem_for(world.outsider_dept, world.a.problems[0].pk)

    assert (
        get_inspection_for(world.coordinator, world.a.inspection.pk, Action.EDIT_LEDGER)
        == world.a.inspection
    )
    with pytest.raises(PermissionDenied):
        get_inspection_for(world.dept, world.a.inspection.pk, Action.EDIT_LEDGER)
    with pytest.raises(Http404):
        get_inspection_for(world.outsider_secretary, world.a.inspection.pk)


def test_get_evidence_follows_the_measure(world: World) -> None:
    evidence = Evidence.objects.create(
        measure=world.a.measures[0],
        file="evidence/00/0",
        original_name="证明.pdf",
        sha256="0" * 64,
        size=1,
        content_type="application/pdf",
        uploaded_by=world.dept,
        uploaded_at=timezone.now(),
    )
    for persona in ("dept", "dept_support", "secretary", "inspector", "office"):
        assert get_evidence_for(getattr(world, persona), evidence.pk) == evidence
    for persona in ("outsider_dept", "outsider_secretary", "auditadmin", "sysadmin"):
        with pytest.raises(Http404):
            get_evidence_for(getattr(world, persona), evidence.pk)


# ------------------------------------------------------------------ the organisation tree


def test_create_organisation_builds_the_materialised_path(world: World) -> None:
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    province = create_organisation(name="省委巡视办", kind=OrganisationKind.JURISDICTION)
    city = create_organisation(
        name="市委巡察办(二)", kind=OrganisationKind.JURISDICTION, parent=province
    )
    unit = create_organisation(name="丁局", kind=OrganisationKind.UNIT, parent=city)
    dept = create_organisation(name="办公室", kind=OrganisationKind.DEPARTMENT, parent=unit)

    assert Organisation.objects.get(pk=province.pk).path == f"/{province.pk}/"
    assert Organisation.objects.get(pk=city.pk).path == f"/{province.pk}/{city.pk}/"
    assert (
        Organisation.objects.get(pk=dept.pk).path
        == f"/{province.pk}/{city.pk}/{unit.pk}/{dept.pk}/"
    )
    entries = AuditEntry.objects.filter(id__gt=mark).order_by("id")
    assert [(e.action, e.after) for e in entries] == [
        ("organisation.created", {"name": n, "kind": k})
        for n, k in [
            ("省委巡视办", "jurisdiction"),
            ("市委巡察办(二)", "jurisdiction"),
            ("丁局", "unit"),
            ("办公室", "department"),
        ]
    ]

    # The province office sees the unit two levels down; the world's city office does not.
    officer = make_user("province_officer")
    grant_role(user=officer, organisation=province, role=Role.OFFICE)
    assert set(visible_units(officer)) == {unit}
    assert unit not in visible_units(world.office)


PARENTS = {
    "unit without parent": (OrganisationKind.UNIT, None),
    "department without parent": (OrganisationKind.DEPARTMENT, None),
    "unit under a unit": (OrganisationKind.UNIT, "unit"),
    "unit under a department": (OrganisationKind.UNIT, "department"),
    "department under a jurisdiction": (OrganisationKind.DEPARTMENT, "jurisdiction"),
    "department under a department": (OrganisationKind.DEPARTMENT, "department"),
    "jurisdiction under a unit": (OrganisationKind.JURISDICTION, "unit"),
    "jurisdiction under a department": (OrganisationKind.JURISDICTION, "department"),
}


@pytest.mark.parametrize("case", PARENTS)
def test_create_organisation_refuses_the_wrong_parent(world: World, case: str) -> None:
    kind, parent_kind = PARENTS[case]
    parent = {
        None: None,
        "jurisdiction": world.jurisdiction,
        "unit": world.a.org,
        "department": world.a.departments["综合处"],
    }[parent_kind]
    before = Organisation.objects.count()
    with pytest.raises(DomainError):
        create_organisation(name="新节点", kind=kind, parent=parent)
    assert Organisation.objects.count() == before


# ------------------------------------------------------------------ roles


WRONG_NODE = {
    "office at a unit": (Role.OFFICE, "unit"),
    "office at a department": (Role.OFFICE, "department"),
    "department role at a unit": (Role.DEPARTMENT, "unit"),
    "department role at a jurisdiction": (Role.DEPARTMENT, "jurisdiction"),
    "secretary at a jurisdiction": (Role.SECRETARY, "jurisdiction"),
    "leader at a department": (Role.LEADER, "department"),
    "coordinator at a department": (Role.COORDINATOR, "department"),
    "inspector at a jurisdiction": (Role.INSPECTOR, "jurisdiction"),
}


@pytest.mark.parametrize("case", WRONG_NODE)
def test_grant_role_refuses_the_wrong_kind_of_node(world: World, case: str) -> None:
    role, node = WRONG_NODE[case]
    organisation = {
        "jurisdiction": world.jurisdiction,
        "unit": world.a.org,
        "department": world.a.departments["综合处"],
    }[node]
    user = make_user("newcomer")
    with pytest.raises(DomainError, match="不能授予"):
        grant_role(user=user, organisation=organisation, role=role)
    assert not Membership.objects.filter(user=user).exists()


def test_grant_role_writes_the_membership_and_the_audit_entry_once(world: World) -> None:
    user = make_user("newcomer")
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    first = grant_role(user=user, organisation=world.a.org, role=Role.LEADER, actor=world.secadmin)
    again = grant_role(user=user, organisation=world.a.org, role=Role.LEADER, actor=world.secadmin)
    assert first == again
    assert list(Membership.objects.filter(user=user).values_list("organisation_id", "role")) == [
        (world.a.org.pk, Role.LEADER)
    ]
    [entry] = AuditEntry.objects.filter(id__gt=mark)
    assert (entry.action, entry.actor_id, entry.organisation_id) == (
        "membership.granted",
        world.secadmin.pk,
        world.a.org.pk,
    )
    assert entry.after == {"user": "newcomer", "organisation": "甲局", "role": "leader"}


@pytest.mark.parametrize("second", [Role.SECADMIN, Role.AUDITADMIN])
def test_no_account_holds_two_of_the_three_administrator_roles(world: World, second: Role) -> None:
    with pytest.raises(DomainError, match="不能兼任"):
        grant_role(user=world.sysadmin, organisation=world.jurisdiction, role=second)
    with pytest.raises(DomainError, match="不能兼任"):
        grant_role(user=world.sysadmin, organisation=world.a.org, role=second)
    assert list(Membership.objects.filter(user=world.sysadmin).values_list("role", flat=True)) == [
        Role.SYSADMIN
    ]


def test_granting_the_same_administrator_role_again_is_harmless(world: World) -> None:
    existing = Membership.objects.get(user=world.auditadmin)
    assert (
        grant_role(user=world.auditadmin, organisation=world.jurisdiction, role=Role.AUDITADMIN)
        == existing
    )
    assert Membership.objects.filter(user=world.auditadmin).count() == 1
