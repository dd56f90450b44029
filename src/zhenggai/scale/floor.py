"""The SQL floor: the data each benchmarked page shows, fetched by hand-written SQL.

Each floor runs through a bare driver connection (psycopg or sqlite3), with no ORM, no
sessions, no permission checks and no templates, so ``page time ÷ floor time`` is the
cost of everything the application adds on top of the data. Placeholders are written
``%s`` and turned into ``?`` for SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Run = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]

PAGE = 50
HOME = 21
NEAR_DAYS = 10

MEASURE_FROM = """
FROM ledger_measure m
JOIN ledger_problem p ON p.id = m.problem_id
JOIN ledger_category c ON c.id = p.category_id
JOIN ledger_inspection i ON i.id = m.inspection_id
JOIN accounts_organisation un ON un.id = i.unit_id
LEFT JOIN accounts_user u ON u.id = m.responsible_leader_id
LEFT JOIN accounts_organisation d ON d.id = m.lead_department_id
"""

LAST_DECISION = (
    "(SELECT r.decision FROM ledger_review r WHERE r.measure_id = m.id "
    "ORDER BY r.created_at DESC, r.id DESC LIMIT 1)"
)

#: The amber marker of lists: open quality flags involving the measure.
OPEN_FLAGS = (
    "(SELECT COUNT(*) FROM quality_flag_involved fi JOIN quality_flag f ON f.id = fi.flag_id "
    "WHERE fi.measure_id = m.id AND f.is_current AND f.status = 'open')"
)

MEASURE_COLUMNS = f"""
SELECT m.id, m.position, m.text, m.kind, m.status, m.deadline, m.extended_deadline, m.version,
       p.number, p.text,
       c.title, u.display_name, d.name, un.name,
       (SELECT pu.text FROM ledger_progressupdate pu WHERE pu.measure_id = m.id
         ORDER BY pu.created_at DESC, pu.id DESC LIMIT 1),
       (SELECT pu.created_at FROM ledger_progressupdate pu WHERE pu.measure_id = m.id
         ORDER BY pu.created_at DESC, pu.id DESC LIMIT 1),
       (SELECT COUNT(*) FROM ledger_evidence e WHERE e.measure_id = m.id),
       {LAST_DECISION},
       (SELECT r.reason FROM ledger_review r WHERE r.measure_id = m.id
         ORDER BY r.created_at DESC, r.id DESC LIMIT 1),
       {OPEN_FLAGS}
