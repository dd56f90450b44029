"""Quality flags on the pages: markers, dismissing, acknowledging before approval, 体检."""

from __future__ import annotations

from io import BytesIO

import pytest
from docx import Document

from tests.web.doc_helpers import make_flag
from tests.web.helpers import approved, submitted, url
from tests.world import World
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import Measure, MeasureStatus
from zhenggai.quality.models import Flag, FlagStatus

REUSED = (
    "完善内控制度。整改期间,组织对招标文件备案、开标评标监管、保证金退付、政府采购业务办理、"
    "网络安全等23项内控制度进行修订完善,进一步堵塞监管漏洞,简化办事流程,提升工作效能。"
)


def text_of(response) -> str:
    return response.content.decode()


def status_of(flag: Flag) -> str:
    return Flag.objects.get(pk=flag.pk).status


# ---------------------------------------------------------------- where flags show


def test_measure_page_shows_the_flag_with_its_quote(world: World, as_user) -> None:
    make_flag(world)
    page = text_of(as_user("leader").get(url("web:measure.detail", world.a.measures[0].pk)))
    assert 'id="flags"' in page and "措施空泛" in page
    assert "<mark>加强学习</mark>" in page
    assert 'name="reason"' in page  # the leader may dismiss it
    other = text_of(as_user("leader").get(url("web:measure.detail", world.a.measures[1].pk)))
    assert 'id="flags"' not in other


def test_readers_see_flags_without_the_dismiss_form(world: World, as_user) -> None:
    make_flag(world)
    page = text_of(as_user("inspector").get(url("web:measure.detail", world.a.measures[0].pk)))
    assert "措施空泛" in page and 'name="reason"' not in page


def test_problem_page_shows_problem_flags(world: World, as_user) -> None:
    make_flag(world, rule="count_mismatch", severity="medium", problem_only=True)
    page = text_of(as_user("coordinator").get(url("web:problem.detail", world.a.problems[0].pk)))
    assert "措施数量与所列不符" in page


def test_ledger_row_carries_an_amber_marker(world: World, as_user) -> None:
    make_flag(world)
    page = text_of(as_user("coordinator").get(url("web:ledger", world.a.inspection.pk)))
    assert page.count('class="flag-marker"') == 1
    assert "1 条提示" in page


def test_review_queue_carries_the_marker(world: World, as_user) -> None:
    submitted(world, world.a.measures[0])
    make_flag(world)
    page = text_of(as_user("leader").get(url("web:reviews")))
    assert 'class="flag-marker"' in page


# ---------------------------------------------------------------- dismissing


def test_dismiss_with_reason(world: World, as_user) -> None:
    flag = make_flag(world)
    measure_url = url("web:measure.detail", world.a.measures[0].pk)
    response = as_user("leader").post(
        url("web:flag.dismiss", flag.pk),
        {"reason": "措施已写明每月检查,属具体安排。"},
        HTTP_REFERER=f"http://testserver{measure_url}",
    )
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{measure_url}"
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED and flag.dismissed_by == world.leader
    entry = AuditEntry.objects.get(action="quality.flag_dismissed")
    assert entry.after["reason"] == "措施已写明每月检查,属具体安排。"
    page = text_of(as_user("coordinator").get(measure_url))
    assert "已排除" in page and "属具体安排" in page


def test_dismiss_without_reason_is_400(world: World, as_user) -> None:
    flag = make_flag(world)
    response = as_user("coordinator").post(url("web:flag.dismiss", flag.pk), {"reason": " "})
    assert response.status_code == 400
    assert "排除提示时必须填写理由" in text_of(response)
    assert status_of(flag) == FlagStatus.OPEN


def test_dismiss_needs_the_right(world: World, as_user) -> None:
    flag = make_flag(world)
    target = url("web:flag.dismiss", flag.pk)
    for persona in ("inspector", "office", "dept"):
        assert as_user(persona).post(target, {"reason": "x"}).status_code == 403
    assert as_user("outsider_secretary").post(target, {"reason": "x"}).status_code == 404
    assert as_user("secretary").get(target).status_code == 200
    assert status_of(flag) == FlagStatus.OPEN


def test_dismissing_twice_is_400(world: World, as_user) -> None:
    flag = make_flag(world)
    client = as_user("secretary")
    client.post(url("web:flag.dismiss", flag.pk), {"reason": "核实无误"})
    response = client.post(url("web:flag.dismiss", flag.pk), {"reason": "再次"})
    assert response.status_code == 400
    assert "该提示已被排除" in text_of(response)


# ---------------------------------------------------------------- acknowledging before approval


def test_approval_shows_and_requires_the_acknowledgement(world: World, as_user) -> None:
    measure = submitted(world, world.a.measures[0])
    flag = make_flag(world, measure)
    client = as_user("leader")
    target = url("web:measure.leader.approve", measure.pk)
    confirmation = text_of(client.get(target))
    assert "该措施有 1 条待处理的体检提示" in confirmation
    assert 'name="ack_reason"' in confirmation and f'value="{flag.pk}"' in confirmation
    response = client.post(target, {"reason": "同意", "ack_flags": str(flag.pk)})
    assert response.status_code == 400
    assert "请填写处理意见" in text_of(response)
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.SUBMITTED
    assert status_of(flag) == FlagStatus.OPEN
    response = client.post(
        target, {"reason": "同意", "ack_flags": str(flag.pk), "ack_reason": "已核实会议纪要"}
    )
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.APPROVED
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED and flag.dismiss_reason == "已核实会议纪要"
    assert "已按所填理由排除体检提示1条" in text_of(client.get(response["Location"]))


def test_flags_that_changed_since_the_confirmation_are_refused(world: World, as_user) -> None:
    measure = submitted(world, world.a.measures[0])
    seen = make_flag(world, measure)
    make_flag(world, measure, rule="pending_claim", severity="high")
    response = as_user("leader").post(
        url("web:measure.leader.approve", measure.pk),
        {"reason": "同意", "ack_flags": str(seen.pk), "ack_reason": "已核实"},
    )
    assert response.status_code == 400
    assert "体检提示有变化" in text_of(response)
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.SUBMITTED
    assert status_of(seen) == FlagStatus.OPEN


def test_closure_waits_for_problem_flags(world: World, as_user) -> None:
    measure = approved(world, world.a.measures[0])
    flag = make_flag(world, measure, rule="count_mismatch", problem_only=True)
    client = as_user("secretary")
    target = url("web:measure.close", measure.pk)
    assert "措施数量与所列不符" in text_of(client.get(target))
    assert client.post(target, {"reason": ""}).status_code == 400
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.APPROVED
    data = {"reason": "", "ack_flags": str(flag.pk), "ack_reason": "另两项措施已并入"}
    assert client.post(target, data).status_code == 302
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.CLOSED
    assert status_of(flag) == FlagStatus.DISMISSED


def test_returning_needs_no_acknowledgement(world: World, as_user) -> None:
    measure = submitted(world, world.a.measures[0])
    flag = make_flag(world, measure)
    target = url("web:measure.leader.return", measure.pk)
    assert as_user("leader").post(target, {"reason": "措施空泛,请补充"}).status_code == 302
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.IN_PROGRESS
    assert status_of(flag) == FlagStatus.OPEN


def test_without_flags_approval_is_unchanged(world: World, as_user) -> None:
    measure = submitted(world, world.a.measures[0])
    client = as_user("leader")
    assert "体检提示" not in text_of(client.get(url("web:measure.leader.approve", measure.pk)))
    assert (
        client.post(url("web:measure.leader.approve", measure.pk), {"reason": ""}).status_code
        == 302
    )


# ---------------------------------------------------------------- the 体检 page


@pytest.fixture
def reused(world: World) -> World:
    for m in (world.a.measures[1], world.a.measures[3]):
        Measure.objects.filter(pk=m.pk).update(text=REUSED)
    return world


def test_rerun_checks_and_read_the_report(reused: World, as_user) -> None:
    client = as_user("coordinator")
    target = url("web:quality.check", reused.a.inspection.pk)
    assert "尚未体检" in text_of(client.get(target))
    response = client.post(url("web:quality.run", reused.a.inspection.pk))
    assert response.status_code == 302 and response["Location"] == target
    flags = Flag.objects.filter(inspection=reused.a.inspection)
    assert flags.filter(rule="reused_text").exists()
    assert AuditEntry.objects.filter(action="quality.checked").count() == 1
    page = text_of(client.get(target))
    assert "体检完成" in page and "最近一次体检" in page and "措施文字重复使用" in page
    assert 'name="reason"' in page
    docx = client.get(url("web:quality.download", reused.a.inspection.pk, "docx"))
    assert docx.status_code == 200
    assert "形式整改体检报告" in Document(BytesIO(docx.content)).paragraphs[0].text
    html = client.get(url("web:quality.download", reused.a.inspection.pk, "html"))
    assert html.status_code == 200 and "形式整改体检报告" in text_of(html)


def test_rerun_needs_the_right(world: World, as_user) -> None:
    target = url("web:quality.run", world.a.inspection.pk)
    for persona in ("leader", "inspector"):
        assert as_user(persona).post(target).status_code == 403
    assert as_user("outsider_secretary").post(target).status_code == 404
    assert as_user("dept").get(url("web:quality.check", world.a.inspection.pk)).status_code == 403
    assert not AuditEntry.objects.filter(action="quality.checked").exists()
    assert as_user("office").post(target).status_code == 302


def test_check_download_unknown_format_is_404(world: World, as_user) -> None:
    target = url("web:quality.download", world.a.inspection.pk, "exe")
    assert as_user("coordinator").get(target).status_code == 404


def test_office_overview_links_to_each_check_page(world: World, as_user) -> None:
    make_flag(world, severity="high", rule="pending_claim")
    response = as_user("office").get(url("web:quality.overview"))
    assert response.status_code == 200
    page = text_of(response)
    assert url("web:quality.check", world.a.inspection.pk) in page
    assert url("web:quality.check", world.b.inspection.pk) in page
    assert "称已完成但仍在计划中 1" in page
    assert page.index("甲局") < page.index("乙局")
    assert as_user("coordinator").get(url("web:quality.overview")).status_code == 403
