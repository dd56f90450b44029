"""Broken or unknown input stops with a clear error and a line, never a half-read tree."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from zhenggai.documents.readers import ReportReadError, read_report

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


def blank_lines(text: str, *numbers: int) -> str:
    """``text`` with the given lines emptied, so the other lines keep their numbers."""
    lines = text.split("\n")
    return "\n".join("" if i in numbers else line for i, line in enumerate(lines, 1))


def replace_line(text: str, number: int, new: str) -> str:
    lines = text.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


def expect_error(source: str | bytes, line: int | None, *fragments: str) -> ReportReadError:
    with pytest.raises(ReportReadError) as caught:
        read_report(source)
    error = caught.value
    assert error.line == line, str(error)
    text = str(error)
    assert error.message_zh in text and error.message_en in text
    for fragment in fragments:
        assert fragment in text
    return error


# --- any layout -----------------------------------------------------------------------------


@pytest.mark.parametrize("source", [b"", "\n\n  \u3000 \n", b"\xef\xbb\xbf"])
def test_empty(source: str | bytes) -> None:
    expect_error(source, None, "文件为空", "empty")


@pytest.mark.parametrize("data", [b"\xfd\x80\x81\xff", "Rapport café".encode("latin-1")])
def test_wrong_encoding_is_not_silently_misread(data: bytes) -> None:
    # bytes that are neither UTF-8 nor GB18030 text
    expect_error(data, None, "不是文本文件", "not a text file")


def test_gbk_bytes_are_read() -> None:
    report = read_report(fixture("audit.txt").encode("gbk"))
    assert report.layout == "audit" and len(report.problems) == 5


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"%PDF-1.4\n1 0 obj", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".doc"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是文本文件"),
    ],
)
def test_other_formats_are_named(data: bytes, fragment: str) -> None:
    with pytest.raises(ReportReadError, match=fragment):
        read_report(data)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_spreadsheet_given_as_a_report() -> None:
    data = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    expect_error(data, None, "不是Word文档", "not a Word document")


def test_broken_docx() -> None:
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<not xml"})
    expect_error(data, None, "无法读取Word文档", "cannot be read")


def test_truncated_docx() -> None:
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"x" * 400})[:60]
    with pytest.raises(ReportReadError):
        read_report(data)


def test_archive_bomb_is_refused_before_extraction() -> None:
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (40 << 20)})
    assert len(data) < 200_000
    expect_error(data, None, "压缩炸弹", "archive bomb")


def test_text_without_any_structure() -> None:
    expect_error("这是一段普通文字。\n\n没有任何整改报告的结构。\n", 3, "整改落实情况")


# --- structure each layout cannot follow --------------------------------------------------------


def test_three_level_problem_without_measures() -> None:
    text = blank_lines(fixture("three_level.txt"), 18)
    expect_error(text, 20, "问题1之后未找到整改措施", "problem 1 is followed by no measures")


def test_three_level_problem_before_any_category() -> None:
    text = blank_lines(fixture("three_level.txt"), 15)
    expect_error(text, 17, "问题1之前没有问题类别", "before any category")


def test_three_level_area_without_categories() -> None:
    text = blank_lines(fixture("three_level.txt"), 30, 32, 33, 35, 36)
    expect_error(text, 38, "“在“全面从严治党”方面”下没有问题类别", "has no categories")


def test_three_level_category_without_problems() -> None:
    text = blank_lines(fixture("three_level.txt"), 25, 26)
    expect_error(text, 28, "类别2“落实意识形态工作责任制不到位”下没有问题", "has no problems")


def test_feedback_status_second_label_after_counted_measures() -> None:
    text = fixture("feedback_status.txt").replace(
        "整改情况：一是制定《基层医疗卫生服务能力提升三年行动方案》",
        "整改情况：共制定3项整改措施。一是制定《基层医疗卫生服务能力提升三年行动方案》",
    )
    text = replace_line(text, 18, "整改情况:共制定2项措施,已完成2项。一是另一套措施。")
    expect_error(text, 18, "第二个", "second")


def test_numbered_problem_without_text() -> None:
    text = replace_line(fixture("numbered_problems.txt"), 22, "问题2:")
    expect_error(text, 22, "问题2没有内容", "problem 2 has no text")


def test_last_audit_problem_without_measures() -> None:
    text = blank_lines(fixture("audit.txt"), 40, 41)
    expect_error(text, 43, "问题五之后未找到整改措施")


def test_flat_list_problem_without_its_paragraph() -> None:
    text = blank_lines(fixture("flat_list.txt"), 12)
    expect_error(text, 14, "问题1之后未找到整改措施")


def test_missing_introduction_names_the_line() -> None:
    text = blank_lines(fixture("audit.txt"), 5)
    expect_error(text, 7, "巡察时间", "inspection period")


def test_error_is_never_a_partial_tree() -> None:
    text = fixture("numbered_problems.txt")
    broken = text.replace("问题4:住房保障资金管理不规范,个别项目资金拨付进度滞后。", "问题4:")
    with pytest.raises(ReportReadError):
        read_report(broken)
