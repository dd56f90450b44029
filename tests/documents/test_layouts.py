"""Each report layout read from its fixture: the tree, statuses, counts, figures, lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from zhenggai.documents.readers import ParsedReport, read_report
from zhenggai.documents.readers.model import ParsedStatus, ParsedTally
from zhenggai.documents.readers.summary import CONSISTENCY_CODES

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> ParsedReport:
    return read_report(FIXTURES / name)


def codes(report: ParsedReport) -> list[str]:
    return [w.code for w in report.warnings]


def measure_counts(report: ParsedReport) -> list[int]:
    return [len(p.measures) for p in report.problems]


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("three_level.txt", "three-level"),
        ("feedback_status.txt", "feedback-status"),
        ("numbered_problems.txt", "numbered-problems"),
        ("flat_list.txt", "flat-list"),
        ("audit.txt", "audit"),
    ],
)
def test_layout_is_detected(name: str, layout: str) -> None:
    assert read(name).layout == layout


def test_three_level() -> None:
    report = read("three_level.txt")
    assert report.issuer == "中共江城县市场监督管理局党组"
    assert report.unit == "江城县市场监督管理局党组"
    assert report.team == "县委第二巡察组"
    assert (report.period_start, report.period_end) == (dt.date(2023, 4, 10), dt.date(2023, 6, 9))
    assert report.feedback_date == dt.date(2023, 7, 20)
    assert report.report_date == dt.date(2023, 10, 18)
    assert [(c.area, c.number, c.title) for c in report.categories] == [
        ("在“党的政治建设”方面", "1", "学习贯彻党的创新理论不够深入"),
        ("在“党的政治建设”方面", "2", "落实意识形态工作责任制不到位"),
        ("在“全面从严治党”方面", "3", "监督执纪问责力度不够"),
        ("在“基层党组织建设”方面", "4", "支部标准化规范化建设有差距"),
    ]
    assert [p.number for p in report.problems] == ["1", "2", "3", "4", "5", "6"]
    assert report.problems[0].text == "理论学习中心组学习流于形式"
    assert measure_counts(report) == [3, 2, 2, 2, 2, 3]
    first = report.problems[0]
    assert first.stated is not None and (first.stated.planned, first.stated.done) == (3, 3)
    assert first.stated.lines == (18, 18)
    assert [m.ordinal for m in first.measures] == ["一是", "二是", "三是"]
    assert first.measures[0].text.startswith("修订《党组理论学习中心组学习制度》")
    assert first.lines == (17, 18)
    # measures one per line under a bare 整改情况: label keep their own lines
    assert [m.lines for m in report.problems[5].measures] == [(44, 44), (45, 45), (46, 46)]
    assert report.categories[3].lines == (40, 46)
    # the organisation section's and next steps' 一是/二是 are not measures
    assert "成立由党组书记任组长" in report.organisation_text
    assert not any("回头看" in m.text for m in report.measures)
    assert dict(report.fact_lines) == {
        "title": (1, 1),
        "intro": (3, 3),
        "issuer": (54, 54),
        "report_date": (56, 56),
    }
    assert report.contact is not None and report.contact.lines == (52, 52)
    assert report.contact is not None and report.contact.postcode == "225300"
    assert report.contact.email == "jcscjg@163.com"
    assert report.warnings[0].code == "stated_count_mismatch" and report.warnings[0].line == 36
    assert codes(report) == ["stated_count_mismatch"]


def test_three_level_summary_figures() -> None:
    report = read("three_level.txt")
    assert {f.key: f.value for f in report.summary} == {
        "problems_total": 6,
        "problems_done": 4,
        "problems_partial": 2,
        "completion_rate": 66.7,
        "reminder": 6,
        "criticism": 2,
        "admonishment": 1,
        "party_discipline": 1,
        "institutions_new": 6,
        "institutions_revised": 4,
        "funds_yuan": 125000.0,
    }
    assert all(f.lines == (9, 9) for f in report.summary)
    assert report.figure("funds_yuan") == 125000.0 and report.figure("missing") is None
    rate = next(f for f in report.summary if f.key == "completion_rate")
    assert rate.text == "完成率66.7%"


def test_feedback_status_with_mixed_punctuation() -> None:
    report = read("feedback_status.txt")
    assert [(c.number, c.title) for c in report.categories] == [
        ("一", "党的领导作用发挥不够充分"),
        ("二", "落实全面从严治党责任有差距"),
    ]
    assert [p.number for p in report.problems] == ["1", "2", "1", "2"]  # restart per category
    assert [p.status.kind for p in report.problems if p.status] == [
        "done",
        "done",
        "partial",
        "done",
    ]
    assert report.problems[2].status == ParsedStatus("partial", "整改状态:阶段性完成", (26, 26))
    assert report.problems[0].status == ParsedStatus("done", "整改状态：完成", (16, 16))
    assert measure_counts(report) == [3, 2, 3, 2]
    last = report.problems[3]
    assert [m.ordinal for m in last.measures] == ["(1)", "(2)"]
    assert [m.lines for m in last.measures] == [(32, 32), (33, 33)]
    assert report.figure("measures_total") == 10 and report.figure("measures_done") == 9
    assert report.figure("institutions_total") == 5
    assert not [c for c in codes(report) if c != "problem_number_sequence"]


def test_numbered_problems_and_inconsistent_summary() -> None:
    report = read("numbered_problems.txt")
    assert [c.title for c in report.categories] == [
        "党的领导方面",
        "党的建设方面",
        "全面从严治党方面",
    ]
    assert [p.number for p in report.problems] == ["1", "2", "3", "4"]
    assert measure_counts(report) == [3, 2, 2, 2]
    assert [m.ordinal for m in report.problems[0].measures] == ["1.", "2.", "3."]
    assert [m.ordinal for m in report.problems[1].measures] == ["1.", "2."]
    assert [m.ordinal for m in report.problems[2].measures] == ["(1)", "(2)"]
    assert [p.status.kind for p in report.problems if p.status] == [
        "done",
        "partial",
        "done",
        "in_progress",
    ]
    assert report.problems[0].status is not None
    assert report.problems[0].status.text.startswith("完成情况:已完成整改")
    assert report.problems[0].lines == (15, 20)
    found = {w.code: w for w in report.warnings}
    assert set(found) == {
        "summary_status_mismatch",
        "summary_sum_mismatch",
        "summary_accountability_mismatch",
    }
    assert found["summary_status_mismatch"].line == 9
    assert "已完成3个,逐个问题统计为2个" in found["summary_status_mismatch"].message
    assert "states 3 done, the problems listed give 2" in found["summary_status_mismatch"].message
    assert set(found) <= CONSISTENCY_CODES


def test_flat_list() -> None:
    report = read("flat_list.txt")
    assert len(report.categories) == 1 and report.categories[0].title == "整改落实情况"
    assert [p.text for p in report.problems] == [
        "落实教育优先发展战略有差距",
        "校外培训机构监管不到位",
        "师德师风建设抓得不实",
    ]
    assert measure_counts(report) == [1, 1, 1]  # one unnumbered paragraph each
    assert report.problems[1].measures[0].text.startswith("开展校外培训机构专项治理")
    assert report.problems[1].measures[0].ordinal is None
    assert report.figure("problems_done") == 3 and report.figure("completion_rate") == 100.0
    assert report.warnings == ()


def test_audit_report() -> None:
    report = read("audit.txt")
    assert report.issuer == report.unit == "江城市文化广电和旅游局"
    assert report.team == "市审计局审计组"
    assert (
        report.title == "江城市文化广电和旅游局关于2022年度预算执行情况审计发现问题整改情况的报告"
    )
    assert report.feedback_date == dt.date(2023, 5, 30)
    assert [(c.number, c.title) for c in report.categories] == [
        ("二", "预算管理方面问题"),
        ("三", "财务管理方面问题"),
        ("四", "政府采购方面问题"),
    ]
    assert report.categories[0].stated == ParsedTally(
        2, 2, None, 0, "共发现预算管理方面问题2个,已整改2个,正在整改0个。", (13, 13)
    )
    assert [p.number for p in report.problems] == ["一", "二", "三", "四", "五"]
    assert [p.status.kind for p in report.problems if p.status] == [
        "done",
        "done",
        "done",
        "in_progress",
        "done",
    ]
    assert report.figure("funds_yuan") == 183600.0
    assert report.figure("accountability_total") == 2
    assert report.organisation_text.startswith("审计报告反馈问题共5个")
    assert [(w.code, w.line) for w in report.warnings] == [
        ("category_count_mismatch", 37),
        ("category_count_mismatch", 37),
    ]


def test_gbk_and_crlf_bytes_read_like_utf8() -> None:
    text = (FIXTURES / "three_level.txt").read_text("utf-8")
    expected = read_report(text)
    assert read_report(text.encode("gbk")) == expected
    assert read_report(text.replace("\n", "\r\n").encode("gb18030")) == expected
    assert read_report(b"\xef\xbb\xbf" + text.encode("utf-8")) == expected


def test_ascii_and_full_width_punctuation_read_the_same() -> None:
    text = (FIXTURES / "three_level.txt").read_text("utf-8")
    ascii_text = text.translate(
        str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";"})
    )
    left, right = read_report(text), read_report(ascii_text)
    assert [p.text for p in left.problems] == [p.text for p in right.problems]
    assert [len(p.measures) for p in left.problems] == [len(p.measures) for p in right.problems]
    assert [m.lines for m in left.measures] == [m.lines for m in right.measures]


def test_measure_paragraphs_grouped_under_headings() -> None:
    text = (
        (FIXTURES / "feedback_status.txt")
        .read_text("utf-8")
        .replace(
            "整改情况：一是制定《基层医疗卫生服务能力提升三年行动方案》,明确年度目标任务。",
            "整改情况：\n在规划方面：一是制定《基层医疗卫生服务能力提升三年行动方案》,明确年度目标任务。",
        )
    )
    report = read_report(text)
    assert [m.group for m in report.problems[0].measures] == ["在规划方面"] * 3


def test_inline_label_and_status_on_the_problem_line() -> None:
    text = (
        (FIXTURES / "numbered_problems.txt")
        .read_text("utf-8")
        .replace(
            "问题3:基层党组织书记抓党建工作述职评议流于形式。\n整改措施:",
            "问题3:基层党组织书记抓党建工作述职评议流于形式。整改措施:",
        )
        .replace(
            "对评议结果排名靠后的2个支部书记进行约谈。\n完成情况:已完成。",
            "对评议结果排名靠后的2个支部书记进行约谈。完成情况:已完成。",
        )
    )
    report = read_report(text)
    problem = report.problems[2]
    assert problem.text == "基层党组织书记抓党建工作述职评议流于形式。"
    assert [m.ordinal for m in problem.measures] == ["(1)", "(2)"]
    assert problem.status is not None and problem.status.text == "完成情况:已完成。"


def test_numbered_measures_are_not_mistaken_for_problems() -> None:
    text = (FIXTURES / "feedback_status.txt").read_text("utf-8")
    text = text.replace(
        "整改情况：一是制定《基层医疗卫生服务能力提升三年行动方案》,明确年度目标任务。"
        "二是完成4家社区卫生服务中心标准化改造。三是建立季度督导机制,对进度滞后的单位进行通报。",
        "整改情况：\n1.制定三年行动方案。\n2.完成标准化改造。\n3.建立季度督导机制。",
    ).replace(
        "整改情况：一是修订《党委会议议事规则》,明确党建工作每季度至少专题研究1次。"
        "二是严格落实“第一议题”制度,2023年以来开展“第一议题”学习12次。",
        "整改情况：\n1.修订议事规则。\n2.落实“第一议题”制度。",
    )
    report = read_report(text)
    first, second = report.categories[0].problems
    # “2.” after measure “1.” continues the list; “2.” followed by 整改状态 is a problem
    assert [m.ordinal for m in first.measures] == ["1.", "2.", "3."]
    assert [m.text for m in second.measures] == ["修订议事规则。", "落实“第一议题”制度。"]
    assert [p.number for p in report.problems] == ["1", "2", "1", "2"]
