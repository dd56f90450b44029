"""Character shingles and the near-duplicate test for measure texts.

Texts are compared as sets of overlapping character 4-grams after normalisation
(NFKC, so full-width and ASCII forms agree; punctuation and spaces dropped; lower
case). Two measures are near duplicates when their resemblance (Jaccard) is at least
:data:`MIN_RESEMBLANCE`, or when the shorter is almost wholly contained in the longer
(:data:`MIN_CONTAINMENT`) — a reused passage with a sentence appended is still reuse.
Very short texts (under :data:`MIN_SHINGLES` shingles) are never compared: two
identical stock phrases are left to ``vague_measure``.

The thresholds were set on the seed report (docs/quality.md, "reused_text"): its four
reused passages have resemblance ≥ 0.58 or containment ≥ 0.93 (4-grams), while the
closest rewritten pair that is *not* a reuse (problems 7 and 19) has 0.47 and 0.74.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SHINGLE = 4
MIN_RESEMBLANCE = 0.55
MIN_CONTAINMENT = 0.9
MIN_SHINGLES = 12


_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """NFKC, letters and digits only (CJK included), lower case."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text)).lower()


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    """The set of character ``size``-grams of the normalised text (the whole text if shorter)."""
    norm = normalise(text)
    if len(norm) <= size:
        return frozenset([norm]) if norm else frozenset()
    return frozenset(norm[i : i + size] for i in range(len(norm) - size + 1))


@dataclass(frozen=True)
class Similarity:
    """Resemblance (Jaccard) and containment (of the smaller set in the larger) of two texts."""

    resemblance: float
    containment: float

    @property
    def near_duplicate(self) -> bool:
        return self.resemblance >= MIN_RESEMBLANCE or self.containment >= MIN_CONTAINMENT

    @property
    def score(self) -> float:
        """One number to show: the larger of the two."""
        return max(self.resemblance, self.containment)


def similarity(a: frozenset[str], b: frozenset[str]) -> Similarity | None:
    """``None`` when either set is too small to judge."""
    if min(len(a), len(b)) < MIN_SHINGLES:
        return None
    common = len(a & b)
    if not common:
        return Similarity(0.0, 0.0)
    return Similarity(common / (len(a) + len(b) - common), common / min(len(a), len(b)))


def near_duplicate(a: frozenset[str], b: frozenset[str]) -> Similarity | None:
    """The similarity of ``a`` and ``b`` when they are near duplicates, else ``None``."""
    found = similarity(a, b)
    return found if found is not None and found.near_duplicate else None


class DisjointSets:
    """Union-find over hashable items, for grouping near-duplicate pairs into clusters."""

    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, item: object) -> object:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: object, b: object) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra

    def groups(self) -> list[list[object]]:
        found: dict[object, list[object]] = {}
        for item in self.parent:
            found.setdefault(self.find(item), []).append(item)
        return list(found.values())
