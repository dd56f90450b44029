"""Evidence files (佐证材料): an allow-list by content, size limits and archive-bomb checks.

Every refusal names the file, and one bad file among several stores nothing at all.
"""

from __future__ import annotations

import functools
import io
import os
import struct
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.ledger.helpers import at, audit_mark, entries_since, reload
from tests.world import PDF, PNG, World, pdf_file
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Evidence, MeasureStatus, ProgressUpdate
from zhenggai.ledger.services import workflow
from zhenggai.ledger.services.evidence import ALLOWED_TYPES, check_upload

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def jpeg_bytes() -> bytes:
    """A valid 8×8 grey baseline JPEG: every coefficient zero, one-symbol Huffman tables."""

    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">HH", 0xFF00 | marker, len(payload) + 2) + payload

    one_code = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1, for symbol 0
    return b"".join(
        [
            b"\xff\xd8",
            segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            segment(0xDB, b"\x00" + bytes([1] * 64)),
            segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00"),
            segment(0xC4, b"\x00" + one_code),  # DC table 0
            segment(0xC4, b"\x10" + one_code),  # AC table 0
            segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
            b"\x3f",  # DC difference 0, then end of block; padded with ones
            b"\xff\xd9",
        ]
    )


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("整改完成情况说明")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["序号", "整改措施", "完成情况"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ofd_bytes() -> bytes:
    return zip_bytes(
        {
            "OFD.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>',
            "Doc_0/Document.xml": b"<ofd:Document/>",
        }
    )


@functools.cache
def zip_bomb() -> bytes:
    """A docx-looking zip whose one member inflates to 201 MB of zeros (about 200 KB on disk)."""
    buffer = io.BytesIO()
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(201):
                member.write(chunk)
    return buffer.getvalue()


def declared_size_zip(declared: int) -> bytes:
    """A 2.3 MB incompressible docx-looking zip whose directory declares ``declared`` bytes.

    The ratio stays below the ratio limit, so only the absolute limit can refuse it.
    """
    payload = os.urandom(2_300_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/media/image1.bin", payload)
    data = bytearray(buffer.getvalue())
    entry = data.rfind(b"PK\x01\x02")  # the central directory entry of the last member
    data[entry + 24 : entry + 28] = struct.pack("<I", declared)
    return bytes(data)


ACCEPTED = {
    "pdf": (PDF, "application/pdf"),
    "png": (PNG, "image/png"),
    "jpg": (jpeg_bytes(), "image/jpeg"),
    "docx": (docx_bytes(), DOCX_TYPE),
    "xlsx": (xlsx_bytes(), XLSX_TYPE),
    "ofd": (ofd_bytes(), "application/ofd"),
}


@pytest.mark.parametrize("kind", ACCEPTED)
def test_allowed_types_are_accepted_by_content(world: World, kind: str) -> None:
    content, content_type = ACCEPTED[kind]
    assert content_type in ALLOWED_TYPES
    name = f"材料.{kind}"
    workflow.report_progress(
        measure=world.a.measures[0],
        actor=world.dept,
        text="上传材料",
        files=[(name, io.BytesIO(content))],
        now=at(0),
    )
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        name,
        content_type,
        len(content),
    )
    assert Path(evidence.file.path).read_bytes() == content


def test_an_xlsx_named_docx_is_stored_as_what_it_is() -> None:
    checked = check_upload(io.BytesIO(xlsx_bytes()), "台账.docx")
    assert checked.content_type == XLSX_TYPE


REFUSED = {
    "exe renamed pdf": (
        "整改报告.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200),
        "类型不允许",
    ),
    "html": (
        "说明.html",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "类型不允许",
    ),
    "plain zip": ("材料.zip", zip_bytes({"说明.txt": "整改情况".encode()}), "类型不允许"),
    "docx without content types": (
        "假文档.docx",
        zip_bytes({"word/document.xml": b"<w:document/>"}),
        "类型不允许",
    ),
    "empty": ("空白.pdf", b"", "为空"),
    "ratio bomb": ("炸弹.docx", None, "压缩炸弹"),
    "member-count bomb": ("成员.docx", None, "压缩炸弹"),
    "declared 205 MB": ("声明.docx", None, "压缩炸弹"),
    "201 MB of zeros": ("零.docx", None, "压缩炸弹"),
}


def refused_content(case: str) -> bytes:
    name, content, _ = REFUSED[case]
    if content is not None:
        return content
    if case == "ratio bomb":  # 11 MB of zeros: under 200 MB but expands more than 100×
        return zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(11 << 20)})
    if case == "member-count bomb":
        return zip_bytes(
            {"[Content_Types].xml": b"<Types/>", **{f"word/{i}.xml": b"" for i in range(2001)}}
        )
    if case == "declared 205 MB":
        return declared_size_zip(205 * 1024 * 1024)
    return zip_bomb()


