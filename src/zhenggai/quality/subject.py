"""What the rules look at: one inspection's problems and measures, however they were obtained.

A :class:`CheckSubject` is built from a report read from a file (:func:`from_report`),
from the ledger in the database (:func:`zhenggai.quality.services.subject_for`), or from
a JSON description (:func:`from_json`, used by the test corpus). Rules never touch the
database or the parsed tree directly, so each rule runs the same way on all three.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from zhenggai.documents.readers import ParsedReport


class SubjectKind(StrEnum):
    """``report``: a report read from a file; ``ledger``: a ledger with statuses and files."""

    REPORT = "report"
    LEDGER = "ledger"


#: Ledger statuses in which completion is claimed for the measure itself.
CLAIMED_STATUSES = frozenset({"submitted", "approved", "closed"})


@dataclass(frozen=True)
class EvidenceItem:
    """An evidence file as the rules see it: identity by content hash, type, upload time."""

    name: str
    sha256: str
    content_type: str
    uploaded_at: dt.datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class ProgressItem:
    """A progress update; ``is_completion_claim`` marks the one that asked for closure."""

    text: str
    created_at: dt.datetime | None = None
    is_completion_claim: bool = False
    id: int | None = None


@dataclass(frozen=True)
class MeasureItem:
    """One measure: ``index`` is its 1-based place within the problem, as printed."""

    index: int
    text: str
    status: str | None = None
    closed_at: dt.datetime | None = None
    evidence: tuple[EvidenceItem, ...] = ()
    progress: tuple[ProgressItem, ...] = ()
    lines: tuple[int, int] | None = None
    id: int | None = None

    @property
    def status_claims_done(self) -> bool:
        """The ledger status says the work was reported done (待审核, 待销号 or 已销号)."""
        return self.status in CLAIMED_STATUSES

    @property
    def completion_claim(self) -> ProgressItem | None:
        """The newest progress update that claimed completion, if any."""
        claims = [p for p in self.progress if p.is_completion_claim]
        return max(claims, key=_progress_order) if claims else None

    @property
    def latest_progress(self) -> ProgressItem | None:
        return max(self.progress, key=_progress_order) if self.progress else None


def _progress_order(item: ProgressItem) -> tuple[dt.datetime, int]:
    return (item.created_at or dt.datetime.min.replace(tzinfo=dt.UTC), item.id or 0)


@dataclass(frozen=True)
class ProblemItem:
    """One problem with the report's own summary (共制定N项, 已落实整改N项) and its measures."""

    number: str
    text: str
    measures: tuple[MeasureItem, ...]
    stated_planned: int | None = None
    stated_done: int | None = None
    stated_text: str = ""
    lines: tuple[int, int] | None = None
    id: int | None = None


@dataclass(frozen=True)
class SummaryText:
    """A report-wide passage (title, introduction, organisation, next steps)."""

    source: str
    text: str


@dataclass(frozen=True)
class CheckSubject:
    """The problems and measures of one inspection, with the report-wide passages."""

    kind: SubjectKind
    problems: tuple[ProblemItem, ...]
    unit: str = ""
    year: int | None = None
    summaries: tuple[SummaryText, ...] = ()
    inspection_id: int | None = None
    name: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def measures(self) -> tuple[tuple[ProblemItem, MeasureItem], ...]:
        """Every (problem, measure) pair, in document order."""
        return tuple((p, m) for p in self.problems for m in p.measures)

    def problem(self, number: str) -> ProblemItem:
        for item in self.problems:
            if item.number == number:
                return item
        raise KeyError(number)


def from_report(report: ParsedReport, *, name: str = "") -> CheckSubject:
    """The subject of a report read from a file: no statuses, no files, texts and lines only."""
    problems = tuple(
        ProblemItem(
            number=p.number,
            text=p.text,
            stated_planned=p.stated.planned if p.stated else None,
            stated_done=p.stated.done if p.stated else None,
            stated_text=p.stated.text if p.stated else "",
            lines=p.lines,
            measures=tuple(
                MeasureItem(index=i, text=m.text, lines=m.lines)
                for i, m in enumerate(p.measures, start=1)
            ),
        )
        for p in report.problems
    )
    summaries = tuple(
        SummaryText(source, text)
        for source, text in (
            ("title", report.title),
            ("intro", report.intro_text),
            ("organisation", report.organisation_text),
            ("next_steps", report.next_steps_text),
        )
        if text
    )
    year = (report.report_date or report.feedback_date).year
    return CheckSubject(
        kind=SubjectKind.REPORT,
        problems=problems,
        unit=report.unit,
        year=year,
        summaries=summaries,
        name=name,
    )


def _datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def from_json(data: dict[str, Any]) -> CheckSubject:
    """A subject from plain data (the test corpus' ``*.ledger.json``); see ``docs/quality.md``.

    ``{"kind": "ledger", "unit": …, "year": …, "summaries": [{"source", "text"}],
    "problems": [{"number", "text", "stated_planned", "stated_done", "stated_text",
    "measures": [{"text", "status", "closed_at", "evidence": [{"name", "sha256",
    "content_type", "uploaded_at"}], "progress": [{"text", "created_at",
    "is_completion_claim"}]}]}]}``. Ids are assigned in document order.
    """
    evidence_id = progress_id = measure_id = 0
    problems = []
    for p_index, prob in enumerate(data["problems"], start=1):
        measures = []
        for m_index, item in enumerate(prob["measures"], start=1):
            measure_id += 1
            evidence = []
            for ev in item.get("evidence", []):
                evidence_id += 1
                evidence.append(
                    EvidenceItem(
                        name=ev["name"],
                        sha256=ev["sha256"],
                        content_type=ev["content_type"],
                        uploaded_at=_datetime(ev.get("uploaded_at")),
                        id=evidence_id,
                    )
                )
            progress = []
            for up in item.get("progress", []):
                progress_id += 1
                progress.append(
                    ProgressItem(
                        text=up["text"],
                        created_at=_datetime(up.get("created_at")),
                        is_completion_claim=bool(up.get("is_completion_claim")),
                        id=progress_id,
                    )
                )
            measures.append(
                MeasureItem(
                    index=m_index,
                    text=item["text"],
                    status=item.get("status"),
                    closed_at=_datetime(item.get("closed_at")),
                    evidence=tuple(evidence),
                    progress=tuple(progress),
                    id=measure_id,
                )
            )
        problems.append(
            ProblemItem(
                number=str(prob.get("number", p_index)),
                text=prob.get("text", ""),
                stated_planned=prob.get("stated_planned"),
                stated_done=prob.get("stated_done"),
                stated_text=prob.get("stated_text", ""),
                measures=tuple(measures),
                id=p_index,
            )
        )
    return CheckSubject(
        kind=SubjectKind(data.get("kind", SubjectKind.LEDGER)),
        problems=tuple(problems),
        unit=data.get("unit", ""),
        year=data.get("year"),
        summaries=tuple(SummaryText(s["source"], s["text"]) for s in data.get("summaries", [])),
        name=data.get("name", ""),
    )
