"""The measure's workflow driven through the pages, asserting on the database afterwards."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tests.web.helpers import approved, submitted, url
from tests.world import PDF, PNG, World
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import (
    Evidence,
    Measure,
    MeasureStatus,
    Problem,
    ProblemStatus,
    ProgressUpdate,
    Review,
    ReviewDecision,
)
from zhenggai.ledger.services import workflow


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_whole_workflow_through_the_pages(world: World, as_user) -> None:
    """dept reports with a PDF → submits → leader approves → secretary closes → problem done."""
    problem = world.a.problems[0]
    measures = list(problem.measures.order_by("position"))
    dept, leader, secretary = as_user("dept"), as_user("leader"), as_user("secretary")

    for measure in measures:
        response = dept.post(
            url("web:measure.progress.add", measure.pk),
            {
                "text": "已召开专题会议并印发学习计划",
                "files": [upload("会议纪要.pdf", PDF), upload("签到表.png", PNG)],
            },
            follow=True,
        )
        assert response.status_code == 200
        assert "已报送进展,附佐证材料 2 个" in messages_of(response)[0]
        update = ProgressUpdate.objects.get(measure=measure)
        assert update.author == world.dept and update.text == "已召开专题会议并印发学习计划"
        assert sorted(e.original_name for e in update.evidence.all()) == [
            "会议纪要.pdf",
            "签到表.png",
        ]

        response = dept.post(
            url("web:measure.submit", measure.pk), {"text": "已全部完成"}, follow=True
        )
        measure.refresh_from_db()
        assert measure.status == MeasureStatus.SUBMITTED and measure.submitted_by == world.dept
        assert "下一步:由分管领导leader审核" in messages_of(response)[0]

        response = leader.post(
            url("web:measure.leader.approve", measure.pk), {"reason": "同意"}, follow=True
        )
        measure.refresh_from_db()
        assert measure.status == MeasureStatus.APPROVED
        assert "由主要负责人secretary销号" in messages_of(response)[0]

        problem.refresh_from_db()
        assert problem.status == ProblemStatus.IN_PROGRESS
        response = secretary.post(url("web:measure.close", measure.pk), {"reason": ""}, follow=True)
        measure.refresh_from_db()
        assert measure.status == MeasureStatus.CLOSED and measure.closed_at is not None

    problem.refresh_from_db()
    assert problem.status == ProblemStatus.DONE
    assert "当前状态:已完成" in messages_of(response)[0]
    stages = list(Review.objects.filter(measure=measures[0]).values_list("stage", "decision"))
    assert sorted(stages) == [("closure", "approved"), ("leader", "approved")]


def test_action_redirects_to_safe_next_only(world: World, as_user) -> None:
    measure = submitted(world, world.a.measures[0])
    response = as_user("leader").post(
        url("web:measure.leader.approve", measure.pk), {"reason": "", "next": url("web:reviews")}
    )
    assert response["Location"] == url("web:reviews")
    measure = approved(world, world.a.measures[1])
    response = as_user("secretary").post(
        url("web:measure.close", measure.pk), {"next": "https://evil.example/"}
    )
    assert response["Location"] == url("web:measure.detail", measure.pk)


@pytest.mark.parametrize(
    ("persona", "name", "prepare"),
    [
        ("leader", "web:measure.leader.return", submitted),
        ("secretary", "web:measure.close.return", approved),
    ],
)
def test_return_without_reason_is_400_and_changes_nothing(
    world: World, as_user, persona: str, name: str, prepare
) -> None:
    measure = prepare(world, world.a.measures[0])
    before = Measure.objects.get(pk=measure.pk)
    reviews = Review.objects.count()
    response = as_user(persona).post(url(name, measure.pk), {"reason": "   "})
    assert response.status_code == 400
    body = response.content.decode()
    assert "退回时必须填写理由。" in body  # the Chinese message names the field (理由)
    assert 'lang="en">A reason is required to return.' in body
    assert 'id="id_reason-error"' in body and 'aria-invalid="true"' in body
    after = Measure.objects.get(pk=measure.pk)
    assert (after.status, after.version) == (before.status, before.version)
    assert Review.objects.count() == reviews


def test_return_with_reason_goes_back_to_the_department(world: World, as_user) -> None:
    measure = submitted(world, world.a.measures[0])
    response = as_user("leader").post(
        url("web:measure.leader.return", measure.pk), {"reason": "缺少会议纪要"}, follow=True
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS and measure.submitted_by is None
    review = Review.objects.get(measure=measure)
    assert (review.decision, review.reason, review.reviewer) == (
        ReviewDecision.RETURNED,
        "缺少会议纪要",
        world.leader,
    )
    assert "由综合处按意见补充后重新提交" in messages_of(response)[0]
    # The department finds it first thing on its to-do page, with the reason.
    home = as_user("dept").get(url("web:home")).content.decode()
    assert "被退回或重新打开的措施" in home and "缺少会议纪要" in home


def test_reopen_requires_reason(world: World, as_user) -> None:
    measure = approved(world, world.a.measures[0])
    workflow.close_measure(measure=measure, actor=world.secretary, approve=True)
    office = as_user("office")
    response = office.post(url("web:measure.reopen", measure.pk), {"reason": ""})
    assert response.status_code == 400
    assert "重新打开时必须填写理由。" in response.content.decode()
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.CLOSED
    office.post(url("web:measure.reopen", measure.pk), {"reason": "回头看发现问题反弹"})
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS and measure.reopened_count == 1


def test_submit_without_evidence_is_refused(world: World, as_user) -> None:
    measure = world.a.measures[0]
    response = as_user("dept").post(url("web:measure.submit", measure.pk), {"text": "已完成"})
    assert response.status_code == 400
    assert "提交销号前请先上传佐证材料。" in response.content.decode()
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.DRAFT
    assert not ProgressUpdate.objects.filter(measure=measure).exists()


def test_action_in_wrong_state_is_400(world: World, as_user) -> None:
    measure = world.a.measures[0]  # a draft: nothing to approve yet
    response = as_user("leader").post(url("web:measure.leader.approve", measure.pk), {"reason": ""})
    assert response.status_code == 400
    assert "不能审核" in response.content.decode()
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.DRAFT
    page = as_user("leader").get(url("web:measure.leader.approve", measure.pk))
    assert "现在不能执行这一步" in page.content.decode()


def test_nobody_approves_their_own_submission(world: World, as_user) -> None:
    """A leader who is also the lead department's clerk cannot approve what they submitted."""
    from zhenggai.accounts.services import grant_role

    grant_role(user=world.leader, organisation=world.a.departments["综合处"], role="department")
    measure = world.a.measures[0]
    workflow.report_progress(
        measure=measure, actor=world.leader, text="进展", files=[("a.pdf", _pdf())]
    )
    workflow.submit_for_review(measure=measure, actor=world.leader, text="完成")
    response = as_user("leader").post(url("web:measure.leader.approve", measure.pk), {"reason": ""})
    assert response.status_code == 400
    assert "不能审核本人提交的事项。" in response.content.decode()
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.SUBMITTED


