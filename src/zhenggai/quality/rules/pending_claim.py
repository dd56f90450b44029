"""``pending_claim``: completion is claimed while the text says the work is still to come."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from zhenggai.quality.engine import CheckContext, Finding, Rule, Severity, Span
from zhenggai.quality.subject import CheckSubject, MeasureItem, ProblemItem
from zhenggai.quality.text import (
    claim_for,
    marked_clauses,
    measure_span,
    progress_span,
    report_claim,
)

_MONTH = r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月(?:份|底|中旬|上旬|下旬|前)?"
_PERIOD = r"(?:\d{4}\s*年|今年|明年|年底|年内|年中|上半年|下半年|[一二三四]季度|近期|下月|月底)"
_ACTION = (
    r"(?:上线|完成|实施|启动|建成|出台|投入|召开|举办|开展|推出|开通|印发|试运行|运行|验收|"
    r"部署|采购|招标|开工|竣工|交付)"
)
_WHEN = r"(?:于|在|到|将)?\s*"

#: Wording that puts the work in the future or in progress. Nouns (工作计划, 学习计划,
#: 计划单列, 按计划执行) do not match: 计划 counts only followed by a time or an action.
MARKERS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"(?<![原按照依据])计划{_WHEN}(?:\d{{4}}\s*年\s*)?{_MONTH}"),
    re.compile(rf"(?<![原按照依据])计划{_WHEN}{_PERIOD}"),
    re.compile(rf"(?<![原按照依据的])计划(?:于|将)?{_ACTION}"),
    re.compile(r"(?<![草模虚比])拟(?![定稿制写办人任提])"),
    re.compile(r"(?<![即必])将(?:于|要|会)"),
    re.compile(r"将在(?![岗建职编册库途线逃用办外押案])"),
    re.compile(r"即将|力争|预计"),
    re.compile(
        r"争取(?:于|在|到)?\s*(?:\d|今年|明年|年底|年内|上半年|下半年|早日|尽快|完成|实现|上线)"
    ),
    re.compile(r"正(?:在|按计划|抓紧|加紧|积极|有序)(?!正常|平稳|稳定|良好|运行|运转|使用|发挥)"),
    re.compile(r"(?:仍|还)在(?!正常|平稳|稳定|良好|运行|运转|使用|发挥|坚持)"),
    re.compile(
        r"(?:尚未|仍未|还未|暂未|尚待)(?!发现|出现|收到|发生|接到)"
        r"(?!完成|整改|落实|到位|办结|解决|处理|清退|退还|收回|结案|销号|验收|全部|完全)"
    ),
    re.compile(r"(?<![接对期等招款亟善优看虐有])待[^,，。;；]{1,12}后"),
)


class PendingClaim(Rule):
    id = "pending_claim"
    order = 20
    severity = Severity.HIGH
    title = _("称已完成但仍在计划中")
    explanation = _(
        "措施被报告为已完成(已落实整改、已销号或申请销号),但其文字说明工作仍是计划或正在"
        "进行,如“计划6月份上线”“拟免去”“将于年底完成”“正在推进”“力争”。把计划当成果上报"
        "是典型的文字整改:事情还没有做成。请核实实际完成情况,未完成的应改为整改中并明确时限。"
    )

    def check(self, subject: CheckSubject, context: CheckContext) -> Iterator[Finding]:
        report = report_claim(subject)
        for problem, measure in subject.measures:
            claim = claim_for(subject, problem, measure, report)
            if claim is None:
                continue
            spans = self.pending_spans(problem, measure)
            if not spans:
                continue
            yield self.finding(
                problem=problem.number,
                problem_id=problem.id,
                measure=measure.index,
                measure_id=measure.id,
                spans=(*spans, claim.span),
                message=str(
                    _("称已完成,但写明“%(quote)s”") % {"quote": "”“".join(s.text for s in spans)}
                ),
                key="|".join(span.text for span in spans),
            )

    @staticmethod
    def pending_spans(problem: ProblemItem, measure: MeasureItem) -> list[Span]:
        spans = [
            measure_span(problem, measure, hit.start, hit.end)
            for hit in marked_clauses(measure.text, MARKERS, skip_done=True)
        ]
        claim = measure.completion_claim
        if claim is not None:
            spans += [
                progress_span(problem, measure, claim.text, hit)
                for hit in marked_clauses(claim.text, MARKERS, skip_done=True)
            ]
        return spans


RULE = PendingClaim()
