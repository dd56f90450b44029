"""MinHash signatures and an LSH index for finding near-duplicate texts among millions.

Pure Python, no numpy. A signature is a one-permutation MinHash (Li, Owen & Zhang,
2012): each character 4-gram is hashed once to 64 bits, the hash picks one of
:data:`NUM_BINS` bins and the bin keeps its minimum; empty bins (short texts) are
filled from the next non-empty bin to the right, shifted by the distance
(Shrivastava & Li, 2014), so two texts still agree on a bin with probability equal to
their resemblance. Hashing is stable across processes and machines (no ``hash()`` of
strings), so signatures and band keys can be stored.

:class:`LshIndex` cuts each signature into :data:`BANDS` bands of :data:`ROWS` bins;
texts sharing a whole band are candidates. With 21 × 3 a pair of resemblance 0.55 is a
candidate with probability 0.98, 0.46 with 0.91, 0.2 with 0.16 and 0.05 with 0.003.
Candidates are ranked by the share of equal bins (the resemblance estimate).
Band keys live in sorted ``array('q')`` per band — 8 bytes per text and band — and
signatures as 16-bit bin values (b-bit MinHash), 128 bytes per text.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Sequence
from operator import eq

from zhenggai.quality.shingles import SHINGLE, normalise

NUM_BINS = 64
BANDS = 21
ROWS = 3

_MASK64 = (1 << 64) - 1
_MASK63 = (1 << 63) - 1
_EMPTY = _MASK64
_P1, _P2, _P3 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9
_MIX = 0xD6E8FEB86659FD93


def shingle_hashes(text: str, size: int = SHINGLE) -> list[int]:
    """A stable 64-bit hash of every character ``size``-gram of the normalised text."""
    codes = [ord(ch) for ch in normalise(text)]
    if not codes:
        return []
    if len(codes) < size:
        codes += [0] * (size - len(codes))
    if size != 4:
        grams = zip(*(codes[i:] for i in range(size)), strict=False)
        return [_mix(sum(c * _P1**i for i, c in enumerate(gram)) & _MASK64) for gram in grams]
    return [
        _mix((a * _P1 + b * _P2 + c * _P3 + d) & _MASK64)
        for a, b, c, d in zip(codes, codes[1:], codes[2:], codes[3:], strict=False)
    ]


def _mix(x: int) -> int:
    x ^= x >> 32
    x = (x * _MIX) & _MASK64
    return x ^ (x >> 29)


def signature(text: str, bins: int = NUM_BINS) -> list[int]:
    """The one-permutation MinHash of ``text``: ``bins`` values (all equal for an empty text)."""
    mins = [_EMPTY] * bins
    for h in shingle_hashes(text):
        b, v = h % bins, h // bins
        if v < mins[b]:
            mins[b] = v
    if _EMPTY in mins:
        _densify(mins)
    return mins


def _densify(mins: list[int]) -> None:
    """Fill each empty bin from the next non-empty bin to its right (circularly)."""
    bins = len(mins)
    filled = [i for i, v in enumerate(mins) if v != _EMPTY]
    if not filled:
        mins[:] = [0] * bins
        return
    source = list(mins)
    for i in range(bins):
        if source[i] != _EMPTY:
            continue
        j = filled[bisect.bisect_left(filled, i) % len(filled)]
        distance = (j - i) % bins
        mins[i] = _mix((source[j] + distance * _P2) & _MASK64) >> 6


def band_keys(sig: Sequence[int], bands: int = BANDS, rows: int = ROWS) -> list[int]:
    """One stable 63-bit key per band; equal keys mean equal bins in that band."""
    keys = []
    for band in range(bands):
        x = band + 1
        for value in sig[band * rows : (band + 1) * rows]:
            x = _mix((x * _P1 + value) & _MASK64)
        keys.append(x & _MASK63)
    return keys


def compact(sig: Sequence[int]) -> array:
    """The low 16 bits of each bin, for a compact resemblance estimate."""
    return array("H", (v & 0xFFFF for v in sig))


def estimate(a: Sequence[int], b: Sequence[int]) -> float:
    """The share of equal bins: an estimate of the resemblance of the two texts."""
    return sum(map(eq, a, b)) / len(a)


class LshIndex:
    """Near-duplicate search over many texts by MinHash LSH; keys are integers (e.g. measure ids).

    Build once with :meth:`build` (fast, sorted arrays), then :meth:`add` more; added
    items sit in a small dictionary until :meth:`compact` merges them.
    """

    def __init__(self, bands: int = BANDS, rows: int = ROWS, bins: int = NUM_BINS) -> None:
        if bands * rows > bins:
            raise ValueError("bands × rows must not exceed the number of bins")
        self.bands, self.rows, self.bins = bands, rows, bins
        self._keys = [array("q") for _ in range(bands)]
        self._ids = [array("q") for _ in range(bands)]
        self._recent: dict[tuple[int, int], list[int]] = {}
        self._position: dict[int, int] = {}
        self._sigs = array("H")

    def __len__(self) -> int:
        return len(self._position)

    def _store(self, key: int, sig: Sequence[int]) -> None:
        if key in self._position:
            raise KeyError(f"key {key} is already in the index")
        self._position[key] = len(self._position)
        self._sigs.extend(compact(sig))

    def build(self, items: Iterable[tuple[int, Sequence[int]]]) -> None:
        """Add many ``(key, signature)`` pairs at once, then sort each band for look-up."""
        for key, sig in items:
            self._store(key, sig)
            for band, bucket in enumerate(band_keys(sig, self.bands, self.rows)):
                self._keys[band].append(bucket)
                self._ids[band].append(key)
        self._sort()

    def _sort(self) -> None:
        for band in range(self.bands):
            keys, ids = self._keys[band], self._ids[band]
            order = sorted(range(len(keys)), key=keys.__getitem__)
            self._keys[band] = array("q", (keys[i] for i in order))
            self._ids[band] = array("q", (ids[i] for i in order))

    def add(self, key: int, sig: Sequence[int]) -> None:
        """Add one item; it is found at once by :meth:`query`."""
        self._store(key, sig)
        for band, bucket in enumerate(band_keys(sig, self.bands, self.rows)):
            self._recent.setdefault((band, bucket), []).append(key)

    def compact(self) -> None:
        """Merge items added one by one into the sorted arrays."""
        for (band, bucket), keys in self._recent.items():
            self._keys[band].extend([bucket] * len(keys))
            self._ids[band].extend(keys)
        self._recent.clear()
        self._sort()

    def candidates(self, sig: Sequence[int]) -> set[int]:
        """Keys sharing at least one band with ``sig``."""
        found: set[int] = set()
        for band, bucket in enumerate(band_keys(sig, self.bands, self.rows)):
            keys, ids = self._keys[band], self._ids[band]
            i = bisect.bisect_left(keys, bucket)
            while i < len(keys) and keys[i] == bucket:
                found.add(ids[i])
                i += 1
            found.update(self._recent.get((band, bucket), ()))
        return found

    def query(self, sig: Sequence[int], min_estimate: float = 0.0) -> list[tuple[int, float]]:
        """Candidates of ``sig`` with their resemblance estimate, best first."""
        mine = compact(sig)
        width = self.bins
        scored = []
        for key in self.candidates(sig):
            start = self._position[key] * width
            score = estimate(mine, self._sigs[start : start + width])
            if score >= min_estimate:
                scored.append((key, score))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored
