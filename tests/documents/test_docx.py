"""Word documents: paragraphs and tables read in order, headings by their words."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from zhenggai.documents.readers import read_report
from zhenggai.documents.readers.docx import docx_text

FIXTURES = Path(__file__).parent / "fixtures"


def build(lines: list[str | list[list[str]]], styled: bool = False) -> bytes:
    """A .docx with one paragraph per string and one table per list of rows."""
    document = Document()
    for item in lines:
        if isinstance(item, list):
            table = document.add_table(rows=len(item), cols=len(item[0]))
            for r, row in enumerate(item):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        elif styled and item[:2] in ("一、", "二、", "三、"):
            document.add_heading(item, level=1)
        else:
            document.add_paragraph(item)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def fixture_lines(name: str) -> list[str]:
    return [line for line in (FIXTURES / name).read_text("utf-8").split("\n") if line.strip()]


@pytest.mark.parametrize("styled", [False, True])
def test_docx_reads_like_the_text(styled: bool) -> None:
    lines = fixture_lines("three_level.txt")
    from_text = read_report("\n".join(lines))
    from_docx = read_report(build(list(lines), styled=styled))
    assert from_docx == from_text
    assert from_docx.layout == "three-level"


def test_docx_path_is_read(tmp_path: Path) -> None:
    path = tmp_path / "报告.docx"
    path.write_bytes(build(list(fixture_lines("flat_list.txt"))))
    assert [p.text for p in read_report(path).problems][0] == "落实教育优先发展战略有差距"


def test_measures_in_a_table_are_measures() -> None:
    lines: list[str | list[list[str]]] = list(fixture_lines("three_level.txt"))
    start = lines.index("整改情况：")
    del lines[start : start + 4]  # 整改情况： and its three 一是/二是/三是 lines
    lines.insert(
        start,
        [
            ["序号", "整改措施", "责任科室", "完成时限"],
            ["1", "制定支部组织生活年度计划。", "机关党委", "2023年12月"],
            ["2", "开展支部书记轮训1次。", "机关党委", "2023年11月"],
        ],
    )
    report = read_report(build(lines))
    problem = report.problem("6")
    assert [m.text for m in problem.measures] == [
        "制定支部组织生活年度计划。",
        "开展支部书记轮训1次。",
    ]
    assert all(m.ordinal is None for m in problem.measures)


def test_a_table_of_problems_reads_as_numbered_problems() -> None:
    head = fixture_lines("numbered_problems.txt")[:7]  # title … 二、巡察反馈问题整改落实情况
    tail = [
        "三、下一步工作打算",
        "继续抓好整改。",
        "中共临川市住房和城乡建设局党组",
        "2021年9月30日",
    ]
    table = [
        ["序号", "问题", "整改措施", "完成情况"],
        ["1", "老旧小区改造推进滞后。", "成立工作专班。", "已完成"],
        ["1", "老旧小区改造推进滞后。", "建立周调度机制。", "已完成"],
        ["2", "建筑市场监管薄弱。", "开展专项整治。", "正在整改"],
    ]
    report = read_report(build([*head, table, *tail]))
    assert report.layout == "numbered-problems"
    assert [p.text for p in report.problems] == ["老旧小区改造推进滞后。", "建筑市场监管薄弱。"]
    assert [len(p.measures) for p in report.problems] == [2, 1]
    assert [p.status.kind for p in report.problems if p.status] == ["done", "in_progress"]


def test_other_tables_become_one_line_per_row() -> None:
    data = build(["标题", [["项目", "数量"], ["制度", "5"]], "结尾"])
    assert docx_text(data) == "标题\n项目 数量\n制度 5\n结尾"