@pytest.mark.parametrize("case", REFUSED)
def test_refused_files_name_the_file(world: World, case: str) -> None:
    name, _, reason = REFUSED[case]
    mark = audit_mark()
    with pytest.raises(DomainError) as exc:
        workflow.report_progress(
            measure=world.a.measures[0],
            actor=world.dept,
            text="上传材料",
            files=[(name, io.BytesIO(refused_content(case)))],
            now=at(0),
        )
    assert f"“{name}”" in exc.value.message
    assert reason in exc.value.message
    assert exc.value.field == "file"
    assert not ProgressUpdate.objects.exists()
    assert not Evidence.objects.exists()
    assert entries_since(mark) == []


def test_the_size_limit_is_a_setting(settings) -> None:
    settings.ZHENGGAI_EVIDENCE_MAX_BYTES = 4096
    at_limit = PDF + b"%" * (4096 - len(PDF))
    assert check_upload(io.BytesIO(at_limit), "刚好.pdf").size == 4096
    with pytest.raises(DomainError, match="超过大小上限") as exc:
        check_upload(io.BytesIO(at_limit + b"%"), "超大.pdf")
    assert "“超大.pdf”" in exc.value.message
    assert exc.value.field == "file"


def test_one_bad_file_among_several_saves_nothing(world: World, data_dir: Path) -> None:
    measure = world.a.measures[0]
    mark = audit_mark()
    files = [
        pdf_file("好.pdf"),
        ("病毒.pdf", io.BytesIO(b"MZ" + bytes(100))),
        ("照片.png", io.BytesIO(PNG)),
    ]

    with pytest.raises(DomainError, match="“病毒.pdf”"):
        workflow.report_progress(
            measure=measure, actor=world.dept, text="三份材料", files=files, now=at(0)
        )

    assert reload(measure).status == MeasureStatus.DRAFT
    assert reload(measure).last_progress_at is None
    assert not ProgressUpdate.objects.exists()
    assert not Evidence.objects.exists()
    assert entries_since(mark) == []
    stored = (
        [p for p in (data_dir / "files").rglob("*") if p.is_file()]
        if (data_dir / "files").exists()
        else []
    )
    assert stored == []


# ------------------------------------------------------------------ hostile archives


def _damaged(patches: dict[int, bytes]) -> bytes:
    """A one-member zip with bytes of its central directory entry overwritten."""
    data = bytearray(zip_bytes({"a.txt": b"x"}))
    entry = data.rfind(b"PK\x01\x02")
    for offset, patch in patches.items():
        data[entry + offset : entry + offset + len(patch)] = patch
    return bytes(data)


# Damaged zip directories on which the zip reader raises something other than BadZipFile.
DAMAGED = {
    "needs zip version 10.0": _damaged({6: b"\x64"}),  # NotImplementedError
    "name flagged UTF-8 but is not": _damaged({8: b"\x00\x08", 46: b"\xff\xfe\xfd\xfc\xfb"}),
}


@pytest.mark.parametrize("case", DAMAGED)
def test_a_damaged_zip_directory_is_refused_as_not_allowed(case: str) -> None:
    with pytest.raises(DomainError, match="类型不允许"):
        check_upload(io.BytesIO(DAMAGED[case]), "损坏.docx")


DOCX = docx_bytes()


@hsettings(max_examples=150, deadline=None, derandomize=True)
@given(
    cut=st.integers(min_value=4, max_value=len(DOCX)),
    flips=st.lists(st.tuples(st.integers(0, len(DOCX) - 1), st.integers(0, 255)), max_size=8),
)
def test_a_damaged_archive_is_refused_not_crashed_on(
    cut: int, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(DOCX)
    for index, value in flips:
        data[index] = value
    try:
        checked = check_upload(io.BytesIO(bytes(data[:cut])), "损坏.docx")
    except DomainError as exc:
        assert "“损坏.docx”" in exc.message
    else:
        assert checked.content_type in ALLOWED_TYPES
