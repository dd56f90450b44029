"""Field types shared by the schemas: ids, bounded dates, clean text, local date-times."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator, Field

#: The largest id a client may send (SQLite and PostgreSQL bigint).
MAX_ID = 2**63 - 1
EARLIEST = dt.date(1949, 10, 1)
LATEST = dt.date(2199, 12, 31)


def _local(value: dt.datetime) -> dt.datetime:
    """Aware date-times in Beijing time (+08:00); naive input is taken as Beijing time."""
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return timezone.localtime(value)


def _clean(value: str) -> str:
    # Databases refuse NUL, and lone surrogates cannot be encoded: refuse both as input.
    if "\x00" in value or any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise ValueError("text contains characters that cannot be stored")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
LocalDateTime = Annotated[dt.datetime, AfterValidator(_local)]
Day = Annotated[dt.date, Field(ge=EARLIEST, le=LATEST)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


def bounded(max_length: int, min_length: int = 0) -> type[str]:
    """A string of bounded length without characters the databases cannot store."""
    return Annotated[  # type: ignore[return-value]
        str,
        Field(min_length=min_length, max_length=max_length, pattern=r"^[^\x00]*$"),
        AfterValidator(_clean),
    ]


ShortText = bounded(200)
Name = bounded(200, 1)
TeamName = bounded(100, 1)
Number = bounded(10)
Title = bounded(2_000, 1)
LongText = bounded(20_000)
Reason = bounded(5_000)
