"""Chinese numbering, dates and punctuation as the documents print them."""

from __future__ import annotations

import datetime as dt

import pytest

from zhenggai.documents.report.text import (
    cn_date,
    cn_number,
    cn_period,
    display_width,
    fullwidth_punctuation,
    sentence,
    wan_yuan,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (123, "一百二十三"),
    ],
)
def test_chinese_numbers(value: int, expected: str) -> None:
    assert cn_number(value) == expected


def test_dates_have_no_leading_zeros() -> None:
    assert cn_date(dt.date(2020, 3, 7)) == "2020年3月7日"
    assert cn_period(dt.date(2019, 7, 5), dt.date(2019, 8, 20)) == "2019年7月5日至8月20日"
    assert cn_period(dt.date(2019, 12, 5), dt.date(2020, 1, 9)) == "2019年12月5日至2020年1月9日"


def test_punctuation_next_to_chinese_becomes_full_width() -> None:
    assert fullwidth_punctuation("共制定6项整改措施,已落实整改6项;并常态坚持") == (
        "共制定6项整改措施，已落实整改6项；并常态坚持"
    )
    assert fullwidth_punctuation("联系方式:电话84396060") == "联系方式：电话84396060"
    # Pairs of parentheses change together; numbers, times and addresses keep ASCII.
    assert fullwidth_punctuation("办公室(邮编223800)") == "办公室（邮编223800）"
    assert fullwidth_punctuation("1,000 and 12:30 (ok)") == "1,000 and 12:30 (ok)"
    assert fullwidth_punctuation("sqzgbzhc@126.com") == "sqzgbzhc@126.com"


def test_sentences_and_widths() -> None:
    assert sentence("制定学习计划") == "制定学习计划。"
    assert sentence("制定学习计划。") == "制定学习计划。"
    assert display_width("2020年3月27日") == 6.5
    assert wan_yuan(175800) == "17.58"
