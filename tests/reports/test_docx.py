"""The .docx opened with python-docx: page, styles, sizes, numbering, page numbers, fonts."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.world import TODAY, World
from zhenggai.documents.report.compose import compose_unit_report
from zhenggai.documents.report.document import Block, Kind, ReportDocument
from zhenggai.documents.report.docx import write_docx
from zhenggai.documents.report.fonts import coverage
from zhenggai.ledger.models import Inspection, Problem


def open_docx(data: bytes) -> Document:
    return Document(io.BytesIO(data))


def east_asia(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


@pytest.fixture
def seed_docx(seed: Inspection) -> Document:
    return open_docx(write_docx(compose_unit_report(seed, today=TODAY)))


def test_page_is_a4_with_the_gbt9704_text_block(seed_docx: Document) -> None:
    section = seed_docx.sections[0]
    assert round(section.page_width.mm, 1) == 210.0
    assert round(section.page_height.mm, 1) == 297.0
    margins = [section.top_margin, section.left_margin, section.right_margin, section.bottom_margin]
    assert [round(m.mm, 1) for m in margins] == [37.0, 28.0, 26.0, 35.0]
    width = section.page_width.mm - section.left_margin.mm - section.right_margin.mm
    height = section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm
    assert (round(width, 1), round(height, 1)) == (156.0, 225.0)


def test_styles_fonts_and_sizes(seed_docx: Document) -> None:
    styles = seed_docx.styles
    expected = {
        "ZG Title": (22, "方正小标宋简体"),
        "ZG Body": (16, "仿宋_GB2312"),
        "ZG Heading 1": (16, "黑体"),
        "ZG Heading 2": (16, "楷体_GB2312"),
        "ZG Heading 3": (16, "仿宋_GB2312"),
        "ZG Heading 4": (16, "仿宋_GB2312"),
        "ZG Page Number": (14, "宋体"),
    }
    for name, (size, font) in expected.items():
        style = styles[name]
        assert style.font.size == Pt(size), name
        assert style.font.name == font and east_asia(style) == font, name
    assert styles["ZG Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    body = styles["ZG Body"].paragraph_format
    assert body.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert body.line_spacing == Pt(28.95)
    assert body.first_line_indent == Pt(32)  # two 3号 characters
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert east_asia(styles["ZG Lead 2"]) == "楷体_GB2312"
    # 22 lines of 28.95 pt fill 225 mm; 28 characters of 16 pt less 0.25 pt fill 156 mm.
    spacing = styles["ZG Body"].element.rPr.find(qn("w:spacing")).get(qn("w:val"))
    advance = 16 + int(spacing) / 20
    assert 28 * advance <= 156 / 25.4 * 72 < 29 * advance
    assert 22 * 28.95 <= 225 / 25.4 * 72 < 23 * 28.95


def test_heading_levels_and_numbering(seed_docx: Document) -> None:
    by_style: dict[str, list[str]] = {}
    for paragraph in seed_docx.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    assert by_style["ZG Heading 1"] == [
        "一、整改工作组织情况",
        "二、整改落实情况",
        "三、下一步工作计划",
    ]
    categories = by_style["ZG Heading 3"]
    assert [c.split(".")[0] for c in categories] == [str(n) for n in range(1, 8)]
    problems = by_style["ZG Heading 4"]
    assert [re.match(r"（(\d+)）", p).group(1) for p in problems] == [str(n) for n in range(1, 21)]
    leads = [
        run.text for p in seed_docx.paragraphs for run in p.runs if run.style.name == "ZG Lead 2"
    ]
    assert leads[:2] == ["（一）提高政治站位，加强组织领导。", "（二）迅速细化责任，全面落实整改。"]
    for text in problems + leads:  # nothing after (一) or (1)
        assert not re.match(r"（[一二三四五六七八九十\d]+）[、.，。：:]", text)


def test_page_numbers_odd_right_even_left(seed_docx: Document) -> None:
    assert seed_docx.settings.odd_and_even_pages_header_footer
    section = seed_docx.sections[0]
    assert round(section.footer_distance.mm) == 22
    odd = section.footer.paragraphs[0]
    even = section.even_page_footer.paragraphs[0]
    for paragraph, alignment in ((odd, WD_ALIGN_PARAGRAPH.RIGHT), (even, WD_ALIGN_PARAGRAPH.LEFT)):
        assert paragraph.style.name == "ZG Page Number"
        assert paragraph.alignment == alignment
        xml = paragraph._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
    assert odd.paragraph_format.right_indent == Pt(14)  # inset one 4号 character
    assert even.paragraph_format.left_indent == Pt(14)


def test_signature_and_date(seed_docx: Document) -> None:
    signature, date = seed_docx.paragraphs[-2], seed_docx.paragraphs[-1]
    assert (signature.text, date.text) == ("中共宿迁市行政审批局党组", "2020年3月27日")
    assert signature.alignment is None and signature.style.name == "ZG Signature"
    # Signature two characters from the right; the date starts two characters to its right.
    char = Pt(15.75)
    assert signature.paragraph_format.right_indent == 2 * char
    assert abs(date.paragraph_format.right_indent - 5.5 * char) < Pt(0.1)
    text = "\n".join(p.text for p in seed_docx.paragraphs)
    assert not re.search(r"\d{4}年0\d月|月0\d日", text)


def test_font_names_are_configurable(settings, world: World) -> None:
    settings.ZHENGGAI_REPORT_FONTS = {"body": "仿宋", "title": "华文中宋"}
    settings.ZHENGGAI_REPORT_BOLD_HEADINGS = True
    styles = open_docx(write_docx(compose_unit_report(world.a.inspection, today=TODAY))).styles
    assert styles["ZG Body"].font.name == "仿宋"
    assert styles["ZG Title"].font.name == "华文中宋"
    assert styles["ZG Heading 1"].font.name == "黑体"
    assert styles["ZG Heading 2"].font.bold and styles["ZG Heading 3"].font.bold
    settings.ZHENGGAI_REPORT_FONTS = {"nonsense": "x"}
    with pytest.raises(ValueError, match="unknown font roles"):
        write_docx(compose_unit_report(world.a.inspection, today=TODAY))


def test_open_fonts_and_fallback_runs(world: World) -> None:
    if coverage("FandolFang") is None or coverage("Noto Serif CJK SC") is None:
        pytest.skip(
            "FandolFang or Noto Serif CJK SC is not installed (scripts/install-report-tools.sh)"
        )
    Problem.objects.filter(pk=world.a.problems[0].pk).update(text="朱镕基同志和刘䶮的问题。")
    document = open_docx(
        write_docx(compose_unit_report(world.a.inspection, today=TODAY), open_fonts=True)
    )
    assert document.styles["ZG Body"].font.name == "FandolFang"
    assert document.styles["ZG Heading 2"].font.name == "FandolKai"
    assert document.styles["ZG Title"].font.name == "Noto Serif CJK SC"
    assert document.styles["ZG Title"].font.bold
    problem = next(p for p in document.paragraphs if "镕" in p.text)
    assert problem.text == "（1）朱镕基同志和刘䶮的问题。"
    fallback = [run.text for run in problem.runs if run.font.name == "Noto Serif CJK SC"]
    assert fallback == ["镕", "䶮"]


def test_control_characters_and_long_text_survive() -> None:
    long_text = "整改" * 3000
    document = ReportDocument(
        "unit",
        "标题",
        (
            Block(Kind.TITLE, "标题"),
            Block(Kind.PARA, "响铃\x07字符"),
            Block(Kind.PARA, long_text),
        ),
        TODAY,
    )
    opened = open_docx(write_docx(document))
    texts = [p.text for p in opened.paragraphs]
    assert texts[1] == "响铃\ufffd字符"
    assert texts[2] == long_text