"""

LIGHT_ORDER = (
    "CASE WHEN m.status = 'closed' THEN 4 WHEN COALESCE(m.extended_deadline, m.deadline) < %s "
    "THEN 0 WHEN COALESCE(m.extended_deadline, m.deadline) <= %s THEN 1 "
    "WHEN m.status = 'draft' THEN 3 ELSE 2 END"
)

#: 逾期: past the effective deadline (an approved extension, else the original), not closed;
#: two parameters (the day, twice), written so that each branch can use an index.
OVERDUE = (
    "m.status <> 'closed' AND ((m.extended_deadline IS NULL AND m.deadline < %s) "
    "OR m.extended_deadline < %s)"
)


@dataclass(frozen=True)
class Target:
    """The rows a benchmark run looks at, chosen once from the data."""

    inspection: int
    unit: int
    unit_path: str
    province_path: str
    category: int
    department: int
    leader: int
    measure: int
    today: dt.date
    #: The database keeps the tally of overdue measures (PostgreSQL) that the ranking reads.
    tally: bool = False


@dataclass(frozen=True)
class Asker:
    """Who asks: the session key of the signed-in persona and its user id."""

    session_key: str
    user_id: int


def identity(run: Run, who: Asker, now: dt.datetime, navigation: bool = True) -> None:
    """What every signed-in request fetches before its data: the session, the user, the
    user's memberships (their scope); and for a page, the unread count in the navigation.

    A page cannot be served to this person without these rows, so they belong to its
    floor; the data-only floor (without them) is reported beside it.
    """
    run(
        "SELECT session_key, session_data, expire_date FROM django_session "
        "WHERE session_key = %s AND expire_date > %s",
        [who.session_key, now],
    )
    run("SELECT * FROM accounts_user WHERE id = %s", [who.user_id])
    run(
        "SELECT ms.role, ms.organisation_id, o.path, o.parent_id FROM accounts_membership ms "
        "JOIN accounts_organisation o ON o.id = ms.organisation_id WHERE ms.user_id = %s",
        [who.user_id],
    )
    if navigation:
        run(
            "SELECT COUNT(*) FROM supervision_notification WHERE user_id = %s AND read_at IS NULL",
            [who.user_id],
        )


def _ids(rows: list[tuple[Any, ...]]) -> str:
    return ",".join(str(int(r[0])) for r in rows) or "0"


def measure_page(
    run: Run,
    where: str,
    params: Sequence[Any],
    order: str,
    order_params: Sequence[Any] = (),
    limit: int = PAGE,
    count: bool = True,
) -> None:
    """A list of measures with the ledger columns: one page, its count (only when the page
    is full, as the pages do), its supporting departments."""
    rows = run(
        f"{MEASURE_COLUMNS} {MEASURE_FROM} WHERE {where} ORDER BY {order} LIMIT {limit}",
        [*params, *order_params],
    )
    if count and len(rows) == limit:
        run(
            "SELECT COUNT(*) FROM ledger_measure m JOIN ledger_problem p ON p.id = "
            f"m.problem_id WHERE {where}",
            params,
        )
    run(
        "SELECT s.measure_id, o.name FROM ledger_measure_supporting_departments s "
        "JOIN accounts_organisation o ON o.id = s.organisation_id WHERE s.measure_id IN "
        f"({_ids(rows)})",
        [],
    )


def ledger_head(run: Run, t: Target) -> None:
    """The inspection and the filter choices (categories, departments, leaders: one query)."""
    run(
        "SELECT i.*, un.name, r.name FROM ledger_inspection i JOIN accounts_organisation un "
        "ON un.id = i.unit_id "
        "JOIN ledger_round r ON r.id = i.round_id WHERE i.id = %s",
        [t.inspection],
    )
    run(
        "SELECT 0, id, number || '. ' || title, '', position FROM ledger_category "
        "WHERE inspection_id = %s "
        "UNION ALL SELECT 1, id, name, path, 0 FROM accounts_organisation "
        "WHERE parent_id = %s AND kind = 'department' "
        "UNION ALL SELECT DISTINCT 2, u.id, u.display_name, '', 0 FROM accounts_user u "
        "JOIN accounts_membership ms ON ms.user_id = u.id "
        "WHERE ms.organisation_id = %s AND ms.role = 'leader' ORDER BY 1, 5, 4, 3, 2",
        [t.inspection, t.unit, t.unit],
    )


def ledger(
    extra: str = "",
    extra_params: Callable[[Target], list[Any]] = lambda t: [],
    order: str = "p.position, m.position",
    light: bool = False,
) -> Callable[[Run, Target], None]:
    def floor(run: Run, t: Target) -> None:
        ledger_head(run, t)
        order_params = [t.today, t.today + dt.timedelta(days=NEAR_DAYS)] if light else []
        measure_page(
            run,
            f"m.inspection_id = %s {extra}",
            [t.inspection, *extra_params(t)],
            order,
            order_params,
        )

    return floor


def problems_tab(run: Run, t: Target) -> None:
    ledger_head(run, t)
    rows = run(
        "SELECT p.id, p.number, p.text, p.status, p.stated_planned, c.title,"
        " (SELECT COUNT(*) FROM ledger_measure m WHERE m.problem_id = p.id),"
        " (SELECT COUNT(*) FROM ledger_measure m WHERE m.problem_id = p.id AND m.status = "
        "'closed'),"
        f" (SELECT COUNT(*) FROM ledger_measure m WHERE m.problem_id = p.id AND {OVERDUE})"
        " FROM ledger_problem p JOIN ledger_category c ON c.id = p.category_id"
        f" WHERE p.inspection_id = %s ORDER BY p.position LIMIT {PAGE}",
        [t.today, t.today, t.inspection],
    )
    if len(rows) == PAGE:  # fewer rows than a page are their own count
        run("SELECT COUNT(*) FROM ledger_problem WHERE inspection_id = %s", [t.inspection])


def measure_detail(run: Run, t: Target) -> None:
    """The measure with its problem, category, unit and people; its story; its flags."""
    run(
        "SELECT m.*, p.number, p.text, c.title, un.name, u.display_name, d.name "
        f"{MEASURE_FROM} WHERE m.id = %s",
        [t.measure],
    )
    run(
        "SELECT f.*, fp.number, fm.position FROM quality_flag f "
        "LEFT JOIN ledger_problem fp ON fp.id = f.problem_id "
        "LEFT JOIN ledger_measure fm ON fm.id = f.measure_id "
        "WHERE f.is_current AND (f.measure_id = %s OR f.id IN "
        "(SELECT flag_id FROM quality_flag_involved WHERE measure_id = %s)) "
        "ORDER BY f.position, f.id",
        [t.measure, t.measure],
    )
    updates = run(
        "SELECT pu.id, pu.text, pu.created_at, pu.is_completion_claim, u.display_name FROM "
        "ledger_progressupdate pu "
        "JOIN accounts_user u ON u.id = pu.author_id WHERE pu.measure_id = %s ORDER BY "
        "pu.created_at DESC, pu.id DESC",
        [t.measure],
    )
    run(
        "SELECT id, progress_id, original_name, size, sha256 FROM ledger_evidence WHERE "
        f"progress_id IN ({_ids(updates)}) OR (measure_id = %s AND progress_id IS NULL)",
        [t.measure],
    )
    run(
        "SELECT r.id, r.stage, r.decision, r.reason, r.created_at, u.display_name FROM "
        "ledger_review r "
        "JOIN accounts_user u ON u.id = r.reviewer_id WHERE r.measure_id = %s ORDER BY "
        "r.created_at DESC",
        [t.measure],
    )
    run(
        "SELECT id, title, due_date, done_on FROM ledger_milestone WHERE measure_id = %s "
        "ORDER BY position",
        [t.measure],
    )
    run(
        "SELECT o.id, o.name FROM ledger_measure_supporting_departments s JOIN "
        "accounts_organisation o "
        "ON o.id = s.organisation_id WHERE s.measure_id = %s",
        [t.measure],
    )


def _unit_inspections(t: Target) -> str:
    return f"m.inspection_id IN (SELECT id FROM ledger_inspection WHERE unit_id = {int(t.unit)})"


def reviews_leader(run: Run, t: Target) -> None:
    measure_page(
        run,
        f"m.status = 'submitted' AND m.responsible_leader_id = %s AND {_unit_inspections(t)}",
        [t.leader],
        "m.submitted_at, m.id",
    )


def reviews_secretary(run: Run, t: Target) -> None:
    measure_page(
        run, f"m.status = 'approved' AND {_unit_inspections(t)}", [], "m.submitted_at, m.id"
    )


def _inspection_stats(run: Run, ids: str, t: Target) -> None:
    near = t.today + dt.timedelta(days=NEAR_DAYS)
    run(
        "SELECT inspection_id, COUNT(*),"
        " SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN status <> 'closed' AND deadline < %s THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN status <> 'closed' AND deadline >= %s AND deadline <= %s THEN 1 ELSE 0 END)"
        f" FROM ledger_measure WHERE inspection_id IN ({ids}) GROUP BY inspection_id",
        [t.today, t.today, near],
    )
    run(
        "SELECT inspection_id, status, COUNT(*) FROM ledger_problem WHERE inspection_id IN "
        f"({ids}) GROUP BY inspection_id, status",
        [],
    )


INSPECTION_ROWS = (
    "SELECT i.id, un.name, r.name, r.year FROM ledger_inspection i "
    "JOIN accounts_organisation un ON un.id = i.unit_id JOIN ledger_round r ON r.id = i.round_id "
    "WHERE un.path LIKE %s"
)


def overview(run: Run, t: Target) -> None:
    run(
        "SELECT COUNT(*) FROM ledger_inspection i JOIN accounts_organisation un ON un.id = "
        "i.unit_id WHERE un.path LIKE %s",
        [t.province_path + "%"],
    )
    rows = run(
        f"{INSPECTION_ROWS} ORDER BY r.year DESC, r.name, un.name LIMIT {PAGE}",
        [t.province_path + "%"],
    )
    _inspection_stats(run, _ids(rows), t)


def _most_overdue(run: Run, t: Target, limit: int) -> None:
    """The ranking by overdue measures per inspection, then the figures of the ranked rows.

    With the tally (PostgreSQL), the ranking's data is the tally's count; without it
    (SQLite) every overdue measure is counted at once and joined to the inspections.
    """
    if t.tally:
        counts, count_params = "ledger_inspectiontally t ON t.inspection_id = i.id", []
        overdue = "t.overdue"
    else:
        counts = (
            "(SELECT inspection_id, COUNT(*) AS n FROM ledger_measure WHERE status <> 'closed' "
            "AND ((deadline < %s AND extended_deadline IS NULL) OR extended_deadline < %s) "
            "GROUP BY inspection_id) o ON o.inspection_id = i.id"
        )
        count_params, overdue = [t.today, t.today], "o.n"
    rows = run(
        "SELECT i.id FROM ledger_inspection i JOIN ledger_round r ON r.id = i.round_id "
        f"JOIN accounts_organisation un ON un.id = i.unit_id LEFT JOIN {counts} "
        "WHERE un.path LIKE %s "
        f"ORDER BY COALESCE({overdue}, 0) DESC, r.year DESC, un.name, i.id LIMIT {limit}",
        [*count_params, t.province_path + "%"],
    )
    ids = _ids(rows)
    run(f"{INSPECTION_ROWS} AND i.id IN ({ids})", [t.province_path + "%"])
    _inspection_stats(run, ids, t)


def overview_overdue(run: Run, t: Target) -> None:
    run(
        "SELECT COUNT(*) FROM ledger_inspection i JOIN accounts_organisation un ON un.id = "
        "i.unit_id WHERE un.path LIKE %s",
        [t.province_path + "%"],
    )
    _most_overdue(run, t, PAGE)


def home_office(run: Run, t: Target) -> None:
    _most_overdue(run, t, HOME)


def home_leader(run: Run, t: Target) -> None:
    measure_page(
        run,
        f"m.status = 'submitted' AND m.responsible_leader_id = %s AND {_unit_inspections(t)}",
        [t.leader],
        "m.deadline, m.submitted_at",
        limit=HOME,
        count=False,
    )


def home_department(run: Run, t: Target) -> None:
    mine = (
        "m.id IN (SELECT id FROM ledger_measure WHERE lead_department_id = %s UNION ALL "
        "SELECT measure_id FROM ledger_measure_supporting_departments WHERE organisation_id = %s)"
    )
    sent_back = f"{LAST_DECISION} IN ('returned', 'reopened')"
    order = "m.deadline, p.position, m.position"
    params = [t.department, t.department]
    measure_page(
        run,
        f"{mine} AND m.status = 'in_progress' AND {sent_back}",
        params,
        order,
        limit=HOME,
        count=False,
    )
    measure_page(
        run,
        f"{mine} AND m.status IN ('draft', 'in_progress') AND ({LAST_DECISION} IS NULL OR NOT "
        f"{sent_back})",
        params,
        order,
        limit=HOME,
        count=False,
    )


def home_coordinator(run: Run, t: Target) -> None:
    unit = _unit_inspections(t)
    order = "m.deadline, p.position, m.position"
    near = t.today + dt.timedelta(days=NEAR_DAYS)
    measure_page(
        run,
        f"{unit} AND m.status <> 'closed' AND m.deadline <= %s",
        [near],
        order,
        limit=HOME,
        count=False,
    )
    measure_page(
        run,
        f"{unit} AND m.status <> 'closed' AND m.lead_department_id IS NULL",
        [],
        order,
        limit=HOME,
        count=False,
    )


# ------------------------------------------------------------ the JSON API


def api_measures(
    extra: str = "", extra_params: Callable[[Target], list[Any]] = lambda t: []
) -> Callable[[Run, Target], None]:
    """``GET /api/v1/measures?inspection=…``: one keyset page (limit + 1 rows), no count."""

    def floor(run: Run, t: Target) -> None:
        measure_page(
            run,
            f"m.inspection_id = %s {extra}",
            [t.inspection, *extra_params(t)],
            "m.id",
            limit=PAGE + 1,
            count=False,
        )

    return floor


def api_measure(run: Run, t: Target) -> None:
    run(f"{MEASURE_COLUMNS} {MEASURE_FROM} WHERE m.id = %s", [t.measure])
    run(
        "SELECT o.id, o.name FROM ledger_measure_supporting_departments s JOIN "
        "accounts_organisation o "
        "ON o.id = s.organisation_id WHERE s.measure_id = %s",
        [t.measure],
    )
