"""Keeping :class:`~zhenggai.ledger.models.InspectionTally` right (PostgreSQL).

``ledger_tally_refresh(ids, day)`` recounts the overdue measures of the inspections
``ids`` as of ``day``: it creates their missing rows, locks the rows in id order and
only then counts. Under READ COMMITTED each statement of the function reads a new
snapshot, so the count taken after the lock sees every change committed by a writer
that held the lock before; a writer that commits later recounts after us. Two people
changing measures of one unit at once therefore cannot leave a stale count behind.

Statement-level triggers call it for the inspections whose measures a statement
inserted, deleted or changed in status, deadline, extension or inspection. A deletion
recounts existing rows only (a unit being deleted takes its tally row with it).

SQLite has no tally: its installations are small, and the rankings count live there.
"""

from __future__ import annotations

import datetime as dt

from django.db import OperationalError, connection, transaction


def overdue_sql(day: str) -> str:
    """逾期 (:func:`zhenggai.supervision.lights.overdue_q`) of the measure ``m`` on ``day``
    (an SQL expression), in SQL for the counting function."""
    return (
        f"m.status <> 'closed' AND ((m.deadline < {day} AND m.extended_deadline IS NULL) "
        f"OR m.extended_deadline < {day})"
    )


def install_sql(time_zone: str) -> list[str]:
    """The function and triggers; the trigger's day is today in ``time_zone``."""
    today = f"(now() AT TIME ZONE '{time_zone}')::date"
    refresh = f"""
CREATE OR REPLACE FUNCTION ledger_tally_refresh(ids bigint[], day date, create_rows boolean)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    IF create_rows THEN
        INSERT INTO ledger_inspectiontally (inspection_id, overdue, as_of)
        SELECT i.id, 0, day FROM ledger_inspection i WHERE i.id = ANY(ids)
        ON CONFLICT (inspection_id) DO NOTHING;
    END IF;
    PERFORM 1 FROM ledger_inspectiontally WHERE inspection_id = ANY(ids)
        ORDER BY inspection_id FOR UPDATE;
    UPDATE ledger_inspectiontally t SET as_of = day, overdue = (
        SELECT COUNT(*) FROM ledger_measure m
        WHERE m.inspection_id = t.inspection_id AND {overdue_sql("day")}
    ) WHERE t.inspection_id = ANY(ids);
END $$;
"""
    inserted = _trigger_function(
        "ledger_measure_tally_inserted",
        f"ARRAY(SELECT DISTINCT inspection_id FROM new_rows ORDER BY 1), {today}, true",
    )
    deleted = _trigger_function(
        "ledger_measure_tally_deleted",
        f"ARRAY(SELECT DISTINCT inspection_id FROM old_rows ORDER BY 1), {today}, false",
    )
    updated = _trigger_function(
        "ledger_measure_tally_updated",
        f"""ARRAY(
        SELECT x.inspection_id FROM (
            SELECT n.inspection_id AS a, o.inspection_id AS b
            FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.status, n.deadline, n.extended_deadline, n.inspection_id)
                IS DISTINCT FROM (o.status, o.deadline, o.extended_deadline, o.inspection_id)
        ) changed CROSS JOIN LATERAL (VALUES (changed.a), (changed.b)) AS x(inspection_id)
        GROUP BY x.inspection_id ORDER BY 1
    ), {today}, true""",
    )
    triggers = [
        *UNINSTALL_SQL[:3],  # the triggers, if an older version is installed
        "CREATE TRIGGER ledger_measure_tally_ins AFTER INSERT ON ledger_measure "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION ledger_measure_tally_inserted()",
        "CREATE TRIGGER ledger_measure_tally_del AFTER DELETE ON ledger_measure "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION ledger_measure_tally_deleted()",
        "CREATE TRIGGER ledger_measure_tally_upd AFTER UPDATE ON ledger_measure "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION ledger_measure_tally_updated()",
    ]
    return [refresh, inserted, deleted, updated, *triggers]


def _trigger_function(name: str, arguments: str) -> str:
    """A statement trigger's function: recount with ``ledger_tally_refresh(arguments)``."""
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ledger_tally_refresh({arguments});
    RETURN NULL;
END $$;
"""


UNINSTALL_SQL = [
    "DROP TRIGGER IF EXISTS ledger_measure_tally_ins ON ledger_measure",
    "DROP TRIGGER IF EXISTS ledger_measure_tally_del ON ledger_measure",
    "DROP TRIGGER IF EXISTS ledger_measure_tally_upd ON ledger_measure",
    "DROP FUNCTION IF EXISTS ledger_measure_tally_inserted()",
    "DROP FUNCTION IF EXISTS ledger_measure_tally_deleted()",
    "DROP FUNCTION IF EXISTS ledger_measure_tally_updated()",
    "DROP FUNCTION IF EXISTS ledger_tally_refresh(bigint[], date, boolean)",
]


def supported() -> bool:
    return connection.vendor == "postgresql"


def refresh_all(day: dt.date, attempts: int = 3) -> int:
    """Recount every inspection as of ``day`` (the daily run); returns how many.

    It locks every tally row in id order; a writer that changed measures of several
    units in one transaction in another order can deadlock with it, and PostgreSQL then
    cancels one of the two: the recount is tried again.
    """
    if not supported():
        return 0
    for _ in range(attempts - 1):
        try:
            return _refresh_all(day)
        except OperationalError:  # a deadlock: PostgreSQL cancelled this side
            continue
    return _refresh_all(day)


def _refresh_all(day: dt.date) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT ledger_tally_refresh("
            "ARRAY(SELECT id FROM ledger_inspection ORDER BY id), %s, true)",
            [day],
        )
        cursor.execute("SELECT COUNT(*) FROM ledger_inspectiontally")
        return cursor.fetchone()[0]
