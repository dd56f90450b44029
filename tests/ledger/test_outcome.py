"""Outcomes of rectification: accountability (问责), institutions (建章立制), recovered funds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.ledger.helpers import audit_mark, entries_since
from tests.world import World, make_user
from zhenggai.accounts.models import Role
from zhenggai.accounts.services import grant_role
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import (
    Accountability,
    AccountabilityForm,
    Institution,
    InstitutionKind,
    Recovery,
)
from zhenggai.ledger.services import outcome
from zhenggai.ledger.services.workflow import PermissionRefused

DAY = dt.date(2026, 12, 10)


def _accountability(world: World, actor, **kwargs) -> Accountability:
    values = dict(
        inspection=world.a.inspection,
        actor=actor,
        form=AccountabilityForm.ADMONISHMENT,
        people=2,
        decided_on=DAY,
        description=" 对相关责任人诫勉谈话 ",
        problem=world.a.problems[0],
    )
    return outcome.record_accountability(**{**values, **kwargs})


# ------------------------------------------------------------------ accountability


@pytest.mark.parametrize("persona", ["inspector", "coordinator"])
def test_the_inspector_or_coordinator_records_accountability(world: World, persona: str) -> None:
    actor = getattr(world, persona)
    mark = audit_mark()
    item = _accountability(world, actor)

    stored = Accountability.objects.get(pk=item.pk)
    assert (stored.inspection_id, stored.problem_id, stored.form, stored.people) == (
        world.a.inspection.pk,
        world.a.problems[0].pk,
        AccountabilityForm.ADMONISHMENT,
        2,
    )
    assert (stored.decided_on, stored.description, stored.recorded_by_id) == (
        DAY,
        "对相关责任人诫勉谈话",
        actor.pk,
    )
    [entry] = entries_since(mark)
    assert (entry.action, entry.actor_id, entry.organisation_id, entry.object_id) == (
        "accountability.recorded",
        actor.pk,
        world.a.org.pk,
        str(item.pk),
    )
    assert entry.after == {"form": "admonishment", "people": 2, "decided_on": "2026-12-10"}


@pytest.mark.parametrize(
    "persona",
    [
        "dept",
        "dept_support",
        "leader",
        "secretary",
        "office",
        "outsider_secretary",
        "outsider_dept",
        "auditadmin",
    ],
)
def test_others_cannot_record_accountability(world: World, persona: str) -> None:
    mark = audit_mark()
    with pytest.raises(PermissionRefused):
        _accountability(world, getattr(world, persona))
    assert not Accountability.objects.exists()
    assert entries_since(mark) == []


def test_an_inspector_of_another_unit_cannot_record_accountability(world: World) -> None:
    other = make_user("inspector_b")
    grant_role(user=other, organisation=world.b.org, role=Role.INSPECTOR)
    with pytest.raises(PermissionRefused):
        _accountability(world, other)
    assert _accountability(
        world, other, inspection=world.b.inspection, problem=world.b.problems[0]
    ).pk
    assert list(Accountability.objects.values_list("inspection_id", flat=True)) == [
        world.b.inspection.pk
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"people": 0}, "people"),
        ({"form": "fine"}, "form"),
        ({"problem": "from unit B"}, "problem"),
    ],
)
def test_bad_accountability_is_refused(world: World, kwargs: dict, field: str) -> None:
    if kwargs.get("problem"):
        kwargs = {"problem": world.b.problems[0]}
    with pytest.raises(DomainError) as exc:
        _accountability(world, world.inspector, **kwargs)
    assert exc.value.field == field
    assert not Accountability.objects.exists()


# ------------------------------------------------------------------ institutions


def test_the_coordinator_records_an_institution_once(world: World) -> None:
    mark = audit_mark()
    item = outcome.record_institution(
        inspection=world.a.inspection,
        actor=world.coordinator,
        title=" 《学习制度》 ",
        kind=InstitutionKind.REVISED,
        document_number="甲党发〔2026〕3号",
        issued_on=DAY,
    )
    stored = Institution.objects.get(pk=item.pk)
    assert (
        stored.title,
        stored.kind,
        stored.document_number,
        stored.issued_on,
        stored.recorded_by_id,
    ) == ("《学习制度》", InstitutionKind.REVISED, "甲党发〔2026〕3号", DAY, world.coordinator.pk)
    [entry] = entries_since(mark)
    assert (entry.action, entry.actor_id, entry.organisation_id) == (
        "institution.recorded",
        world.coordinator.pk,
        world.a.org.pk,
    )
    assert entry.after == {
        "title": "《学习制度》",
        "kind": "revised",
        "document_number": "甲党发〔2026〕3号",
    }

    with pytest.raises(DomainError, match="已登记") as exc:
        outcome.record_institution(
            inspection=world.a.inspection, actor=world.coordinator, title="《学习制度》"
        )
    assert exc.value.field == "title"
    assert Institution.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"title": "  "}, "title"), ({"kind": "abolished"}, "kind")]
)
def test_bad_institution_is_refused(world: World, kwargs: dict, field: str) -> None:
    values = {
        "inspection": world.a.inspection,
        "actor": world.coordinator,
        "title": "《制度》",
        **kwargs,
    }
    with pytest.raises(DomainError) as exc:
        outcome.record_institution(**values)
    assert exc.value.field == field
    assert not Institution.objects.exists()


@pytest.mark.parametrize(
    "persona", ["inspector", "dept", "secretary", "office", "outsider_secretary"]
)
def test_only_the_coordinator_records_institutions_and_funds(world: World, persona: str) -> None:
    actor = getattr(world, persona)
    mark = audit_mark()
    with pytest.raises(PermissionRefused):
        outcome.record_institution(inspection=world.a.inspection, actor=actor, title="《制度》")
    with pytest.raises(PermissionRefused):
        outcome.record_recovery(
            inspection=world.a.inspection,
            actor=actor,
            amount_yuan=Decimal("100"),
            description="追回",
            recorded_on=DAY,
        )
    assert not Institution.objects.exists() and not Recovery.objects.exists()
    assert entries_since(mark) == []


# ------------------------------------------------------------------ recovered funds


def test_the_coordinator_records_recovered_funds(world: World) -> None:
    mark = audit_mark()
    item = outcome.record_recovery(
        inspection=world.a.inspection,
        actor=world.coordinator,
        amount_yuan=Decimal("12345.67"),
        description=" 追回违规发放补贴 ",
        recorded_on=DAY,
        problem=world.a.problems[1],
    )
    stored = Recovery.objects.get(pk=item.pk)
    assert (stored.amount_yuan, stored.description, stored.problem_id, stored.recorded_by_id) == (
        Decimal("12345.67"),
        "追回违规发放补贴",
        world.a.problems[1].pk,
        world.coordinator.pk,
    )
    [entry] = entries_since(mark)
    assert (entry.action, entry.actor_id, entry.after) == (
        "recovery.recorded",
        world.coordinator.pk,
        {"amount_yuan": "12345.67", "recorded_on": "2026-12-10"},
    )


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-0.01")])
def test_a_recovery_must_be_positive(world: World, amount: Decimal) -> None:
    with pytest.raises(DomainError) as exc:
        outcome.record_recovery(
            inspection=world.a.inspection,
            actor=world.coordinator,
            amount_yuan=amount,
            description="追回",
            recorded_on=DAY,
        )
    assert exc.value.field == "amount_yuan"
    assert not Recovery.objects.exists()
