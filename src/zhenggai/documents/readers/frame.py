"""The parts every published rectification report shares, whatever its numbering.

Title and introduction (who inspected whom, when, and when the feedback came), the
top-level sections (一、二、三、), and the closing: contact block, issuer, date.
Layout modules use these helpers and only read the body their own way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

from .model import LineSpan, ParsedContact, ParsedWarning, ReportReadError
from .source import Paragraph

_CN_DIGITS = dict(
    zip("〇零一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)
_CN_UNITS = {"十": 10, "百": 100}

#: A number as printed: ASCII or full-width digits, or Chinese numerals (六, 十一, 二〇二〇).
NUMBER = r"(?:\d+|[〇零一二两三四五六七八九十百]+)"
_DATE = re.compile(rf"^({NUMBER})\s*年\s*({NUMBER})\s*月\s*({NUMBER})\s*日$")
_HEADING = re.compile(r"^([一二三四五六七八九十]+)\s*[、.．]\s*(\S.*)$")
_TEAM = re.compile(r"([^,，。;；、:：\s]{1,30}?(?:巡察组|巡视组|审计组))")
#: An audit may be signed by the audit office itself (市审计局) rather than a team.
_AUDIT_OFFICE = re.compile(r"([^,，。;；、:：\s《》()（）]{1,20}?审计(?:局|厅|署|办|处))")
#: The introduction names what was done: 巡察, 巡视 or 审计.
_INSPECTED = re.compile(r"巡察|巡视|审计")
_UNIT = re.compile(
    r"对\s*([^,，。;；]{2,60}?)\s*(?:进行了?|开展了?|实施了?)\s*(?:常规|专项|机动|提级|延伸)?\s*"
    r"(?:巡察|巡视|审计)"
)
_PERIOD = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:至|到|—{1,2}|－|-|~|～)\s*"
    r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日"
)
_FEEDBACK = re.compile(
    r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日[^。;；]{0,60}?(?:反馈|出具|下达|送达)"
)
_CLOSING_START = re.compile(
    r"^(?:欢迎|如有意见|联系方式|联系电话|举报电话|电话|邮政信箱|通信地址|通讯地址|电子邮箱|邮箱)"
)
_PHONE = re.compile(
    r"(?:联系电话|举报电话|监督电话|电话)\s*[:：]?\s*([(（]?\d[\d\-－—()（） ]{3,}\d)"
)
_ADDRESS = re.compile(
    r"(?:邮政信箱|通信地址|通讯地址|邮寄地址|来信地址|信箱|地址)\s*[:：]\s*([^;；。\n]+)"
)
_POSTCODE = re.compile(r"邮(?:政)?编(?:码)?\s*[:：]?\s*(\d{6})")
_POSTCODE_NOTE = re.compile(r"\s*[(（]?\s*邮(?:政)?编(?:码)?\s*[:：]?\s*\d{6}\s*[)）]?\s*")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_SENTENCE_MARKS = re.compile(r"[。,，;；:：!！?？]")


def cn_int(text: str) -> int | None:
    """``"6"``, ``"６"``, ``"六"``, ``"十一"``, ``"二〇二〇"`` → int; ``None`` if not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    if not any(ch in _CN_UNITS for ch in text):  # digit by digit: 二〇二〇
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def parse_date_line(text: str) -> dt.date | None:
    """A paragraph that is only a date (``2020年3月27日`` or ``二〇二〇年三月二十七日``)."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    parts = [cn_int(group) for group in match.groups()]
    if None in parts:
        return None
    try:
        return dt.date(*parts)  # type: ignore[arg-type]
    except ValueError:
        return None


def heading(paragraph: Paragraph) -> tuple[str, str] | None:
    """``("二", "整改落实情况")`` for a top-level heading line like ``二、整改落实情况``."""
    match = _HEADING.match(paragraph.text)
    if match is None or len(paragraph.text) > 40 or "。" in paragraph.text:
        return None
    return match.group(1), match.group(2).strip()


@dataclass(frozen=True)
class Section:
    """A top-level section: its heading paragraph and the paragraphs under it."""

    number: str
    title: str
    head: Paragraph
    body: tuple[Paragraph, ...]

    @property
    def text(self) -> str:
        """The section's paragraphs without the heading, one per line."""
        return "\n".join(p.text for p in self.body)


