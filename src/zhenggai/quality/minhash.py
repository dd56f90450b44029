"""MinHash signatures and an LSH index for finding near-duplicate texts among millions.

Pure Python, no numpy. A signature is a one-permutation MinHash (Li, Owen & Zhang,
2012): each character 4-gram is hashed once to 64 bits, the top bits pick one of
:data:`NUM_BINS` bins and the bin keeps its smallest value. A measure text has about as
many 4-grams as there are bins, so many bins stay empty; each empty bin borrows the
value of a non-empty bin chosen by a fixed pseudo-random sequence ("optimal
densification", Shrivastava 2017), so two texts still agree on a bin with
probability equal to their resemblance and the bins of one band stay independent.
(Borrowing from the next bin to the right makes neighbouring bins copies of each other,
which on measure texts multiplied the LSH candidates twentyfold.) Hashing is stable
across processes and machines (no ``hash()`` of strings), so band keys can be stored.

:class:`LshIndex` cuts each signature into :data:`BANDS` bands of :data:`ROWS` bins;
texts sharing a whole band are candidates. With 32 × 4 a pair of resemblance 0.6 is a
candidate with probability 0.985, 0.55 with 0.95, 0.5 with 0.87, 0.45 with 0.73,
0.2 with 0.05 and 0.1 with 0.003. Candidates are ranked by the share of equal bins.
In memory a band key takes 4 bytes and a text's position 4 bytes per band, and a
signature 2 bytes per bin (b-bit MinHash): 512 bytes per text in all.
"""

from __future__ import annotations

import bisect
import random
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import eq

from zhenggai.quality.shingles import SHINGLE, normalise

NUM_BINS = 128
BANDS = 32
ROWS = 4

_MASK64 = (1 << 64) - 1
_MASK63 = (1 << 63) - 1
_MASK32 = (1 << 32) - 1
_EMPTY = _MASK64
_P1 = 0x9E3779B97F4A7C15
_MIX = 0xD6E8FEB86659FD93


def shingle_hashes(text: str, size: int = SHINGLE) -> list[int]:
    """A stable, well-mixed 64-bit hash of every character ``size``-gram of the normalised text."""
    codes = [ord(ch) for ch in normalise(text)]
    if not codes:
        return []
    if len(codes) < size:
        codes += [0] * (size - len(codes))
    if size == 4:
        # Three code points (< 2**21 each) packed exactly, the fourth multiplied in, then
        # a multiplicative hash and an xor-shift; one expression, because a million texts
        # spend their time in this loop.
        hashed = [
            ((((a << 42) | (b << 21) | c) ^ (d * _P1)) * _MIX) & _MASK64
            for a, b, c, d in zip(codes, codes[1:], codes[2:], codes[3:], strict=False)
        ]
    else:
        grams = zip(*(codes[i:] for i in range(size)), strict=False)
        hashed = [(_fold(gram) * _MIX) & _MASK64 for gram in grams]
    return [h ^ (h >> 31) for h in hashed]


def _fold(gram: Sequence[int]) -> int:
    x = 0
    for code in gram:
        x = ((x << 21) | code) ^ (x >> 43)
    return x & _MASK64


def _mix(x: int) -> int:
    x ^= x >> 32
    x = (x * _MIX) & _MASK64
    return x ^ (x >> 29)


def _borrow_table(bins: int) -> tuple[list[list[int]], list[int]]:
    """For each bin, the bins it borrows from in turn, and a salt for its borrowed value.

    Fixed (seeded) so that every process, today and later, densifies the same way.
    """
    rng = random.Random(f"zhenggai.quality.minhash/{bins}")
    order = [[rng.randrange(bins) for _ in range(24)] for _ in range(bins)]
    return order, [rng.getrandbits(56) for _ in range(bins)]


_TABLES = {NUM_BINS: _borrow_table(NUM_BINS)}


