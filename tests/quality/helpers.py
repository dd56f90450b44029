"""Small subjects for the rule tests, built directly rather than through the reader."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import zhenggai.documents
from zhenggai.documents.readers import read_report
from zhenggai.quality.engine import CheckContext, Finding, get_rule
from zhenggai.quality.subject import (
    CheckSubject,
    MeasureItem,
    ProblemItem,
    SubjectKind,
    SummaryText,
    from_json,
    from_report,
)

SEED = Path(zhenggai.documents.__file__).parent / "fixtures" / "seed_report.txt"
CORPUS = Path(__file__).parent / "corpus"


def seed_subject() -> CheckSubject:
    return from_report(read_report(SEED), name="seed")


def problem(
    number: str,
    measures: Sequence[str],
    *,
    planned: int | None = None,
    done: int | None = None,
    stated: str | None = None,
) -> ProblemItem:
    """A problem as a report prints it; ``planned``/``done`` default to the listed count."""
    count = len(measures)
    planned = count if planned is None else planned
    done = planned if done is None else done
    if stated is None:
        stated = f"整改落实情况:共制定{planned}项整改措施,已落实整改{done}项。"
    return ProblemItem(
        number=number,
        text=f"问题{number}。",
        stated_planned=planned,
        stated_done=done,
        stated_text=stated,
        measures=tuple(MeasureItem(index=i, text=t) for i, t in enumerate(measures, start=1)),
    )


def report(*problems: ProblemItem, summaries: Sequence[str] = ()) -> CheckSubject:
    return CheckSubject(
        kind=SubjectKind.REPORT,
        problems=tuple(problems),
        summaries=tuple(SummaryText("organisation", s) for s in summaries),
    )


def ledger(data: dict[str, Any]) -> CheckSubject:
    return from_json({"kind": "ledger", **data})


def run(rule_id: str, subject: CheckSubject, context: CheckContext | None = None) -> list[Finding]:
    return list(get_rule(rule_id).check(subject, context or CheckContext()))


def anchors(findings: Sequence[Finding]) -> list[tuple[str | None, int | None]]:
    return [(f.problem, f.measure) for f in findings]
