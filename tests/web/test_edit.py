"""Building the ledger in the pages: categories, problems, measures, milestones, plan approval.

Each test posts through the page and asserts on the database and the audit log; bad
input comes back with status 400, the Chinese message next to the field (with its
English twin) and nothing saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.web.helpers import submitted, url
from tests.world import TODAY, World
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import (
    Category,
    Inspection,
    Measure,
    MeasureKind,
    MeasureStatus,
    Milestone,
    Problem,
)
from zhenggai.ledger.services import plan


def audited(action: str, obj: Any) -> bool:
    return AuditEntry.objects.filter(action=action, object_id=str(obj.pk)).exists()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def field_error(response, field: str, message: str) -> None:
    """The response is a 400 with ``message`` shown next to ``field``, in both languages."""
    assert response.status_code == 400
    body = response.content.decode()
    start = body.index(f'id="id_{field}-error"')
    assert message in body[start : start + 400]
    assert '<small lang="en">' in body[start : start + 600]
    assert 'aria-invalid="true"' in body


def measure_data(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "text": "建立理论学习台账,每季度通报学习情况",
        "group": "在学习制度落实方面",
        "kind": MeasureKind.DEADLINE,
        "responsible_leader": world.leader.pk,
        "lead_department": world.a.departments["综合处"].pk,
        "supporting_departments": [world.a.departments["信息中心"].pk],
        "deadline": "2026-12-31",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# ---------------------------------------------------------------- categories and problems


def test_coordinator_adds_a_category_then_a_problem(world: World, as_user) -> None:
    client = as_user("coordinator")
    inspection = world.a.inspection
    response = client.post(url("web:category.add", inspection.pk), {"title": "作风建设方面"})
    category = Category.objects.get(inspection=inspection, title="作风建设方面")
    assert category.number == "2" and category.position == 2
    assert audited("category.created", category)
    assert response.status_code == 302
    assert response["Location"] == url(
        "web:problem.add", inspection.pk, query=f"category={category.pk}"
    )

    page = client.get(response["Location"])
    assert f'<option value="{category.pk}" selected>' in page.content.decode()
    response = client.post(
        url("web:problem.add", inspection.pk),
        {"category": category.pk, "text": "  会议文件多、督查检查多。 "},
        follow=True,
    )
    problem = Problem.objects.get(inspection=inspection, category=category)
    assert problem.text == "会议文件多、督查检查多。" and problem.number == "3"
    assert audited("problem.created", problem)
    assert response.redirect_chain[-1][0] == url("web:problem.detail", problem.pk)
    assert messages_of(response) == ["已添加问题(3)。下一步:为该问题添加整改措施。"]
    assert "添加措施" in response.content.decode()


def test_category_needs_a_title(world: World, as_user) -> None:
    response = as_user("office").post(
        url("web:category.add", world.a.inspection.pk), {"title": " "}
    )
    field_error(response, "title", "请填写问题类别。")
    assert Category.objects.filter(inspection=world.a.inspection).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": ""}, "text", "请填写问题表现。"),
        ({"category": ""}, "category", "请选择问题类别。"),
        ({"category": "other"}, "category", "所选问题类别不属于本次巡察,请从列表中选择。"),
    ],
    ids=["no-text", "no-category", "other-unit-category"],
)
def test_problem_bad_input(world: World, as_user, data: dict, field: str, message: str) -> None:
    category = world.a.inspection.categories.get()
    other = world.b.inspection.categories.get()
    post = {"category": category.pk, "text": "问题表现", **data}
    if post["category"] == "other":
        post["category"] = other.pk
    response = as_user("coordinator").post(url("web:problem.add", world.a.inspection.pk), post)
    field_error(response, field, message)
    assert Problem.objects.filter(inspection=world.a.inspection).count() == 2


def test_problem_page_asks_for_a_category_first(world: World, as_user) -> None:
    inspection = plan.create_inspection(
        round=plan.create_round(jurisdiction=world.jurisdiction, name="2027年第一轮", year=2027),
        unit=world.a.org,
        unit_name="中共甲局党组",
        team="市委第二巡察组",
        period_start=dt.date(2027, 3, 1),
        period_end=dt.date(2027, 4, 1),
        feedback_date=dt.date(2027, 5, 1),
    )
    body = as_user("coordinator").get(url("web:problem.add", inspection.pk)).content.decode()
    assert "尚无问题类别 — 先添加问题类别" in body
    assert url("web:category.add", inspection.pk) in body
    assert '<form method="post" class="stack edit-form' not in body


# ---------------------------------------------------------------- measures


def test_coordinator_adds_a_measure(world: World, as_user) -> None:
    problem = world.a.problems[0]
    response = as_user("coordinator").post(
        url("web:measure.add", problem.pk), measure_data(world), follow=True
    )
    measure = Measure.objects.get(problem=problem, position=3)
    assert measure.text == "建立理论学习台账,每季度通报学习情况"
    assert measure.group == "在学习制度落实方面"
    assert measure.kind == MeasureKind.DEADLINE and measure.status == MeasureStatus.DRAFT
    assert measure.responsible_leader == world.leader
    assert measure.lead_department == world.a.departments["综合处"]
    assert list(measure.supporting_departments.all()) == [world.a.departments["信息中心"]]
    assert measure.deadline == dt.date(2026, 12, 31)
    assert measure.inspection == problem.inspection
    assert audited("measure.created", measure)
    assert response.redirect_chain[-1][0] == url("web:problem.detail", problem.pk)
    assert messages_of(response) == [
        "已添加措施(1-3)。下一步:主要负责人审批整改方案,审批后措施进入“整改中”。"
    ]


def test_measure_form_lists_only_the_units_people(world: World, as_user) -> None:
    body = as_user("coordinator").get(url("web:measure.add", world.a.problems[0].pk)).content
    body = body.decode()
    assert ">leader</option>" in body and ">leader2</option>" in body
    assert "outsider_leader" not in body and ">coordinator</option>" not in body
    assert body.count(">综合处</option>") == 1  # unit A's only (B's 综合处 is not offered)
    assert 'type="date"' in body and "(必填)" in body
    for label in ("立行立改", "限期整改", "长期坚持"):
        assert label in body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text": "  "}, "text", "请填写整改措施。"),
        ({"lead_department": "B"}, "lead_department", "所选牵头部门不属于本单位"),
        ({"supporting_departments": ["B"]}, "supporting_departments", "所选配合部门不属于本单位"),
        ({"responsible_leader": "outsider_leader"}, "responsible_leader", "不是本单位的分管领导"),
        ({"responsible_leader": "coordinator"}, "responsible_leader", "不是本单位的分管领导"),
        ({"deadline": ""}, "deadline", "立行立改和限期整改的措施须填写完成时限。"),
        ({"deadline": "2026/13/01"}, "deadline", "请按 2026-03-27 的格式填写日期。"),
        ({"kind": "forever"}, "kind", "请选择整改类型。"),
    ],
    ids=[
        "no-text",
        "lead-from-other-unit",
        "support-from-other-unit",
        "leader-of-other-unit",
        "not-a-leader",
        "no-deadline",
        "bad-date",
        "bad-kind",
    ],
)
def test_measure_bad_input(world: World, as_user, changes: dict, field: str, message: str) -> None:
    other_dept = world.b.departments["综合处"].pk
    resolved = {}
    for key, value in changes.items():
        if value == "B":
            value = other_dept
        elif value == ["B"]:
            value = [other_dept]
        elif key == "responsible_leader":
            value = world.users[value].pk
        resolved[key] = value
    problem = world.a.problems[0]
    response = as_user("coordinator").post(
        url("web:measure.add", problem.pk), measure_data(world, **resolved)
    )
    field_error(response, field, message)
    assert problem.measures.count() == 2
    assert not AuditEntry.objects.filter(action="measure.created", actor=world.coordinator).exists()


def test_ongoing_measure_needs_no_deadline(world: World, as_user) -> None:
    problem = world.a.problems[0]
    data = measure_data(world, kind=MeasureKind.ONGOING, deadline="", supporting_departments=None)
    response = as_user("coordinator").post(url("web:measure.add", problem.pk), data)
    assert response.status_code == 302
    measure = problem.measures.get(position=3)
    assert measure.deadline is None and measure.kind == MeasureKind.ONGOING


def edit_data(world: World, measure: Measure, **changes: Any) -> dict[str, Any]:
    current = {
        "text": measure.text,
        "deadline": measure.deadline.isoformat(),
        "version": measure.version,
    }
    return measure_data(world, **{**current, **changes})


def test_coordinator_edits_a_measure(world: World, as_user) -> None:
    measure = world.a.measures[0]
    client = as_user("coordinator")
    page = client.get(url("web:measure.edit", measure.pk)).content.decode()
    assert 'name="version" value="1"' in page and measure.text in page
    data = edit_data(
        world,
        measure,
        text="制定学习计划,按月检查并通报",
        responsible_leader=world.leader2.pk,
        supporting_departments=[],
        deadline="2027-01-15",
    )
    response = client.post(url("web:measure.edit", measure.pk), data, follow=True)
    measure.refresh_from_db()
    assert measure.text == "制定学习计划,按月检查并通报"
    assert measure.responsible_leader == world.leader2 and measure.version == 2
    assert measure.deadline == dt.date(2027, 1, 15)  # still a draft: the deadline may change
    assert not measure.supporting_departments.exists()
    entry = AuditEntry.objects.get(action="measure.updated", object_id=str(measure.pk))
    assert entry.before["version"] == 1 and entry.after["version"] == 2
    assert response.redirect_chain[-1][0] == url("web:measure.detail", measure.pk)
    assert messages_of(response)[0].startswith("已保存对措施的修改。下一步:")


def test_stale_edit_is_refused(world: World, as_user) -> None:
    measure = world.a.measures[0]
    stale = edit_data(world, measure, text="我的修改")
    plan.update_measure(measure=measure, actor=world.coordinator, text="他人的修改")
    response = as_user("coordinator").post(url("web:measure.edit", measure.pk), stale)
    assert response.status_code == 400
    body = response.content.decode()
    assert "该措施已被他人修改,请刷新后重试。" in body
    assert '<small lang="en">The measure changed since you opened it.</small>' in body
    assert "重新打开,显示最新内容" in body
    measure.refresh_from_db()
    assert measure.text == "他人的修改" and measure.version == 2


def test_a_form_without_version_is_stale(world: World, as_user) -> None:
    measure = world.a.measures[0]
    data = edit_data(world, measure, text="没有版本号")
    del data["version"]
    response = as_user("coordinator").post(url("web:measure.edit", measure.pk), data)
    assert response.status_code == 400 and "该措施已被他人修改" in response.content.decode()
    measure.refresh_from_db()
    assert measure.text != "没有版本号"


def test_original_deadline_is_kept_once_started(world: World, as_user) -> None:
    plan.approve_plan(inspection=world.a.inspection, actor=world.secretary)
    measure = Measure.objects.get(pk=world.a.measures[0].pk)
    assert measure.status == MeasureStatus.IN_PROGRESS
    client = as_user("coordinator")
    page = client.get(url("web:measure.edit", measure.pk)).content.decode()
    assert "readonly" in page and "原定完成时限不能修改" in page
    response = client.post(
        url("web:measure.edit", measure.pk), edit_data(world, measure, deadline="2027-06-30")
    )
    field_error(response, "deadline", "原定完成时限不能修改,请提出延期申请。")
    measure.refresh_from_db()
    assert measure.deadline == TODAY + dt.timedelta(days=30) and measure.version == 1
    # The same form with the deadline unchanged saves.
    response = client.post(
        url("web:measure.edit", measure.pk), edit_data(world, measure, text="改后的措施")
    )
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).text == "改后的措施"


def test_measure_under_review_is_not_edited(world: World, as_user) -> None:
    measure = submitted(world, world.a.measures[0])
    version = measure.version
    client = as_user("coordinator")
    page = client.get(url("web:measure.edit", measure.pk)).content.decode()
    assert "措施正在审核中,不能修改" in page and 'name="text"' not in page
    response = client.post(url("web:measure.edit", measure.pk), edit_data(world, measure))
    assert response.status_code == 400
    measure.refresh_from_db()
    assert measure.version == version and measure.status == MeasureStatus.SUBMITTED


# ---------------------------------------------------------------- milestones


def test_coordinator_adds_a_milestone_and_the_department_completes_it(
    world: World, as_user
) -> None:
    measure = world.a.measures[0]
    response = as_user("coordinator").post(
        url("web:milestone.add", measure.pk), {"title": "完成制度初稿", "due_date": "2026-12-10"}
    )
    milestone = Milestone.objects.get(measure=measure)
    assert milestone.title == "完成制度初稿" and milestone.due_date == dt.date(2026, 12, 10)
    assert audited("milestone.created", milestone)
    assert response["Location"].startswith(url("web:measure.detail", measure.pk))

    dept = as_user("dept")
    page = dept.get(url("web:measure.detail", measure.pk)).content.decode()
    assert url("web:milestone.done", milestone.pk) in page
    form = dept.get(url("web:milestone.done", milestone.pk)).content.decode()
    assert 'value="2026-11-28"' in form  # today by default
    response = dept.post(url("web:milestone.done", milestone.pk), {"done_on": "2026-11-27"})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == dt.date(2026, 11, 27)
    assert audited("milestone.completed", milestone)
    page = dept.get(url("web:measure.detail", measure.pk)).content.decode()
    assert url("web:milestone.done", milestone.pk) not in page and "2026-11-27 完成" in page

    blocked = dept.get(url("web:milestone.done", milestone.pk)).content.decode()
    assert "该节点已于2026年11月27日完成。" in blocked
    again = dept.post(url("web:milestone.done", milestone.pk), {"done_on": "2026-11-28"})
    assert again.status_code == 400 and "该节点已完成。" in again.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "due_date": "2026-12-01"}, "title", "请填写节点内容。"),
        ({"title": "初稿", "due_date": ""}, "due_date", "请填写节点时限。"),
        ({"title": "初稿", "due_date": "十二月"}, "due_date", "请按 2026-03-27 的格式填写日期。"),
    ],
    ids=["no-title", "no-date", "bad-date"],
)
def test_milestone_bad_input(world: World, as_user, data: dict, field: str, message: str) -> None:
    response = as_user("coordinator").post(url("web:milestone.add", world.a.measures[0].pk), data)
    field_error(response, field, message)
    assert not Milestone.objects.exists()


def test_milestone_cannot_be_done_in_the_future(world: World, as_user) -> None:
    milestone = plan.add_milestone(measure=world.a.measures[0], title="初稿", due_date=TODAY)
    response = as_user("coordinator").post(
        url("web:milestone.done", milestone.pk), {"done_on": "2026-12-01"}
    )
    field_error(response, "done_on", "完成日期不能晚于今天。")
    milestone.refresh_from_db()
    assert milestone.done_on is None


# ---------------------------------------------------------------- plan approval


def test_secretary_approves_the_plan(world: World, as_user) -> None:
    inspection = world.a.inspection
    client = as_user("secretary")
    ledger = client.get(url("web:ledger", inspection.pk)).content.decode()
    assert "未审批" in ledger and url("web:plan.approve", inspection.pk) in ledger
    page = client.get(url("web:plan.approve", inspection.pk)).content.decode()
    assert "中共甲局党组关于市委第一巡察组反馈意见的整改方案" in page
    assert "方案中 4 项草拟措施进入“整改中”" in page
    response = client.post(url("web:plan.approve", inspection.pk), follow=True)
    inspection.refresh_from_db()
    assert inspection.plan_approved_by == world.secretary and inspection.plan_approved_at
    assert set(inspection.measures.values_list("status", flat=True)) == {MeasureStatus.IN_PROGRESS}
    assert audited("inspection.plan_approved", inspection)
    assert messages_of(response) == [
        "已审批整改方案,4 项措施进入“整改中”。下一步:各牵头部门按完成时限报送整改进展。"
    ]
    body = response.content.decode()
    assert "已于" in body and url("web:plan.approve", inspection.pk) not in body

    again = client.post(url("web:plan.approve", inspection.pk))
    assert again.status_code == 400 and "整改方案已审批。" in again.content.decode()


def test_plan_without_measures_is_not_approved(world: World, as_user) -> None:
    Measure.objects.filter(inspection=world.a.inspection).delete()
    client = as_user("secretary")
    assert (
        "尚无整改措施"
        in client.get(url("web:plan.approve", world.a.inspection.pk)).content.decode()
    )
    response = client.post(url("web:plan.approve", world.a.inspection.pk))
    assert (
        response.status_code == 400 and "整改方案尚无措施,不能审批。" in response.content.decode()
    )
    assert Inspection.objects.get(pk=world.a.inspection.pk).plan_approved_at is None


# ---------------------------------------------------------------- who sees which button


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordinator", {"添加问题类别", "添加问题", "整改成果"}),
        ("office", {"添加问题类别", "添加问题", "整改成果"}),
        ("secretary", {"审批整改方案…", "整改成果"}),
        ("inspector", {"整改成果"}),
        ("dept", set()),
    ],
)
def test_ledger_buttons_follow_the_permissions(
    world: World, as_user, persona: str, expected: set[str]
) -> None:
    body = as_user(persona).get(url("web:ledger", world.a.inspection.pk)).content.decode()
    for label in ("审批整改方案…", "添加问题类别", "添加问题<", "整改成果"):
        assert (label in body) == (label.rstrip("<") in expected), label
    assert "整改方案" in body  # everyone sees the plan's status


@pytest.mark.parametrize(
    ("persona", "problem_button", "measure_buttons"),
    [
        ("coordinator", True, True),
        ("office", True, False),
        ("secretary", False, False),
        ("leader", False, False),
        ("dept", False, False),
    ],
)
def test_problem_and_measure_buttons(
    world: World, as_user, persona: str, problem_button: bool, measure_buttons: bool
) -> None:
    client = as_user(persona)
    problem_page = client.get(url("web:problem.detail", world.a.problems[0].pk)).content.decode()
    assert (url("web:measure.add", world.a.problems[0].pk) in problem_page) == problem_button
    measure = world.a.measures[0]
    page = client.get(url("web:measure.detail", measure.pk)).content.decode()
    assert (url("web:measure.edit", measure.pk) in page) == measure_buttons
    assert (url("web:milestone.add", measure.pk) in page) == measure_buttons


# ---------------------------------------------------------------- refusals on POST


def _posts(world: World) -> dict[str, tuple[str, tuple, dict]]:
    a, b = world.a, world.b
    milestone_a = plan.add_milestone(measure=a.measures[0], title="甲", due_date=TODAY)
    milestone_b = plan.add_milestone(measure=b.measures[0], title="乙", due_date=TODAY)
    return {
        "category": ("web:category.add", (a.inspection.pk,), (b.inspection.pk,)),
        "problem": ("web:problem.add", (a.inspection.pk,), (b.inspection.pk,)),
        "measure": ("web:measure.add", (a.problems[0].pk,), (b.problems[0].pk,)),
        "edit": ("web:measure.edit", (a.measures[0].pk,), (b.measures[0].pk,)),
        "milestone": ("web:milestone.add", (a.measures[0].pk,), (b.measures[0].pk,)),
        "done": ("web:milestone.done", (milestone_a.pk,), (milestone_b.pk,)),
        "plan": ("web:plan.approve", (a.inspection.pk,), (b.inspection.pk,)),
    }


def _snapshot() -> tuple:
    return (
        Category.objects.count(),
        Problem.objects.count(),
        list(Measure.objects.order_by("pk").values_list("version", "status", "text")),
        list(Milestone.objects.order_by("pk").values_list("done_on", flat=True)),
        list(Inspection.objects.values_list("plan_approved_at", flat=True)),
    )


@pytest.mark.parametrize(
    "view", ["category", "problem", "measure", "edit", "milestone", "done", "plan"]
)
def test_wrong_role_and_other_unit_cannot_post(world: World, as_user, view: str) -> None:
    name, own, other = _posts(world)[view]
    data = {
        **measure_data(world),
        "title": "标题",
        "category": world.a.inspection.categories.get().pk,
        "due_date": "2026-12-01",
        "done_on": "2026-11-28",
        "version": 1,
    }
    before = _snapshot()
    wrong = "inspector" if view != "plan" else "coordinator"
    assert as_user(wrong).post(url(name, *own), data).status_code == 403
    allowed = {"plan": "secretary", "done": "dept"}.get(view, "coordinator")
    assert as_user(allowed).post(url(name, *other), data).status_code == 404
    assert Client().post(url(name, *own), data).status_code == 302  # to the login page
    assert _snapshot() == before
