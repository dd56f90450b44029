"""``zhenggai bench --db postgres --measures 100000``: page times against the SQL floor.

Builds (or reuses) a synthetic province in its own database, serves it with gunicorn on
127.0.0.1, measures the pages over HTTP and the same data by hand-written SQL, and
optionally runs a bounded concurrent load and the two-editor conflict check. Results
go to ``benchmarks/scale_<db>_<size>.json`` and into the tables of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhenggai.scale import bench, report
from zhenggai.scale.load import conflict_check, run_load, writable_measures

REPO = Path(__file__).resolve().parents[5]


class Command(BaseCommand):
    help = "Benchmark the main pages on a synthetic province (SQLite or PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
        parser.add_argument("--measures", type=int, default=10_000)
        parser.add_argument("--reps", type=int, default=20)
        parser.add_argument("--json", action="store_true", help="print the results as JSON")
        parser.add_argument(
            "--load-users", type=int, default=0, help="concurrent users (0: no load)"
        )
        parser.add_argument("--load-seconds", type=float, default=30)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--out", default=str(REPO / "benchmarks"))
        parser.add_argument("--doc", default=str(REPO / "docs" / "benchmarks.md"))
        parser.add_argument(
            "--report-only", action="store_true", help="only rewrite the doc tables"
        )
        parser.add_argument(
            "--conflict-check", action="store_true", help="(internal) run in-process"
        )

    def log(self, message: str) -> None:
        self.stderr.write(message)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["conflict_check"]:
            self.stdout.write(json.dumps(conflict_check(), ensure_ascii=False))
            return
        out, doc = Path(options["out"]), Path(options["doc"])
        if options["report_only"]:
            report.write_docs(out, doc)
            return
        if options["load_users"] > 200 or options["load_seconds"] > 600:
            raise CommandError("the load is bounded: at most 200 users for 600 seconds")
        db = bench.BenchDB(options["db"], options["measures"])
        synth_seconds = db.prepare(self.log)
        today = timezone.localdate()
        with db.driver() as run:
            target, people = bench.choose(run, today)
            counts = {
                "measure": run("SELECT COUNT(*) FROM ledger_measure", [])[0][0],
                "inspection": run("SELECT COUNT(*) FROM ledger_inspection", [])[0][0],
                "progress": run("SELECT COUNT(*) FROM ledger_progressupdate", [])[0][0],
                "evidence": run("SELECT COUNT(*) FROM ledger_evidence", [])[0][0],
            }
            measures = writable_measures(run, target)
        previous = self._previous(out, db)
        payload: dict[str, Any] = {
            "db": db.kind,
            "label": bench.label(db.measures),
            "measures": db.measures,
            "counts": counts,
            "synth_seconds": synth_seconds or previous.get("synth_seconds"),
            "machine": report.machine(),
            "server": f"{options['workers']} workers × {options['threads']} threads",
            "target": dataclasses.asdict(target) | {"today": today.isoformat()},
            "personas": dataclasses.asdict(people),
            "missing": bench.MISSING,
        }
        self.log(f"{db.kind} {bench.label(db.measures)}: {counts}")
        payload["load_average_before"] = round(os.getloadavg()[0], 1)
        with bench.server(db, options["workers"], options["threads"]) as port:
            results = bench.run_cases(
                db, port, target, people, options["reps"], self.log, options["threads"]
            )
            payload["cases"] = [dataclasses.asdict(r) for r in results]
            if options["load_users"]:
                self.log(f"load: {options['load_users']} users for {options['load_seconds']} s")
                load = run_load(
                    port, target, people, measures, options["load_users"], options["load_seconds"]
                )
                payload["load"] = dataclasses.asdict(load)
                self.log(f"  {payload['load']}")
        payload["load_average_after"] = round(os.getloadavg()[0], 1)
        if db.kind == "postgres":
            payload["conflict"] = self._conflict(db)
            self.log(f"conflict check: {payload['conflict']}")
        path = report.save(out, payload)
        report.write_docs(out, doc)
        self.log(f"results: {path}; tables: {doc}")
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1, default=str))

    def _previous(self, out: Path, db: bench.BenchDB) -> dict[str, Any]:
        path = out / f"scale_{db.kind}_{bench.label(db.measures)}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def _conflict(self, db: bench.BenchDB) -> dict[str, Any]:
        done = subprocess.run(
            [bench._zhenggai(), "bench", "--conflict-check"],
            env=db.env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        try:
            return json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            return {"checked": False, "error": done.stderr[-500:]}
