"""Fast bulk writes: PostgreSQL ``COPY`` or SQLite ``executemany``, with ids chosen by us.

The generator allocates primary keys itself (from the table's current maximum), so
foreign keys are known without a round trip and organisation paths are computed
without a query per row. After a run the PostgreSQL identity sequences are moved past
the new rows; SQLite's ``AUTOINCREMENT`` bookkeeping follows explicit ids by itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Max, Model


@dataclass
class Table:
    """One table written in bulk: the model, the fields of each row tuple, the buffer."""

    model: type[Model]
    fields: Sequence[str]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    next_id: int = 0
    written: int = 0

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    @property
    def columns(self) -> list[str]:
        meta = self.model._meta
        return [meta.get_field(name).column for name in self.fields]

    def allocate(self) -> int:
        """The next primary key (call :func:`start_ids` first)."""
        self.next_id += 1
        return self.next_id

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)


def start_ids(tables: Iterable[Table]) -> None:
    for table in tables:
        if "id" in table.fields:
            table.next_id = table.model.objects.aggregate(m=Max("pk"))["m"] or 0


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        # Django keeps aware datetimes on SQLite as naive UTC text.
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool):
        return int(value)
    return value


def flush(table: Table) -> int:
    """Write and clear the buffered rows of ``table``; returns how many were written."""
    rows, table.rows = table.rows, []
    if not rows:
        return 0
    columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    name = connection.ops.quote_name(table.db_table)
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in table.fields)
        converted = [tuple(_sqlite_value(v) for v in row) for row in rows]
        raw.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks})", converted)
    table.written += len(rows)
    return len(rows)


def reset_sequences(tables: Iterable[Table]) -> None:
    """Move PostgreSQL identity sequences past the ids written here."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            if "id" not in table.fields or not table.written:
                continue
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table.db_table)}))",
                [table.db_table],
            )


@contextlib.contextmanager
def bulk_session() -> Iterator[None]:
    """Bulk-load settings for this connection while the generator runs (PostgreSQL).

    ``synchronous_commit = off``: a commit does not wait for its WAL flush. And, where
    the database role may (a superuser), ``session_replication_role = replica``: no
    trigger fires, so the foreign keys are not checked row by row at every commit — the
    generator chooses every id itself and writes parents before children, and
    ``tests/scale`` checks that no row points nowhere. Both are reset afterwards, so the
    connection goes back to normal checks.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        replica = bool(cursor.fetchone()[0])
        if replica:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if replica:
                cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET synchronous_commit = DEFAULT")
