"""Keyset (cursor) pagination: ``WHERE (key, id) > (…) ORDER BY key, id LIMIT n+1``.

The cursor is opaque to clients: base64url of ``[sort, key, id]``. A page costs the
same at row 1,000,000 as at row 1 (no OFFSET, no COUNT), and rows inserted while a
client pages never duplicate or push out the rows it has not yet seen: every row
keeps its place in the (key, id) order. Nullable keys sort last in both directions.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import F, Model, Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import create_model

from zhenggai.api.errors import ApiError

MAX_LIMIT = 200
DEFAULT_LIMIT = 50

T = TypeVar("T")


@dataclass(frozen=True)
class Sort:
    """A sort order the client may choose by ``name`` (``-`` in front: descending)."""

    name: str
    field: str
    kind: type = int
    nullable: bool = False
    descending: bool = False


def sorts(*specs: tuple[str, type, bool]) -> dict[str, Sort]:
    """``sorts(("deadline", dt.date, True))`` → ``{"deadline": …, "-deadline": …}``."""
    found: dict[str, Sort] = {}
    for field, kind, nullable in specs:
        found[field] = Sort(field, field, kind, nullable, False)
        found[f"-{field}"] = Sort(f"-{field}", field, kind, nullable, True)
    return found


def _bad_cursor() -> ApiError:
    return ApiError(
        400,
        "invalid_cursor",
        _("分页游标无效。"),
        "The cursor is not valid for this list.",
        field="cursor",
    )


def _dump(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _load(value: Any, kind: type) -> Any:
    if value is None:
        return None
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is str and isinstance(value, str):
        return value
    raise ValueError(value)


def encode_cursor(sort: Sort, value: Any, pk: int) -> str:
    raw = json.dumps([sort.name, _dump(value), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: Sort) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, value, pk = json.loads(raw)
        if name != sort.name or not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError(name)
        return _load(value, sort.kind), pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise _bad_cursor() from None


def _after(sort: Sort, value: Any, pk: int) -> Q:
    """Rows after (value, pk) in the sort order."""
    beyond = "lt" if sort.descending else "gt"
    id_after = Q(**{f"pk__{beyond}": pk})
    if sort.field in ("id", "pk"):
        return id_after
    if value is None:  # within the trailing NULL block
        return Q(**{f"{sort.field}__isnull": True}) & id_after
    after = Q(**{f"{sort.field}__{beyond}": value}) | (Q(**{sort.field: value}) & id_after)
    if sort.nullable:
        after |= Q(**{f"{sort.field}__isnull": True})
    return after


def _ordering(sort: Sort) -> list[Any]:
    if sort.field in ("id", "pk"):
        return ["-pk" if sort.descending else "pk"]
    key = (
        F(sort.field).desc(nulls_last=True)
        if sort.descending
        else F(sort.field).asc(nulls_last=True)
    )
    return [key, "-pk" if sort.descending else "pk"]


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def keyset_page(rows: QuerySet[Any], *, sort: Sort, cursor: str | None, limit: int) -> Page:
    """One page of ``rows`` in ``sort`` order after ``cursor`` (``None``: the first page)."""
    if not 1 <= limit <= MAX_LIMIT:  # the schema refuses these first; a direct caller too
        raise ApiError(
            422,
            "validation_error",
            _("limit 须在1到200之间。"),
            "limit must be 1..200.",
            field="limit",
        )
    if cursor:
        value, pk = decode_cursor(cursor, sort)
        rows = rows.filter(_after(sort, value, pk))
    found = list(rows.order_by(*_ordering(sort))[: limit + 1])
    items = found[:limit]
    next_cursor = None
    if len(found) > limit:
        last: Model = items[-1]
        next_cursor = encode_cursor(sort, getattr(last, sort.field), last.pk)
    return Page(items, next_cursor)


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """``{"items": [item], "next_cursor": str | null}`` as a named schema."""
    return create_model(  # type: ignore[call-overload,no-any-return]
        name,
        __base__=Schema,
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(str | None, None),
    )