def split_sections(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], list[Section]]:
    """The paragraphs before the first heading, and the top-level sections."""
    preamble: list[Paragraph] = []
    sections: list[Section] = []
    current: tuple[str, str, Paragraph, list[Paragraph]] | None = None
    for paragraph in paragraphs:
        found = heading(paragraph)
        if found is not None:
            if current is not None:
                sections.append(Section(current[0], current[1], current[2], tuple(current[3])))
            current = (found[0], found[1], paragraph, [])
        elif current is None:
            preamble.append(paragraph)
        else:
            current[3].append(paragraph)
    if current is not None:
        sections.append(Section(current[0], current[1], current[2], tuple(current[3])))
    return preamble, sections


@dataclass(frozen=True)
class Intro:
    """Title and the inspection facts from the paragraphs before the first section."""

    title: str
    text: str
    team: str
    unit: str
    period_start: dt.date
    period_end: dt.date
    feedback_date: dt.date
    line: int
    lines: dict[str, LineSpan] = field(default_factory=dict)


def _date_after(year: int | None, month: int, day: int, after: dt.date, line: int) -> dt.date:
    """A date whose year may be omitted: the first such date not before ``after``."""
    try:
        if year is not None:
            return dt.date(year, month, day)
        candidate = dt.date(after.year, month, day)
        return candidate if candidate >= after else dt.date(after.year + 1, month, day)
    except ValueError as exc:
        raise ReportReadError(
            f"日期无效:{month}月{day}日", f"invalid date: month {month}, day {day}", line
        ) from exc


def _intro_error(what_zh: str, what_en: str, line: int) -> ReportReadError:
    return ReportReadError(
        f"开头的巡察情况说明中未找到{what_zh}(应如“2019年7月5日至8月20日,市委第一巡察组对…进行了巡察。"
        f"10月31日,巡察组向…反馈了巡察意见。”)",
        f"the introduction does not give the {what_en} (expected like “2019年7月5日至8月20日,"
        f"市委第一巡察组对…进行了巡察。10月31日,巡察组向…反馈了巡察意见。”)",
        line,
    )


def read_intro(preamble: list[Paragraph], stop_line: int) -> Intro:
    """Find the introduction (the paragraph naming the 巡察组 and the period) and the title."""
    index = next(
        (i for i, p in enumerate(preamble) if _INSPECTED.search(p.text) and _PERIOD.search(p.text)),
        None,
    )
    if index is None:
        raise _intro_error("巡察时间", "inspection period", stop_line)
    paragraph = preamble[index]
    text, line = paragraph.text, paragraph.first
    period = _PERIOD.search(text)
    assert period is not None
    y1, m1, d1, y2, m2, d2 = period.groups()
    start = _date_after(int(y1), int(m1), int(d1), dt.date.min, line)
    end = _date_after(int(y2) if y2 else None, int(m2), int(d2), start, line)
    team = _TEAM.search(text) or (_AUDIT_OFFICE.search(text) if "审计" in text else None)
    if team is None:
        raise _intro_error("巡察组", "inspection team (巡察组)", line)
    unit = _UNIT.search(text)
    if unit is None:
        raise _intro_error("被巡察单位", "inspected unit", line)
    feedback = _FEEDBACK.search(text, period.end())
    if feedback is None:
        raise _intro_error("反馈时间", "feedback date", line)
    fy, fm, fd = feedback.groups()
    feedback_date = _date_after(int(fy) if fy else None, int(fm), int(fd), end, line)
    lines = {"intro": paragraph.lines}
    title_paragraphs = [p for p in preamble[:index] if not p.text.endswith((":", "："))]
    if title_paragraphs:
        lines["title"] = (title_paragraphs[0].first, title_paragraphs[-1].last)
    return Intro(
        lines=lines,
        title=_title(preamble[:index]),
        text="\n".join(p.text for p in preamble[index:]),
        team=team.group(1),
        unit=unit.group(1),
        period_start=start,
        period_end=end,
        feedback_date=feedback_date,
        line=line,
    )


