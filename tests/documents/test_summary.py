"""Summary figures read from the prose, statuses classified, and the consistency checks."""

from __future__ import annotations

import pytest

from zhenggai.documents.readers import read_report
from zhenggai.documents.readers.source import split_paragraphs
from zhenggai.documents.readers.summary import read_figures, read_tally, status_kind


def figures(text: str) -> dict[str, int | float]:
    return {f.key: f.value for f in read_figures(split_paragraphs(text))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "截至目前,反馈的20个问题已完成整改18个,阶段性完成2个,完成率90%。",
            {
                "problems_total": 20,
                "problems_done": 18,
                "problems_partial": 2,
                "completion_rate": 90.0,
            },
        ),
        (
            "巡察反馈的3个方面12个问题,已全部完成整改12个。",
            {"problems_total": 12, "problems_done": 12},
        ),
        (
            "共制定整改措施120项,已完成115项,正在推进5项。",
            {"measures_total": 120, "measures_done": 115},
        ),
        (
            "共问责15人次,其中提醒谈话10人次、批评教育3人次、诫勉2人。",
            {"accountability_total": 15, "reminder": 10, "criticism": 3, "admonishment": 2},
        ),
        (
            "对3人进行提醒谈话,给予2名干部党纪处分,组织处理1人,政务处分1人,党纪政务处分2人。",
            {
                "reminder": 3,
                "party_discipline": 2,
                "organisational": 1,
                "government_discipline": 1,
                "discipline": 2,
            },
        ),
        (
            "新建制度12项,修订完善制度8项,建立健全各项制度20项。",
            {"institutions_new": 12, "institutions_revised": 8, "institutions_total": 20},
        ),
        ("收回资金0.5亿元。", {"funds_yuan": 50_000_000.0}),
        ("已完成整改十二个问题。", {"problems_done": 12}),
        ("局党组召开党组会3次,专题研究整改工作。", {}),
        (
            "问题共八个,已整改六个,正在整改两个。",
            {"problems_total": 8, "problems_done": 6, "problems_in_progress": 2},
        ),
    ],
)
def test_figures(text: str, expected: dict[str, float]) -> None:
    assert figures(text) == expected


def test_each_amount_is_a_figure_in_yuan() -> None:
    found = read_figures(split_paragraphs("追缴违规资金35.6万元,挽回经济损失1200元。"))
    assert [(f.key, f.value) for f in found] == [("funds_yuan", 356000.0), ("funds_yuan", 1200.0)]


def test_figures_keep_their_words_and_lines() -> None:
    found = read_figures(split_paragraphs("标题\n\n截至目前,共问责5人。\n收回资金2万元。"))
    assert [(f.key, f.text, f.lines) for f in found] == [
        ("accountability_total", "问责5人", (3, 3)),
        ("funds_yuan", "收回资金2万元", (4, 4)),
    ]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("完成", "done"),
        ("已完成整改", "done"),
        ("已整改", "done"),
        ("阶段性完成", "partial"),
        ("基本完成,持续推进", "partial"),
        ("长期坚持", "partial"),
        ("正在整改", "in_progress"),
        ("未完成", "in_progress"),
        ("尚未完成,预计年底完成", "in_progress"),
        ("见附件", "unknown"),
    ],
)
def test_status_kind(text: str, kind: str) -> None:
    assert status_kind(text) == kind


def test_tally() -> None:
    (paragraph,) = split_paragraphs("共发现财务管理方面问题4个,已整改3个,正在整改1个。")
    tally = read_tally(paragraph)
    assert tally is not None and (tally.total, tally.done, tally.in_progress) == (4, 3, 1)
    (plain,) = split_paragraphs("我局高度重视审计整改工作。")
    assert read_tally(plain) is None


HEAD = (
    "某局党组关于巡察整改情况的通报\n\n"
    "按照县委统一部署,2023年1月5日至3月10日,县委第一巡察组对某局党组进行了巡察。"
    "4月3日,巡察组向某局党组反馈了巡察意见。\n\n"
    "一、总体情况\n\n{summary}\n\n二、整改落实情况\n\n"
    "问题1:学习不深入。\n整改措施:1.集中学习。\n完成情况:已完成。\n\n"
    "问题2:制度不健全。\n整改措施:1.建立制度。\n完成情况:正在整改。\n\n"
    "中共某局党组\n\n2023年6月1日\n"
)


@pytest.mark.parametrize(
    ("summary", "codes"),
    [
        ("反馈的2个问题已完成整改1个,正在整改1个,完成率50%。", []),
        ("反馈的3个问题已完成整改1个,正在整改1个。", ["summary_total_mismatch"]),
        ("反馈的2个问题已完成整改2个,完成率100%。", ["summary_status_mismatch"]),
        ("反馈的2个问题已完成整改1个,正在整改1个,完成率80%。", ["summary_rate_mismatch"]),
        ("共制定整改措施5项。", ["summary_measures_mismatch"]),
        ("新建制度2项,修订制度1项,建立完善制度5项。", ["summary_institutions_mismatch"]),
    ],
)
def test_consistency(summary: str, codes: list[str]) -> None:
    report = read_report(HEAD.format(summary=summary))
    assert report.layout == "numbered-problems"
    assert [w.code for w in report.warnings] == codes
    assert all(w.line == 7 for w in report.warnings)
