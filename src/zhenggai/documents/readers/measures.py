"""Splitting a paragraph of measures into items: 一是/二是, (1)(2), 1./2., ①②, or none.

A list marker starts an item only at the start of the text or right after ``。`` ``;``
``；`` ``:`` ``：``, never inside a word (统一是非, 2.5万元). The family of the first
marker found (一是, (1), 1., ①) is the one the text is split on; other markers inside
an item stay part of its text, so sub-lists are not broken up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .frame import cn_int

_AFTER = r"(?:^|(?<=[。;；:：]))[ \u3000]*"
FAMILIES: dict[str, re.Pattern[str]] = {
    "cn": re.compile(_AFTER + r"([一二三四五六七八九十]{1,3}是)(?!否)"),
    "paren": re.compile(_AFTER + r"([(（]\s*\d{1,2}\s*[)）])"),
    "dot": re.compile(_AFTER + r"(\d{1,2}\s*[.．、])(?!\d)"),
    "circle": re.compile(_AFTER + r"([①-⑳])"),
}
#: A ``在…方面:`` heading grouping the measures after it.
GROUP = re.compile(r"^(在[^:：。;；]{1,40}?方面)\s*[:：]")
LEADING_MARKS = " \u3000:：,，、"


def marker_value(marker: str) -> int:
    """The number a list marker stands for: 三是 → 3, (2) → 2, 4. → 4, ③ → 3."""
    if marker.endswith("是"):
        return cn_int(marker[:-1]) or 0
    if "①" <= marker <= "⑳":
        return ord(marker) - ord("①") + 1
    digits = "".join(ch for ch in marker if ch.isdigit())
    return int(digits) if digits else 0


def leading_marker(text: str) -> str | None:
    """The list marker ``text`` starts with (``"二是"``, ``"(2)"``), if any."""
    for pattern in FAMILIES.values():
        match = pattern.match(text)
        if match is not None:
            return match.group(1)
    return None


def marker_family(text: str) -> str | None:
    """The family of the list marker ``text`` starts with, if any."""
    return next((name for name, pattern in FAMILIES.items() if pattern.match(text)), None)


@dataclass(frozen=True)
class Item:
    """One item of a measure paragraph: ``text[start:end]`` and the marker removed from it."""

    marker: str | None
    start: int
    end: int


def split_items(text: str, family: str | None = None) -> tuple[str | None, list[Item]]:
    """Split ``text`` into items; returns the family used and the items (empty ones kept).

    ``family`` forces the marker family (to continue a list begun in an earlier
    paragraph); otherwise the family of the earliest marker is used.
    """
    if family is None:
        firsts = [(m.start(1), name) for name, p in FAMILIES.items() if (m := p.search(text))]
        family = min(firsts)[1] if firsts else None
    if family is None:
        return None, [Item(None, 0, len(text))]
    matches = list(FAMILIES[family].finditer(text))
    if not matches:
        return family, [Item(None, 0, len(text))]
    items: list[Item] = []
    if text[: matches[0].start(1)].strip(LEADING_MARKS):
        items.append(Item(None, 0, matches[0].start(1)))
    ends = [m.start(1) for m in matches[1:]] + [len(text)]
    for match, end in zip(matches, ends, strict=True):
        items.append(Item(re.sub(r"\s+", "", match.group(1)), match.end(1), end))
    return family, items