def _title(paragraphs: list[Paragraph]) -> str:
    """The title lines, dropping a line that only repeats another with a suffix (a page title)."""
    # An addressee line (市审计局:) is not part of the title.
    texts = [p.text for p in paragraphs if not p.text.endswith((":", "："))]
    kept = [t for t in texts if not any(o != t and t.startswith(o) for o in texts)]
    return "".join(dict.fromkeys(kept))


@dataclass(frozen=True)
class Closing:
    """The end of the report: contact block, issuer and date, and where they begin."""

    start: int
    issuer: str
    report_date: dt.date | None
    contact: ParsedContact | None
    warnings: tuple[ParsedWarning, ...]
    lines: dict[str, LineSpan] = field(default_factory=dict)


_NOT_ISSUER_START = re.compile(r"^(?:[(（\d]|[一二三四五六七八九十]+\s*[、.．是])")


def _is_issuer(text: str) -> bool:
    return (
        len(text) <= 40 and not _SENTENCE_MARKS.search(text) and not _NOT_ISSUER_START.match(text)
    )


def read_closing(paragraphs: list[Paragraph]) -> Closing:
    """Read issuer, date and contact block from the end of ``paragraphs``.

    ``start`` is the index of the first closing paragraph; the body ends before it.
    """
    index = len(paragraphs)
    issuer, report_date = "", None
    warnings: list[ParsedWarning] = []
    lines: dict[str, LineSpan] = {}
    for _ in range(2):  # issuer then date, or date then issuer
        if index == 0:
            break
        text = paragraphs[index - 1].text
        day = parse_date_line(text)
        if day is not None and report_date is None:
            report_date, index = day, index - 1
            lines["report_date"] = paragraphs[index].lines
        elif not issuer and _is_issuer(text) and parse_date_line(text) is None:
            issuer, index = text, index - 1
            lines["issuer"] = paragraphs[index].lines
    contact_parts: list[Paragraph] = []
    while index > 0 and _CLOSING_START.match(paragraphs[index - 1].text):
        contact_parts.insert(0, paragraphs[index - 1])
        index -= 1
    last_line = paragraphs[-1].last if paragraphs else None
    if not issuer:
        message = "文末未找到发文机关 / no issuer line at the end"
        warnings.append(ParsedWarning("issuer_missing", message, last_line))
    if report_date is None:
        message = "文末未找到日期 / no date line at the end"
        warnings.append(ParsedWarning("report_date_missing", message, last_line))
    contact = None
    if contact_parts:
        contact = dataclasses.replace(
            read_contact("\n".join(p.text for p in contact_parts)),
            lines=(contact_parts[0].first, contact_parts[-1].last),
        )
    return Closing(index, issuer, report_date, contact, tuple(warnings), lines)


def read_contact(text: str) -> ParsedContact:
    """Phone, address, postcode and e-mail from a closing contact block."""
    phone = _PHONE.search(text)
    address = _ADDRESS.search(text)
    postcode = _POSTCODE.search(text)
    email = _EMAIL.search(text)
    address_text = None
    if address is not None:
        address_text = _POSTCODE_NOTE.sub("", address.group(1)).strip(" ,，、") or None
    return ParsedContact(
        phone=phone.group(1).strip() if phone else None,
        address=address_text,
        postcode=postcode.group(1) if postcode else None,
        email=email.group(0).rstrip(".") if email else None,
        text=text,
    )


def unit_from_issuer(issuer: str) -> str:
    """The inspected party organisation named by the issuer: ``中共X党组`` → ``X党组``."""
    return issuer.removeprefix("中共").removeprefix("中国共产党").strip()
