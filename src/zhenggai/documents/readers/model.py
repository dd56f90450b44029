"""The typed tree a report reader produces, and the error it raises.

Everything here is an immutable value: two reports read from the same text compare
equal, and a tree rebuilt from its ``zhenggai.ledger/1`` JSON equals the original.
Line numbers are 1-based physical lines of the source file, as ``(first, last)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: ``(first, last)`` 1-based line numbers in the source; ``None`` when the source has none.
LineSpan = tuple[int, int]


class ReportReadError(ValueError):
    """The report cannot be read; says why in Chinese and English, and where.

    ``line`` is the 1-based line of the source where reading stopped, or ``None``
    when the fault is not tied to a line (empty input, JSON validation).
    """

    def __init__(self, message_zh: str, message_en: str, line: int | None = None) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        self.line = line
        super().__init__(message_zh, message_en, line)

    def __str__(self) -> str:
        where_zh = f"第{self.line}行:" if self.line is not None else ""
        where_en = f" (line {self.line})" if self.line is not None else ""
        return f"{where_zh}{self.message_zh} / {self.message_en}{where_en}"


@dataclass(frozen=True)
class ParsedWarning:
    """Something the reader noticed but could read past, e.g. a stated count that differs.

    ``code`` is a stable identifier (see ``docs/ledger-json.md``), ``message`` is
    ``"中文 / English"`` and ``line`` the source line it concerns, if any.
    """

    code: str
    message: str
    line: int | None = None


@dataclass(frozen=True)
class ParsedStated:
    """The report's own summary of a problem (整改落实情况), counts as printed.

    ``planned`` is 共制定N项整改措施, ``done`` is 已落实整改N项 (``None`` when the
    sentence does not give it), ``ongoing`` is 并常态坚持/长期坚持, ``text`` the whole sentence.
    """

    planned: int | None
    done: int | None
    ongoing: bool
    text: str
    lines: LineSpan | None = None


#: Status classes a printed status falls into (see :func:`readers.status.status_kind`).
STATUS_KINDS = ("done", "partial", "in_progress", "unknown")


@dataclass(frozen=True)
class ParsedStatus:
    """A problem's status as printed (整改状态:阶段性完成 / 完成情况:已完成整改).

    ``kind`` is the class it falls into — ``done`` (完成, 已整改), ``partial``
    (阶段性完成, 基本完成), ``in_progress`` (正在整改, 未完成) or ``unknown`` — and
    ``text`` the whole sentence as printed, label included.
    """

    kind: str
    text: str
    lines: LineSpan | None = None


@dataclass(frozen=True)
class ParsedTally:
    """Counts printed for a group of problems (共发现问题3个,已整改2个,正在整改1个).

    Each count is ``None`` when the sentence does not give it; ``text`` is the sentence.
    """

    total: int | None
    done: int | None
    partial: int | None
    in_progress: int | None
    text: str
    lines: LineSpan | None = None


@dataclass(frozen=True)
class ParsedFigure:
    """One summary figure the report prints, e.g. 已完成整改18个 or 收回资金12.5万元.

    ``key`` is one of :data:`readers.summary.FIGURE_KEYS`; ``value`` is a count, a
    percentage (``completion_rate``) or an amount in 元 (``funds_yuan``, converted
    from 万元/亿元); ``text`` the words it was read from.
    """

    key: str
    value: int | float
    text: str
    lines: LineSpan | None = None


@dataclass(frozen=True)
class ParsedMeasure:
    """One rectification measure (整改措施).

    ``ordinal`` is the printed list marker (``"一是"``) that was stripped from ``text``,
    ``group`` the printed heading it falls under without the colon (``"在…方面"``).
    """

    text: str
    group: str | None = None
    ordinal: str | None = None
    lines: LineSpan | None = None


@dataclass(frozen=True)
class ParsedProblem:
    """One problem from the inspection feedback (反馈问题) with its measures."""

    number: str
    text: str
    stated: ParsedStated | None
    measures: tuple[ParsedMeasure, ...]
    lines: LineSpan | None = None
    status: ParsedStatus | None = None


@dataclass(frozen=True)
class ParsedCategory:
    """A category of problems (问题类别), e.g. 关于“…”问题的整改; ``title`` is the quoted text.

    ``area`` is the heading above it in three-level reports (``在“党的政治建设”方面``),
    ``stated`` the counts printed for it (audit reports: 共发现问题N个,已整改N个…).
    """

    number: str
    title: str
    problems: tuple[ParsedProblem, ...]
    lines: LineSpan | None = None
    area: str | None = None
    stated: ParsedTally | None = None


@dataclass(frozen=True)
class ParsedContact:
    """Where the public can send opinions (联系方式); each part ``None`` when not printed."""

    phone: str | None = None
    address: str | None = None
    postcode: str | None = None
    email: str | None = None
    text: str = ""
    lines: LineSpan | None = None


@dataclass(frozen=True)
class ParsedReport:
    """A rectification progress report (巡察整改进展情况的通报) read into a tree.

    ``unit`` is the inspected party organisation (the issuer without a leading 中共,
    or as named in the introduction when the report has no issuer line).
    """

    title: str
    issuer: str
    unit: str
    team: str
    period_start: dt.date
    period_end: dt.date
    feedback_date: dt.date
    report_date: dt.date | None
    categories: tuple[ParsedCategory, ...]
    intro_text: str = ""
    organisation_text: str = ""
    next_steps_text: str = ""
    contact: ParsedContact | None = None
    warnings: tuple[ParsedWarning, ...] = ()
    layout: str = ""
    summary: tuple[ParsedFigure, ...] = ()
    #: Where the inspection facts were read: ``title``, ``intro`` (team, unit, period,
    #: feedback date), ``issuer`` and ``report_date``, each as ``(name, (first, last))``.
    fact_lines: tuple[tuple[str, LineSpan], ...] = ()

    @property
    def problems(self) -> tuple[ParsedProblem, ...]:
        """All problems, in document order across categories."""
        return tuple(p for c in self.categories for p in c.problems)

    @property
    def measures(self) -> tuple[ParsedMeasure, ...]:
        """All measures, in document order across problems."""
        return tuple(m for p in self.problems for m in p.measures)

    def figure(self, key: str) -> int | float | None:
        """The value of the first summary figure with ``key``, else ``None``."""
        return next((f.value for f in self.summary if f.key == key), None)

    def problem(self, number: str) -> ParsedProblem:
        """The problem printed with ``number`` (e.g. ``"12"``); ``KeyError`` if absent."""
        for item in self.problems:
            if item.number == number:
                return item
        raise KeyError(number)
