"""From bytes or text to numbered paragraphs, the input every layout reads.

A paragraph is one non-blank line, or several adjacent lines when a line ends with a
semicolon (``;`` or ``；``) and the next line does not start a new numbered item: the
published reports break long enumerations that way. Each paragraph remembers which
source line each of its characters came from, so anything cut out of it can report
its own line span.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from .model import LineSpan, ReportReadError

#: Larger inputs are refused: a progress report is a few dozen kilobytes.
MAX_BYTES = 8 * 1024 * 1024

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# C0 control characters other than tab, line feed, vertical tab, form feed, carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BLANK = re.compile(r"^[\s\u200b\ufeff]*$")
_SEMICOLON_END = re.compile(r"[;；]$")
# A line that starts a new item is never glued to the line before it.
_ITEM_START = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]"
    r"|[(（]\s*(?:\d{1,3}|[一二三四五六七八九十]+)\s*[)）]"
    r"|\d{1,2}\s*[.．、](?!\d)"
    r"|整改(?:落实|进展)情况\s*[:：]"
    r"|在[^:：。;；]{1,40}?方面\s*[:：]"
    r"|问题\s*\d{1,3}\s*[:：.．、]"
    r"|(?:整改状态|完成情况|整改进度|整改结果|整改情况|整改措施|主要措施|具体措施)\s*[:：]"
    r"|[一二三四五六七八九十]{1,3}是(?!否)|[①-⑳])"
)


def _binary_error(line: int | None = None) -> ReportReadError:
    return ReportReadError(
        "文件不是文本文件(含有二进制内容或无法按UTF-8/GB18030解码)",
        "the input is not a text file (binary content, or neither UTF-8 nor GB18030)",
        line,
    )


def decode_bytes(data: bytes) -> str:
    """Decode a report's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""
    if len(data) > MAX_BYTES:
        raise ReportReadError(
            f"文件过大(超过{MAX_BYTES // (1024 * 1024)}MB)",
            f"the input is larger than {MAX_BYTES // (1024 * 1024)} MB",
        )
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _binary_error() from exc
    if b"\x00" in data:
        raise _binary_error(data[: data.index(b"\x00")].count(b"\n") + 1)
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _binary_error()


def load_text(source: str | bytes | Path) -> str:
    """The text of ``source``: a ``str`` is the report itself, ``bytes`` are decoded, a path read.

    Raises ``ReportReadError`` for empty, binary or undecodable input; ``OSError``
    from reading a path is not caught.
    """
    if isinstance(source, Path):
        source = source.read_bytes()
    if isinstance(source, bytes | bytearray):
        text = decode_bytes(bytes(source))
    elif isinstance(source, str):
        text = source
    else:
        raise TypeError(f"read_report expects str, bytes or pathlib.Path, not {type(source)!r}")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad is not None:
        raise _binary_error(text.count("\n", 0, bad.start()) + 1)
    if _BLANK.match(text):
        raise ReportReadError("文件为空", "the input is empty", None)
    return text


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's text and, for each source line it spans, where that line starts in it.

    ``starts[i]`` is the offset in ``text`` where source line ``line_numbers[i]`` begins.
    """

    text: str
    starts: tuple[int, ...]
    line_numbers: tuple[int, ...]

    @property
    def first(self) -> int:
        """The first source line."""
        return self.line_numbers[0]

    @property
    def last(self) -> int:
        """The last source line."""
        return self.line_numbers[-1]

    @property
    def lines(self) -> LineSpan:
        """``(first, last)`` source lines of the whole paragraph."""
        return (self.first, self.last)

    def line_at(self, offset: int) -> int:
        """The source line of the character at ``offset``."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.line_numbers[max(index, 0)]

    def span(self, start: int, end: int) -> LineSpan:
        """Source lines of ``text[start:end]`` (``end`` exclusive, at least one character)."""
        return (self.line_at(start), self.line_at(max(start, end - 1)))


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split normalised text (``\\n`` line ends) into paragraphs, numbering source lines."""
    paragraphs: list[Paragraph] = []
    parts: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []

    def flush() -> None:
        if parts:
            paragraphs.append(Paragraph("".join(parts), tuple(starts), tuple(numbers)))
            parts.clear()
            starts.clear()
            numbers.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip().strip("\u200b\ufeff").strip()
        if not line:
            flush()
            continue
        glued = bool(parts) and _SEMICOLON_END.search(parts[-1]) and not _ITEM_START.match(line)
        if not glued:
            flush()
        starts.append(sum(len(part) for part in parts))
        parts.append(line)
        numbers.append(number)
    flush()
    return paragraphs
