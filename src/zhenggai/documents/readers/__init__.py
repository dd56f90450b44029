"""Readers turning published rectification reports into a typed tree.

>>> from zhenggai.documents.readers import read_report
>>> report = read_report(path)          # doctest: +SKIP
>>> len(report.problems)                # doctest: +SKIP
20
"""

from __future__ import annotations

from .model import (
    LineSpan,
    ParsedCategory,
    ParsedContact,
    ParsedMeasure,
    ParsedProblem,
    ParsedReport,
    ParsedStated,
    ParsedWarning,
    ReportReadError,
)
from .text import LAYOUTS, Layout, detect_layout, read_report

__all__ = [
    "LAYOUTS",
    "Layout",
    "LineSpan",
    "ParsedCategory",
    "ParsedContact",
    "ParsedMeasure",
    "ParsedProblem",
    "ParsedReport",
    "ParsedStated",
    "ParsedWarning",
    "ReportReadError",
    "detect_layout",
    "read_report",
]
