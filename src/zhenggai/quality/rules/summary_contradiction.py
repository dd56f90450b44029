"""``summary_contradiction``: a summary or status says done while a measure says it is not."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from zhenggai.quality.engine import CheckContext, Finding, Rule, Severity, Span
from zhenggai.quality.subject import CheckSubject, MeasureItem, ProblemItem
from zhenggai.quality.text import (
    Marked,
    claim_for,
    marked_clauses,
    measure_span,
    progress_span,
    report_claim,
)

_NOT = r"(?<![对将])(?:尚未|仍未|还未|暂未|未能|没有|未)"
_DONE = (
    r"(?:完成|整改到位|整改完毕|落实到位|处理到位|清理到位|办结|解决|清退|退还|退付|收回|"
    r"结案|销号|验收|整改|落实)"
)
_ATTRIBUTIVE = r"(?!的|问题|事项|情况)"
_ATTRIBUTIVE_REACH = 12

#: Wording that says in so many words that the work is not done.
MARKERS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"{_NOT}(?:按期|如期|按时|全部|完全|彻底)?{_DONE}{_ATTRIBUTIVE}"),
    re.compile(
        r"仍有\s*(?:\d+|[一二三四五六七八九十两]+)\s*(?:个|项|件|笔|起|家|条|人)?"
        r"[^,，。;；]{0,12}?(?:未|没有)"
    ),
)


class SummaryContradiction(Rule):
    id = "summary_contradiction"
    order = 60
    severity = Severity.HIGH
    title = _("总体表述与措施内容矛盾")
    explanation = _(
        "报告或台账状态称整改“已完成”“已落实整改N项”或已销号,但措施本身(或其进展报告)写明"
        "“尚未完成”“未整改到位”“仍有…未处理”。总体结论与具体事实自相矛盾,说明结论是估出来"
        "或套出来的。请以措施的实际情况为准更正结论,未完成的不得计入已完成。"
    )

    def check(self, subject: CheckSubject, context: CheckContext) -> Iterator[Finding]:
        report = report_claim(subject)
        for problem, measure in subject.measures:
            claim = claim_for(subject, problem, measure, report)
            if claim is None:
                continue
            spans = self.not_done_spans(problem, measure)
            if not spans:
                continue
            yield self.finding(
                problem=problem.number,
                problem_id=problem.id,
                measure=measure.index,
                measure_id=measure.id,
                spans=(*spans, claim.span),
                message=str(
                    _("“%(claim)s”,但措施写明“%(quote)s”")
                    % {"claim": claim.span.text[:40], "quote": "”“".join(s.text for s in spans)}
                ),
                key="|".join(span.text for span in spans),
            )

    @staticmethod
    def not_done_spans(problem: ProblemItem, measure: MeasureItem) -> list[Span]:
        spans = [
            measure_span(problem, measure, hit.start, hit.end) for hit in _statements(measure.text)
        ]
        latest = measure.latest_progress
        if latest is not None:
            spans += [
                progress_span(problem, measure, latest.text, hit)
                for hit in _statements(latest.text)
            ]
        return spans


def _statements(text: str) -> list[Marked]:
    """Marked clauses where the marker states a fact, not describes a noun.

    In 没有完成年度目标的3个单位已被约谈 the marker is part of a 的-phrase naming who was
    held to account; such a clause says nothing about this measure being unfinished.
    """
    return [
        hit
        for hit in marked_clauses(text, MARKERS, skip_done=False)
        if "的" not in text[hit.marker_end : min(hit.end, hit.marker_end + _ATTRIBUTIVE_REACH)]
    ]


RULE = SummaryContradiction()
