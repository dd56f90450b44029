"""The page benchmark: a synthetic province, a real gunicorn server, real HTTP requests.

For each database and size: build (or reuse) ``zhenggai_bench_<size>``, start
``zhenggai serve`` against it with :mod:`zhenggai.scale.bench_settings` (which adds the
``Server-Timing`` middleware), sign in as the personas over HTTP, request each page
``reps`` times and record the server time (``app;dur``), the client time on loopback
and the number of queries; then time the page's SQL floor (:mod:`zhenggai.scale.floor`)
through a bare driver connection.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhenggai.scale import floor as F
from zhenggai.scale.http import Session

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/test"
MEASURES_PER_UNIT = 120  # 30 problems × 4 measures
PASSWORD = "Bench-Passw0rd-2026"
#: How the load test's progress reports begin (``scale.load``); they never count as a
#: measure's history when :func:`choose` picks the benchmarked measure.
LOAD_REPORT = "压力测试进展"
ROOT = Path(os.environ.get("ZHENGGAI_BENCH_DIR", "/tmp/zhenggai-bench"))


def warm_up_requests(threads: int) -> int:
    """Untimed requests per page before the timed ones: those a long-running server has
    long since served.

    gunicorn hands a keep-alive connection's requests to its worker's threads in turn, and
    each thread has its own database connection. On each, a statement is prepared at its
    second run (``prepare_threshold=2``) and PostgreSQL then plans it for its parameters
    five more times before it settles on the generic plan it keeps (``plan_cache_mode``
    ``auto``): the measure page's main query costs 4 ms unprepared, 2.5 ms while planned
    each time and 0.3 ms once generic. So a page is at its steady state on every thread
    after about ``8 × threads`` requests; a server pays this once per connection
    (``ZHENGGAI_DB_CONN_MAX_AGE``), not once per request.
    """
    return 8 * threads + 2


def label(measures: int) -> str:
    return f"{measures // 1_000_000}m" if measures >= 1_000_000 else f"{measures // 1000}k"


@dataclass
class BenchDB:
    kind: str  # "sqlite" or "postgres"
    measures: int

    @property
    def name(self) -> str:
        return f"zhenggai_bench_{label(self.measures)}"

    @property
    def data_dir(self) -> Path:
        return ROOT / f"{self.kind}-{label(self.measures)}"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:5432/{self.name}" if self.kind == "postgres" else ""

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "zhenggai.sqlite3"

    @property
    def units(self) -> int:
        return max(1, round(self.measures / MEASURES_PER_UNIT))

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZHENGGAI_")}
        env.update(
            ZHENGGAI_DATA_DIR=str(self.data_dir),
            ZHENGGAI_DEMO_PASSWORD=PASSWORD,
            DJANGO_SETTINGS_MODULE="zhenggai.scale.bench_settings",
            ZHENGGAI_LOG_LEVEL="WARNING",
        )
        if self.url:
            env["ZHENGGAI_DATABASE_URL"] = self.url
        return env

    # ------------------------------------------------------------ driver access

    @contextlib.contextmanager
    def driver(self) -> Iterator[F.Run]:
        """A bare connection for the floor: psycopg (no prepared statements) or sqlite3."""
        if self.kind == "postgres":
            import psycopg

            conn = psycopg.connect(
                self.url.replace("postgres://", "postgresql://"),
                autocommit=True,
                prepare_threshold=None,
            )

            def run(sql: str, params: Any) -> list[tuple[Any, ...]]:
                with conn.cursor() as cursor:
                    cursor.execute(sql, list(params))  # type: ignore[arg-type]
                    return cursor.fetchall() if cursor.description else []
        else:
            conn = sqlite3.connect(self.sqlite_path)  # type: ignore[assignment]

            def run(sql: str, params: Any) -> list[tuple[Any, ...]]:
                values = [v.isoformat() if hasattr(v, "isoformat") else v for v in params]
                return conn.execute(sql.replace("%s", "?"), values).fetchall()  # type: ignore[attr-defined]

        try:
            yield run
        finally:
            conn.close()

    def measure_count(self) -> int:
        try:
            with self.driver() as run:
                return int(run("SELECT COUNT(*) FROM ledger_measure", [])[0][0])
        except Exception:  # noqa: BLE001 — a missing database or table means "build it"
            return 0

    def prepare(self, log: Callable[[str], None]) -> float | None:
        """Build the database unless it already holds this size; returns synth seconds."""
        existing = self.measure_count()
        if existing >= self.measures * 0.9:
            log(f"{self.kind} {label(self.measures)}: reusing {existing:,} measures")
            self.manage(["migrate", "-v0"])  # index changes since the data was built
            return None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(
                PG_ADMIN.replace("postgres://", "postgresql://"), autocommit=True
            ) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                admin.execute(f'CREATE DATABASE "{self.name}"')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
        self.manage(["migrate", "-v0"])
        log(f"{self.kind} {label(self.measures)}: generating {self.units:,} units")
        started = time.monotonic()
        self.manage(["synth", "--units", str(self.units), "--seed", "2026"])
        seconds = time.monotonic() - started
        with self.driver() as run:
            run("VACUUM ANALYZE" if self.kind == "postgres" else "ANALYZE", [])
        log(f"{self.kind} {label(self.measures)}: generated in {seconds:.0f} s (+ analyze)")
        return seconds

    def manage(self, args: list[str]) -> None:
        subprocess.run([_zhenggai(), *args], env=self.env(), check=True, stdout=subprocess.DEVNULL)


def _zhenggai() -> str:
    return str(Path(sys.executable).with_name("zhenggai"))


# ------------------------------------------------------------ the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(db: BenchDB, workers: int = 2, threads: int = 4) -> Iterator[int]:
    port = free_port()
    log_file = (db.data_dir / "server.log").open("ab")
    process = subprocess.Popen(
        [
            _zhenggai(),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=db.env(),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Session("127.0.0.1", port, timeout=5).get("/login/").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the server did not start; see {db.data_dir / 'server.log'}")
            time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log_file.close()


# ------------------------------------------------------------ what is measured


@dataclass
class Personas:
    office: str
    coordinator: str
    secretary: str
    leader: str
    department: str


def choose(run: F.Run, today: Any) -> tuple[F.Target, Personas]:
    """The busiest inspection (most measures waiting for review) and its people."""
    inspection, unit = run(
        "SELECT m.inspection_id, i.unit_id FROM ledger_measure m JOIN ledger_inspection i ON "
        "i.id = m.inspection_id "
        "WHERE m.status = 'submitted' GROUP BY m.inspection_id, i.unit_id ORDER BY COUNT(*) "
        "DESC, m.inspection_id LIMIT 1",
        [],
    )[0]
    unit_path = run("SELECT path FROM accounts_organisation WHERE id = %s", [unit])[0][0]
    province_path = "/" + unit_path.strip("/").split("/")[0] + "/"
    category = run("SELECT MIN(id) FROM ledger_category WHERE inspection_id = %s", [inspection])[0][
        0
    ]
    (department,) = run(
        "SELECT lead_department_id FROM ledger_measure WHERE inspection_id = %s AND "
        "lead_department_id IS NOT NULL "
        "AND status <> 'closed' GROUP BY lead_department_id ORDER BY COUNT(*) DESC, "
        "lead_department_id LIMIT 1",
        [inspection],
    )[0]
    (leader,) = run(
        "SELECT responsible_leader_id FROM ledger_measure WHERE inspection_id = %s AND status "
        "= 'submitted' "
        "GROUP BY responsible_leader_id ORDER BY COUNT(*) DESC, responsible_leader_id LIMIT 1",
        [inspection],
    )[0]
    # The longest generated history: the load test's reports (which go to the department's
    # other measures) must not make another measure the benchmarked one in the next run.
    (measure,) = run(
        "SELECT pu.measure_id FROM ledger_progressupdate pu JOIN ledger_measure m ON m.id = "
        "pu.measure_id "
        "WHERE m.inspection_id = %s AND pu.text NOT LIKE %s GROUP BY pu.measure_id "
        "ORDER BY COUNT(*) DESC, pu.measure_id LIMIT 1",
        [inspection, f"{LOAD_REPORT}%"],
    )[0]

    def username(org: int, role: str) -> str:
        return run(
            "SELECT u.username FROM accounts_user u JOIN accounts_membership ms ON ms.user_id "
            "= u.id "
            "WHERE ms.organisation_id = %s AND ms.role = %s ORDER BY u.id LIMIT 1",
            [org, role],
        )[0][0]

    province = run("SELECT id FROM accounts_organisation WHERE path = %s", [province_path])[0][0]
    people = Personas(
        office=username(province, "office"),
        coordinator=username(unit, "coordinator"),
        secretary=username(unit, "secretary"),
        department=username(department, "department"),
        leader=run("SELECT username FROM accounts_user WHERE id = %s", [leader])[0][0],
    )
    tally = bool(run("SELECT COUNT(*) FROM ledger_inspectiontally", [])[0][0])
    target = F.Target(
        inspection,
        unit,
        unit_path,
        province_path,
        category,
        department,
        leader,
        measure,
        today,
        tally,
    )
    return target, people


@dataclass(frozen=True)
class Case:
    name: str
    persona: str
    path: Callable[[F.Target], str]
    floor: Callable[[F.Run, F.Target], None]


def _ledger(query: str) -> Callable[[F.Target], str]:
    return lambda t: f"/inspections/{t.inspection}/ledger/{query.format(t=t)}"


CASES = [
    Case("ledger (台账)", "coordinator", _ledger(""), F.ledger()),
    Case("ledger: problems tab", "coordinator", _ledger("?tab=problems"), F.problems_tab),
    Case("ledger: tasks tab", "coordinator", _ledger("?tab=tasks"), F.ledger()),
    Case(
        "ledger: responsibility tab",
        "coordinator",
        _ledger("?tab=responsibility"),
        F.ledger(
            order="m.responsible_leader_id, m.lead_department_id, m.deadline, "
            "p.position, m.position"
        ),
    ),
    Case(
        "ledger: status=in_progress",
        "coordinator",
        _ledger("?status=in_progress"),
        F.ledger("AND m.status = %s", lambda t: ["in_progress"]),
    ),
    Case(
        "ledger: category",
        "coordinator",
        _ledger("?category={t.category}"),
        F.ledger("AND p.category_id = %s", lambda t: [t.category]),
    ),
    Case(
        "ledger: department",
        "coordinator",
        _ledger("?department={t.department}"),
        F.ledger("AND m.lead_department_id = %s", lambda t: [t.department]),
    ),
    Case(
        "ledger: leader",
        "coordinator",
        _ledger("?leader={t.leader}"),
        F.ledger("AND m.responsible_leader_id = %s", lambda t: [t.leader]),
    ),
    Case(
        "ledger: overdue",
        "coordinator",
        _ledger("?overdue=on"),
        F.ledger(f"AND {F.OVERDUE}", lambda t: [t.today, t.today]),
    ),
    Case(
        "ledger: sort by light",
        "coordinator",
        _ledger("?sort=light"),
        F.ledger(order=f"{F.LIGHT_ORDER}, m.deadline, p.position, m.position", light=True),
    ),
    Case("measure page", "coordinator", lambda t: f"/measures/{t.measure}/", F.measure_detail),
    Case("review queue (leader)", "leader", lambda t: "/reviews/", F.reviews_leader),
    Case("review queue (secretary)", "secretary", lambda t: "/reviews/", F.reviews_secretary),
    Case("office overview", "office", lambda t: "/overview/", F.overview),
    Case(
        "office overview, by overdue",
        "office",
        lambda t: "/overview/?sort=overdue",
        F.overview_overdue,
    ),
    Case("my work (department)", "department", lambda t: "/", F.home_department),
    Case("my work (leader)", "leader", lambda t: "/", F.home_leader),
    Case("my work (coordinator)", "coordinator", lambda t: "/", F.home_coordinator),
    Case("my work (office)", "office", lambda t: "/", F.home_office),
    Case(
        "API: unit ledger (measures of the inspection)",
        "coordinator",
        lambda t: f"/api/v1/measures?inspection={t.inspection}&limit={F.PAGE}",
        F.api_measures(),
    ),
    Case(
        "API: unit ledger, overdue",
        "coordinator",
        lambda t: f"/api/v1/measures?inspection={t.inspection}&overdue=true&limit={F.PAGE}",
        F.api_measures(f"AND {F.OVERDUE}", lambda t: [t.today, t.today]),
    ),
    Case("API: measure", "coordinator", lambda t: f"/api/v1/measures/{t.measure}", F.api_measure),
]
#: Rows the issue names that have no endpoint yet (shown as "not yet available").
MISSING: list[str] = []


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclass
class CaseResult:
    name: str
    path: str
    status: int
    p50: float
    p95: float
    client_p50: float
    client_p95: float
    queries: int | None
    floor_p50: float
    floor_p95: float
    samples: int = 0
    db_p50: float = 0.0
    db_p95: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.p95 / self.floor_p95 if self.floor_p95 else float("nan")


def run_cases(
    db: BenchDB,
    port: int,
    target: F.Target,
    people: Personas,
    reps: int,
    log: Callable[[str], None],
    threads: int = 4,
) -> list[CaseResult]:
    warm_up = warm_up_requests(threads)
    sessions: dict[str, Session] = {}
    for role in ("office", "coordinator", "secretary", "leader", "department"):
        sessions[role] = Session("127.0.0.1", port)
        sessions[role].login(getattr(people, role), PASSWORD)
    results = []
    now = dt.datetime.now(dt.UTC)
    with db.driver() as run:
        askers = {
            role: F.Asker(
                session.cookies.get("sessionid", ""),
                run("SELECT id FROM accounts_user WHERE username = %s", [getattr(people, role)])[0][
                    0
                ],
            )
            for role, session in sessions.items()
        }
        for case in CASES:
            session, path = sessions[case.persona], case.path(target)
            server_ms, client_ms, db_ms, statuses, queries = [], [], [], set(), set()
            floor_ms, data_ms = [], []
            navigation = not path.startswith("/api/")
            # Page and floor alternate, so that both are sampled under the same machine load.
            for i in range(reps + warm_up):
                reply = session.get(path)
                started = time.perf_counter()
                F.identity(run, askers[case.persona], now, navigation)
                asked = time.perf_counter()
                case.floor(run, target)
                done = time.perf_counter()
                statuses.add(reply.status)
                if i >= warm_up:
                    server_ms.append(reply.server_ms or float("nan"))
                    client_ms.append(reply.client_ms)
                    db_ms.append(reply.db_ms or 0.0)
                    queries.add(reply.queries)
                    floor_ms.append((done - started) * 1000)
                    data_ms.append((done - asked) * 1000)
            result = CaseResult(
                case.name,
                path,
                max(statuses),
                percentile(server_ms, 0.5),
                percentile(server_ms, 0.95),
                percentile(client_ms, 0.5),
                percentile(client_ms, 0.95),
                max((q for q in queries if q is not None), default=None),
                percentile(floor_ms, 0.5),
                percentile(floor_ms, 0.95),
                reps,
                percentile(db_ms, 0.5),
                percentile(db_ms, 0.95),
                {
                    "data_floor_p50": percentile(data_ms, 0.5),
                    "data_floor_p95": percentile(data_ms, 0.95),
                },
            )
            log(
                f"  {case.name:<32} {result.status} p50 {result.p50:7.1f} p95 {result.p95:7.1f} ms "
                f"db p95 {result.db_p95:6.1f} q={result.queries} floor p95 "
                f"{result.floor_p95:6.1f} ms ×{result.ratio:.1f}"
            )
            results.append(result)
    for session in sessions.values():
        session.close()
    return results
