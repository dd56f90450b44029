"""Database triggers that keep the audit log append-only (check 16).

On SQLite and PostgreSQL a trigger refuses every ``UPDATE`` of an audit entry and every
``DELETE`` (and, on PostgreSQL, ``TRUNCATE``) — whoever sends it: the application, the
admin, the ORM or a person at a SQL prompt. Two maintenance operations are let through,
each only while a row of the permit table ``audit_maintenance_permit`` exists, which
they insert and remove inside their own transaction (other connections never see it):

* ``purge`` — the retention purge may delete entries older than 180 days, never younger
  (the trigger compares the entry's time with the database clock itself);
* ``flush`` — Django's ``flush`` command (which empties every table, used between tests
  that need real transactions) may empty the table.

Someone with the database owner's rights can still drop the triggers; such edits are
what the hash chain, the checkpoints and the daily copy detect (``zhenggai audit verify``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction

PERMIT_TABLE = "audit_maintenance_permit"
ENTRY_TABLE = "audit_auditentry"
CHECKPOINT_TABLE = "audit_auditcheckpoint"
GUARDED = (ENTRY_TABLE, CHECKPOINT_TABLE)
#: The floor the database itself enforces; the application's retention may be longer.
FLOOR_DAYS = 180

_SQLITE_PERMIT = (
    f"CREATE TABLE IF NOT EXISTS {PERMIT_TABLE} "
    "(id INTEGER PRIMARY KEY CHECK (id = 1), mode TEXT NOT NULL CHECK (mode IN ('purge', 'flush')))"
)
_PG_PERMIT = (
    f"CREATE TABLE IF NOT EXISTS {PERMIT_TABLE} "
    "(id integer PRIMARY KEY CHECK (id = 1), mode text NOT NULL CHECK (mode IN ('purge', 'flush')))"
)


def _sqlite_install(table: str) -> list[str]:
    deletable_old = (
        f"EXISTS (SELECT 1 FROM {PERMIT_TABLE} WHERE mode = 'purge') "
        f"AND OLD.at < strftime('%Y-%m-%d %H:%M:%S', 'now', '-{FLOOR_DAYS} days')"
        if table == ENTRY_TABLE
        else "0"  # checkpoints are never purged
    )
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"WHEN NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE} WHERE mode = 'flush') "
        f"AND NOT ({deletable_old}) "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused'); END",
    ]


_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION zhenggai_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    permit text;
BEGIN
    SELECT mode INTO permit FROM {PERMIT_TABLE} WHERE id = 1;
    IF permit = 'flush' AND TG_OP IN ('DELETE', 'TRUNCATE') THEN
        RETURN OLD;
    END IF;
    IF permit = 'purge' AND TG_OP = 'DELETE' AND TG_TABLE_NAME = '{ENTRY_TABLE}' THEN
        IF OLD.at < now() - interval '{FLOOR_DAYS} days' THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def _pg_install(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_guard BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION zhenggai_audit_guard()",
        f"CREATE TRIGGER {table}_guard_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION zhenggai_audit_guard()",
    ]


def install_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [_SQLITE_PERMIT, *[s for t in GUARDED for s in _sqlite_install(t)]]
    if vendor == "postgresql":
        return [_PG_PERMIT, _PG_FUNCTION, *[s for t in GUARDED for s in _pg_install(t)]]
    return []


def drop_sql(vendor: str) -> list[str]:
    """Remove the triggers (the reverse migration, and tests that play a database owner)."""
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {t}_{kind}"
            for t in GUARDED
            for kind in ("no_update", "no_delete")
        ]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {t}_{kind} ON {t}"
            for t in GUARDED
            for kind in ("guard", "guard_truncate")
        ]
    return []


@contextmanager
def maintenance(mode: str, using: str = "default") -> Iterator[None]:
    """Let ``purge`` or ``flush`` through the triggers for the enclosed statements only."""
    assert mode in {"purge", "flush"}
    connection = connections[using]
    # On an error the transaction rolls back, and the permit with it.
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PERMIT_TABLE}")
            cursor.execute(f"INSERT INTO {PERMIT_TABLE} (id, mode) VALUES (1, %s)", [mode])
        yield
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PERMIT_TABLE}")


def has_permit_table(using: str = "default") -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        return PERMIT_TABLE in connection.introspection.table_names(cursor)
