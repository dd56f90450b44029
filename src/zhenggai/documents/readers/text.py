"""Reading a plain-text rectification report: decode, split, pick a layout, read.

Layouts are tried in order; the first whose ``detect`` accepts the paragraphs reads
them. When none does, the default layout reads anyway, so its precise error (for
example “no 整改落实情况 section”, with a line number) reaches the user. A new layout
(three-level ``(一)在“…”方面``, ``问题1:`` numbering, audit reports) is one more
module with ``detect`` and ``read`` and one more entry in :data:`LAYOUTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import bulletin
from .model import ParsedReport
from .source import Paragraph, load_text, split_paragraphs


@dataclass(frozen=True)
class Layout:
    """A way reports are laid out: a name, a cheap test, and the reader proper."""

    name: str
    detect: Callable[[Sequence[Paragraph]], bool]
    read: Callable[[Sequence[Paragraph]], ParsedReport]


PROGRESS_BULLETIN = Layout(bulletin.NAME, bulletin.detect, bulletin.read)

#: Known layouts, most specific first.
LAYOUTS: tuple[Layout, ...] = (PROGRESS_BULLETIN,)

#: Reads the text when no layout recognises it, to explain what is missing.
DEFAULT_LAYOUT = PROGRESS_BULLETIN


def detect_layout(paragraphs: Sequence[Paragraph]) -> Layout:
    """The first layout of :data:`LAYOUTS` that recognises ``paragraphs``, else the default."""
    return next((layout for layout in LAYOUTS if layout.detect(paragraphs)), DEFAULT_LAYOUT)


def read_report(source: str | bytes | Path) -> ParsedReport:
    """Read a published rectification report into a :class:`ParsedReport`.

    ``source`` is the report's text (``str``), its raw bytes (UTF-8 with or without
    BOM, or GB18030), or a ``pathlib.Path`` to a ``.txt`` file. Full-width and ASCII
    punctuation and CRLF line ends are all accepted.

    Raises :class:`ReportReadError` (a ``ValueError``) with Chinese and English
    messages and the line where reading stopped, rather than return a partial tree;
    what could be read past is listed in ``ParsedReport.warnings``.
    """
    paragraphs = split_paragraphs(load_text(source))
    return detect_layout(paragraphs).read(paragraphs)
