from __future__ import annotations

import datetime as dt

import pytest

from tests.supervision.conftest import set_deadline
from tests.world import TODAY
from zhenggai.core.errors import DomainError
from zhenggai.documents.report.figures import inspection_figures
from zhenggai.ledger.models import Measure
from zhenggai.ledger.services.workflow import PermissionRefused
from zhenggai.supervision.models import ExtensionStatus
from zhenggai.supervision.services.extensions import (
    decide_extension,
    rebuild_extended_deadline,
    request_extension,
)
from zhenggai.web.lights import light_of, overdue_q

pytestmark = pytest.mark.django_db


def ask(world, measure, days=20, reason="需要协调上级部门"):
    return request_extension(
        measure=measure,
        actor=world.dept,
        new_deadline=TODAY + dt.timedelta(days=days),
        reason=reason,
    )


def test_approved_extension_is_kept_beside_the_original(world, measure):
    set_deadline(measure, -3)
    request = ask(world, measure)
    assert request.current_deadline == TODAY - dt.timedelta(days=3)
    decide_extension(request=request, actor=world.leader, approve=True)
    measure.refresh_from_db()
    assert measure.deadline == TODAY - dt.timedelta(days=3)
    assert measure.extended_deadline == TODAY + dt.timedelta(days=20)
    assert not Measure.objects.filter(overdue_q(TODAY), pk=measure.pk).exists()
    info = light_of(measure.status, measure.deadline, TODAY, measure.extended_deadline)
    assert info.extended and info.light != "overdue"
    figures = inspection_figures(world.a.inspection, TODAY)
    assert (figures.measures_overdue, figures.measures_extended) == (0, 1)
    assert rebuild_extended_deadline(measure) == measure.extended_deadline


def test_extended_and_then_overdue_is_overdue(world, measure):
    set_deadline(measure, -10)
    decide_extension(request=ask(world, measure, days=1), actor=world.secretary, approve=True)
    later = TODAY + dt.timedelta(days=2)
    figures = inspection_figures(world.a.inspection, later)
    assert (figures.measures_overdue, figures.measures_extended) == (1, 0)


def test_rights_and_rules(world, measure):
    set_deadline(measure, 5)
    with pytest.raises(PermissionRefused):
        request_extension(measure=measure, actor=world.leader, new_deadline=TODAY, reason="x")
    with pytest.raises(DomainError):
        ask(world, measure, days=5)  # not later than the current deadline
    with pytest.raises(DomainError):
        ask(world, measure, reason=" ")
    request = ask(world, measure)
    with pytest.raises(DomainError):
        ask(world, measure, days=30)  # one pending at a time
    with pytest.raises(PermissionRefused):
        decide_extension(request=request, actor=world.leader2, approve=True)
    with pytest.raises(PermissionRefused):
        decide_extension(request=request, actor=world.outsider_secretary, approve=True)
    with pytest.raises(DomainError):
        decide_extension(request=request, actor=world.leader, approve=False, reason="")
    decided = decide_extension(
        request=request, actor=world.leader, approve=False, reason="理由不充分"
    )
    assert decided.status == ExtensionStatus.REJECTED
    measure.refresh_from_db()
    assert measure.extended_deadline is None
