"""Chinese numbering, dates and punctuation as official documents print them."""

from __future__ import annotations

import datetime as dt
import re

_DIGITS = "〇一二三四五六七八九"


def cn_number(value: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (for 一是…, (一), 一、)."""
    if value < 0:
        raise ValueError(value)
    if value < 10:
        return _DIGITS[value] if value else "零"
    if value < 20:
        return "十" + (_DIGITS[value % 10] if value % 10 else "")
    if value < 100:
        tens, ones = divmod(value, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(value, 100)
    if rest == 0:
        tail = ""
    elif rest < 10:
        tail = "零" + _DIGITS[rest]
    elif rest < 20:
        tail = "一" + cn_number(rest)
    else:
        tail = cn_number(rest)
    return cn_number(hundreds) + "百" + tail


def cn_date(day: dt.date) -> str:
    """``2020年3月27日``: Arabic numerals, no leading zeros (GB/T 9704-2012 7.3.5)."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month_day(day: dt.date, *, after: dt.date | None = None) -> str:
    """``10月31日`` when ``after`` is in the same year, else the full date."""
    if after is not None and after.year == day.year:
        return f"{day.month}月{day.day}日"
    return cn_date(day)


def cn_period(start: dt.date, end: dt.date) -> str:
    """``2019年7月5日至8月20日``; the end keeps its year when it differs."""
    return f"{cn_date(start)}至{cn_month_day(end, after=start)}"


def wan_yuan(amount_yuan: float | int | object) -> str:
    """An amount in 元 as 万元 with two decimals (``175800`` → ``17.58``)."""
    return f"{float(amount_yuan) / 10000:.2f}"  # type: ignore[arg-type]


# ---------------------------------------------------------------- punctuation

_CJK = (
    r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f“”‘’《》"
)
_CJK_RE = re.compile(f"[{_CJK}]")
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_SIMPLE = re.compile(rf"(?<=[{_CJK}])[,;:?!]|[,;:?!](?=[{_CJK}])")


def fullwidth_punctuation(text: str) -> str:
    """ASCII ``, ; : ? ! ( )`` next to Chinese text become full-width; ``1,000`` and ``12:30`` stay.

    Parentheses are converted in pairs, when either touches or encloses Chinese text,
    so that ``（邮编223800)`` cannot happen.
    """
    text = _SIMPLE.sub(lambda m: _FULL[m.group(0)], text)
    if "(" not in text:
        return text
    chars = list(text)
    stack: list[int] = []
    for index, char in enumerate(chars):
        if char == "(":
            stack.append(index)
        elif char == ")" and stack:
            start = stack.pop()
            inner = text[start + 1 : index]
            before = text[start - 1] if start else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if _CJK_RE.search(inner) or _CJK_RE.match(before or " ") or _CJK_RE.match(after or " "):
                chars[start], chars[index] = "（", "）"
    return "".join(chars)


_TERMINAL = "。！？；;!?…”"


def sentence(text: str) -> str:
    """``text`` ending with a full stop (unless it already ends a sentence)."""
    text = text.strip()
    if not text or text[-1] in _TERMINAL:
        return text
    return text + "。"


def display_width(text: str) -> float:
    """Width in character cells: ASCII (and half-width forms) count one half."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch not in "—…“”‘’" else 1.0 for ch in text)
