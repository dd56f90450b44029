"""Property: a tree written out in each layout reads back as the same tree.

The generator draws categories, problems and measures from words that carry no list
markers or punctuation, renders them the way units print each layout (numbering,
labels, statuses, full-width or ASCII punctuation), and checks that the reader gets
back the titles, problem texts, measures, statuses and counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from zhenggai.documents.readers import read_report

WORDS = [
    "学习",
    "制度",
    "落实",
    "推进",
    "建立",
    "健全",
    "机制",
    "监督",
    "检查",
    "工作",
    "责任",
    "干部",
    "群众",
    "服务",
    "质量",
    "管理",
    "规范",
    "台账",
    "培训",
    "宣传",
    "清单",
    "考核",
    "审批",
    "资金",
]
CN = "一二三四五六七八九十"
STATUS_WORDS = {"done": "完成", "partial": "阶段性完成", "in_progress": "正在整改"}


def cn(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三."""
    if n <= 10:
        return CN[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens - 1]) + "十" + (CN[ones - 1] if ones else "")


phrases = st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map("".join)


@dataclass
class Problem:
    text: str
    measures: list[str]
    status: str


@dataclass
class Category:
    area: str
    title: str
    problems: list[Problem]


problems = st.builds(
    Problem,
    text=phrases,
    measures=st.lists(phrases, min_size=1, max_size=4),
    status=st.sampled_from(list(STATUS_WORDS)),
)
categories = st.builds(
    Category,
    area=phrases,
    title=phrases,
    problems=st.lists(problems, min_size=1, max_size=3),
)
trees = st.lists(categories, min_size=1, max_size=3)


@dataclass(frozen=True)
class Style:
    colon: str
    comma: str
    left: str
    right: str


styles = st.builds(
    Style,
    colon=st.sampled_from([":", "："]),
    comma=st.sampled_from([",", "，"]),
    left=st.sampled_from(["(", "（"]),
    right=st.sampled_from([")", "）"]),
)


def head(s: Style) -> list[str]:
    return [
        "中共某局党组关于巡察整改情况的通报",
        f"按照县委统一部署{s.comma}2023年4月10日至6月9日{s.comma}县委第二巡察组对某局党组进行了巡察。"
        f"2023年7月20日{s.comma}巡察组向某局党组反馈了巡察意见。",
        "一、整改工作组织情况",
        f"局党组高度重视。一是成立领导小组。二是制定整改方案{s.comma}明确责任。",
    ]


TAIL = ["三、下一步工作打算", "持续巩固整改成果。", "中共某局党组", "2023年10月18日"]


def ordinals(measures: list[str]) -> str:
    return "".join(f"{cn(i)}是{m}。" for i, m in enumerate(measures, 1))


def three_level(tree: list[Category], s: Style) -> list[str]:
    lines, number = [*head(s), "二、巡察反馈问题整改落实情况"], 0
    for i, c in enumerate(tree, 1):
        lines += [f"{s.left}{cn(i)}{s.right}在“{c.area}”方面", f"{i}.关于“{c.title}”问题的整改"]
        for p in c.problems:
            number += 1
            lines += [
                f"{s.left}{number}{s.right}关于“{p.text}”的问题。",
                f"整改情况{s.colon}{ordinals(p.measures)}",
            ]
    return lines + TAIL


def feedback_status(tree: list[Category], s: Style) -> list[str]:
    lines = [*head(s), "二、反馈问题整改情况"]
    for i, c in enumerate(tree, 1):
        lines.append(f"{s.left}{cn(i)}{s.right}反馈问题{s.colon}{c.title}")
        for k, p in enumerate(c.problems, 1):
            lines += [
                f"{k}.{p.text}。",
                f"整改状态{s.colon}{STATUS_WORDS[p.status]}",
                f"整改情况{s.colon}{ordinals(p.measures)}",
            ]
    return lines + TAIL


def numbered_problems(tree: list[Category], s: Style) -> list[str]:
    lines, number = [*head(s), "二、整改落实情况"], 0
    for i, c in enumerate(tree, 1):
        lines.append(f"{s.left}{cn(i)}{s.right}{c.title}方面")
        for p in c.problems:
            number += 1
            lines += [f"问题{number}{s.colon}{p.text}。", f"整改措施{s.colon}"]
            lines += [f"{k}.{m}。" for k, m in enumerate(p.measures, 1)]
            lines.append(f"完成情况{s.colon}{STATUS_WORDS[p.status]}。")
    return lines + TAIL


