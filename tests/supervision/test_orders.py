"""Supervision orders: numbering, escalation order and addressees, answers, the .docx."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.utils import timezone
from docx import Document

from tests.world import TODAY
from zhenggai.core.errors import DomainError
from zhenggai.ledger.services.workflow import PermissionRefused
from zhenggai.supervision.docx import cn_date, order_docx
from zhenggai.supervision.models import Notification, OrderStatus
from zhenggai.supervision.services.orders import (
    answer_order,
    escalate,
    issue_order,
    review_order,
)

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 3, 5, 9, 0))


def issue(world, **kw):
    return issue_order(
        inspection=world.a.inspection,
        actor=world.office,
        measures=world.a.measures[:2],
        subject="学习制度落实不到位问题整改",
        due_date=dt.date(2026, 3, 20),
        now=NOW,
        **kw,
    )


def test_numbered_orders_and_rights(world):
    first, second = issue(world), issue(world)
    assert (first.number, second.number) == ("督〔2026〕1号", "督〔2026〕2号")
    with pytest.raises(PermissionRefused):
        issue_order(
            inspection=world.a.inspection,
            actor=world.coordinator,
            measures=world.a.measures[:1],
            subject="x",
            due_date=dt.date(2026, 3, 20),
            now=NOW,
        )
    with pytest.raises(DomainError):
        issue_order(
            inspection=world.a.inspection,
            actor=world.office,
            measures=world.b.measures[:1],
            subject="x",
            due_date=dt.date(2026, 3, 20),
            now=NOW,
        )


def test_escalation_steps_in_order_to_the_right_level(world):
    order = issue(world)
    assert Notification.objects.filter(user=world.dept, title__contains="督办通知书").exists()
    assert escalate(order, dt.date(2026, 3, 10)) == []  # nothing due yet
    steps = [
        escalate(order, day)
        for day in (
            dt.date(2026, 3, 17),
            dt.date(2026, 3, 21),
            dt.date(2026, 4, 4),
            dt.date(2026, 4, 5),
        )
    ]
    kinds = [[n.kind for n in s] for s in steps]
    assert kinds == [["reminder"], ["warning"], [], ["accountability"]]
    notices = list(order.notices.order_by("step"))
    assert [n.title for n in notices] == ["督办通知书", "提醒书", "告诫书", "问责书"]
    assert [n.number for n in notices] == [f"督〔2026〕{i}号" for i in (1, 2, 3, 4)]
    addressed = [{u.username for u in n.addressees.all()} for n in notices]
    assert addressed == [{"dept"}, {"leader"}, {"secretary"}, {"secretary"}]
    assert Notification.objects.filter(user=world.secretary, title__contains="告诫书").exists()


def test_late_run_catches_up_in_order_and_answer_stops_escalation(world):
    order = issue(world)
    assert [n.kind for n in escalate(order, dt.date(2026, 3, 25))] == ["reminder", "warning"]
    with pytest.raises(PermissionRefused):
        answer_order(order=order, actor=world.dept, text="已整改")
    answer_order(order=order, actor=world.coordinator, text="已整改完毕")
    assert escalate(order, dt.date(2026, 5, 1)) == []
    with pytest.raises(DomainError):
        review_order(order=order, actor=world.office, accept=False)
    review_order(order=order, actor=world.office, accept=False, reason="佐证不足")
    order.refresh_from_db()
    assert order.status == OrderStatus.RETURNED
    answer_order(order=order, actor=world.secretary, text="已补充佐证")
    review_order(order=order, actor=world.office, accept=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and order.closed_at


def test_docx_layout(world):
    order = issue(world)
    doc = Document(BytesIO(order_docx(order)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "督办通知书" and texts[1] == "督〔2026〕1号"
    assert texts[2].startswith("甲局")
    assert "2026年3月5日" in texts and "办理时限:2026年3月20日" in texts
    assert texts[-2] == world.jurisdiction.name
    table = doc.tables[0]
    assert len(table.rows) == 3 and table.rows[1].cells[2].text == world.a.measures[0].text
    assert cn_date(dt.date(2026, 1, 5)) == "2026年1月5日"
    assert TODAY  # the world's clock is unrelated to the order dates
