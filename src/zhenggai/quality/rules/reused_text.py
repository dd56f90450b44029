"""``reused_text``: the same or nearly the same measure text under several problems or units."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from zhenggai.quality.engine import CheckContext, Finding, Ref, Rule, Severity
from zhenggai.quality.minhash import LshIndex, signature
from zhenggai.quality.shingles import DisjointSets, near_duplicate, shingles, similarity
from zhenggai.quality.subject import CheckSubject, MeasureItem, ProblemItem
from zhenggai.quality.text import whole_measure_span

#: Up to this many measures every pair is compared exactly; above it LSH picks candidates.
EXACT_LIMIT = 600


class ReusedText(Rule):
    id = "reused_text"
    order = 30
    severity = Severity.MEDIUM
    title = _("措施文字重复使用")
    explanation = _(
        "同一段措施文字(或几乎相同的文字)出现在多个问题之下,或与其他单位、其他年度的措施雷同。"
        "不同的问题需要针对性的措施;照搬照抄说明措施可能没有对准问题,同一项工作被重复计数,"
        "也可能是套用模板的形式整改。请说明每个问题各自的具体措施,或把共用的工作只计一次。"
    )

    def check(self, subject: CheckSubject, context: CheckContext) -> Iterator[Finding]:
        items = subject.measures
        sets = [shingles(m.text) for _, m in items]
        groups = DisjointSets()
        for i, j in _candidate_pairs(items, sets):
            if items[i][0] is not items[j][0] and near_duplicate(sets[i], sets[j]):
                groups.union(i, j)
        external: dict[int, Ref] = {}
        if context.external is not None:
            known = [(m.id, m.text) for _, m in items if m.id is not None]
            position = {m.id: i for i, (_, m) in enumerate(items) if m.id is not None}
            for measure_id, refs in context.external.similar_measures(known).items():
                for ref in refs:
                    if ref.measure_id is None:
                        continue
                    external.setdefault(ref.measure_id, ref)
                    groups.union(position[measure_id], ("x", ref.measure_id))
        for group in groups.groups():
            inside = sorted(i for i in group if isinstance(i, int))
            outside = sorted(k[1] for k in group if isinstance(k, tuple))
            if len(inside) + len(outside) < 2 or not inside:
                continue
            yield self._finding(items, sets, inside, [external[k] for k in outside])

    def _finding(
        self,
        items: tuple[tuple[ProblemItem, MeasureItem], ...],
        sets: list[frozenset[str]],
        inside: list[int],
        outside: list[Ref],
    ) -> Finding:
        anchor_problem, anchor = items[inside[0]]
        related: list[Ref] = []
        for i in inside[1:]:
            problem, measure = items[i]
            found = similarity(sets[inside[0]], sets[i])
            related.append(
                Ref(
                    problem=problem.number,
                    measure=measure.index,
                    measure_id=measure.id,
                    problem_id=problem.id,
                    similarity=found.score if found else None,
                )
            )
        related.extend(outside)
        places = [
            str(_("问题(%(p)s)第%(m)s项") % {"p": r.problem, "m": r.measure})
            if not r.external
            else str(
                _("%(unit)s %(year)s年问题(%(p)s)")
                % {
                    "unit": r.unit or "",
                    "year": r.year or "",
                    "p": r.problem,
                }
            )
            for r in related
        ]
        members = [
            f"{items[i][0].id or items[i][0].number}:{items[i][1].id or items[i][1].index}"
            for i in inside
        ] + [f"x{r.measure_id}" for r in outside]
        return self.finding(
            problem=anchor_problem.number,
            problem_id=anchor_problem.id,
            measure=anchor.index,
            measure_id=anchor.id,
            related=tuple(related),
            spans=tuple(whole_measure_span(*items[i]) for i in inside),
            message=str(_("与%(places)s的措施文字相同或近似") % {"places": "、".join(places)}),
            key="|".join(members),
        )


def _candidate_pairs(
    items: tuple[tuple[ProblemItem, MeasureItem], ...], sets: list[frozenset[str]]
) -> Iterator[tuple[int, int]]:
    """Every pair for a report-sized subject; LSH candidates for a large one."""
    count = len(items)
    if count <= EXACT_LIMIT:
        for i in range(count):
            for j in range(i + 1, count):
                yield i, j
        return
    index = LshIndex()
    signatures = [signature(m.text) for _, m in items]
    index.build(enumerate(signatures))
    for i, sig in enumerate(signatures):
        for j in sorted(index.candidates(sig)):
            if j > i:
                yield i, j


RULE = ReusedText()
