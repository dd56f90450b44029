"""The public portal: published reports without login, the feedback form and its receipt."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from tests.public.conftest import challenge_of
from tests.world import World
from zhenggai.audit.models import AuditEntry
from zhenggai.documents.models import Feedback, Report
from zhenggai.documents.report.feedback import answer_feedback
from zhenggai.documents.report.services import generate_report, generate_round_summary
from zhenggai.ledger.models import Problem


def post_feedback(client: Client, report: Report, message: str = "建议公开佐证材料。", **extra):
    page = client.get(reverse("public:report", args=[report.pk]))
    token, answer = challenge_of(page.content.decode())
    data = {
        "message": message,
        "name": "",
        "contact": "",
        "token": token,
        "answer": answer,
        **extra,
    }
    return client.post(reverse("public:report.feedback", args=[report.pk]), data)


def test_index_lists_only_published_reports(
    world: World, published: Report, anonymous: Client
) -> None:
    generate_report(inspection=world.b.inspection, actor=world.outsider_secretary)
    page = anonymous.get(reverse("public:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert published.title in html and "甲局" in html
    assert "乙局" not in html
    assert reverse("public:report", args=[published.pk]) in html


def test_report_page_shows_the_public_version_without_personal_data(
    world: World, anonymous: Client
) -> None:
    Problem.objects.filter(pk=world.a.problems[1].pk).update(is_public=False)
    from zhenggai.documents.report.services import publish_report

    report = publish_report(
        report=generate_report(inspection=world.a.inspection, actor=world.coordinator),
        actor=world.secretary,
    )
    html = anonymous.get(reverse("public:report", args=[report.pk])).content.decode()
    assert "甲局问题1" in html and "甲局问题2" not in html
    assert "按规定不予公开" in html
    for persona in ("coordinator", "secretary"):  # who generated or published it is not shown
        assert world.users[persona].display_name not in html
    assert 'name="message"' in html and "验证题" in html and 'class="zg-report"' in html


def test_unpublished_and_round_reports_are_not_public(world: World, anonymous: Client) -> None:
    draft = generate_report(inspection=world.a.inspection, actor=world.coordinator)
    summary = generate_round_summary(round=world.a.inspection.round, actor=world.office)
    for report in (draft, summary):
        assert anonymous.get(reverse("public:report", args=[report.pk])).status_code == 404
        assert anonymous.get(reverse("public:report.download", args=[report.pk])).status_code == 404


def test_wrong_methods(published: Report, anonymous: Client) -> None:
    assert anonymous.post(reverse("public:index")).status_code == 405
    assert anonymous.get(reverse("public:report.feedback", args=[published.pk])).status_code == 405
    assert anonymous.post(reverse("public:report", args=[published.pk])).status_code == 405


def test_feedback_is_received_routed_and_audited(
    world: World, published: Report, anonymous: Client
) -> None:
    response = post_feedback(anonymous, published, name="张三", contact="13800000000")
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert re.fullmatch(r"YJ\d{8}-[2-9A-Z]{8}", feedback.receipt)
    assert (
        response["Location"]
        == reverse("public:feedback.status", args=[feedback.receipt]) + "?new=1"
    )
    assert (feedback.unit, feedback.inspection, feedback.report) == (
        world.a.org,
        world.a.inspection,
        published,
    )
    assert feedback.sender_key and "203.0.113.7" not in feedback.sender_key
    entry = AuditEntry.objects.get(action="feedback.received")
    assert entry.actor is None and entry.organisation_id == world.a.org.pk
    assert entry.after["receipt"] == feedback.receipt
    status = anonymous.get(response["Location"]).content.decode()
    assert feedback.receipt in status and "待答复" in status
    assert "张三" not in status and "13800000000" not in status


def test_wrong_answer_and_replayed_challenge(published: Report, anonymous: Client) -> None:
    page = anonymous.get(reverse("public:report", args=[published.pk]))
    token, answer = challenge_of(page.content.decode())
    url = reverse("public:report.feedback", args=[published.pk])
    wrong = anonymous.post(url, {"message": "意见", "token": token, "answer": str(int(answer) + 1)})
    assert wrong.status_code == 400 and "验证题答案不正确" in wrong.content.decode()
    assert not Feedback.objects.exists()
    assert (
        anonymous.post(url, {"message": "意见", "token": token, "answer": answer}).status_code
        == 302
    )
    replay = anonymous.post(url, {"message": "再次", "token": token, "answer": answer})
    assert replay.status_code == 400 and "验证题已使用" in replay.content.decode()
    assert Feedback.objects.count() == 1


def test_expired_challenge(published: Report, anonymous: Client) -> None:
    page = anonymous.get(reverse("public:report", args=[published.pk]))
    token, answer = challenge_of(page.content.decode())
    url = reverse("public:report.feedback", args=[published.pk])
    later = __import__("time").time() + 31 * 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = anonymous.post(url, {"message": "意见", "token": token, "answer": answer})
    assert response.status_code == 400 and "验证题已过期" in response.content.decode()


def test_rate_limited_per_address(settings, published: Report, anonymous: Client) -> None:
    settings.ZHENGGAI_FEEDBACK_PER_HOUR = 2
    assert post_feedback(anonymous, published).status_code == 302
    assert post_feedback(anonymous, published).status_code == 302
    third = post_feedback(anonymous, published)
    assert third.status_code == 429 and "提交过于频繁" in third.content.decode()
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert post_feedback(other, published).status_code == 302
    assert Feedback.objects.count() == 3


@pytest.mark.parametrize("message", ["", "  ", "长" * 2001])
def test_bad_messages_are_refused(published: Report, anonymous: Client, message: str) -> None:
    assert post_feedback(anonymous, published, message=message).status_code == 400
    assert not Feedback.objects.exists()


def test_answer_is_shown_on_the_status_page(
    world: World, published: Report, anonymous: Client
) -> None:
    post_feedback(anonymous, published)
    feedback = Feedback.objects.get()
    answer_feedback(feedback=feedback, actor=world.coordinator, answer="已转相关处室办理。")
    html = anonymous.get(
        reverse("public:feedback.status", args=[feedback.receipt])
    ).content.decode()
    assert "已答复" in html and "已转相关处室办理。" in html
    assert world.coordinator.display_name not in html


def test_lookup_by_receipt(published: Report, anonymous: Client) -> None:
    post_feedback(anonymous, published)
    receipt = Feedback.objects.get().receipt
    found = anonymous.get(reverse("public:feedback.lookup"), {"receipt": receipt.lower()})
    assert found.status_code == 302 and receipt in found["Location"]
    missing = anonymous.get(reverse("public:feedback.lookup"), {"receipt": "YJ20990101-AAAAAAAA"})
    assert missing.status_code == 200 and "未找到该回执编号" in missing.content.decode()
    assert anonymous.get(reverse("public:feedback.status", args=["nope"])).status_code == 404


def test_download_and_style_sheet(published: Report, anonymous: Client) -> None:
    download = anonymous.get(reverse("public:report.download", args=[published.pk]))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    css = anonymous.get(reverse("public:report.css"))
    assert css["Content-Type"].startswith("text/css") and b".zg-report" in css.content