def _pdf():
    from io import BytesIO

    return BytesIO(PDF)


def test_exe_renamed_pdf_is_refused_and_nothing_saved(world: World, as_user) -> None:
    measure = world.a.measures[0]
    audit = AuditEntry.objects.count()
    response = as_user("dept").post(
        url("web:measure.progress.add", measure.pk),
        {
            "text": "进展",
            "files": [upload("证明.pdf", PDF), upload("报告.pdf", b"MZ\x90\x00" + b"\x00" * 200)],
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "文件“报告.pdf”的类型不允许上传" in body
    assert 'id="id_files-error"' in body
    assert "进展" in body  # the text the user typed is kept
    assert not ProgressUpdate.objects.filter(measure=measure).exists()
    assert not Evidence.objects.filter(measure=measure).exists()
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.DRAFT
    assert AuditEntry.objects.count() == audit


@override_settings(ZHENGGAI_EVIDENCE_MAX_BYTES=1024)
def test_oversized_file_is_refused_and_nothing_saved(world: World, as_user) -> None:
    measure = world.a.measures[0]
    big = PDF + b"%" + b"0" * 2048
    response = as_user("dept").post(
        url("web:measure.progress.add", measure.pk),
        {"text": "进展", "files": [upload("大文件.pdf", big)]},
    )
    assert response.status_code == 400
    assert "文件“大文件.pdf”超过大小上限" in response.content.decode()
    assert not ProgressUpdate.objects.filter(measure=measure).exists()
    assert not Evidence.objects.exists()


def test_progress_without_text_is_400(world: World, as_user) -> None:
    measure = world.a.measures[0]
    response = as_user("dept").post(url("web:measure.progress.add", measure.pk), {"text": ""})
    assert response.status_code == 400
    assert "请填写进展情况。" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_supporting_department_reports_but_cannot_submit(world: World, as_user) -> None:
    measure = world.a.measures[0]
    support = as_user("dept_support")
    response = support.post(
        url("web:measure.progress.add", measure.pk),
        {"text": "信息中心已完成系统配置", "files": [upload("a.pdf", PDF)]},
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.get(measure=measure).author == world.dept_support
    assert support.post(url("web:measure.submit", measure.pk), {"text": "完成"}).status_code == 403
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.IN_PROGRESS


def test_other_unit_cannot_act(world: World, as_user) -> None:
    measure = submitted(world, world.a.measures[0])
    response = as_user("outsider_leader").post(url("web:measure.leader.approve", measure.pk), {})
    assert response.status_code == 404
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.SUBMITTED


def test_confirmation_names_the_item_and_the_consequence(world: World, as_user) -> None:
    measure = submitted(world, world.a.measures[0])
    client = as_user("leader")
    page = client.get(url("web:measure.leader.return", measure.pk)).content.decode()
    assert "确认退回" in page and measure.text in page
    assert "由责任部门按意见补充后重新提交" in page
    assert '<form method="post"' in page and 'name="reason"' in page and "required" in page
    fragment = client.get(
        url("web:measure.leader.return", measure.pk), headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.content.decode() and "确认退回" in fragment.content.decode()


def test_problem_status_follows_closure_on_problem_page(world: World, as_user) -> None:
    problem = world.a.problems[0]
    for measure in problem.measures.all():
        approved(world, measure)
        workflow.close_measure(measure=measure, actor=world.secretary, approve=True)
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.DONE
    page = as_user("office").get(url("web:problem.detail", problem.pk)).content.decode()
    assert "已完成" in page
