"""The progress-bulletin reader on the seed report, its variants, and broken inputs."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest

import zhenggai.documents
from zhenggai.documents.readers import (
    ParsedContact,
    ParsedReport,
    ParsedStated,
    ReportReadError,
    read_report,
)

SEED = Path(zhenggai.documents.__file__).parent / "fixtures" / "seed_report.txt"
SEED_SHA256 = "5536a20c0a29e027b919d1f689a582e721e0cfaf51b15db87cc992b90510da94"

#: Measures listed under each problem (1)…(20), counted by hand from the text.
LISTED = [6, 8, 4, 4, 5, 10, 7, 6, 4, 6, 4, 3, 5, 5, 6, 4, 3, 3, 3, 5]
#: 共制定N项整改措施 as printed for each problem; every one also says 已落实整改N项 (same N).
STATED = [6, 6, 4, 3, 6, 11, 7, 6, 3, 9, 3, 2, 4, 3, 7, 3, 2, 3, 3, 3]
MISMATCHED = ["2", "4", "5", "6", "9", "10", "11", "12", "13", "14", "15", "16", "17", "20"]
CATEGORY_TITLES = [
    "贯彻落实中央、省市委决策部署不深入,党组核心作用发挥不充分,部分职能履行不到位",
    "思想建设针对性不足,学习教育未能真正做到制度化常态化到位",
    "组织建设不深入,基层党组织战斗堡垒作用尚未彰显",
    "作风建设抓得不紧,‘四风’问题有抬头、反弹现象",
    "纪律建设有待深入,监督执纪力度不够,问责效果不佳",
    "落实全面从严治党要求的举措不实、办法不多",
    "巡视巡察整改重视不够,存在边改边犯情况",
]
PROBLEMS_PER_CATEGORY = [4, 1, 2, 4, 3, 3, 3]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text("utf-8")


@pytest.fixture(scope="module")
def report() -> ParsedReport:
    return read_report(SEED)


def groups(problem_number: str, report: ParsedReport) -> list[tuple[str | None, int]]:
    counts = Counter(m.group for m in report.problem(problem_number).measures)
    return list(counts.items())


# --- the seed --------------------------------------------------------------------------------


def test_fixture_is_the_published_report_byte_for_byte() -> None:
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256


def test_inspection_facts(report: ParsedReport) -> None:
    assert report.title == "市行政审批局党组关于巡察整改进展情况的通报"
    assert report.issuer == "中共宿迁市行政审批局党组"
    assert report.unit == "宿迁市行政审批局党组"
    assert report.team == "市委第一巡察组"
    assert report.period_start == dt.date(2019, 7, 5)
    assert report.period_end == dt.date(2019, 8, 20)
    assert report.feedback_date == dt.date(2019, 10, 31)
    assert report.report_date == dt.date(2020, 3, 27)
    assert report.layout == "progress-bulletin"
    assert report.intro_text.startswith("按照市委统一部署,2019年7月5日至8月20日")


def test_contact_block(report: ParsedReport) -> None:
    assert report.contact is not None
    assert report.contact == ParsedContact(
        phone="84396060",
        address="宿迁市洪泽湖路889号便民方舟2号楼707室",
        postcode="223800",
        email="sqzgbzhc@126.com",
        text=report.contact.text,
        lines=(185, 187),
    )
    assert report.contact.text.startswith("欢迎广大干部群众")
    assert "电话84396060;邮政信箱:" in report.contact.text  # the three lines are one paragraph
    assert report.contact.text.endswith("电子邮箱:sqzgbzhc@126.com。")


def test_categories_and_problem_numbering(report: ParsedReport) -> None:
    assert [c.number for c in report.categories] == [str(n) for n in range(1, 8)]
    assert [c.title for c in report.categories] == CATEGORY_TITLES
    assert [len(c.problems) for c in report.categories] == PROBLEMS_PER_CATEGORY
    assert [p.number for p in report.problems] == [str(n) for n in range(1, 21)]


def test_every_problems_measure_count(report: ParsedReport) -> None:
    assert [len(p.measures) for p in report.problems] == LISTED
    assert len(report.measures) == sum(LISTED) == 101


def test_stated_counts_are_kept_as_printed(report: ParsedReport) -> None:
    assert [p.stated.planned for p in report.problems if p.stated] == STATED
    assert [p.stated.done for p in report.problems if p.stated] == STATED
    assert all(p.stated and p.stated.ongoing for p in report.problems)
    twelve = report.problem("12").stated
    assert twelve is not None
    assert (twelve.planned, twelve.done) == (2, 2)
    assert twelve.text == "整改落实情况:共制定2项整改措施,已落实整改2项,并常态坚持。"
    assert len(report.problem("12").measures) == 3


def test_count_mismatches_are_warned_with_their_lines(report: ParsedReport) -> None:
    mismatches = [w for w in report.warnings if w.code == "stated_count_mismatch"]
    assert len(mismatches) == 14
    numbers = [re.search(r"problem \((\d+)\)", w.message).group(1) for w in mismatches]
    assert numbers == MISMATCHED
    assert mismatches[0].line == 33  # problem (2)'s 整改落实情况 line
    assert "称制定6项整改措施,实际列出8项" in mismatches[0].message
    assert {w.code for w in report.warnings} == {"stated_count_mismatch"}


def test_problem_1_two_groups_of_three(report: ParsedReport) -> None:
    problem = report.problem("1")
    assert groups("1", report) == [("在履责思路转变方面", 3), ("在12345热线问政方面", 3)]
    assert [m.ordinal for m in problem.measures] == ["一是", "二是", "三是"] * 2
    assert problem.measures[0].text.startswith("专题研究谋划。局主要领导")
    assert problem.measures[3].text.startswith("编发热线专报。")
    assert problem.stated is not None and (problem.stated.planned, problem.stated.done) == (6, 6)
    assert problem.lines == (23, 29)
    assert problem.measures[0].lines == (27, 27)


def test_problem_2_three_groups(report: ParsedReport) -> None:
    assert groups("2", report) == [
        ("在提升审批效能方面", 4),
        ("在审批流程优化方面", 2),
        ("在审批流程监管方面", 2),
    ]


def test_problem_6_unnumbered_paragraph_is_one_measure(report: ParsedReport) -> None:
    assert groups("6", report) == [
        ("在组织建设思路方面", 5),
        ("在规范党内活动方面", 1),
        ("在窗口党建工作方面", 4),
    ]
    single = report.problem("6").measures[5]
    assert single.ordinal is None
    assert single.text.startswith("2019年12月13日,局机关党委书记")
    assert single.text.endswith("指导各支部高质量完成机关党建各项任务。")
    assert single.lines == (69, 69)


def test_problem_7_measure_continues_on_the_next_line(report: ParsedReport) -> None:
    reform = report.problem("7").measures[2]
    assert reform.ordinal == "三是"
    assert reform.group == "在干部任用方面"
    assert reform.text.startswith("推行大处室改革。")
    assert "推进公共资源交易的管办分离;将局行政审批三处与政务服务中心" in reform.text
    assert reform.text.endswith("并将相应的结果推送各审批处室。")
    assert reform.lines == (77, 78)


def test_semicolon_continued_problem_texts(report: ParsedReport) -> None:
    assert "如能自取更便捷;月均邮寄支出20余万元" in report.problem("8").text
    assert report.problem("8").lines[0] == 84
    assert "没有大的进展;针对“四种形态运用不力”问题" in report.problem("19").text
    twenty = report.problem("20").text
    assert "网页截图;关于“招投标保证金及利息未及时退付完全”" in twenty
    assert twenty.endswith("目前仍有2个项目没有处理到位。")
    assert "\n" not in twenty


def test_problem_16_last_measure(report: ParsedReport) -> None:
    last = report.problem("16").measures[-1]
    assert last.ordinal == "四是"
    assert "拟免去张华勇同志" in last.text


def test_ordinals_are_stripped_and_sequential(report: ParsedReport) -> None:
    numerals = "一二三四五六七八九十"
    for problem in report.problems:
        run = 0
        for measure in problem.measures:
            assert not re.match(r"[一二三四五六七八九十]+是", measure.text)
            if measure.ordinal is None:
                run = 0
                continue
            value = numerals.index(measure.ordinal[0]) + 1
            assert value in (1, run + 1)
            run = value


def test_only_the_rectification_section_gives_measures(report: ParsedReport) -> None:
    for measure in report.measures:
        assert measure.lines is not None and 27 <= measure.lines[0] <= measure.lines[1] <= 172
    assert report.categories[0].lines == (21, 51)
    assert report.categories[-1].lines == (151, 172)
    org = report.organisation_text
    assert org.startswith("局党组切实提高政治站位")
    assert [line[:3] for line in org.split("\n")[1:]] == ["(一)", "(二)", "(三)", "(四)"]
    assert "一方面,充分发挥“关键少数”作用" in org
    steps = report.next_steps_text.split("\n")
    assert steps[0].startswith("经过3个月的集中整改")
    assert [line[:3] for line in steps[1:]] == ["(一)", "(二)", "(三)"]
    assert "严防问题反弹;另一方面" in steps[1]
    assert "欢迎" not in report.next_steps_text


# --- the same report, written differently -----------------------------------------------------


def test_str_bytes_and_path_give_the_same_tree(seed_text: str, report: ParsedReport) -> None:
    assert read_report(seed_text) == report
    assert read_report(seed_text.encode("utf-8")) == report


def test_crlf_and_bom(seed_text: str, report: ParsedReport) -> None:
    data = b"\xef\xbb\xbf" + seed_text.replace("\n", "\r\n").encode("utf-8")
    assert read_report(data) == report
    assert read_report("\ufeff" + seed_text.replace("\n", "\r\n")) == report


def test_gb18030_and_utf16(seed_text: str, report: ParsedReport, tmp_path: Path) -> None:
    path = tmp_path / "report-gbk.txt"
    path.write_bytes(seed_text.encode("gb18030"))
    assert read_report(path) == report
    assert read_report(seed_text.encode("utf-16")) == report


def test_full_width_punctuation(seed_text: str, report: ParsedReport) -> None:
    table = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；"})
    text = re.sub(r"(?m)^(\d+)\.", r"\1．", seed_text.translate(table))
    wide = read_report(text)
    assert [len(p.measures) for p in wide.problems] == LISTED
    assert [c.title for c in wide.categories] == [t.translate(table) for t in CATEGORY_TITLES]
    assert groups("6", wide) == [
        ("在组织建设思路方面", 5),
        ("在规范党内活动方面", 1),
        ("在窗口党建工作方面", 4),
    ]
    assert wide.problem("7").measures[2].lines == (77, 78)
    assert wide.contact == ParsedContact(
        "84396060",
        "宿迁市洪泽湖路889号便民方舟2号楼707室",
        "223800",
        "sqzgbzhc@126.com",
        wide.contact.text if wide.contact else "",
        wide.contact.lines if wide.contact else None,
    )
    assert (wide.team, wide.feedback_date, wide.report_date) == (
        report.team,
        report.feedback_date,
        report.report_date,
    )
    assert len(wide.warnings) == len(report.warnings)


@pytest.mark.parametrize("quotes", [('"', '"'), ("「", "」")])
def test_other_quotes_and_category_marks(
    seed_text: str, quotes: tuple[str, str], report: ParsedReport
) -> None:
    text = seed_text.replace("关于“", f"关于{quotes[0]}").replace(
        "”问题的整改", f"{quotes[1]}问题的整改"
    )
    text = re.sub(r"(?m)^(\d+)\.", r"\1、", text)
    other = read_report(text)
    assert [c.title for c in other.categories] == CATEGORY_TITLES
    assert [len(p.measures) for p in other.problems] == LISTED


def test_indented_lines_and_blank_line_noise(seed_text: str, report: ParsedReport) -> None:
    text = "\n".join("\u3000\u3000" + line if line else " \t" for line in seed_text.split("\n"))
    assert read_report(text) == report


# --- small documents --------------------------------------------------------------------------

HEAD = (
    "某局党组关于巡察整改情况的通报\n\n"
    "按照市委统一部署,2019年11月5日至2020年1月10日,市委第二巡察组对某局党组进行了巡察。"
    "2月3日,巡察组向某局党组反馈了巡察意见。\n\n"
    "一、整改工作组织情况\n\n(一)加强领导。一是成立小组。\n\n"
    "二、整改落实情况\n\n1.关于“学习不够”问题的整改。\n\n"
)
TAIL = "\n\n中共某局党组\n\n二〇二〇年三月二十七日\n"


def test_minimal_report_dates_and_year_inference() -> None:
    report = read_report(
        HEAD + "(1)学习不深入。\n\n整改落实情况:共制定两项整改措施,已落实整改1项。\n\n"
        "一是集中学习。二是专题研讨。" + TAIL
    )
    assert (report.period_start, report.period_end) == (dt.date(2019, 11, 5), dt.date(2020, 1, 10))
    assert report.feedback_date == dt.date(2020, 2, 3)
    assert report.report_date == dt.date(2020, 3, 27)
    assert report.unit == "某局党组"
    assert report.contact is None
    assert report.next_steps_text == ""
    (problem,) = report.problems
    assert problem.stated is not None
    assert (problem.stated.planned, problem.stated.done, problem.stated.ongoing) == (2, 1, False)
    assert [m.text for m in problem.measures] == ["集中学习。", "专题研讨。"]
    assert report.warnings == ()


def test_report_without_closing_and_with_extra_sections() -> None:
    report = read_report(
        HEAD.replace("1.关于", "针对反馈的问题,逐条整改。\n\n1.关于")
        + "(1)学习不深入。\n\n整改落实情况:共制定1项整改措施,已落实整改1项,长期坚持。\n\n"
        "一是集中学习。\n\n三、存在的不足\n\n仍有差距。\n\n四、下一步计划\n\n持续整改。"
    )
    assert report.issuer == "" and report.report_date is None
    assert report.unit == "某局党组"  # as named in the introduction
    assert report.problems[0].stated is not None and report.problems[0].stated.ongoing
    assert report.next_steps_text == "三、存在的不足\n仍有差距。\n四、下一步计划\n持续整改。"
    assert [(w.code, w.line) for w in report.warnings] == [
        ("text_outside_structure", 11),
        ("section_unrecognised", 21),
        ("issuer_missing", 27),
        ("report_date_missing", 27),
    ]


def test_ordinals_split_only_after_a_sentence_end() -> None:
    report = read_report(
        HEAD + "(1)学习不深入。\n\n整改落实情况:共制定2项整改措施,已落实整改2项。\n\n"
        "在学习方面:一是集中学习,统一是非标准,一是一、二是二。二是专题研讨。" + TAIL
    )
    measures = report.problems[0].measures
    assert [m.text for m in measures] == ["集中学习,统一是非标准,一是一、二是二。", "专题研讨。"]
    assert {m.group for m in measures} == {"在学习方面"}


def test_group_heading_on_its_own_line() -> None:
    report = read_report(
        HEAD + "(1)学习不深入。\n\n整改落实情况:共制定3项整改措施,已落实整改3项。\n\n"
        "在学习方面:\n一是集中学习。\n二是专题研讨。\n\n同时,建立长效机制。" + TAIL
    )
    measures = report.problems[0].measures
    assert [(m.group, m.ordinal) for m in measures] == [
        ("在学习方面", "一是"),
        ("在学习方面", "二是"),
        ("在学习方面", None),
    ]
    assert [m.lines for m in measures] == [(18, 18), (19, 19), (21, 21)]


def test_list_continuing_in_a_new_paragraph_keeps_its_group() -> None:
    report = read_report(
        HEAD + "(1)学习不深入。\n\n整改落实情况:共制定2项整改措施,已落实整改2项。\n\n"
        "在学习方面:一是集中学习。\n\n二是专题研讨。" + TAIL
    )
    assert [m.group for m in report.problems[0].measures] == ["在学习方面", "在学习方面"]


def test_semicolon_line_before_a_new_item_is_not_glued() -> None:
    report = read_report(
        HEAD + "(1)学习不深入。\n\n整改落实情况:共制定1项整改措施,已落实整改1项。\n\n"
        "一是专题研讨;\n(2)研讨不够。\n\n整改落实情况:共制定1项整改措施,已落实整改1项。\n\n"
        "一是建立制度。" + TAIL
    )
    assert [p.number for p in report.problems] == ["1", "2"]
    assert report.problems[0].measures[0].text == "专题研讨;"
    assert report.problems[1].lines == (18, 22)
    with pytest.raises(ReportReadError) as caught:
        read_report(
            HEAD + "(1)学习不深入;\n(2)研讨不够。\n\n整改落实情况:共制定1项整改措施。\n\n"
            "一是专题研讨。" + TAIL
        )
    assert caught.value.line == 14  # reading stopped at (2): (1) has no measures


def test_warnings_for_missing_stated_sentence_and_sequence() -> None:
    report = read_report(
        HEAD + "(1)学习不深入。\n\n一是集中学习。三是专题研讨。\n\n(3)研讨不够。\n\n"
        "整改落实情况:已全部落实。\n\n建立制度。" + TAIL
    )
    codes = [w.code for w in report.warnings]
    assert codes == [
        "stated_missing",
        "ordinal_sequence",
        "problem_number_sequence",
        "stated_unparsed",
    ]
    assert [w.line for w in report.warnings] == [15, 15, 17, 19]
    assert report.problems[0].stated is None
    assert report.problems[1].stated == ParsedStated(
        None, None, False, "整改落实情况:已全部落实。", lines=(19, 19)
    )


# --- broken inputs ---------------------------------------------------------------------------


def blank_lines(text: str, *numbers: int) -> str:
    """``text`` with the given lines emptied, so the other lines keep their numbers."""
    lines = text.split("\n")
    return "\n".join("" if i in numbers else line for i, line in enumerate(lines, 1))


def expect_error(source: str | bytes, line: int | None, *fragments: str) -> ReportReadError:
    with pytest.raises(ReportReadError) as caught:
        read_report(source)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.line == line
    text = str(error)
    assert error.message_zh in text and error.message_en in text
    if line is not None:
        assert f"第{line}行" in text and f"(line {line})" in text
    for fragment in fragments:
        assert fragment in text
    return error


@pytest.mark.parametrize("source", ["", "  \n\u3000\n\t", b"", b"\xef\xbb\xbf\r\n"])
def test_empty_input(source: str | bytes) -> None:
    expect_error(source, None, "文件为空", "empty")


@pytest.mark.parametrize(
    ("source", "line"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3),
        ("整改\n报告\x00", 2),
        (b"\xfd\x80\x81\xff", None),
        ("text with a \x07 bell", 1),
    ],
)
def test_binary_input(source: str | bytes, line: int | None) -> None:
    expect_error(source, line, "不是文本文件", "not a text file")


def test_no_rectification_section(seed_text: str) -> None:
    expect_error(blank_lines(seed_text, 19), 191, "整改落实情况", "no section")


def test_section_without_problems() -> None:
    expect_error(
        HEAD.split("1.关于")[0] + "整改工作扎实推进。\n\n三、下一步计划\n\n继续整改。" + TAIL,
        13,
        "未找到问题",
        "no problems found",
    )


def test_problem_without_stated_sentence_or_measures(seed_text: str) -> None:
    expect_error(blank_lines(seed_text, 25, 27, 29), 31, "问题(1)之后未找到", "problem (1)")


def test_problem_with_stated_sentence_but_no_measures(seed_text: str) -> None:
    expect_error(blank_lines(seed_text, 27, 29), 31, "问题(1)的“整改落实情况”之后没有整改措施")


def test_last_problem_without_measures(seed_text: str) -> None:
    expect_error(blank_lines(seed_text, 172), 174, "问题(20)")


def test_problem_before_any_category(seed_text: str) -> None:
    expect_error(blank_lines(seed_text, 21), 23, "之前没有问题类别", "before any category")


def test_category_without_problems(seed_text: str) -> None:
    lines = seed_text.split("\n")
    lines[51] = "1.关于“重复的类别”问题的整改。"
    expect_error("\n".join(lines), 53, "类别1下没有问题", "category 1 has no problems")


def test_second_stated_sentence(seed_text: str) -> None:
    lines = seed_text.split("\n")
    lines[28] = lines[24]
    expect_error("\n".join(lines), 29, "第二个", "second 整改落实情况")


def test_missing_introduction(seed_text: str) -> None:
    expect_error(blank_lines(seed_text, 5), 7, "巡察时间", "inspection period")


def test_introduction_without_feedback_date(seed_text: str) -> None:
    text = seed_text.replace("10月31日,巡察组向市行政审批局党组反馈了巡察意见。", "")
    expect_error(text, 5, "反馈时间", "feedback date")


def test_error_is_a_value_error_that_pickles() -> None:
    import pickle

    error = ReportReadError("中文", "English", 3)
    again = pickle.loads(pickle.dumps(error))
    assert (again.message_zh, again.message_en, again.line) == ("中文", "English", 3)
    assert str(again) == "第3行:中文 / English (line 3)"
    assert str(ReportReadError("中文", "English")) == "中文 / English"


def test_missing_next_steps_heading_is_not_silent(seed_text: str) -> None:
    report = read_report(blank_lines(seed_text, 174))
    assert report.next_steps_text == ""
    assert len(report.problem("20").measures) == 5 + 4
    odd = [w for w in report.warnings if w.code == "unexpected_heading"]
    assert [w.line for w in odd] == [178, 181, 183]
    assert "problem (20)" in odd[0].message
