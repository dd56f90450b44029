"""The rules' view of a database ledger, and look-ups across other inspections.

:func:`subject_for` loads one inspection as a :class:`CheckSubject` in a fixed
number of queries. :func:`index_inspection` keeps the stored MinHash band keys of its
measures up to date; :class:`DatabaseLookup` uses them (an indexed ``bucket IN (…)``
query) to find near-duplicate measures among all other inspections — any number of
them — and checks every candidate exactly before reporting it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

from django.db import transaction
from django.db.models import Prefetch

from zhenggai.ledger.models import Evidence, Inspection, Measure, Problem, ProgressUpdate
from zhenggai.quality.engine import Ref
from zhenggai.quality.minhash import band_keys, signature
from zhenggai.quality.models import MeasureBand, MeasureSignature
from zhenggai.quality.shingles import MIN_SHINGLES, near_duplicate, shingles
from zhenggai.quality.subject import (
    CheckSubject,
    EvidenceItem,
    MeasureItem,
    ProblemItem,
    ProgressItem,
    SubjectKind,
    SummaryText,
)

#: Candidates checked exactly per measure, those sharing the most bands first.
MAX_CANDIDATES = 200
_CHUNK = 500
_T = TypeVar("_T")


def _chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def subject_for(inspection: Inspection) -> CheckSubject:
    """The inspection's ledger as the rules see it (five queries)."""
    measures = Measure.objects.order_by("position").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "id")),
        Prefetch("progress_updates", queryset=ProgressUpdate.objects.order_by("created_at", "id")),
    )
    problems = (
        Problem.objects.filter(inspection=inspection)
        .order_by("position")
        .prefetch_related(Prefetch("measures", queryset=measures))
    )
    items = tuple(
        ProblemItem(
            number=problem.number,
            text=problem.text,
            id=problem.pk,
            stated_planned=problem.stated_planned,
            stated_done=problem.stated_done,
            stated_text=problem.stated_text,
            measures=tuple(_measure_item(m) for m in problem.measures.all()),
        )
        for problem in problems
    )
    summaries = tuple(
        SummaryText(source, text)
        for source, text in (
            ("organisation", inspection.organisation_text),
            ("next_steps", inspection.next_steps_text),
        )
        if text
    )
    return CheckSubject(
        kind=SubjectKind.LEDGER,
        problems=items,
        unit=inspection.unit_name,
        year=inspection.round.year,
        summaries=summaries,
        inspection_id=inspection.pk,
        name=str(inspection),
    )


def _measure_item(measure: Measure) -> MeasureItem:
    return MeasureItem(
        index=measure.position,
        text=measure.text,
        status=measure.status,
        closed_at=measure.closed_at,
        id=measure.pk,
        evidence=tuple(
            EvidenceItem(
                name=e.original_name,
                sha256=e.sha256,
                content_type=e.content_type,
                uploaded_at=e.uploaded_at,
                id=e.pk,
            )
            for e in measure.evidence.all()
        ),
        progress=tuple(
            ProgressItem(
                text=p.text,
                created_at=p.created_at,
                is_completion_claim=p.is_completion_claim,
                id=p.pk,
            )
            for p in measure.progress_updates.all()
        ),
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def index_inspection(inspection: Inspection) -> int:
    """Store the band keys of the inspection's measures whose text changed; returns how many."""
    stored = dict(
        MeasureSignature.objects.filter(inspection=inspection).values_list("measure_id", "digest")
    )
    rows = list(Measure.objects.filter(inspection=inspection).values_list("pk", "text"))
    changed = [(pk, text) for pk, text in rows if stored.get(pk) != _digest(text)]
    if not changed:
        return 0
    ids = [pk for pk, _ in changed]
    for chunk in _chunks(ids):
        MeasureBand.objects.filter(measure_id__in=chunk).delete()
        MeasureSignature.objects.filter(measure_id__in=chunk).delete()
    bands: list[MeasureBand] = []
    for pk, text in changed:
        if len(shingles(text)) >= MIN_SHINGLES:  # too short to compare: no bands
            bands += [
                MeasureBand(measure_id=pk, inspection=inspection, bucket=key)
                for key in set(band_keys(signature(text)))
            ]
    MeasureSignature.objects.bulk_create(
        [
            MeasureSignature(measure_id=pk, inspection=inspection, digest=_digest(t))
            for pk, t in changed
        ]
    )
    MeasureBand.objects.bulk_create(bands, batch_size=1000)
    return len(changed)


def _ref(measure: Measure, score: float | None = None) -> Ref:
    return Ref(
        problem=measure.problem.number,
        measure=measure.position,
        measure_id=measure.pk,
        problem_id=measure.problem_id,
        inspection_id=measure.inspection_id,
        unit=measure.inspection.unit_name,
        year=measure.inspection.round.year,
        similarity=score,
    )


class DatabaseLookup:
    """Near-duplicate measures and shared evidence files in inspections other than this one."""

    def __init__(self, inspection: Inspection) -> None:
        self.inspection = inspection

    def similar_measures(self, measures: Sequence[tuple[int, str]]) -> Mapping[int, list[Ref]]:
        by_bucket: dict[int, list[int]] = {}
        texts = dict(measures)
        for pk, text in measures:
            for key in set(band_keys(signature(text))):
                by_bucket.setdefault(key, []).append(pk)
        hits: dict[int, Counter[int]] = {}
        for chunk in _chunks(list(by_bucket)):
            rows = (
                MeasureBand.objects.filter(bucket__in=chunk)
                .exclude(inspection=self.inspection)
                .values_list("bucket", "measure_id")
            )
            for bucket, other in rows:
                for pk in by_bucket[bucket]:
                    hits.setdefault(pk, Counter())[other] += 1
        chosen = {
            pk: [o for o, _ in counts.most_common(MAX_CANDIDATES)] for pk, counts in hits.items()
        }
        others = self._measures({o for ids in chosen.values() for o in ids})
        found: dict[int, list[Ref]] = {}
        for pk, ids in chosen.items():
            mine = shingles(texts[pk])
            for other_id in sorted(ids):
                other = others.get(other_id)
                score = near_duplicate(mine, shingles(other.text)) if other else None
                if other is not None and score is not None:
                    found.setdefault(pk, []).append(_ref(other, score.score))
        return found

    def _measures(self, ids: Iterable[int]) -> dict[int, Measure]:
        loaded: dict[int, Measure] = {}
        for chunk in _chunks(sorted(ids)):
            query = Measure.objects.filter(pk__in=chunk).select_related(
                "problem", "inspection__round"
            )
            loaded.update((m.pk, m) for m in query)
        return loaded

    def shared_evidence(self, hashes: Iterable[str]) -> Mapping[str, list[Ref]]:
        found: dict[str, list[Ref]] = {}
        seen: set[tuple[str, int]] = set()
        for chunk in _chunks(sorted(hashes)):
            rows = (
                Evidence.objects.filter(sha256__in=chunk)
                .exclude(measure__inspection=self.inspection)
                .select_related("measure__problem", "measure__inspection__round")
                .order_by("measure_id", "id")
            )
            for evidence in rows:
                if (evidence.sha256, evidence.measure_id) not in seen:
                    seen.add((evidence.sha256, evidence.measure_id))
                    found.setdefault(evidence.sha256, []).append(_ref(evidence.measure))
        return found
