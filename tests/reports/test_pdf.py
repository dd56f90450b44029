"""The PDF (LibreOffice, open fonts) checked from its coordinates and fonts (GB/T 9704 §2.1).

Page size, the text block, 22 lines of 28 characters, the fonts per level, page numbers
right on odd and left on even pages, and no glyph missing. Page 1 of the seed report is
written as a PNG to ``test-artifacts/reports/``.
"""

from __future__ import annotations

import io
import subprocess
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from tests.reports.conftest import load_seed, require_soffice, rolled_back
from tests.world import TODAY
from zhenggai.documents.report.compose import compose_unit_report
from zhenggai.documents.report.document import Block, Kind, ReportDocument
from zhenggai.documents.report.pdf import write_pdf

MM = 72 / 25.4
LEFT, TOP, WIDTH, HEIGHT = 28, 37, 156, 225
RIGHT, BOTTOM = LEFT + WIDTH, TOP + HEIGHT
RARE = "朱镕基同志、刘䶮、𠀾"  # 镕 and 䶮 are not in FandolFang

# The module fixture reads the test database; the marker makes pytest-django create it.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seed_document(django_db_setup, django_db_blocker) -> ReportDocument:
    require_soffice()
    return rolled_back(django_db_blocker, lambda: compose_unit_report(load_seed(), today=TODAY))


@pytest.fixture(scope="module")
def seed_pdf(seed_document: ReportDocument) -> bytes:
    return write_pdf(seed_document)


@pytest.fixture(scope="module")
def pages(seed_pdf: bytes) -> list:
    with pdfplumber.open(io.BytesIO(seed_pdf)) as pdf:
        return [(page.width, page.height, list(page.chars)) for page in pdf.pages]


def body_chars(chars: list) -> list:
    return [c for c in chars if c["top"] < BOTTOM * MM + 2]


def footer_chars(chars: list) -> list:
    return [c for c in chars if c["top"] >= BOTTOM * MM + 2]


def lines_of(chars: list) -> list[list]:
    lines: dict[int, list] = {}
    for char in chars:
        lines.setdefault(round(char["top"]), []).append(char)
    return [lines[top] for top in sorted(lines)]


def test_pages_are_a4(pages: list) -> None:
    for width, height, _ in pages:
        assert abs(width / MM - 210) <= 0.5 and abs(height / MM - 297) <= 0.5


def test_text_stays_in_the_text_block(pages: list) -> None:
    for number, (_, _, chars) in enumerate(pages, start=1):
        for char in body_chars(chars):
            assert LEFT - 1 <= char["x0"] / MM and char["x1"] / MM <= RIGHT + 1, (
                number,
                char["text"],
            )
            assert TOP - 1 <= char["top"] / MM and char["bottom"] / MM <= BOTTOM + 1, (
                number,
                char["text"],
            )


def test_full_pages_have_22_lines_of_28_characters(pages: list) -> None:
    middle = pages[1:-1]
    counts = [len(lines_of(body_chars(chars))) for _, _, chars in middle]
    assert max(counts) == 22 and counts.count(22) >= len(middle) // 2
    widths = [
        len(line)
        for _, _, chars in middle
        for line in lines_of(body_chars(chars))
        if all(ord(c["text"]) >= 0x2E80 for c in line)
    ]
    assert max(widths) == 28 and widths.count(28) > 100


def test_fonts_per_level(pages: list, seed_pdf: bytes) -> None:
    chars = pages[0][2]
    by_text = {}
    for line in lines_of(chars):
        by_text["".join(c["text"] for c in line)] = line
    title = by_text["中共宿迁市行政审批局党组"]
    assert {c["size"] for c in title} == {22.0}
    assert all("NotoSerifCJK" in c["fontname"] and "Bold" in c["fontname"] for c in title)
    heading = by_text["一、整改工作组织情况"]
    assert all("NotoSansCJK" in c["fontname"] and round(c["size"]) == 16 for c in heading)
    body = [c for c in body_chars(chars) if c["size"] == 16 and "Fandol" in c["fontname"]]
    assert len(body) > 300 and all(
        "FandolFang" in c["fontname"] for c in body if "Kai" not in c["fontname"]
    )
    lead = next(line for text, line in by_text.items() if text.startswith("（一）提高政治站位"))
    assert all("FandolKai" in c["fontname"] for c in lead[:14])
    assert "FandolFang" in lead[20]["fontname"]
    listing = subprocess.run(["pdffonts", "-"], input=seed_pdf, capture_output=True, check=True)
    rows = listing.stdout.decode().splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)  # every font embedded


