"""Lights and due reminders over 1,000,000 measures on PostgreSQL, against a 10 s budget.

    ZHENGGAI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zg_supervision_bench \\
        python benchmarks/supervision_lights.py [--measures 1000000] [--json] [--keep]

Builds its own data with ``INSERT … SELECT generate_series`` (1,000 units, 5
departments each, 50 problems per unit, a mix of states, deadlines from 40 days ago to
80 days ahead, 2 % with an approved extension, 10 % long-term), then times:

* ``lights``: red/yellow/green/closed/none counts of every measure, milestone, plan and
  report due date (``zhenggai.supervision.lights.light_counts``, one aggregate each);
* ``due``: the due reminders — every item with a light and no reminder yet for it,
  materialised with its recipients (``reminders.due_items`` + ``Recipients``), as the
  periodic job computes them before writing deliveries.

Prints seconds per step, the total and its ratio to the budget. The database is
dropped and recreated each run unless ``--keep`` finds it already filled.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time

BUDGET_SECONDS = 10.0
TODAY = dt.date(2026, 11, 28)


def setup_django(url: str) -> None:
    os.environ["ZHENGGAI_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings.base")
    os.environ.setdefault("ZHENGGAI_DATA_DIR", "/tmp/zg-supervision-bench")
    import django

    django.setup()


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


FILL = """
INSERT INTO accounts_organisation (id, name, short_name, kind, parent_id, path)
VALUES (1, '省委巡视办', '', 'jurisdiction', NULL, '/1/');
INSERT INTO accounts_organisation (id, name, short_name, kind, parent_id, path)
SELECT 1 + u, '单位' || u, '', 'unit', 1, '/1/' || (1 + u) || '/'
FROM generate_series(1, %(units)s) u;
INSERT INTO accounts_organisation (id, name, short_name, kind, parent_id, path)
SELECT 100000 + u * 10 + d, '处室' || d, '', 'department', 1 + u,
       '/1/' || (1 + u) || '/' || (100000 + u * 10 + d) || '/'
FROM generate_series(1, %(units)s) u, generate_series(1, 5) d;
INSERT INTO accounts_user (id, password, is_superuser, username, first_name, last_name, email,
    is_staff, is_active, date_joined, display_name, title)
SELECT n, '!', false, 'u' || n, '', '', '', false, true, now(), 'u' || n, ''
FROM generate_series(1, %(units)s * 7) n;
-- per unit: user 7u-6 secretary, 7u-5 leader, 7u-4..7u department handlers of depts 1..4
INSERT INTO accounts_membership (user_id, organisation_id, role)
SELECT 7 * u - 6, 1 + u, 'secretary' FROM generate_series(1, %(units)s) u;
INSERT INTO accounts_membership (user_id, organisation_id, role)
SELECT 7 * u - 5, 1 + u, 'leader' FROM generate_series(1, %(units)s) u;
INSERT INTO accounts_membership (user_id, organisation_id, role)
SELECT 7 * u - 5 + d, 100000 + u * 10 + d, 'department'
FROM generate_series(1, %(units)s) u, generate_series(1, 4) d;
INSERT INTO ledger_round (id, jurisdiction_id, name, year, kind, created_at)
VALUES (1, 1, '2026年第一轮', 2026, 'xuncha', now());
INSERT INTO ledger_inspection (id, round_id, unit_id, unit_name, team, period_start, period_end,
    feedback_date, plan_due, report_due, issuer, organisation_text, next_steps_text, contact,
    source_name, created_at)
SELECT u, 1, 1 + u, '单位' || u, '第一组', date '2026-06-01', date '2026-07-15',
       date '2026-09-01', date '2026-10-01', date '2026-11-01' + (u %% 60),
       '', '', '', '{}', '', now()
FROM generate_series(1, %(units)s) u;
INSERT INTO ledger_category (id, inspection_id, number, position, title)
SELECT u, u, '一', 1, '类别' FROM generate_series(1, %(units)s) u;
INSERT INTO ledger_problem (id, inspection_id, category_id, number, position, text, stated_text,
    status, is_public, created_at, rebound)
SELECT p, (p - 1) / %(problems)s + 1, (p - 1) / %(problems)s + 1, p::text,
       (p - 1) %% %(problems)s + 1, '问题' || p, '', 'in_progress', true, now(), false
