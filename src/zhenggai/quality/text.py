"""Text helpers shared by the rules: clauses, quoted spans, and completion claims.

A *claim* is what says a measure is done: its ledger status (待审核/待销号/已销号),
the problem's 整改落实情况 sentence (已落实整改N项 with N covering every listed
measure, or 已整改到位 without a count), or a report-wide sentence (问题已全部整改到位).
A partial count (已落实整改4项 of 6) claims no particular measure, so it claims none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhenggai.documents.readers.frame import NUMBER
from zhenggai.quality.engine import Span
from zhenggai.quality.subject import CheckSubject, MeasureItem, ProblemItem

#: Characters that end a clause (分句): full stops, commas, semicolons, colons, line ends.
_CLAUSE_END = "。；;！!？?，,：:\n"
_STATED_DONE = re.compile(rf"已(?:经)?(?:全部)?(?:落实|完成)(?:整改)?\s*{NUMBER}\s*(?:项|条)")
_STATED_DONE_NO_COUNT = re.compile(
    r"已(?:经)?(?:全部)?(?:整改(?:到位|完成|完毕)|完成(?:整改)?|落实(?:到位)?|办结|销号)(?!\s*\d)"
)
_ALL_DONE = re.compile(
    r"(?:已(?:经)?(?:全部|全面)|(?:均|都|全部|悉数)已(?:经)?)"
    r"(?:整改|完成|落实|办结|销号)(?:到位|完成|完毕|整改)?"
)
_NOT_A_CLAIM = re.compile(r"确保|力争|争取|直至|务必|要求|计划|将")


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``text[start:end]``: from the punctuation before to the one after."""
    left = max((text.rfind(mark, 0, start) for mark in _CLAUSE_END), default=-1) + 1
    rights = [i for i in (text.find(mark, end) for mark in _CLAUSE_END) if i != -1]
    right = min(rights) if rights else len(text)
    while left < right and text[left] in " \u3000":
        left += 1
    return left, right


def measure_span(
    problem: ProblemItem, measure: MeasureItem, start: int, end: int, *, whole_clause: bool = True
) -> Span:
    """A quoted span of a measure's text (widened to its clause unless told otherwise)."""
    if whole_clause:
        start, end = clause_bounds(measure.text, start, end)
    return Span(
        text=measure.text[start:end],
        source="measure",
        problem=problem.number,
        measure=measure.index,
        start=start,
        end=end,
        lines=measure.lines,
    )


def whole_measure_span(problem: ProblemItem, measure: MeasureItem) -> Span:
    return Span(
        text=measure.text,
        source="measure",
        problem=problem.number,
        measure=measure.index,
        start=0,
        end=len(measure.text),
        lines=measure.lines,
    )


@dataclass(frozen=True)
class Claim:
    """What claims a measure done, quoted; ``level`` is ``measure``, ``problem`` or ``report``."""

    span: Span
    level: str


def _status_claim(problem: ProblemItem, measure: MeasureItem) -> Claim | None:
    if not measure.status_claims_done:
        return None
    from zhenggai.ledger.models import MeasureStatus

    claim = measure.completion_claim
    if claim is not None:
        span = Span(
            text=claim.text, source="progress", problem=problem.number, measure=measure.index
        )
    else:
        label = str(MeasureStatus(measure.status).label)
        span = Span(text=label, source="status", problem=problem.number, measure=measure.index)
    return Claim(span, "measure")


def stated_claim(problem: ProblemItem) -> Claim | None:
    """The problem's 整改落实情况 sentence, when it says every listed measure is done."""
    text = problem.stated_text
    if problem.stated_done is not None:
        covers = problem.stated_planned is None or problem.stated_done >= problem.stated_planned
        if problem.stated_done <= 0 or not covers:
            return None
        match = _STATED_DONE.search(text)
    else:
        match = _STATED_DONE_NO_COUNT.search(text)
    if match is None:
        return None
    span = Span(
        text=match.group(0),
        source="stated",
        problem=problem.number,
        start=match.start(),
        end=match.end(),
        lines=problem.lines,
    )
    return Claim(span, "problem")


def report_claim(subject: CheckSubject) -> Claim | None:
    """A report-wide sentence saying every problem is done (问题已全部整改到位)."""
    for summary in subject.summaries:
        for match in _ALL_DONE.finditer(summary.text):
            left, right = clause_bounds(summary.text, match.start(), match.end())
            if _NOT_A_CLAIM.search(summary.text, left, match.start()):
                continue
            span = Span(
                text=summary.text[left:right],
                source="report",
                start=left,
                end=right,
            )
            return Claim(span, "report")
    return None


def claim_for(
    subject: CheckSubject, problem: ProblemItem, measure: MeasureItem, report: Claim | None
) -> Claim | None:
    """What claims ``measure`` done — its own status first, then its problem, then the report."""
    return _status_claim(problem, measure) or stated_claim(problem) or report


_DONE_CUE = re.compile(r"已|了(?![解结])")
_TITLE = re.compile(r"《[^》]*》")


@dataclass(frozen=True)
class Marked:
    """A clause containing a marker: the clause's bounds, the marker, and the marker's bounds."""

    start: int
    end: int
    marker: str
    marker_start: int
    marker_end: int


def marked_clauses(
    text: str, patterns: tuple[re.Pattern[str], ...], *, skip_done: bool
) -> list[Marked]:
    """The clauses of ``text`` containing a marker, each once, in order.

    Markers inside a document title (《…》) are ignored; with ``skip_done`` so is a
    clause that itself reports the work done (已…, …了), e.g. 原计划6月上线,已于5月上线.
    """
    titles = [m.span() for m in _TITLE.finditer(text)]
    found: dict[tuple[int, int], re.Match[str]] = {}
    for pattern in patterns:
        for match in pattern.finditer(text):
            if any(a <= match.start() < b for a, b in titles):
                continue
            left, right = clause_bounds(text, match.start(), match.end())
            if skip_done and _DONE_CUE.search(text, left, right):
                continue
            found.setdefault((left, right), match)
    return [Marked(a, b, m.group(0), m.start(), m.end()) for (a, b), m in sorted(found.items())]


def progress_span(problem: ProblemItem, measure: MeasureItem, text: str, hit: Marked) -> Span:
    return Span(
        text=text[hit.start : hit.end],
        source="progress",
        problem=problem.number,
        measure=measure.index,
        start=hit.start,
        end=hit.end,
    )
