"""回头看: reproducible 双随机 draws, risk sampling, failures reopen and mark 反弹."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.world import make_user
from zhenggai.accounts.models import Role
from zhenggai.accounts.services import grant_role
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Measure, MeasureStatus, Problem, Review
from zhenggai.ledger.services.workflow import PermissionRefused
from zhenggai.supervision.services.followup import create_check, record_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(world):
    Measure.objects.update(status=MeasureStatus.CLOSED, closed_at=timezone.now())
    for n in range(3):
        grant_role(user=make_user(f"checker{n}"), organisation=world.jurisdiction, role=Role.OFFICE)
    return world


def rnd(world):
    return world.a.inspection.round


def picked(check):
    return [(i.measure_id, i.checker_id) for i in check.items.all()]


def test_same_seed_same_draw(closed):
    first = create_check(
        rnd=rnd(closed), actor=closed.office, method="random", sample_size=3, seed=42
    )
    again = create_check(
        rnd=rnd(closed), actor=closed.office, method="random", sample_size=3, seed=42
    )
    assert picked(first) == picked(again) and len(picked(first)) == 3
    assert all(checker for _, checker in picked(first))
    assert first.seed == 42


def test_risk_prefers_returned_and_reopened(closed):
    risky = closed.b.measures[1]
    Measure.objects.filter(pk=risky.pk).update(reopened_count=2)
    Review.objects.create(
        measure=risky,
        stage="leader",
        decision="returned",
        reason="材料不全",
        reviewer=closed.outsider_leader,
        created_at=timezone.now(),
    )
    check = create_check(rnd=rnd(closed), actor=closed.office, method="risk", sample_size=1, seed=1)
    item = check.items.get()
    assert item.measure_id == risky.pk and item.risk == 8


def test_failure_reopens_and_marks_rebound(closed):
    check = create_check(
        rnd=rnd(closed), actor=closed.office, method="random", sample_size=8, seed=7
    )
    item = check.items.filter(measure__inspection=closed.a.inspection).first()
    with pytest.raises(PermissionRefused):
        record_result(item=item, actor=closed.secretary, passed=False, note="x")
    with pytest.raises(DomainError):
        record_result(item=item, actor=closed.office, passed=False, note="")
    record_result(item=item, actor=closed.office, passed=False, note="制度未执行")
    measure = Measure.objects.get(pk=item.measure_id)
    assert measure.status == MeasureStatus.IN_PROGRESS and measure.reopened_count == 1
    problem = Problem.objects.get(pk=measure.problem_id)
    assert problem.rebound and problem.rebound_on == timezone.localdate()