def test_no_extra_space_between_chinese_and_digits(pages: list) -> None:
    line = next(
        line for line in lines_of(pages[0][2]) if "2019年7月5日" in "".join(c["text"] for c in line)
    )
    text = "".join(c["text"] for c in line)
    start = text.index("2019年7月5日")
    run = line[start : start + len("2019年7月5日")]
    gaps = [b["x0"] - a["x1"] for a, b in zip(run, run[1:], strict=False)]
    assert max(gaps) < 1.5, gaps  # LibreOffice's autospace would add about 3 pt


def test_signature_and_date_positions(pages: list) -> None:
    signature, date = lines_of(body_chars(pages[-1][2]))[-2:]
    assert "".join(c["text"] for c in signature) == "中共宿迁市行政审批局党组"
    assert "".join(c["text"] for c in date) == "2020年3月27日"
    char = 15.75 / MM  # one condensed 3号 character, in mm
    assert abs(signature[-1]["x1"] / MM - (RIGHT - 2 * char)) <= 1  # two characters in
    assert abs(date[0]["x0"] / MM - (signature[0]["x0"] / MM + 2 * char)) <= 1


def test_page_numbers(pages: list) -> None:
    for number, (_, _, chars) in enumerate(pages, start=1):
        footer = footer_chars(chars)
        assert "".join(c["text"] for c in footer).replace(" ", "") == f"—{number}—"
        assert {round(c["size"]) for c in footer} == {14}
        top = min(c["top"] for c in footer) / MM
        assert abs(top - (BOTTOM + 7)) <= 1.5  # 7 mm below the text block
        if number % 2:
            assert abs(max(c["x1"] for c in footer) / MM - (RIGHT - 14 / MM)) <= 1.5
        else:
            assert abs(min(c["x0"] for c in footer) / MM - (LEFT + 14 / MM)) <= 1.5


def test_no_glyph_is_lost(pages: list, seed_document: ReportDocument) -> None:
    printed = Counter(c["text"] for _, _, chars in pages for c in body_chars(chars))
    expected = Counter(ch for block in seed_document.text_blocks() for ch in block.full_text)
    del expected[" "], printed[" "]
    assert printed == expected


def test_page_one_as_png(seed_pdf: bytes, artifacts: Path, tmp_path: Path) -> None:
    source = tmp_path / "seed-report.pdf"
    source.write_bytes(seed_pdf)
    (artifacts / "seed-report.pdf").write_bytes(seed_pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(artifacts / "seed-report-page1"),
        ],
        check=True,
        capture_output=True,
    )
    png = artifacts / "seed-report-page1.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rare_characters_fall_back_and_long_text_wraps() -> None:
    require_soffice()
    url = "https://example.cn/" + "a1b2c3d4" * 40
    document = ReportDocument(
        "unit",
        "测试",
        (
            Block(Kind.TITLE, "关于生僻字和超长文字的测试"),
            Block(Kind.PARA, RARE),
            Block(Kind.PARA, url),
            Block(Kind.PARA, "整改落实到位" * 200),
        ),
        TODAY,
    )
    with pdfplumber.open(io.BytesIO(write_pdf(document))) as pdf:
        chars = [c for page in pdf.pages for c in body_chars(page.chars)]
    text = "".join(c["text"] for c in chars)
    for char in RARE:
        assert char in text, char
    for char in "镕䶮":
        fonts = {c["fontname"] for c in chars if c["text"] == char}
        assert fonts and all("NotoSerifCJK" in f for f in fonts), (char, fonts)
    assert "".join(c["text"] for c in chars if c["text"].isascii()).count("a1b2c3d4") == 40
    assert max(c["x1"] for c in chars) / MM <= RIGHT + 1
