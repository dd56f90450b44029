"""Every database constraint of the ledger and the accounts rejects a bad row by itself.

Each case writes one row straight through the ORM, bypassing the services: a baseline
row that the database accepts, then the same row with one field made bad. A constraint
added to a model without a case here fails ``test_every_constraint_has_a_case``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction

from tests.ledger.helpers import T0
from tests.world import World, make_user
from zhenggai.accounts.models import Membership, Organisation, Role
from zhenggai.ledger.models import (
    Accountability,
    Category,
    Evidence,
    Inspection,
    Institution,
    Measure,
    Milestone,
    Problem,
    Recovery,
    Review,
    Round,
)

Builder = Callable[[World, dict[str, Any]], models.Model]


def organisation(w: World, bad: dict[str, Any]) -> models.Model:
    return Organisation.objects.create(
        **{"name": "新处室", "kind": "department", "parent": w.a.org, **bad}
    )


def membership(w: World, bad: dict[str, Any]) -> models.Model:
    return Membership.objects.create(
        **{"user": w.coordinator, "organisation": w.b.org, "role": "inspector", **bad}
    )


def round_(w: World, bad: dict[str, Any]) -> models.Model:
    return Round.objects.create(
        **{"jurisdiction": w.jurisdiction, "name": "2027年第一轮", "year": 2027, **bad}
    )


def inspection(w: World, bad: dict[str, Any]) -> models.Model:
    rnd = Round.objects.create(jurisdiction=w.jurisdiction, name="2027年第一轮", year=2027)
    values = {
        "round": rnd,
        "unit": w.a.org,
        "unit_name": "中共甲局党组",
        "team": "第一巡察组",
        "period_start": dt.date(2027, 3, 1),
        "period_end": dt.date(2027, 4, 30),
        "feedback_date": dt.date(2027, 6, 1),
        "plan_due": dt.date(2027, 7, 1),
        "report_due": dt.date(2027, 8, 1),
    }
    return Inspection.objects.create(**{**values, **bad})


def category(w: World, bad: dict[str, Any]) -> models.Model:
    return Category.objects.create(
        **{"inspection": w.a.inspection, "number": "二", "position": 9, "title": "作风", **bad}
    )


def problem(w: World, bad: dict[str, Any]) -> models.Model:
    values = {
        "inspection": w.a.inspection,
        "category": w.a.problems[0].category,
        "number": "9",
        "position": 9,
        "text": "问题",
        "stated_planned": 3,
        "stated_done": 3,
    }
    return Problem.objects.create(**{**values, **bad})


def measure(w: World, bad: dict[str, Any]) -> models.Model:
    values = {
        "inspection": w.a.inspection,
        "problem": w.a.problems[0],
        "position": 9,
        "text": "措施",
        "status": "closed",
        "closed_at": T0,
        "submitted_by": w.dept,
        "kind": "ongoing",
    }
    return Measure.objects.create(**{**values, **bad})


def milestone(w: World, bad: dict[str, Any]) -> models.Model:
    return Milestone.objects.create(
        **{
            "measure": w.a.measures[0],
            "position": 1,
            "title": "节点",
            "due_date": dt.date(2026, 12, 1),
            **bad,
        }
    )


def evidence(w: World, bad: dict[str, Any]) -> models.Model:
    values = {
        "measure": w.a.measures[0],
        "file": "evidence/00/x",
        "original_name": "a.pdf",
        "sha256": "0" * 64,
        "size": 10,
        "content_type": "application/pdf",
        "uploaded_by": w.dept,
        "uploaded_at": T0,
    }
    return Evidence.objects.create(**{**values, **bad})


def review(w: World, bad: dict[str, Any]) -> models.Model:
    values = {
        "measure": w.a.measures[0],
        "stage": "leader",
        "decision": "returned",
        "reason": "佐证不足",
        "reviewer": w.leader,
        "submitter": w.dept,
        "created_at": T0,
    }
    return Review.objects.create(**{**values, **bad})


def accountability(w: World, bad: dict[str, Any]) -> models.Model:
    return Accountability.objects.create(
        **{
            "inspection": w.a.inspection,
            "form": "reminder",
            "people": 1,
            "decided_on": dt.date(2026, 12, 1),
            "recorded_by": w.inspector,
            **bad,
        }
    )


def institution(w: World, bad: dict[str, Any]) -> models.Model:
    return Institution.objects.create(
        **{
            "inspection": w.a.inspection,
            "title": "学习制度",
            "kind": "revised",
            "recorded_by": w.coordinator,
            **bad,
        }
    )


def recovery(w: World, bad: dict[str, Any]) -> models.Model:
    return Recovery.objects.create(
        **{
            "inspection": w.a.inspection,
            "amount_yuan": Decimal("0.01"),
            "description": "追回",
            "recorded_on": dt.date(2026, 12, 1),
            "recorded_by": w.coordinator,
            **bad,
        }
    )


def duplicate(builder: Builder) -> Callable[[World], dict[str, Any]]:
    """A unique constraint is broken by writing the baseline row a second time."""

    def bad(w: World) -> dict[str, Any]:
        builder(w, {})
        return {}

    return bad


def second_admin_role(w: World) -> dict[str, Any]:
    user = make_user("two_hats")
    Membership.objects.create(user=user, organisation=w.jurisdiction, role=Role.SYSADMIN)
    return {"user": user, "organisation": w.a.org, "role": Role.AUDITADMIN}


# constraint name → (builder, how to make the row bad, the columns a unique violation names)
CASES: dict[str, tuple[Builder, Callable[[World], dict[str, Any]], tuple[str, ...]]] = {
    "organisation_kind_valid": (organisation, lambda w: {"kind": "ministry"}, ()),
    "organisation_only_jurisdiction_is_root": (
        organisation,
        lambda w: {"kind": "unit", "parent": None},
        (),
    ),
    "organisation_name_unique": (organisation, lambda w: {"name": "综合处"}, ("parent_id", "name")),
    "membership_unique": (
        membership,
        duplicate(membership),
        ("user_id", "organisation_id", "role"),
    ),
    "membership_role_valid": (membership, lambda w: {"role": "superuser"}, ()),
    "membership_one_admin_role": (membership, second_admin_role, ("user_id",)),
    "round_name_unique": (round_, duplicate(round_), ("jurisdiction_id", "name")),
    "round_kind_valid": (round_, lambda w: {"kind": "spot"}, ()),
    "inspection_once_per_round": (
        inspection,
        lambda w: {"round": w.a.inspection.round},
        ("round_id", "unit_id"),
    ),
    "inspection_period_ordered": (inspection, lambda w: {"period_end": dt.date(2027, 2, 28)}, ()),
    "inspection_feedback_after_start": (
        inspection,
        lambda w: {"feedback_date": dt.date(2027, 2, 28), "period_end": dt.date(2027, 3, 1)},
        (),
    ),
    "inspection_plan_after_feedback": (
        inspection,
        lambda w: {"plan_due": dt.date(2027, 5, 31)},
        (),
    ),
    "inspection_report_after_feedback": (
        inspection,
        lambda w: {"report_due": dt.date(2027, 5, 31)},
        (),
    ),
    "category_position_unique": (
        category,
        lambda w: {"position": 1},
        ("inspection_id", "position"),
    ),
    "problem_position_unique": (problem, lambda w: {"position": 1}, ("inspection_id", "position")),
    "problem_status_valid": (problem, lambda w: {"status": "finished"}, ()),
    "problem_stated_done_le_planned": (problem, lambda w: {"stated_done": 4}, ()),
    "measure_position_unique": (measure, lambda w: {"position": 1}, ("problem_id", "position")),
    "measure_status_valid": (measure, lambda w: {"status": "done"}, ()),
    "measure_kind_valid": (measure, lambda w: {"kind": "someday"}, ()),
    "measure_closed_has_time": (measure, lambda w: {"closed_at": None}, ()),
    "measure_submitted_has_submitter": (
        measure,
        lambda w: {"status": "submitted", "submitted_by": None},
        (),
    ),
    "milestone_position_unique": (milestone, duplicate(milestone), ("measure_id", "position")),
    "evidence_not_empty": (evidence, lambda w: {"size": 0}, ()),
    "review_not_own_submission": (review, lambda w: {"reviewer": w.dept}, ()),
    "review_return_has_reason": (review, lambda w: {"reason": ""}, ()),
    "review_stage_valid": (review, lambda w: {"stage": "deputy"}, ()),
    "review_decision_valid": (review, lambda w: {"decision": "maybe"}, ()),
    "accountability_people_positive": (accountability, lambda w: {"people": 0}, ()),
    "accountability_form_valid": (accountability, lambda w: {"form": "fine"}, ()),
    "institution_kind_valid": (institution, lambda w: {"kind": "abolished"}, ()),
    "institution_title_unique": (institution, duplicate(institution), ("inspection_id", "title")),
    "recovery_amount_positive": (recovery, lambda w: {"amount_yuan": Decimal("0")}, ()),
}


def declared_constraints() -> set[str]:
    names: set[str] = set()
    for label in ("accounts", "ledger"):
        for model in apps.get_app_config(label).get_models():
            names |= {c.name for c in model._meta.constraints}
    return names


def test_every_constraint_has_a_case() -> None:
    assert set(CASES) == declared_constraints()


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_baseline_row_is_accepted(world: World, name: str) -> None:
    builder, _, _ = CASES[name]
    row = builder(world, {})
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_constraint_rejects_a_bad_row(world: World, name: str) -> None:
    builder, make_bad, columns = CASES[name]
    with transaction.atomic():
        bad = make_bad(world)  # may write a first row that the bad one then duplicates
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        builder(world, bad)
    message = str(exc.value)
    # PostgreSQL names the constraint; SQLite names a CHECK constraint, or a unique one's columns.
    assert name in message or (
        columns and all(re.search(rf"\.{column}\b", message) for column in columns)
    ), message


def test_a_recovery_of_a_negative_amount_is_rejected(world: World) -> None:
    with pytest.raises(IntegrityError, match="recovery_amount_positive"), transaction.atomic():
        recovery(world, {"amount_yuan": Decimal("-5.00")})


def test_two_admin_roles_are_rejected_even_at_the_same_node(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=world.sysadmin, organisation=world.jurisdiction, role=Role.SECADMIN
        )
    assert list(Membership.objects.filter(user=world.sysadmin).values_list("role", flat=True)) == [
        Role.SYSADMIN
    ]