def signature(text: str, bins: int = NUM_BINS) -> list[int]:
    """The one-permutation MinHash of ``text``: ``bins`` values (a power of two).

    The top bits of a shingle's hash choose its bin, the rest is its value there.
    An empty text gives all zeros.
    """
    shift = 64 - bins.bit_length() + 1
    low = (1 << shift) - 1
    mins = [_EMPTY] * bins
    for h in shingle_hashes(text):
        b, v = h >> shift, h & low
        if v < mins[b]:
            mins[b] = v
    if _EMPTY in mins:
        _densify(mins)
    return mins


def _densify(mins: list[int]) -> None:
    """Fill each empty bin from the first non-empty bin of its fixed borrowing sequence."""
    bins = len(mins)
    if bins not in _TABLES:
        _TABLES[bins] = _borrow_table(bins)
    order, salt = _TABLES[bins]
    source = list(mins)
    empty = _EMPTY
    filled: list[int] | None = None
    for i, value in enumerate(source):
        if value != empty:
            continue
        for j in order[i]:
            if source[j] != empty:
                break
        else:  # a nearly empty text: the next filled bin to the right
            if filled is None:
                filled = [k for k, v in enumerate(source) if v != empty]
            if not filled:
                mins[:] = [0] * bins
                return
            j = filled[bisect.bisect_left(filled, i) % len(filled)]
        mins[i] = source[j] ^ salt[i]


def band_keys(sig: Sequence[int], bands: int = BANDS, rows: int = ROWS) -> list[int]:
    """One stable 63-bit key per band; equal keys mean (almost surely) equal bins in that band."""
    keys = []
    for band in range(bands):
        x = band + 1
        for value in sig[band * rows : (band + 1) * rows]:
            x = ((x * _P1) ^ value) & _MASK64
        x ^= x >> 32
        x = (x * _MIX) & _MASK64
        keys.append((x ^ (x >> 29)) & _MASK63)
    return keys


def compact(sig: Sequence[int]) -> array:
    """The low 16 bits of each bin, for a compact resemblance estimate."""
    return array("H", (v & 0xFFFF for v in sig))


def estimate(a: Sequence[int], b: Sequence[int]) -> float:
    """The share of equal bins: an estimate of the resemblance of the two texts."""
    return sum(map(eq, a, b)) / len(a)


@dataclass(frozen=True)
class IndexPart:
    """Signatures and band entries of a run of texts, computed apart (e.g. in a worker process).

    ``bands`` is band-major: for each band, one ``(bucket << 32) | slot`` per text.
    """

    first_slot: int
    keys: bytes
    sigs: bytes
    bands: bytes
    count: int


def index_part(
    first_slot: int,
    items: Sequence[tuple[int, str]],
    bands: int = BANDS,
    rows: int = ROWS,
    bins: int = NUM_BINS,
) -> IndexPart:
    """Everything :meth:`LshIndex.add_parts` needs for ``items`` (``(key, text)``), picklable.

    ``first_slot`` is the number of texts in the index before these (parts are added in order).
    """
    keys, sigs = array("q"), array("H")
    per_band = [array("Q") for _ in range(bands)]
    for offset, (key, text) in enumerate(items):
        sig = signature(text, bins)
        keys.append(key)
        sigs.extend(compact(sig))
        slot = first_slot + offset
        for band, bucket in enumerate(band_keys(sig, bands, rows)):
            per_band[band].append(((bucket & _MASK32) << 32) | slot)
    packed = b"".join(a.tobytes() for a in per_band)
    return IndexPart(first_slot, keys.tobytes(), sigs.tobytes(), packed, len(keys))


