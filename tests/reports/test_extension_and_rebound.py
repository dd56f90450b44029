"""The report tells extended measures apart from overdue ones, and names rebounded problems."""

from __future__ import annotations

import datetime as dt

from zhenggai.documents.report.compose import stated_text, status_note
from zhenggai.ledger.models import MeasureKind, MeasureStatus

TODAY = dt.date(2026, 11, 28)


def _measure(deadline, extended=None, status=MeasureStatus.IN_PROGRESS):
    return {
        "status": status,
        "deadline": deadline,
        "extended_deadline": extended,
        "kind": MeasureKind.DEADLINE,
        "text": "t",
        "group": "",
    }


def test_extended_measure_is_not_called_overdue():
    note = status_note(_measure(dt.date(2026, 11, 1), dt.date(2026, 12, 31)), TODAY)
    assert "经批准延期至2026年12月31日" in note
    assert "已逾期" not in note


def test_extension_that_also_passed_is_overdue():
    note = status_note(_measure(dt.date(2026, 10, 1), dt.date(2026, 11, 1)), TODAY)
    assert "经批准延期至2026年11月1日" in note and "已逾期" in note


def test_plain_overdue_measure():
    note = status_note(_measure(dt.date(2026, 11, 1)), TODAY)
    assert "已逾期" in note and "延期" not in note


def test_rebound_problem_says_so():
    items = [_measure(dt.date(2026, 12, 1))]
    assert "反弹" in stated_text(items, rebound=True)
    assert "反弹" not in stated_text(items)
