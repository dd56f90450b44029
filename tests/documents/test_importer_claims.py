"""Importing a published report keeps what it claims: closed measures and an approved plan."""

from __future__ import annotations

from zhenggai.accounts.models import OrganisationKind
from zhenggai.accounts.services import create_organisation
from zhenggai.core.demo import seed_text
from zhenggai.documents.importer import ImportOptions, import_ledger
from zhenggai.documents.ledger_json import to_ledger_json
from zhenggai.documents.readers import read_report
from zhenggai.ledger.models import MeasureStatus, ProblemStatus


def _import(world, claimed: bool):
    unit = create_organisation(
        name="宿迁市行政审批局", kind=OrganisationKind.UNIT, parent=world.jurisdiction
    )
    data = to_ledger_json(read_report(seed_text()))
    rnd = world.a.inspection.round
    return import_ledger(data, round=rnd, unit=unit, options=ImportOptions(claimed_status=claimed))


def test_claimed_report_has_an_approved_plan_and_closed_measures(world):
    inspection = _import(world, claimed=True)
    assert inspection.plan_approved_at is not None
    assert inspection.plan_approved_at.date().isoformat() == "2020-03-27"
    assert inspection.plan_approved_by is None
    assert not inspection.measures.exclude(status=MeasureStatus.CLOSED).exists()
    assert set(inspection.problems.values_list("status", flat=True)) == {ProblemStatus.PARTIAL}


def test_unclaimed_import_leaves_the_plan_for_the_secretary(world):
    inspection = _import(world, claimed=False)
    assert inspection.plan_approved_at is None
    assert not inspection.measures.filter(status=MeasureStatus.CLOSED).exists()
