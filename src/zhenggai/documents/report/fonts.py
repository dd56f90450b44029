"""Font names for the report, the open fonts for PDF, and glyph coverage for fallback.

The .docx names the official fonts by default (``ZHENGGAI_REPORT_FONTS``): a
government desktop has 方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312 and 宋体. For PDF
the document is written with the open fonts (``ZHENGGAI_REPORT_OPEN_FONTS``):
FandolFang for 仿宋 and FandolKai for 楷 (texlive-lang-chinese), Noto Serif/Sans CJK SC
for 小标宋, 黑体 and 宋体 (fonts-noto-cjk). Fandol covers GB2312 and a little more; the
characters it lacks are written in a fallback font (Noto CJK) run by run, so a rare
character such as 镕 is printed, never dropped. Coverage is read with fontconfig's
``fc-query`` — the same library LibreOffice uses to find the fonts.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

#: Font roles used by the writers; levels 3 and 4 (1. and (1)) use ``body``.
ROLES = ("title", "body", "heading1", "heading2", "page_number")

DEFAULT_FONTS = {
    "title": "方正小标宋简体",
    "body": "仿宋_GB2312",
    "heading1": "黑体",
    "heading2": "楷体_GB2312",
    "page_number": "宋体",
}
DEFAULT_OPEN_FONTS = {
    "title": "Noto Serif CJK SC",
    "body": "FandolFang",
    "heading1": "Noto Sans CJK SC",
    "heading2": "FandolKai",
    "page_number": "Noto Serif CJK SC",
}
#: Where a character missing from the open font of a role is taken from.
DEFAULT_OPEN_FALLBACKS = {
    "title": "Noto Serif CJK SC",
    "body": "Noto Serif CJK SC",
    "heading1": "Noto Sans CJK SC",
    "heading2": "Noto Serif CJK SC",
    "page_number": "Noto Serif CJK SC",
}


@dataclass(frozen=True)
class FontSet:
    """The font family per role, and for open fonts the fallback per role.

    ``bold_title`` imitates 小标宋 (a heavy 宋体) with a bold open serif face.
    """

    names: dict[str, str]
    fallbacks: dict[str, str] | None = None
    bold_title: bool = False

    def name(self, role: str) -> str:
        return self.names[role]

    def split(self, role: str, text: str) -> Iterator[tuple[str, str | None]]:
        """``text`` in pieces: ``(piece, None)`` in the role's font, ``(piece, family)`` else."""
        covered = coverage(self.names[role]) if self.fallbacks else None
        if not covered or not text:
            yield text, None
            return
        fallback = self.fallbacks[role]  # type: ignore[index]
        start, current = 0, None
        for index, char in enumerate(text):
            font = None if ord(char) in covered or char.isspace() else fallback
            if font != current and index > start:
                yield text[start:index], current
                start = index
            current = font
        yield text[start:], current


def _configured(name: str, default: dict[str, str]) -> dict[str, str]:
    configured = getattr(settings, name, None) or {}
    unknown = set(configured) - set(ROLES)
    if unknown:
        raise ValueError(f"{name}: unknown font roles {sorted(unknown)}; known: {ROLES}")
    return {**default, **configured}


def font_set(*, open_fonts: bool = False) -> FontSet:
    """The official fonts (for .docx), or the open fonts with fallbacks (for PDF)."""
    if not open_fonts:
        return FontSet(_configured("ZHENGGAI_REPORT_FONTS", DEFAULT_FONTS))
    return FontSet(
        _configured("ZHENGGAI_REPORT_OPEN_FONTS", DEFAULT_OPEN_FONTS),
        _configured("ZHENGGAI_REPORT_OPEN_FALLBACKS", DEFAULT_OPEN_FALLBACKS),
        bold_title=True,
    )


def _parse_charset(text: str) -> frozenset[int]:
    points: set[int] = set()
    for part in text.split():
        first, _, last = part.partition("-")
        try:
            low = int(first, 16)
            high = int(last, 16) if last else low
        except ValueError:
            continue
        points.update(range(low, high + 1))
    return frozenset(points)


def _run(*args: str) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout if done.returncode == 0 else ""


@functools.lru_cache(maxsize=32)
def coverage(family: str) -> frozenset[int] | None:
    """The code points ``family`` has glyphs for; ``None`` when it is not installed.

    ``fc-match`` always answers with some font: the answer counts only when its family
    list names ``family``.
    """
    if shutil.which("fc-match") is None or shutil.which("fc-query") is None:
        return None
    found = _run("fc-match", "-f", "%{file}\n%{family}", family)
    path, _, families = found.partition("\n")
    if not path or family.lower() not in [f.strip().lower() for f in families.split(",")]:
        return None
    index = _run("fc-match", "-f", "%{index}", family).strip() or "0"
    charset = _run("fc-query", "-i", index, "-f", "%{charset}", path)
    return _parse_charset(charset) or None


def installed(family: str) -> bool:
    return coverage(family) is not None
