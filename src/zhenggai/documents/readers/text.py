"""Reading a rectification report: decode, split, pick a layout, read, check the figures.

Layouts are tried in order; the first whose ``detect`` accepts the paragraphs reads
them. When none does, the default layout reads anyway, so its precise error (for
example “no 整改落实情况 section”, with a line number) reaches the user. A new layout
is one more :class:`~.outline.Spec` (or module) with ``detect`` and ``read`` and one
more entry in :data:`LAYOUTS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from . import bulletin, layouts
from .docx import docx_text, is_docx
from .model import ParsedReport, ReportReadError
from .source import MAX_BYTES, Paragraph, load_text, split_paragraphs
from .summary import consistency_warnings, outside_body, read_figures


@dataclass(frozen=True)
class Layout:
    """A way reports are laid out: a name, a cheap test, and the reader proper."""

    name: str
    detect: Callable[[Sequence[Paragraph]], bool]
    read: Callable[[Sequence[Paragraph]], ParsedReport]


def _outline(spec: layouts.Spec, detect: Callable[[Sequence[Paragraph]], bool]) -> Layout:
    return Layout(spec.name, detect, partial(layouts.read_layout, spec))


PROGRESS_BULLETIN = Layout(bulletin.NAME, bulletin.detect, bulletin.read)
AUDIT = _outline(layouts.AUDIT, layouts.detect_audit)
THREE_LEVEL = _outline(layouts.THREE_LEVEL, layouts.detect_three_level)
FEEDBACK_STATUS = _outline(layouts.FEEDBACK_STATUS, layouts.detect_feedback_status)
NUMBERED_PROBLEMS = _outline(layouts.NUMBERED_PROBLEMS, layouts.detect_numbered_problems)
FLAT_LIST = _outline(layouts.FLAT_LIST, layouts.detect_flat_list)

#: Known layouts, most specific first.
LAYOUTS: tuple[Layout, ...] = (
    AUDIT,
    THREE_LEVEL,
    FEEDBACK_STATUS,
    NUMBERED_PROBLEMS,
    PROGRESS_BULLETIN,
    FLAT_LIST,
)

#: Reads the text when no layout recognises it, to explain what is missing.
DEFAULT_LAYOUT = PROGRESS_BULLETIN

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_layout(paragraphs: Sequence[Paragraph]) -> Layout:
    """The first layout of :data:`LAYOUTS` that recognises ``paragraphs``, else the default."""
    return next((layout for layout in LAYOUTS if layout.detect(paragraphs)), DEFAULT_LAYOUT)


def _refuse_other_formats(data: bytes) -> None:
    if data.startswith(_OLE2):
        raise ReportReadError(
            "这是旧版Word(.doc)或Excel(.xls)文件,请另存为.docx后再导入",
            "this is an old Word (.doc) or Excel (.xls) file; save it as .docx first",
        )
    if data.startswith(b"%PDF"):
        raise ReportReadError(
            "不支持PDF文件,请导入.txt或.docx格式的报告",
            "PDF is not supported; import the report as .txt or .docx",
        )
    if data.startswith(b"PK\x03\x04") and not is_docx(data):
        raise ReportReadError(
            "该压缩文件不是Word文档(.docx);Excel台账请用“导入台账”",
            "this archive is not a Word document (.docx); import spreadsheets as a ledger",
        )


def report_text(source: str | bytes | Path) -> str:
    """The text of ``source`` as the layouts read it: a .docx is flattened to lines."""
    if isinstance(source, Path):
        source = source.read_bytes()
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        if len(data) > MAX_BYTES:
            return load_text(data)  # raises the size error
        _refuse_other_formats(data)
        if is_docx(data):
            return load_text(docx_text(data))
    return load_text(source)


def finish(report: ParsedReport, paragraphs: Sequence[Paragraph]) -> ParsedReport:
    """Add the summary figures and the consistency warnings, warnings in line order."""
    figures = read_figures(outside_body(paragraphs, report))
    report = dataclasses.replace(report, summary=figures)
    warnings = [*report.warnings, *consistency_warnings(report)]
    warnings.sort(key=lambda w: (w.line is None, w.line or 0))
    return dataclasses.replace(report, warnings=tuple(warnings))


def read_report(source: str | bytes | Path) -> ParsedReport:
    """Read a published rectification report into a :class:`ParsedReport`.

    ``source`` is the report's text (``str``), its raw bytes (UTF-8 with or without
    BOM, GB18030/GBK, or a .docx file), or a ``pathlib.Path`` to a ``.txt`` or ``.docx``
    file. Full-width and ASCII punctuation and CRLF line ends are all accepted.

    Raises :class:`ReportReadError` (a ``ValueError``) with Chinese and English
    messages and the line where reading stopped, rather than return a partial tree;
    what could be read past is listed in ``ParsedReport.warnings``, figures that
    disagree with the problems listed among them (see ``summary.CONSISTENCY_CODES``).
    """
    paragraphs = split_paragraphs(report_text(source))
    if not paragraphs:
        raise ReportReadError("文件为空", "the input is empty", None)
    return finish(detect_layout(paragraphs).read(paragraphs), paragraphs)
