"""The per-unit check report as HTML and as .docx."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from tests.world import World
from zhenggai.quality.check_report import (
    build_check_report,
    render_check_report_docx,
    render_check_report_html,
)
from zhenggai.quality.selectors import flags_for_measure
from zhenggai.quality.services import dismiss_flag

pytestmark = pytest.mark.usefixtures("data_dir")
NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def test_report_data(flagged: World) -> None:
    dismiss_flag(flags_for_measure(flagged.a.measures[3])[0], flagged.leader, "另有实施方案")
    report = build_check_report(flagged.a.inspection, now=NOW)
    assert report.title == "中共甲局党组形式整改体检报告"
    assert (report.open, report.dismissed) == (2, 1)
    assert [s.number for s in report.sections] == ["1", "2"]
    totals = {t.rule: (t.open, t.dismissed) for t in report.totals}
    assert totals["reused_text"] == (1, 0) and totals["vague_measure"] == (0, 1)
    assert totals["evidence_gap"] == (0, 0)


def test_html(flagged: World) -> None:
    dismiss_flag(flags_for_measure(flagged.a.measures[3])[0], flagged.leader, "另有实施方案")
    html = render_check_report_html(build_check_report(flagged.a.inspection, now=NOW))
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>中共甲局党组形式整改体检报告</title>" in html
    assert "措施数量与所列不符" in html and "称制定3项措施,实际列出2项" in html
    assert "<mark>加强学习,提高认识。</mark>" in html
    assert "另有实施方案" in html and "已排除" in html
    assert "附:规则说明" in html


def test_docx(flagged: World) -> None:
    data = render_check_report_docx(build_check_report(flagged.a.inspection, now=NOW))
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == "中共甲局党组形式整改体检报告"
    assert "待处理提示3条,已排除0条" in text
    assert "[中] 措施文字重复使用" in text and "“加强学习,提高认识。”" in text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["规则", "严重程度", "待处理", "已排除"]
    assert len(table.rows) == 7


def test_empty_report(world: World) -> None:
    report = build_check_report(world.a.inspection, now=NOW)
    assert report.sections == []
    assert "未发现问题。" in render_check_report_html(report)
    assert "未发现问题。" in "\n".join(
        p.text for p in docx.Document(io.BytesIO(render_check_report_docx(report))).paragraphs
    )
