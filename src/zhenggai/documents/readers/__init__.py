"""Readers turning published rectification reports (.txt, .docx) into a typed tree.

>>> from zhenggai.documents.readers import read_report
>>> report = read_report(path)          # doctest: +SKIP
>>> len(report.problems)                # doctest: +SKIP
20

Layouts: ``progress-bulletin`` (the seed), ``three-level``, ``feedback-status``,
``numbered-problems``, ``flat-list`` and ``audit``; see ``docs/import.md``.
"""

from __future__ import annotations

from .model import (
    STATUS_KINDS,
    LineSpan,
    ParsedCategory,
    ParsedContact,
    ParsedFigure,
    ParsedMeasure,
    ParsedProblem,
    ParsedReport,
    ParsedStated,
    ParsedStatus,
    ParsedTally,
    ParsedWarning,
    ReportReadError,
)
from .text import LAYOUTS, Layout, detect_layout, read_report

__all__ = [
    "LAYOUTS",
    "STATUS_KINDS",
    "Layout",
    "LineSpan",
    "ParsedCategory",
    "ParsedContact",
    "ParsedFigure",
    "ParsedMeasure",
    "ParsedProblem",
    "ParsedReport",
    "ParsedStated",
    "ParsedStatus",
    "ParsedTally",
    "ParsedWarning",
    "ReportReadError",
    "detect_layout",
    "read_report",
]
