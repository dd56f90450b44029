"""报告 pages: texts, preview, versions, downloads, publishing, round summary, feedback."""

from __future__ import annotations

from io import BytesIO

import pytest
from docx import Document

from tests.web.doc_helpers import make_feedback, make_report
from tests.web.helpers import url
from tests.world import World
from zhenggai.audit.models import AuditEntry
from zhenggai.documents.models import Feedback, FeedbackStatus, Report, ReportKind
from zhenggai.documents.report.pdf import PdfUnavailable
from zhenggai.ledger.models import Inspection, Measure

TEXTS = {
    "organisation_text": "局党组召开专题会议研究部署整改工作,成立整改工作领导小组。",
    "next_steps_text": "持续巩固整改成果,建立长效机制。",
    "phone": "0571-88888888",
    "address": "某市某路1号",
    "postcode": "310000",
    "email": "zgb@example.cn",
    "text": "",
    "report_date": "2026-11-30",
}


def text_of(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- the report page


def test_report_page_shows_preview_texts_and_generate(world: World, as_user) -> None:
    response = as_user("coordinator").get(url("web:report", world.a.inspection.pk))
    assert response.status_code == 200
    page = text_of(response)
    assert 'class="zg-report"' in page  # the live preview
    assert "/public/report.css" in page
    assert 'name="organisation_text"' in page and 'name="next_steps_text"' in page
    assert "生成第1版" in page
    assert "尚未生成报告" in page


def test_readers_see_preview_without_editing(world: World, as_user) -> None:
    page = text_of(as_user("leader").get(url("web:report", world.a.inspection.pk)))
    assert 'class="zg-report"' in page
    assert 'name="organisation_text"' not in page
    assert "生成第1版" not in page


def test_department_and_other_unit_are_refused(world: World, as_user) -> None:
    target = url("web:report", world.a.inspection.pk)
    assert as_user("dept").get(target).status_code == 403
    assert as_user("outsider_secretary").get(target).status_code == 404


def test_save_texts(world: World, as_user) -> None:
    target = url("web:report.texts", world.a.inspection.pk)
    response = as_user("coordinator").post(target, TEXTS)
    assert response.status_code == 302
    assert response["Location"].endswith("#preview")
    inspection = Inspection.objects.get(pk=world.a.inspection.pk)
    assert inspection.organisation_text == TEXTS["organisation_text"]
    assert inspection.contact["postcode"] == "310000"
    assert str(inspection.report_date) == "2026-11-30"
    assert AuditEntry.objects.filter(action="inspection.report_texts_updated").count() == 1
    page = text_of(as_user("coordinator").get(url("web:report", inspection.pk)))
    assert "成立整改工作领导小组" in page


def test_save_texts_bad_input_is_400_in_chinese(world: World, as_user) -> None:
    data = {**TEXTS, "organisation_text": "", "postcode": "12ab", "report_date": "2026-13-45"}
    response = as_user("coordinator").post(url("web:report.texts", world.a.inspection.pk), data)
    assert response.status_code == 400
    page = text_of(response)
    assert "请填写整改工作组织情况。" in page
    assert "邮政编码应为6位数字。" in page
    assert "请输入有效的日期" in page
    assert Inspection.objects.get(pk=world.a.inspection.pk).organisation_text == ""
    assert not AuditEntry.objects.filter(action="inspection.report_texts_updated").exists()


def test_save_texts_needs_the_right(world: World, as_user) -> None:
    target = url("web:report.texts", world.a.inspection.pk)
    assert as_user("leader").post(target, TEXTS).status_code == 403
    assert as_user("outsider_secretary").post(target, TEXTS).status_code == 404
    assert as_user("secretary").get(target).status_code == 200
    assert Inspection.objects.get(pk=world.a.inspection.pk).organisation_text == ""


# ---------------------------------------------------------------- versions


def test_generate_a_version(world: World, as_user) -> None:
    client = as_user("coordinator")
    target = url("web:report.generate", world.a.inspection.pk)
    assert "确认生成第1版" in text_of(client.get(target))
    response = client.post(target)
    report = Report.objects.get(inspection=world.a.inspection, kind=ReportKind.UNIT)
    assert response.status_code == 302
    assert response["Location"] == url("web:report.version", report.pk)
    assert report.version == 1 and report.created_by == world.coordinator
    assert AuditEntry.objects.filter(action="report.generated").count() == 1
    page = text_of(client.get(response["Location"]))
    assert "第1版" in page and "与台账一致" in page and 'class="zg-report"' in page
    page = text_of(client.get(url("web:report", world.a.inspection.pk)))
    assert "生成第2版" in page and "coordinator" in page


def test_generate_needs_the_right(world: World, as_user) -> None:
    target = url("web:report.generate", world.a.inspection.pk)
    assert as_user("leader").post(target).status_code == 403
    assert as_user("inspector").get(target).status_code == 403
    assert as_user("outsider_secretary").post(target).status_code == 404
    assert not Report.objects.exists()


def test_version_is_marked_stale_when_the_ledger_changes(world: World, as_user) -> None:
    report = make_report(world)
    Measure.objects.filter(pk=world.a.measures[0].pk).update(text="改写后的措施文字")
    client = as_user("leader")
    assert "台账已变化" in text_of(client.get(url("web:report", world.a.inspection.pk)))
    assert "台账已变化" in text_of(client.get(url("web:report.version", report.pk)))


def test_download_docx_opens_and_is_audited(world: World, as_user) -> None:
    report = make_report(world)
    response = as_user("leader").get(url("web:report.download", report.pk, "docx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    document = Document(BytesIO(response.content))
    assert any("巡察整改进展情况" in p.text for p in document.paragraphs)
    entry = AuditEntry.objects.get(action="report.exported")
    assert entry.after["format"] == "docx" and entry.actor == world.leader


def test_download_html_and_txt(world: World, as_user) -> None:
    report = make_report(world)
    client = as_user("coordinator")
    html = client.get(url("web:report.download", report.pk, "html"))
    assert html.status_code == 200 and "<html" in html.content.decode()
    txt = client.get(url("web:report.download", report.pk, "txt"))
    assert txt.status_code == 200 and "巡察整改" in txt.content.decode()


def test_download_unknown_format_is_400(world: World, as_user) -> None:
    report = make_report(world)
    response = as_user("coordinator").get(url("web:report.download", report.pk, "exe"))
    assert response.status_code == 400
    assert "不支持的格式" in text_of(response)
    assert not AuditEntry.objects.filter(action="report.exported").exists()


def test_pdf_without_converter_offers_the_docx(
    world: World, as_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zhenggai.documents.report import services

    def unavailable(document):
        raise PdfUnavailable("未安装 LibreOffice", "LibreOffice is not installed")

    monkeypatch.setattr(services, "write_pdf", unavailable)
    report = make_report(world)
    client = as_user("coordinator")
    response = client.get(url("web:report.download", report.pk, "pdf"))
    assert response.status_code == 302
    assert response["Location"] == url("web:report.version", report.pk)
    assert "请下载 Word 版本" in text_of(client.get(response["Location"]))


def test_versions_of_other_units_and_departments_are_404(world: World, as_user) -> None:
    report = make_report(world)
    for persona in ("outsider_secretary", "dept"):
        assert as_user(persona).get(url("web:report.version", report.pk)).status_code == 404
        target = url("web:report.download", report.pk, "docx")
        assert as_user(persona).get(target).status_code == 404


# ---------------------------------------------------------------- publishing


def test_secretary_publishes_and_withdraws(world: World, as_user) -> None:
    first = make_report(world, published=True)
    second = make_report(world)
    client = as_user("secretary")
    page = text_of(client.get(url("web:report.publish", second.pk)))
    assert "确认公开第2版" in page and "目前公开的第1版将同时撤回" in page
    response = client.post(url("web:report.publish", second.pk))
    assert response.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.is_published and not first.is_published
    assert "已公开第2版" in text_of(client.get(response["Location"]))
    assert "确认撤回第2版" in text_of(client.get(url("web:report.withdraw", second.pk)))
    assert client.post(url("web:report.withdraw", second.pk)).status_code == 302
    second.refresh_from_db()
    assert not second.is_published and second.withdrawn_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"report.published", "report.withdrawn"} <= actions


def test_only_the_secretary_publishes(world: World, as_user) -> None:
    report = make_report(world)
    for persona in ("coordinator", "leader", "office"):
        assert as_user(persona).get(url("web:report.publish", report.pk)).status_code == 403
        assert as_user(persona).post(url("web:report.publish", report.pk)).status_code == 403
    target = url("web:report.publish", report.pk)
    assert as_user("outsider_secretary").post(target).status_code == 404
    report.refresh_from_db()
    assert not report.is_published


def test_withdrawing_an_unpublished_version_is_400(world: World, as_user) -> None:
    report = make_report(world)
    response = as_user("secretary").post(url("web:report.withdraw", report.pk))
    assert response.status_code == 400
    assert "该报告未公开" in text_of(response)


# ---------------------------------------------------------------- round summary


def test_office_generates_and_downloads_the_round_summary(world: World, as_user) -> None:
    client = as_user("office")
    target = url("web:round.summary", world.a.inspection.round_id)
    page = text_of(client.get(target))
    assert "甲局" in page and "乙局" in page and "尚未生成轮次汇总" in page
    response = client.post(target)
    assert response.status_code == 302
    summary = Report.objects.get(kind=ReportKind.ROUND)
    assert summary.created_by == world.office
    page = text_of(client.get(target))
    assert "第1版预览" in page and 'class="zg-report"' in page
    download = client.get(url("web:report.download", summary.pk, "docx"))
    assert download.status_code == 200
    Document(BytesIO(download.content))


def test_round_summary_is_for_the_office(world: World, as_user) -> None:
    target = url("web:round.summary", world.a.inspection.round_id)
    assert as_user("secretary").get(target).status_code == 403
    assert as_user("coordinator").post(target).status_code == 403
    assert as_user("sysadmin").get(target).status_code == 404
    assert not Report.objects.exists()


# ---------------------------------------------------------------- 报告 index


def test_reports_index(world: World, as_user) -> None:
    make_report(world, published=True)
    page = text_of(as_user("coordinator").get(url("web:reports")))
    assert "甲局" in page and "乙局" not in page and "已公开" in page
    office = text_of(as_user("office").get(url("web:reports")))
    assert "乙局" in office and "轮次汇总" in office and "2026年第一轮" in office
    assert as_user("dept").get(url("web:reports")).status_code == 403


# ---------------------------------------------------------------- feedback


def test_feedback_inbox_and_answer(world: World, as_user) -> None:
    item = make_feedback(world)
    client = as_user("coordinator")
    home = text_of(client.get(url("web:home")))
    assert "待答复的公众意见建议" in home and url("web:feedback.inbox") in home
    inbox = text_of(client.get(url("web:feedback.inbox")))
    assert item.receipt in inbox and "建议公开学习制度的检查结果" in inbox
    response = client.post(url("web:feedback.answer", item.pk), {"answer": "已在官网公开。"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == FeedbackStatus.ANSWERED and item.answered_by == world.coordinator
    assert AuditEntry.objects.filter(action="feedback.answered").count() == 1
    assert "没有待答复的意见建议" in text_of(client.get(url("web:feedback.inbox")))
    assert "待答复的公众意见建议" not in text_of(client.get(url("web:home")))


def test_empty_answer_is_400(world: World, as_user) -> None:
    item = make_feedback(world)
    response = as_user("secretary").post(url("web:feedback.answer", item.pk), {"answer": "  "})
    assert response.status_code == 400
    assert "请填写答复内容。" in text_of(response)
    assert Feedback.objects.get(pk=item.pk).status == FeedbackStatus.NEW


def test_feedback_is_for_the_units_coordinator_and_secretary(world: World, as_user) -> None:
    item = make_feedback(world)
    assert as_user("leader").get(url("web:feedback.inbox")).status_code == 403
    target = url("web:feedback.answer", item.pk)
    assert as_user("leader").post(target, {"answer": "x"}).status_code == 403
    assert as_user("outsider_secretary").post(target, {"answer": "x"}).status_code == 404
    assert item.receipt not in text_of(as_user("outsider_secretary").get(url("web:feedback.inbox")))
    assert Feedback.objects.get(pk=item.pk).status == FeedbackStatus.NEW
