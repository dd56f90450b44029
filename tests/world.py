"""A small world for tests: one jurisdiction, two units, a person per role.

Personas (healthchecks-style): in unit A ``secretary``, ``leader``, ``leader2``,
``coordinator``, ``inspector``, ``dept`` (综合处, leads the measures), ``dept_support``
(信息中心, supports them); ``office`` above both units; in unit B ``outsider_secretary``
and ``outsider_dept``; the 三员 ``sysadmin``, ``secadmin``, ``auditadmin``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO

from zhenggai.accounts.models import Organisation, OrganisationKind, Role, User
from zhenggai.accounts.services import create_organisation, grant_role
from zhenggai.ledger.models import Inspection, Measure, MeasureKind, Problem
from zhenggai.ledger.services import plan

PASSWORD = "Zg-test-Passw0rd!"
TODAY = dt.date(2026, 11, 28)

# A minimal valid PDF and PNG for evidence uploads.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def pdf_file(name: str = "证明.pdf") -> tuple[str, BytesIO]:
    return name, BytesIO(PDF)


@dataclass
class Unit:
    org: Organisation
    departments: dict[str, Organisation]
    inspection: Inspection
    problems: list[Problem] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)


@dataclass
class World:
    jurisdiction: Organisation
    a: Unit
    b: Unit
    users: dict[str, User]

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


def make_user(username: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
    return user


def _unit(jurisdiction: Organisation, name: str, rnd, measures_per_problem: int = 2) -> Unit:
    org = create_organisation(name=name, kind=OrganisationKind.UNIT, parent=jurisdiction)
    depts = {
        d: create_organisation(name=d, kind=OrganisationKind.DEPARTMENT, parent=org)
        for d in ("综合处", "信息中心")
    }
    inspection = plan.create_inspection(
        round=rnd,
        unit=org,
        unit_name=f"中共{name}党组",
        team="市委第一巡察组",
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 7, 15),
        feedback_date=dt.date(2026, 9, 1),
    )
    return Unit(org, depts, inspection)


def build_world() -> World:
    jurisdiction = create_organisation(name="市委巡察办", kind=OrganisationKind.JURISDICTION)
    rnd = plan.create_round(jurisdiction=jurisdiction, name="2026年第一轮", year=2026)
    a = _unit(jurisdiction, "甲局", rnd)
    b = _unit(jurisdiction, "乙局", rnd)
    users: dict[str, User] = {}
    grants = [
        ("office", jurisdiction, Role.OFFICE),
        ("secretary", a.org, Role.SECRETARY),
        ("leader", a.org, Role.LEADER),
        ("leader2", a.org, Role.LEADER),
        ("coordinator", a.org, Role.COORDINATOR),
        ("inspector", a.org, Role.INSPECTOR),
        ("dept", a.departments["综合处"], Role.DEPARTMENT),
        ("dept_support", a.departments["信息中心"], Role.DEPARTMENT),
        ("outsider_secretary", b.org, Role.SECRETARY),
        ("outsider_leader", b.org, Role.LEADER),
        ("outsider_dept", b.departments["综合处"], Role.DEPARTMENT),
        ("sysadmin", jurisdiction, Role.SYSADMIN),
        ("secadmin", jurisdiction, Role.SECADMIN),
        ("auditadmin", jurisdiction, Role.AUDITADMIN),
    ]
    for username, org, role in grants:
        users[username] = make_user(username)
        grant_role(user=users[username], organisation=org, role=role)
    for unit, leader in ((a, users["leader"]), (b, users["outsider_leader"])):
        category = plan.add_category(inspection=unit.inspection, title="党的建设方面")
        for p in range(2):
            problem = plan.add_problem(
                category=category, text=f"{unit.org.name}问题{p + 1}:学习制度落实不到位。"
            )
            unit.problems.append(problem)
            for m in range(2):
                unit.measures.append(
                    plan.add_measure(
                        problem=problem,
                        text=f"制定学习计划并每月检查落实情况({p + 1}-{m + 1})",
                        kind=MeasureKind.DEADLINE,
                        responsible_leader=leader,
                        lead_department=unit.departments["综合处"],
                        supporting_departments=[unit.departments["信息中心"]],
                        deadline=TODAY + dt.timedelta(days=30),
                    )
                )
    return World(jurisdiction, a, b, users)