class LshIndex:
    """Near-duplicate search over many texts by MinHash LSH; keys are integers (e.g. measure ids).

    Fill it with :meth:`build` (signatures), :meth:`add_parts` (parts computed in worker
    processes) or :meth:`add` (one at a time; searchable at once, merged by
    :meth:`compact`). Each band is a sorted ``array('Q')`` of ``(bucket << 32) | slot``:
    band keys are cut to 32 bits in memory, where a chance match only adds a candidate
    that the resemblance estimate then discards.
    """

    def __init__(self, bands: int = BANDS, rows: int = ROWS, bins: int = NUM_BINS) -> None:
        if bands * rows > bins or bins & (bins - 1):
            raise ValueError("bins must be a power of two at least bands × rows")
        self.bands, self.rows, self.bins = bands, rows, bins
        self._entries = [array("Q") for _ in range(bands)]
        self._recent: dict[tuple[int, int], list[int]] = {}
        self._keys = array("q")
        self._sigs = array("H")

    def __len__(self) -> int:
        return len(self._keys)

    def nbytes(self) -> int:
        """How much memory the index's arrays hold."""
        arrays = [*self._entries, self._keys, self._sigs]
        return sum(a.itemsize * len(a) for a in arrays)

    def _store(self, key: int, sig: Sequence[int]) -> int:
        self._keys.append(key)
        self._sigs.extend(compact(sig))
        return len(self._keys) - 1

    def build(self, items: Iterable[tuple[int, Sequence[int]]]) -> None:
        """Add many ``(key, signature)`` pairs, then sort each band for look-up."""
        for key, sig in items:
            slot = self._store(key, sig)
            for band, bucket in enumerate(band_keys(sig, self.bands, self.rows)):
                self._entries[band].append(((bucket & _MASK32) << 32) | slot)
        self._sort()

    def add_parts(self, parts: Iterable[IndexPart]) -> None:
        """Add parts from :func:`index_part`, in slot order, then sort each band."""
        for part in parts:
            if part.first_slot != len(self._keys):
                raise ValueError("index parts must be added in order")
            self._keys.frombytes(part.keys)
            self._sigs.frombytes(part.sigs)
            width = part.count * 8
            for band in range(self.bands):
                self._entries[band].frombytes(part.bands[band * width : (band + 1) * width])
        self._sort()

    def _sort(self) -> None:
        for band in range(self.bands):
            self._entries[band] = array("Q", sorted(self._entries[band]))

    def add(self, key: int, sig: Sequence[int]) -> None:
        """Add one item; it is found at once by :meth:`query`."""
        slot = self._store(key, sig)
        for band, bucket in enumerate(band_keys(sig, self.bands, self.rows)):
            self._recent.setdefault((band, bucket & _MASK32), []).append(slot)

    def compact(self) -> None:
        """Merge items added one by one into the sorted arrays."""
        for (band, bucket), slots in self._recent.items():
            self._entries[band].extend((bucket << 32) | slot for slot in slots)
        self._recent.clear()
        self._sort()

    def _candidate_slots(self, sig: Sequence[int]) -> set[int]:
        found: set[int] = set()
        for band, key in enumerate(band_keys(sig, self.bands, self.rows)):
            bucket = key & _MASK32
            entries = self._entries[band]
            i = bisect.bisect_left(entries, bucket << 32)
            j = bisect.bisect_left(entries, (bucket + 1) << 32, i)
            found.update(x & _MASK32 for x in entries[i:j])
            found.update(self._recent.get((band, bucket), ()))
        return found

    def candidates(self, sig: Sequence[int]) -> set[int]:
        """Keys sharing at least one band with ``sig``."""
        return {self._keys[slot] for slot in self._candidate_slots(sig)}

    def query(self, sig: Sequence[int], min_estimate: float = 0.0) -> list[tuple[int, float]]:
        """Candidates of ``sig`` with their resemblance estimate, best first."""
        mine = compact(sig)
        width = self.bins
        sigs = self._sigs
        scored = []
        for slot in self._candidate_slots(sig):
            score = estimate(mine, sigs[slot * width : (slot + 1) * width])
            if score >= min_estimate:
                scored.append((self._keys[slot], score))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored
