"""Data for the API tests: measures in every state, a report, flags, a webhook."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from tests.world import PDF, TODAY, World
from zhenggai.api.endpoints import create_endpoint
from zhenggai.api.models import WebhookEvent
from zhenggai.api.webhooks import emit
from zhenggai.documents.report.services import generate_report
from zhenggai.ledger.models import Measure
from zhenggai.ledger.services import plan, workflow
from zhenggai.quality.services import run_checks


def pdf(name: str = "证明.pdf") -> tuple[str, BytesIO]:
    return name, BytesIO(PDF)


def submitted(world: World, measure: Measure) -> Measure:
    workflow.report_progress(measure=measure, actor=world.dept, text="已完成整改", files=[pdf()])
    return workflow.submit_for_review(measure=measure, actor=world.dept, text="整改已完成")


def approved(world: World, measure: Measure) -> Measure:
    submitted(world, measure)
    return workflow.leader_review(measure=measure, actor=world.leader, approve=True, reason="同意")


def closed(world: World, measure: Measure) -> Measure:
    approved(world, measure)
    return workflow.close_measure(measure=measure, actor=world.secretary, approve=True)


def populate(world: World) -> dict[str, Measure]:
    """Unit A: one measure submitted, one approved, one closed, one overdue (draft)."""
    m_submitted, m_approved, m_closed, m_overdue = world.a.measures
    submitted(world, m_submitted)
    approved(world, m_approved)
    closed(world, m_closed)
    Measure.objects.filter(pk=m_overdue.pk).update(deadline=TODAY - dt.timedelta(days=3))
    plan.add_milestone(measure=m_overdue, title="制定方案", due_date=TODAY, actor=world.coordinator)
    return {
        "submitted": m_submitted,
        "approved": m_approved,
        "closed": m_closed,
        "overdue": m_overdue,
    }


def enrich(world: World) -> None:
    """Everything the API lists, so that generated requests meet real rows."""
    populate(world)
    generate_report(inspection=world.a.inspection, actor=world.coordinator, today=TODAY)
    run_checks(world.a.inspection)
    endpoint = create_endpoint(
        actor=world.coordinator,
        organisation=world.a.org,
        url="http://127.0.0.1:9/hook",
        events=[WebhookEvent.MEASURE_CLOSED],
    )
    emit(WebhookEvent.MEASURE_CLOSED, world.a.measures[2], world.a.org)
    assert endpoint.deliveries.exists()
