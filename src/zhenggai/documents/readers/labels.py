"""The words that label parts of a problem: measures, status, counts, a whole-problem heading.

``整改情况:`` / ``整改措施:`` (:data:`LABEL`) introduce measures; ``整改状态:`` /
``完成情况:`` (:data:`STATUS`) a printed status; :data:`INLINE` finds either after a
sentence end on the same line; :data:`PLANNED`/:data:`DONE` read ``共制定5项…已完成5项``;
:data:`ABOUT` is a heading that holds the whole problem (``关于“…”的问题``).
"""

from __future__ import annotations

import re

_LABEL_WORDS = (
    r"(?:整改(?:落实|进展)?情况|整改措施(?:及(?:进展|成效|落实|完成)情况)?|整改(?:举措|进展)"
    r"|主要(?:整改)?措施|具体措施|落实情况)"
)
_STATUS_WORDS = r"(?:整改状态|完成情况|整改进度|整改结果|完成状态)"
LABEL = re.compile(rf"^{_LABEL_WORDS}\s*[:：]\s*")
STATUS = re.compile(rf"^{_STATUS_WORDS}\s*[:：]\s*")
INLINE = re.compile(rf"(?<=[。;；])[ \u3000]*(?:{_STATUS_WORDS}|{_LABEL_WORDS})\s*[:：]")
PLANNED = re.compile(r"制定(?:了)?[^,，。;；\d]{0,8}?(\d+|[一二两三四五六七八九十]+)\s*(?:项|条)")
DONE = re.compile(
    r"(?:已(?:经)?(?:落实|完成)(?:整改)?|完成)\s*(\d+|[一二两三四五六七八九十]+)\s*(?:项|条)"
)
ONGOING = re.compile(r"常态(?:化)?坚持|长期坚持|持续(?:推进|整改)")
#: A heading that holds the whole problem: 关于“…”的问题。 — the quoted words are its text.
ABOUT = re.compile(
    r"^关于\s*[“\"「『](?P<q>.+?)[”\"」』]\s*(?:等)?(?:方面)?(?:的)?(?:问题)?(?:的?整改(?:情况)?)?"
    r"\s*[。.．:：]?\s*"
)
