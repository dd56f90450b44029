"""The measure lifecycle (DESIGN §4, docs/workflow.md), as the services enforce it.

draft → in progress (first progress) → submitted (with evidence) → leader-approved →
closed (销号); a reviewer returns with a reason; the secretary or the office reopens.
Every transition is checked against the database and the audit log.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from tests.ledger.helpers import (
    assert_transitions,
    at,
    audit_mark,
    entries_since,
    png_file,
    reload,
    to_approved,
    to_closed,
    to_in_progress,
    to_submitted,
)
from tests.world import PDF, PNG, World, make_user, pdf_file
from zhenggai.accounts.models import Role
from zhenggai.accounts.services import grant_role
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import (
    Evidence,
    Measure,
    MeasureKind,
    MeasureStatus,
    Problem,
    ProblemStatus,
    ProgressUpdate,
    Review,
    ReviewDecision,
    ReviewStage,
)
from zhenggai.ledger.services import plan, workflow
from zhenggai.ledger.services.common import derive_problem_status
from zhenggai.ledger.services.workflow import PermissionRefused

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def problem_status(problem: Problem) -> str:
    return Problem.objects.values_list("status", flat=True).get(pk=problem.pk)


def counts() -> tuple[int, int, int]:
    return ProgressUpdate.objects.count(), Evidence.objects.count(), Review.objects.count()


# ------------------------------------------------------------------ progress and evidence


def test_progress_with_evidence_starts_the_measure_and_stores_the_files(world: World) -> None:
    measure = world.a.measures[0]
    mark = audit_mark()

    update = workflow.report_progress(
        measure=measure,
        actor=world.dept,
        text="  已召开专题会议部署。 ",
        files=[pdf_file("会议纪要.pdf"), png_file("现场照片.png")],
        now=at(0),
    )

    measure = reload(measure)
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert measure.last_progress_at == at(0)
    assert measure.version == 2
    stored = ProgressUpdate.objects.get()
    assert stored == update
    assert (stored.measure_id, stored.author_id, stored.text) == (
        measure.pk,
        world.dept.pk,
        "已召开专题会议部署。",
    )
    assert (stored.created_at, stored.is_completion_claim) == (at(0), False)

    by_name = {e.original_name: e for e in Evidence.objects.filter(progress=update)}
    assert set(by_name) == {"会议纪要.pdf", "现场照片.png"}
    for name, content, content_type in (
        ("会议纪要.pdf", PDF, "application/pdf"),
        ("现场照片.png", PNG, "image/png"),
    ):
        evidence = by_name[name]
        assert evidence.measure_id == measure.pk
        assert evidence.sha256 == hashlib.sha256(content).hexdigest()
        assert evidence.size == len(content)
        assert evidence.content_type == content_type
        assert (evidence.uploaded_by_id, evidence.uploaded_at) == (world.dept.pk, at(0))
        # Stored under a generated name, never the user's, inside the data directory.
        stored_name = Path(evidence.file.name).name
        assert stored_name == evidence.uuid.hex
        assert "会议纪要" not in evidence.file.name and "." not in stored_name
        path = Path(evidence.file.path).resolve()
        assert path.is_relative_to(Path(settings.DATA_DIR).resolve())
        assert path.read_bytes() == content

    assert problem_status(world.a.problems[0]) == ProblemStatus.IN_PROGRESS
    assert_transitions(
        mark,
        [
            ("evidence.uploaded", world.dept, None, None),
            ("evidence.uploaded", world.dept, None, None),
            (
                "measure.progress_reported",
                world.dept,
                MeasureStatus.DRAFT,
                MeasureStatus.IN_PROGRESS,
            ),
        ],
    )
    uploaded = entries_since(mark)[0]
    assert uploaded.object_type == "Evidence"
    assert uploaded.after["sha256"] == hashlib.sha256(PDF).hexdigest()
    reported = entries_since(mark)[-1]
    assert (reported.object_type, reported.object_id) == ("Measure", str(measure.pk))
    assert reported.organisation_id == world.a.org.pk


def test_content_type_comes_from_the_content_not_the_name(world: World) -> None:
    workflow.report_progress(
        measure=world.a.measures[0],
        actor=world.dept,
        text="照片",
        files=[("扫描件.pdf", BytesIO(PNG))],
        now=at(0),
    )
    assert Evidence.objects.get().content_type == "image/png"


def test_progress_without_text_is_refused(world: World) -> None:
    mark = audit_mark()
    with pytest.raises(DomainError) as exc:
        workflow.report_progress(
            measure=world.a.measures[0], actor=world.dept, text="   ", files=[pdf_file()], now=at(0)
        )
    assert exc.value.field == "text"
    assert reload(world.a.measures[0]).status == MeasureStatus.DRAFT
    assert counts() == (0, 0, 0)
    assert entries_since(mark) == []


# ------------------------------------------------------------------ the whole way


def test_lifecycle_from_draft_to_closed(world: World) -> None:
    measure, sibling = world.a.measures[0], world.a.measures[1]
    problem = world.a.problems[0]
    assert problem_status(problem) == ProblemStatus.NOT_STARTED

    mark = audit_mark()
    measure = to_in_progress(world, measure)
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert problem_status(problem) == ProblemStatus.IN_PROGRESS

    mark = audit_mark()
    workflow.submit_for_review(measure=measure, actor=world.dept, text="已全部完成。", now=at(1))
    measure = reload(measure)
    assert measure.status == MeasureStatus.SUBMITTED
    assert (measure.submitted_by_id, measure.submitted_at) == (world.dept.pk, at(1))
    claim = ProgressUpdate.objects.get(is_completion_claim=True)
    assert (claim.measure_id, claim.author_id, claim.text, claim.created_at) == (
        measure.pk,
        world.dept.pk,
        "已全部完成。",
        at(1),
    )
    assert_transitions(
        mark,
        [("measure.submitted", world.dept, MeasureStatus.IN_PROGRESS, MeasureStatus.SUBMITTED)],
    )

    mark = audit_mark()
    workflow.leader_review(
        measure=measure, actor=world.leader, approve=True, reason="同意", now=at(2)
    )
    measure = reload(measure)
    assert measure.status == MeasureStatus.APPROVED
    review = Review.objects.get()
    assert (review.stage, review.decision, review.reason) == (
        ReviewStage.LEADER,
        ReviewDecision.APPROVED,
        "同意",
    )
    assert (review.reviewer_id, review.submitter_id, review.created_at) == (
        world.leader.pk,
        world.dept.pk,
        at(2),
    )
    assert_transitions(
        mark,
        [
            (
                "measure.approved_by_leader",
                world.leader,
                MeasureStatus.SUBMITTED,
                MeasureStatus.APPROVED,
            )
        ],
    )

    mark = audit_mark()
    workflow.close_measure(measure=measure, actor=world.secretary, approve=True, now=at(3))
    measure = reload(measure)
    assert (measure.status, measure.closed_at) == (MeasureStatus.CLOSED, at(3))
    assert measure.submitted_by_id == world.dept.pk  # who claimed completion stays on record
    closure = Review.objects.get(stage=ReviewStage.CLOSURE)
    assert (closure.decision, closure.reviewer_id, closure.submitter_id) == (
        ReviewDecision.APPROVED,
        world.secretary.pk,
        world.dept.pk,
    )
    assert_transitions(
        mark, [("measure.closed", world.secretary, MeasureStatus.APPROVED, MeasureStatus.CLOSED)]
    )
    # The sibling measure is still a draft: the problem is not done yet.
    assert problem_status(problem) == ProblemStatus.IN_PROGRESS
    assert measure.version == 5

    to_closed(world, sibling)
    assert problem_status(problem) == ProblemStatus.DONE


# ------------------------------------------------------------------ submit


def test_submit_without_evidence_is_refused(world: World) -> None:
    measure = to_in_progress(world, world.a.measures[0], evidence=False)
    mark, before = audit_mark(), counts()
    with pytest.raises(DomainError, match="佐证材料") as exc:
        workflow.submit_for_review(measure=measure, actor=world.dept, text="已完成。", now=at(1))
    assert exc.value.field == "file"
    assert reload(measure).status == MeasureStatus.IN_PROGRESS
    assert reload(measure).submitted_by_id is None
    assert counts() == before
    assert entries_since(mark) == []


def test_submit_without_text_is_refused(world: World) -> None:
    measure = to_in_progress(world, world.a.measures[0])
    mark, before = audit_mark(), counts()
    with pytest.raises(DomainError) as exc:
        workflow.submit_for_review(measure=measure, actor=world.dept, text=" \n", now=at(1))
    assert exc.value.field == "text"
    assert reload(measure).status == MeasureStatus.IN_PROGRESS
    assert counts() == before
    assert entries_since(mark) == []


# ------------------------------------------------------------------ illegal transitions

Step = Callable[[World, Measure], object]

ILLEGAL: dict[str, tuple[Callable[[World, Measure], Measure], Step]] = {
    "close before the leader approved": (
        to_submitted,
        lambda w, m: workflow.close_measure(measure=m, actor=w.secretary, approve=True, now=at(5)),
    ),
    "close while in progress": (
        to_in_progress,
        lambda w, m: workflow.close_measure(measure=m, actor=w.secretary, approve=True, now=at(5)),
    ),
    "approve a draft": (
        lambda w, m: m,
        lambda w, m: workflow.leader_review(measure=m, actor=w.leader, approve=True, now=at(5)),
    ),
    "approve twice": (
        to_approved,
        lambda w, m: workflow.leader_review(measure=m, actor=w.leader, approve=True, now=at(5)),
    ),
    "submit twice": (
        to_submitted,
        lambda w, m: workflow.submit_for_review(
            measure=m, actor=w.dept, text="再次提交", now=at(5)
        ),
    ),
    "submit a closed measure": (
        to_closed,
        lambda w, m: workflow.submit_for_review(
            measure=m, actor=w.dept, text="再次提交", now=at(5)
        ),
    ),
    "progress while submitted": (
        to_submitted,
        lambda w, m: workflow.report_progress(measure=m, actor=w.dept, text="补充", now=at(5)),
    ),
    "progress while approved": (
        to_approved,
        lambda w, m: workflow.report_progress(measure=m, actor=w.dept, text="补充", now=at(5)),
    ),
    "progress on a closed deadline measure": (
        to_closed,
        lambda w, m: workflow.report_progress(measure=m, actor=w.dept, text="补充", now=at(5)),
    ),
    "reopen an open measure": (
        to_approved,
        lambda w, m: workflow.reopen_measure(
            measure=m, actor=w.secretary, reason="回头看", now=at(5)
        ),
    ),
    "close twice": (
        to_closed,
        lambda w, m: workflow.close_measure(measure=m, actor=w.secretary, approve=True, now=at(5)),
    ),
}


@pytest.mark.parametrize("case", ILLEGAL)
def test_illegal_transition_is_refused_in_chinese(world: World, case: str) -> None:
    prepare, step = ILLEGAL[case]
    measure = prepare(world, world.a.measures[0])
    before_status, before_version = measure.status, measure.version
    mark, before_counts = audit_mark(), counts()

    with pytest.raises(DomainError) as exc:
        step(world, measure)

    assert not isinstance(exc.value, PermissionRefused)  # the role was right, the state was not
    assert CHINESE.search(exc.value.message)
    after = reload(measure)
    assert (after.status, after.version) == (before_status, before_version)
    assert counts() == before_counts
    assert entries_since(mark) == []


def test_refusal_names_the_current_state(world: World) -> None:
    measure = to_submitted(world, world.a.measures[0])
    with pytest.raises(DomainError) as exc:
        workflow.close_measure(measure=measure, actor=world.secretary, approve=True, now=at(5))
    assert exc.value.message == "措施当前状态为“待审核”,不能销号。"


# ------------------------------------------------------------------ returns


def test_leader_returns_with_a_reason_and_the_department_resubmits(world: World) -> None:
    measure = to_submitted(world, world.a.measures[0])
    mark = audit_mark()

    workflow.leader_review(
        measure=measure, actor=world.leader, approve=False, reason=" 佐证不足 ", now=at(2)
    )

    measure = reload(measure)
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert (measure.submitted_by_id, measure.submitted_at) == (None, None)
    review = Review.objects.get()
    assert (review.stage, review.decision, review.reason) == (
        ReviewStage.LEADER,
        ReviewDecision.RETURNED,
        "佐证不足",
    )
    assert (review.reviewer_id, review.submitter_id) == (world.leader.pk, world.dept.pk)
    assert_transitions(
        mark,
        [
            (
                "measure.returned_by_leader",
                world.leader,
                MeasureStatus.SUBMITTED,
                MeasureStatus.IN_PROGRESS,
            )
        ],
    )
    assert problem_status(world.a.problems[0]) == ProblemStatus.IN_PROGRESS

    workflow.report_progress(
        measure=measure, actor=world.dept, text="补充材料", files=[pdf_file()], now=at(3)
    )
    workflow.submit_for_review(measure=measure, actor=world.dept, text="已补充", now=at(4))
    assert reload(measure).status == MeasureStatus.SUBMITTED


def test_secretary_returns_an_approved_measure_with_a_reason(world: World) -> None:
    measure = to_approved(world, world.a.measures[0])
    mark = audit_mark()

    workflow.close_measure(
        measure=measure, actor=world.secretary, approve=False, reason="需补充制度文件", now=at(3)
    )

    measure = reload(measure)
    assert (measure.status, measure.closed_at, measure.submitted_by_id) == (
        MeasureStatus.IN_PROGRESS,
        None,
        None,
    )
    review = Review.objects.get(stage=ReviewStage.CLOSURE)
    assert (review.decision, review.reason, review.reviewer_id, review.submitter_id) == (
        ReviewDecision.RETURNED,
        "需补充制度文件",
        world.secretary.pk,
        world.dept.pk,
    )
    assert_transitions(
        mark,
        [
            (
                "measure.returned_by_secretary",
                world.secretary,
                MeasureStatus.APPROVED,
                MeasureStatus.IN_PROGRESS,
            )
        ],
    )


@pytest.mark.parametrize("stage", ["leader", "closure"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_return_needs_a_reason(world: World, stage: str, reason: str) -> None:
    if stage == "leader":
        measure = to_submitted(world, world.a.measures[0])
        service, actor = workflow.leader_review, world.leader
    else:
        measure = to_approved(world, world.a.measures[0])
        service, actor = workflow.close_measure, world.secretary
    mark, before = audit_mark(), counts()
    with pytest.raises(DomainError) as exc:
        service(measure=measure, actor=actor, approve=False, reason=reason, now=at(3))
    assert exc.value.field == "reason"
    assert reload(measure).status == measure.status
    assert counts() == before
    assert entries_since(mark) == []


# ------------------------------------------------------------------ reopen


@pytest.mark.parametrize("who", ["secretary", "office"])
def test_reopen_a_closed_measure_with_a_reason(world: World, who: str) -> None:
    measure = to_closed(world, world.a.measures[0])
    actor = getattr(world, who)
    mark = audit_mark()

    workflow.reopen_measure(measure=measure, actor=actor, reason="回头看发现问题反弹", now=at(30))

    measure = reload(measure)
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert (measure.closed_at, measure.submitted_by_id, measure.submitted_at) == (None, None, None)
    assert measure.reopened_count == 1
    review = Review.objects.get(stage=ReviewStage.REOPEN)
    assert (review.decision, review.reason, review.reviewer_id, review.submitter_id) == (
        ReviewDecision.REOPENED,
        "回头看发现问题反弹",
        actor.pk,
        None,
    )
    assert review.created_at == at(30)
    assert_transitions(
        mark, [("measure.reopened", actor, MeasureStatus.CLOSED, MeasureStatus.IN_PROGRESS)]
    )
    assert problem_status(world.a.problems[0]) == ProblemStatus.IN_PROGRESS


def test_reopen_needs_a_reason(world: World) -> None:
    measure = to_closed(world, world.a.measures[0])
    mark = audit_mark()
    with pytest.raises(DomainError) as exc:
        workflow.reopen_measure(measure=measure, actor=world.secretary, reason=" ", now=at(30))
    assert exc.value.field == "reason"
    assert reload(measure).status == MeasureStatus.CLOSED
    assert entries_since(mark) == []


# ------------------------------------------------------------------ the problem's status


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], ProblemStatus.NOT_STARTED),
        ([("deadline", "draft"), ("ongoing", "draft")], ProblemStatus.NOT_STARTED),
        ([("deadline", "draft"), ("deadline", "in_progress")], ProblemStatus.IN_PROGRESS),
        ([("deadline", "closed"), ("deadline", "draft")], ProblemStatus.IN_PROGRESS),
        ([("deadline", "approved")], ProblemStatus.IN_PROGRESS),
        ([("deadline", "closed"), ("immediate", "closed")], ProblemStatus.DONE),
        ([("ongoing", "closed")], ProblemStatus.PARTIAL),
        ([("deadline", "closed"), ("ongoing", "closed")], ProblemStatus.PARTIAL),
        ([("deadline", "closed"), ("ongoing", "in_progress")], ProblemStatus.IN_PROGRESS),
    ],
)
def test_problem_status_is_derived_from_its_measures(
    pairs: list[tuple[str, str]], expected: str
) -> None:
    assert derive_problem_status(pairs) == expected


def _problem_with_ongoing_measure(world: World) -> tuple[Problem, Measure, Measure]:
    problem = plan.add_problem(
        category=world.a.problems[0].category, text="制度执行不经常。", actor=world.coordinator
    )
    kwargs = dict(
        problem=problem,
        responsible_leader=world.leader,
        lead_department=world.a.departments["综合处"],
        actor=world.coordinator,
    )
    once = plan.add_measure(text="修订学习制度", kind=MeasureKind.DEADLINE, **kwargs)
    ongoing = plan.add_measure(text="每季度检查制度执行", kind=MeasureKind.ONGOING, **kwargs)
    return problem, once, ongoing


def test_closed_ongoing_measure_makes_the_problem_partly_done_and_takes_progress(
    world: World,
) -> None:
    problem, once, ongoing = _problem_with_ongoing_measure(world)
    to_closed(world, once)
    assert (
        problem_status(problem) == ProblemStatus.IN_PROGRESS
    )  # the ongoing work has not closed yet
    to_closed(world, ongoing)
    assert problem_status(problem) == ProblemStatus.PARTIAL

    mark = audit_mark()
    workflow.report_progress(
        measure=ongoing,
        actor=world.dept,
        text="第一季度检查已完成。",
        files=[pdf_file("一季度.pdf")],
        now=at(90),
    )
    ongoing = reload(ongoing)
    assert ongoing.status == MeasureStatus.CLOSED
    assert ongoing.last_progress_at == at(90)
    assert ProgressUpdate.objects.filter(measure=ongoing, text="第一季度检查已完成。").exists()
    assert Evidence.objects.filter(measure=ongoing, original_name="一季度.pdf").exists()
    assert_transitions(
        mark,
        [
            ("evidence.uploaded", world.dept, None, None),
            ("measure.progress_reported", world.dept, MeasureStatus.CLOSED, MeasureStatus.CLOSED),
        ],
    )
    assert problem_status(problem) == ProblemStatus.PARTIAL

    workflow.reopen_measure(
        measure=once, actor=world.office, reason="回头看发现制度未执行", now=at(100)
    )
    assert problem_status(problem) == ProblemStatus.IN_PROGRESS


# ------------------------------------------------------- nobody reviews their own submission


def test_a_leader_cannot_approve_what_they_submitted(world: World) -> None:
    both = make_user("both")
    grant_role(user=both, organisation=world.a.departments["综合处"], role=Role.DEPARTMENT)
    grant_role(user=both, organisation=world.a.org, role=Role.LEADER)
    measure = plan.add_measure(
        problem=world.a.problems[0],
        text="本人牵头又分管的措施",
        responsible_leader=both,
        lead_department=world.a.departments["综合处"],
        actor=world.coordinator,
    )
    workflow.report_progress(
        measure=measure, actor=both, text="已完成", files=[pdf_file()], now=at(0)
    )
    workflow.submit_for_review(measure=measure, actor=both, text="已完成", now=at(1))
    mark = audit_mark()

    for approve in (True, False):
        with pytest.raises(DomainError, match="不能审核本人提交的事项"):
            workflow.leader_review(
                measure=measure, actor=both, approve=approve, reason="自审", now=at(2)
            )

    assert reload(measure).status == MeasureStatus.SUBMITTED
    assert not Review.objects.exists()
    assert entries_since(mark) == []


def test_a_secretary_cannot_close_what_they_submitted(world: World) -> None:
    both = make_user("secretary_in_department")
    grant_role(user=both, organisation=world.a.departments["综合处"], role=Role.DEPARTMENT)
    grant_role(user=both, organisation=world.a.org, role=Role.SECRETARY)
    measure = world.a.measures[0]
    workflow.report_progress(
        measure=measure, actor=both, text="已完成", files=[pdf_file()], now=at(0)
    )
    workflow.submit_for_review(measure=measure, actor=both, text="已完成", now=at(1))
    workflow.leader_review(measure=measure, actor=world.leader, approve=True, now=at(2))

    with pytest.raises(DomainError, match="不能审核本人提交的事项"):
        workflow.close_measure(measure=measure, actor=both, approve=True, now=at(3))
    assert reload(measure).status == MeasureStatus.APPROVED

    workflow.close_measure(measure=measure, actor=world.secretary, approve=True, now=at(3))
    assert reload(measure).status == MeasureStatus.CLOSED


def test_the_database_refuses_a_review_of_ones_own_submission(world: World) -> None:
    measure = to_submitted(world, world.a.measures[0])
    with pytest.raises(IntegrityError, match="review_not_own_submission"), transaction.atomic():
        Review.objects.create(
            measure=measure,
            stage=ReviewStage.LEADER,
            decision=ReviewDecision.APPROVED,
            reviewer=world.dept,
            submitter=world.dept,
            created_at=at(2),
        )
    # The same row by another reviewer is accepted: the constraint is about the pair.
    Review.objects.create(
        measure=measure,
        stage=ReviewStage.LEADER,
        decision=ReviewDecision.APPROVED,
        reviewer=world.leader,
        submitter=world.dept,
        created_at=at(2),
    )


# ------------------------------------------------------------------ who may do what

STEPS: dict[
    str, tuple[Callable[[World, Measure], Measure], Callable[[World, Measure, object], object], str]
] = {
    "report_progress": (
        lambda w, m: m,
        lambda w, m, u: workflow.report_progress(
            measure=m, actor=u, text="进展", files=[pdf_file()], now=at(5)
        ),
        MeasureStatus.IN_PROGRESS,
    ),
    "submit": (
        to_in_progress,
        lambda w, m, u: workflow.submit_for_review(measure=m, actor=u, text="已完成", now=at(5)),
        MeasureStatus.SUBMITTED,
    ),
    "leader_review": (
        to_submitted,
        lambda w, m, u: workflow.leader_review(measure=m, actor=u, approve=True, now=at(5)),
        MeasureStatus.APPROVED,
    ),
    "leader_return": (
        to_submitted,
        lambda w, m, u: workflow.leader_review(
            measure=m, actor=u, approve=False, reason="退回", now=at(5)
        ),
        MeasureStatus.IN_PROGRESS,
    ),
    "close": (
        to_approved,
        lambda w, m, u: workflow.close_measure(measure=m, actor=u, approve=True, now=at(5)),
        MeasureStatus.CLOSED,
    ),
    "reopen": (
        to_closed,
        lambda w, m, u: workflow.reopen_measure(measure=m, actor=u, reason="回头看", now=at(5)),
        MeasureStatus.IN_PROGRESS,
    ),
}

ALLOWED = {
    "report_progress": {"dept", "dept_support"},
    "submit": {"dept"},
    "leader_review": {"leader"},
    "leader_return": {"leader"},
    "close": {"secretary"},
    "reopen": {"secretary", "office"},
}

PERSONAS = [
    "office",
    "secretary",
    "leader",
    "leader2",
    "coordinator",
    "inspector",
    "dept",
    "dept_support",
    "outsider_secretary",
    "outsider_leader",
    "outsider_dept",
    "sysadmin",
    "secadmin",
    "auditadmin",
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("step", STEPS)
def test_role_matrix_on_unit_a_measures(world: World, step: str, persona: str) -> None:
    prepare, call, status_after = STEPS[step]
    measure = prepare(world, world.a.measures[0])
    actor = getattr(world, persona)
    mark, before_counts = audit_mark(), counts()

    if persona in ALLOWED[step]:
        call(world, measure, actor)
        assert reload(measure).status == status_after
        assert entries_since(mark)[-1].actor_id == actor.pk
        return

    with pytest.raises(PermissionRefused) as exc:
        call(world, measure, actor)
    assert CHINESE.search(exc.value.message)
    after = reload(measure)
    assert (after.status, after.version) == (measure.status, measure.version)
    assert counts() == before_counts
    assert entries_since(mark) == []


def test_unit_b_roles_are_refused_on_unit_a_even_in_their_own_role(world: World) -> None:
    """Same role names, wrong unit: the role is held at unit B, the measure belongs to A."""
    a_measure = to_approved(world, world.a.measures[0])
    with pytest.raises(PermissionRefused):
        workflow.close_measure(
            measure=a_measure, actor=world.outsider_secretary, approve=True, now=at(5)
        )
    b_measure = world.b.measures[0]
    with pytest.raises(PermissionRefused):
        workflow.report_progress(
            measure=b_measure, actor=world.dept, text="越权", files=[pdf_file()], now=at(5)
        )
    assert reload(b_measure).status == MeasureStatus.DRAFT
    workflow.report_progress(measure=b_measure, actor=world.outsider_dept, text="本单位", now=at(5))
    assert reload(b_measure).status == MeasureStatus.IN_PROGRESS


def test_submit_refused_without_responsible_leader(world):
    from tests.world import pdf_file
    from zhenggai.core.errors import DomainError
    from zhenggai.ledger.models import Measure, MeasureStatus
    from zhenggai.ledger.services import workflow

    measure = world.a.measures[0]
    Measure.objects.filter(pk=measure.pk).update(responsible_leader=None)
    workflow.report_progress(measure=measure, actor=world.dept, text="进展", files=[pdf_file()])
    with pytest.raises(DomainError) as caught:
        workflow.submit_for_review(measure=measure, actor=world.dept, text="已完成")
    assert caught.value.field == "responsible_leader"
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS
