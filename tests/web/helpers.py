"""Data for the page tests: measures in every state, and more of them on demand."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.urls import reverse

from tests.world import PDF, TODAY, World
from zhenggai.ledger.models import Measure, MeasureKind
from zhenggai.ledger.services import plan, workflow


def pdf(name: str = "证明.pdf") -> tuple[str, BytesIO]:
    return name, BytesIO(PDF)


def submitted(world: World, measure: Measure) -> Measure:
    workflow.report_progress(measure=measure, actor=world.dept, text="已完成整改", files=[pdf()])
    return workflow.submit_for_review(
        measure=measure, actor=world.dept, text="整改已完成,佐证已上传"
    )


def approved(world: World, measure: Measure) -> Measure:
    submitted(world, measure)
    return workflow.leader_review(measure=measure, actor=world.leader, approve=True, reason="同意")


def returned(world: World, measure: Measure) -> Measure:
    submitted(world, measure)
    return workflow.leader_review(
        measure=measure, actor=world.leader, approve=False, reason="佐证不足,请补充会议纪要"
    )


def populate(world: World) -> dict[str, Measure]:
    """Unit A with a measure waiting in every queue.

    submitted (leader's review), approved (secretary's closure), returned (back to the
    department), overdue (coordinator's urgent list) and one without a lead department.
    """
    a = world.a
    m_submitted, m_approved, m_returned, m_overdue = a.measures
    submitted(world, m_submitted)
    approved(world, m_approved)
    returned(world, m_returned)
    Measure.objects.filter(pk=m_overdue.pk).update(deadline=TODAY - dt.timedelta(days=3))
    unassigned = plan.add_measure(
        problem=a.problems[1],
        text="建立长效学习机制",
        kind=MeasureKind.ONGOING,
        responsible_leader=world.leader,
        deadline=TODAY + dt.timedelta(days=60),
    )
    return {
        "submitted": m_submitted,
        "approved": m_approved,
        "returned": m_returned,
        "overdue": m_overdue,
        "unassigned": unassigned,
    }


def grow(world: World, problems: int) -> None:
    """Add ``problems`` problems to unit A, each with measures in several states."""
    a = world.a
    category = plan.add_category(inspection=a.inspection, title="作风建设方面")
    for p in range(problems):
        problem = plan.add_problem(category=category, text=f"补充问题{p + 1}:工作作风不实。")
        made = [
            plan.add_measure(
                problem=problem,
                text=f"补充措施{p + 1}-{m + 1}",
                kind=MeasureKind.DEADLINE,
                responsible_leader=world.leader,
                lead_department=a.departments["综合处"],
                supporting_departments=[a.departments["信息中心"]],
                deadline=TODAY + dt.timedelta(days=m * 7 - 5),
            )
            for m in range(4)
        ]
        submitted(world, made[0])
        approved(world, made[1])
        returned(world, made[2])


def url(name: str, *args: object, query: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "")
