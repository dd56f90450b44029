"""``count_mismatch``: the stated number of measures differs from the measures listed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from zhenggai.documents.readers.frame import NUMBER
from zhenggai.quality.engine import CheckContext, Finding, Rule, Severity, Span
from zhenggai.quality.subject import CheckSubject

_PLANNED = re.compile(rf"(?:共)?制定(?:了)?\s*{NUMBER}\s*(?:项|条)(?:整改)?(?:措施|举措)?")


class CountMismatch(Rule):
    id = "count_mismatch"
    order = 10
    severity = Severity.MEDIUM
    title = _("措施数量与所列不符")
    explanation = _(
        "报告称“共制定N项整改措施”,但实际列出的措施条数与之不同。数字对不上,说明措施清单"
        "可能是凑数或事后拼接的(数字整改),也意味着有措施未被列出、无法核查。请核对措施清单,"
        "补全或更正所称数量。"
    )

    def check(self, subject: CheckSubject, context: CheckContext) -> Iterator[Finding]:
        for problem in subject.problems:
            planned, listed = problem.stated_planned, len(problem.measures)
            if planned is None or planned == listed:
                continue
            match = _PLANNED.search(problem.stated_text)
            start, end = (match.start(), match.end()) if match else (0, len(problem.stated_text))
            quoted = problem.stated_text[start:end] or str(_("共制定%(n)s项") % {"n": planned})
            yield self.finding(
                problem=problem.number,
                problem_id=problem.id,
                measure=None,
                spans=(
                    Span(
                        text=quoted,
                        source="stated",
                        problem=problem.number,
                        start=start,
                        end=end,
                        lines=problem.lines,
                    ),
                ),
                message=str(
                    _("称制定%(planned)s项措施,实际列出%(listed)s项")
                    % {"planned": planned, "listed": listed}
                ),
                key=f"{planned}:{listed}",
            )


RULE = CountMismatch()