FROM generate_series(1, %(units)s * %(problems)s) p;
INSERT INTO ledger_measure (id, inspection_id, problem_id, position, "group", text, kind,
    responsible_leader_id, lead_department_id, deadline, extended_deadline, goal, owner_name,
    note, status, closed_at, submitted_by_id, last_progress_at, reopened_count, version,
    created_at)
SELECT m, ((m - 1) / %(per_problem)s) / %(problems)s + 1, (m - 1) / %(per_problem)s + 1,
       (m - 1) %% %(per_problem)s + 1, '', '措施' || m,
       CASE WHEN m %% 10 = 0 THEN 'ongoing' ELSE 'deadline' END,
       7 * (((m - 1) / %(per_problem)s) / %(problems)s + 1) - 5,
       100000 + (((m - 1) / %(per_problem)s) / %(problems)s + 1) * 10 + (m %% 4) + 1,
       date '2026-11-28' + ((m::bigint * 7919) %% 120 - 40)::int,
       CASE WHEN m %% 50 = 0 THEN date '2026-11-28' + ((m * 31) %% 30) END,
       '', '', '',
       CASE WHEN m %% 5 < 2 THEN 'closed' WHEN m %% 5 = 2 THEN 'draft' ELSE 'in_progress' END,
       CASE WHEN m %% 5 < 2 THEN now() END, NULL,
       now() - make_interval(days => (m %% 60)), 0, 1, now() - interval '90 days'
FROM generate_series(1, %(measures)s) m;
INSERT INTO ledger_milestone (measure_id, position, title, due_date, done_on)
SELECT m, 1, '节点', date '2026-11-28' + ((m * 13) %% 60 - 20), NULL
FROM generate_series(1, %(measures)s, 7) m;
"""


def fill(measures: int) -> dict[str, int]:
    from django.db import connection

    units = 1000
    problems = 50
    per_problem = max(1, measures // (units * problems))
    measures = units * problems * per_problem
    params = {
        "units": units,
        "problems": problems,
        "per_problem": per_problem,
        "measures": measures,
    }
    with connection.cursor() as cursor:
        for statement in FILL.split(";\n"):
            if statement.strip():
                cursor.execute(statement, params)
        for table in (
            "accounts_organisation",
            "accounts_user",
            "ledger_round",
            "ledger_inspection",
            "ledger_category",
            "ledger_problem",
            "ledger_measure",
        ):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            cursor.execute(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))")
        cursor.execute("VACUUM ANALYZE")
    return params


def run() -> dict[str, object]:
    from zhenggai.supervision.lights import base_queryset, light_counts
    from zhenggai.supervision.models import ItemKind
    from zhenggai.supervision.services.reminders import Recipients, due_items

    kinds = (ItemKind.MEASURE, ItemKind.MILESTONE, ItemKind.PLAN, ItemKind.REPORT)
    started = time.perf_counter()
    lights = {k.value: light_counts(base_queryset(k), TODAY, k) for k in kinds}
    lights_s = time.perf_counter() - started
    started = time.perf_counter()
    items = [item for k in kinds for item in due_items(k, TODAY)]
    recipients = Recipients(items)
    people = sum(len(recipients.for_item(item)) for item in items)
    due_s = time.perf_counter() - started
    total = lights_s + due_s
    return {
        "lights_seconds": round(lights_s, 2),
        "due_seconds": round(due_s, 2),
        "total_seconds": round(total, 2),
        "budget_seconds": BUDGET_SECONDS,
        "ratio_to_budget": round(total / BUDGET_SECONDS, 3),
        "lights": lights,
        "due_items": len(items),
        "due_recipients": people,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="reuse a filled database")
    args = parser.parse_args()
    url = os.environ.get(
        "ZHENGGAI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zg_supervision_bench"
    )
    if not url.startswith("postgres"):
        sys.exit("PostgreSQL only: set ZHENGGAI_DATABASE_URL=postgres://…")
    if not args.keep:
        recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    from zhenggai.ledger.models import Measure

    built = {}
    if not args.keep or not Measure.objects.exists():
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        built = fill(args.measures)
        built["fill_seconds"] = round(time.perf_counter() - started, 1)
    result = {"measures": Measure.objects.count(), **built, **run()}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print(f"measures: {result['measures']:,}")
    print(
        f"lights: {result['lights_seconds']} s; due reminders: {result['due_seconds']} s "
        f"({result['due_items']:,} items, {result['due_recipients']:,} recipients)"
    )
    print(
        f"total {result['total_seconds']} s of {BUDGET_SECONDS} s "
        f"(ratio {result['ratio_to_budget']})"
    )


if __name__ == "__main__":
    main()
