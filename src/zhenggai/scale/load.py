"""Concurrency: a bounded load of simulated people, and the two-editor conflict check.

The load runs ``users`` threads for ``seconds`` against 127.0.0.1 only, then stops.
Each thread is one signed-in person (sessions are shared by role, one connection per
thread): most requests read pages, department threads mostly write progress updates on a
measure of the department's unit. Any 5xx, connection error or unexpected status is
an error.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from zhenggai.scale.bench import CASES, LOAD_REPORT, PASSWORD, Personas, percentile
from zhenggai.scale.floor import Run, Target
from zhenggai.scale.http import Session

#: Department threads write this share of their requests (one thread in five is a department).
WRITE_SHARE_OF_DEPARTMENT = 0.6


@dataclass
class LoadResult:
    users: int
    seconds: float
    requests: int
    writes: int
    errors: int
    p50: float
    p95: float
    write_p95: float
    throughput: float
    error_samples: list[str]


def writable_measures(run: Run, target: Target) -> list[int]:
    """In-progress measures of the benchmarked department, never the benchmarked measure:
    the load's progress reports would lengthen its story run after run."""
    rows = run(
        "SELECT id FROM ledger_measure WHERE lead_department_id = %s AND status = "
        "'in_progress' AND id <> %s ORDER BY id LIMIT 40",
        [target.department, target.measure],
    )
    return [int(r[0]) for r in rows]


def run_load(
    port: int,
    target: Target,
    people: Personas,
    measures: list[int],
    users: int = 50,
    seconds: float = 30,
) -> LoadResult:
    roles = ["department", "coordinator", "leader", "secretary", "office"]
    read_cases = {role: [c for c in CASES if c.persona == role] for role in roles}
    lock = threading.Lock()
    latencies: list[float] = []
    write_latencies: list[float] = []
    errors: list[str] = []
    # One sign-in per role (password hashing is deliberately slow); threads share its cookies.
    cookies: dict[str, dict[str, str]] = {}
    for role in roles:
        signed_in = Session("127.0.0.1", port, timeout=30)
        signed_in.login(getattr(people, role), PASSWORD)
        cookies[role] = dict(signed_in.cookies)
        signed_in.close()
    stop_at = time.monotonic() + seconds

    def worker(index: int) -> None:
        rng = random.Random(index)
        role = roles[index % len(roles)]
        session = Session("127.0.0.1", port, timeout=30)
        session.cookies = dict(cookies[role])
        while time.monotonic() < stop_at:
            write = (
                role == "department" and bool(measures) and rng.random() < WRITE_SHARE_OF_DEPARTMENT
            )
            try:
                if write:
                    measure = rng.choice(measures)
                    reply = session.post(
                        f"/measures/{measure}/progress/",
                        {"text": f"{LOAD_REPORT} {index}-{time.time():.3f}"},
                    )
                    ok = reply.status == 302
                else:
                    case = rng.choice(read_cases[role] or CASES)
                    reply = session.get(case.path(target))
                    ok = reply.status == 200
            except Exception as exc:  # noqa: BLE001 — a dropped connection is an error
                with lock:
                    errors.append(f"{role}: {exc!r}")
                session.close()
                continue
            with lock:
                (write_latencies if write else latencies).append(reply.client_ms)
                if not ok:
                    errors.append(f"{role} {'POST' if write else 'GET'} → {reply.status}")
        session.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.monotonic() - started
    everything = latencies + write_latencies
    return LoadResult(
        users,
        round(elapsed, 1),
        len(everything),
        len(write_latencies),
        len(errors),
        percentile(everything, 0.5),
        percentile(everything, 0.95),
        percentile(write_latencies, 0.95),
        round(len(everything) / elapsed, 1),
        errors[:5],
    )


# ------------------------------------------------------------ two editors, one measure


def conflict_check(measure_id: int | None = None) -> dict[str, Any]:
    """Two threads open the same measure at the same version and both save.

    Runs in a Django process against the configured database (PostgreSQL in the
    benchmark). Exactly one save must win; the other must get the version conflict,
    and the stored text must be the winner's.
    """
    from django.db import connection

    from zhenggai.accounts.models import Membership
    from zhenggai.core.errors import DomainError
    from zhenggai.ledger.models import Measure, MeasureStatus
    from zhenggai.ledger.services.plan import update_measure

    measure = (
        (
            Measure.objects.filter(pk=measure_id)
            if measure_id
            else Measure.objects.filter(status=MeasureStatus.IN_PROGRESS).order_by("pk")
        )
        .select_related("inspection")
        .first()
    )
    if measure is None:
        return {"checked": False}
    coordinator = (
        Membership.objects.filter(organisation_id=measure.inspection.unit_id, role="coordinator")
        .select_related("user")
        .first()
    )
    if coordinator is None:
        return {"checked": False}
    version = measure.version
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def edit(name: str) -> None:
        try:
            fresh = Measure.objects.get(pk=measure.pk)
            barrier.wait(timeout=10)
            update_measure(
                measure=fresh,
                actor=coordinator.user,
                expected_version=version,
                text=f"{fresh.text}({name}修改)",
            )
            outcome[name] = "saved"
        except DomainError as error:
            outcome[name] = "conflict" if error.field == "version" else f"error: {error}"
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(n,)) for n in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    measure.refresh_from_db()
    winners = [n for n, o in outcome.items() if o == "saved"]
    return {
        "checked": True,
        "vendor": connection.vendor,
        "outcomes": outcome,
        "no_lost_update": len(winners) == 1
        and "conflict" in outcome.values()
        and measure.text.endswith(f"({winners[0]}修改)")
        and measure.version == version + 1,
    }