def audit(tree: list[Category], s: Style) -> list[str]:
    lines = [
        "某局关于审计发现问题整改情况的报告",
        f"2023年3月6日至4月28日{s.comma}市审计局审计组对我局进行了审计{s.comma}"
        "并于2023年5月30日出具了审计报告。",
    ]
    number = 0
    for i, c in enumerate(tree, 1):
        done = sum(p.status == "done" for p in c.problems)
        lines += [
            f"{cn(i)}、{c.title}方面问题的整改情况",
            f"共发现问题{len(c.problems)}个{s.comma}已整改{done}个。",
        ]
        for p in c.problems:
            number += 1
            lines += [
                f"{s.left}{cn(number)}{s.right}{p.text}。",
                f"整改情况{s.colon}{ordinals(p.measures)}",
                f"整改状态{s.colon}{STATUS_WORDS[p.status]}",
            ]
    return lines + [f"{cn(len(tree) + 1)}、下一步工作措施", "举一反三。", "某局", "2023年8月25日"]


def bulletin(tree: list[Category], s: Style) -> list[str]:
    lines, number = [*head(s), "二、整改落实情况"], 0
    for i, c in enumerate(tree, 1):
        lines.append(f"{i}.关于“{c.title}”问题的整改。")
        for p in c.problems:
            number += 1
            n = len(p.measures)
            lines += [
                f"{s.left}{number}{s.right}{p.text}。",
                f"整改落实情况{s.colon}共制定{n}项整改措施{s.comma}已落实整改{n}项。",
                ordinals(p.measures),
            ]
    return lines + TAIL


def check(text: str, layout: str, tree: list[Category], *, quoted: bool, statuses: bool) -> None:
    report = read_report(text)
    assert report.layout == layout
    assert [c.title for c in report.categories] == [
        c.title
        + ("方面问题" if layout == "audit" else "方面" if layout == "numbered-problems" else "")
        for c in tree
    ]
    expected = [p for c in tree for p in c.problems]
    assert [p.text for p in report.problems] == [
        p.text if quoted else p.text + "。" for p in expected
    ]
    assert [[m.text for m in p.measures] for p in report.problems] == [
        [m + "。" for m in p.measures] for p in expected
    ]
    if statuses:
        assert [p.status.kind if p.status else None for p in report.problems] == [
            p.status for p in expected
        ]
    assert not [w for w in report.warnings if w.code != "problem_number_sequence"], report.warnings
    for problem in report.problems:
        assert problem.lines is not None and all(m.lines for m in problem.measures)


RUNS = settings(max_examples=40, deadline=None, database=None)


@RUNS
@given(trees, styles)
def test_three_level(tree: list[Category], style: Style) -> None:
    report_text = "\n".join(three_level(tree, style))
    check(report_text, "three-level", tree, quoted=True, statuses=False)
    assert [c.area for c in read_report(report_text).categories] == [
        f"在“{c.area}”方面" for c in tree
    ]


@RUNS
@given(trees, styles)
def test_feedback_status(tree: list[Category], style: Style) -> None:
    check(
        "\n".join(feedback_status(tree, style)),
        "feedback-status",
        tree,
        quoted=False,
        statuses=True,
    )


@RUNS
@given(trees, styles)
def test_numbered_problems(tree: list[Category], style: Style) -> None:
    check(
        "\n\n".join(numbered_problems(tree, style)),
        "numbered-problems",
        tree,
        quoted=False,
        statuses=True,
    )


@RUNS
@given(trees, styles)
def test_audit(tree: list[Category], style: Style) -> None:
    check("\n".join(audit(tree, style)), "audit", tree, quoted=False, statuses=True)


@RUNS
@given(trees, styles)
def test_progress_bulletin(tree: list[Category], style: Style) -> None:
    check("\n".join(bulletin(tree, style)), "progress-bulletin", tree, quoted=False, statuses=False)


@RUNS
@given(st.lists(problems, min_size=1, max_size=6), styles)
def test_flat_list(items: list[Problem], style: Style) -> None:
    lines = [*head(style), "二、整改落实情况"]
    for k, p in enumerate(items, 1):
        lines += [f"{k}.关于“{p.text}”的问题", "".join(m + "。" for m in p.measures)]
    report = read_report("\n".join(lines + TAIL))
    assert report.layout == "flat-list"
    assert [p.text for p in report.problems] == [p.text for p in items]
    assert [[m.text for m in p.measures] for p in report.problems] == [
        ["".join(m + "。" for m in p.measures)] for p in items
    ]
