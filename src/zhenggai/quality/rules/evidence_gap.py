"""``evidence_gap``: closure the evidence does not support (ledgers only: reports carry no files).

Four findings, each with its own key so one can be dismissed without the others:

* ``none`` — closed (已销号) with no evidence file at all;
* ``late`` — files uploaded after the closure, i.e. gathered to fit the claim;
* ``shared`` — the same file (by SHA-256) supporting measures of different problems,
  here or in other inspections; reported once per file, at its first measure;
* ``images`` — completion claimed with only images (screenshots, photos) as proof.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from zhenggai.quality.engine import CheckContext, FileRef, Finding, Ref, Rule, Severity, Span
from zhenggai.quality.subject import (
    CheckSubject,
    EvidenceItem,
    MeasureItem,
    ProblemItem,
    SubjectKind,
)


def file_span(problem: ProblemItem, measure: MeasureItem, item: EvidenceItem) -> Span:
    uploaded = item.uploaded_at.isoformat() if item.uploaded_at else None
    return Span(
        text=item.name,
        source="evidence",
        problem=problem.number,
        measure=measure.index,
        file=FileRef(item.name, item.sha256, item.content_type, uploaded, item.id),
    )


class EvidenceGap(Rule):
    id = "evidence_gap"
    order = 50
    severity = Severity.HIGH
    applies_to = frozenset({SubjectKind.LEDGER})
    title = _("佐证材料不足或可疑")
    explanation = _(
        "销号必须有能证明整改完成的佐证材料。本项检查:已销号但没有任何佐证材料;佐证材料在"
        "销号之后才上传;同一份文件(按内容哈希)被用来证明不相关的措施;只有截图或照片而没有"
        "文件、台账等实质材料。材料跟着结论补、一份材料到处用,都是形式整改的表现。请补充"
        "与该措施直接对应的原始材料,或说明理由。"
    )

    def check(self, subject: CheckSubject, context: CheckContext) -> Iterator[Finding]:
        for problem, measure in subject.measures:
            yield from self._own(problem, measure)
        yield from self._shared(subject, context)

    def _base(self, problem: ProblemItem, measure: MeasureItem) -> dict[str, object]:
        return {
            "problem": problem.number,
            "problem_id": problem.id,
            "measure": measure.index,
            "measure_id": measure.id,
        }

    def _own(self, problem: ProblemItem, measure: MeasureItem) -> Iterator[Finding]:
        closed = measure.status == "closed"
        if closed and not measure.evidence:
            when = measure.closed_at.date().isoformat() if measure.closed_at else ""
            yield self.finding(
                **self._base(problem, measure),
                spans=(
                    Span(
                        text=str(_("已销号 %(when)s") % {"when": when}).strip(),
                        source="status",
                        problem=problem.number,
                        measure=measure.index,
                    ),
                ),
                message=str(_("已销号,但没有任何佐证材料")),
                key="none",
            )
        if closed and measure.closed_at is not None:
            late = [
                e for e in measure.evidence if e.uploaded_at and e.uploaded_at > measure.closed_at
            ]
            if late:
                yield self.finding(
                    **self._base(problem, measure),
                    severity=Severity.MEDIUM,
                    spans=tuple(file_span(problem, measure, e) for e in late),
                    message=str(
                        _("%(n)s份佐证材料在销号(%(when)s)之后才上传")
                        % {"n": len(late), "when": measure.closed_at.date().isoformat()}
                    ),
                    key="late:" + ",".join(sorted(e.sha256 for e in late)),
                )
        images = all(e.content_type.startswith("image/") for e in measure.evidence)
        if measure.status_claims_done and measure.evidence and images:
            yield self.finding(
                **self._base(problem, measure),
                severity=Severity.LOW,
                spans=tuple(file_span(problem, measure, e) for e in measure.evidence),
                message=str(_("仅以截图或照片作为完成佐证")),
                key="images",
            )

    def _shared(self, subject: CheckSubject, context: CheckContext) -> Iterator[Finding]:
        holders: dict[str, list[tuple[ProblemItem, MeasureItem, EvidenceItem]]] = {}
        for problem, measure in subject.measures:
            for item in measure.evidence:
                entries = holders.setdefault(item.sha256, [])
                if not any(m is measure for _, m, _e in entries):
                    entries.append((problem, measure, item))
        elsewhere = context.external.shared_evidence(list(holders)) if context.external else {}
        for sha, entries in holders.items():
            outside = elsewhere.get(sha, [])
            if len({id(p) for p, _, _ in entries}) < 2 and not outside:
                continue
            problem, measure, item = entries[0]
            related = [
                Ref(problem=p.number, measure=m.index, measure_id=m.id, problem_id=p.id)
                for p, m, _ in entries[1:]
            ] + list(outside)
            yield self.finding(
                **self._base(problem, measure),
                severity=Severity.MEDIUM,
                related=tuple(related),
                spans=tuple(file_span(p, m, e) for p, m, e in entries),
                message=str(
                    _("同一文件“%(name)s”同时作为%(n)s项措施的佐证,涉及不同问题")
                    % {"name": item.name, "n": len(entries) + len(outside)}
                ),
                key=f"shared:{sha}",
            )


RULE = EvidenceGap()
