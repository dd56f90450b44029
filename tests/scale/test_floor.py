"""The hand-written floor SQL runs on the test database and finds the benchmark's rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from zhenggai.scale import bench, report
from zhenggai.scale.synth import SynthConfig, generate

TODAY = dt.date(2026, 11, 28)


def run(sql: str, params: Any) -> list[tuple[Any, ...]]:
    values = [v.isoformat() if isinstance(v, dt.date) else v for v in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture
def target(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }
    generate(SynthConfig(units=3, seed=3, today=TODAY, password="Synth-Passw0rd!"))
    return bench.choose(run, TODAY)


def test_every_floor_runs(target) -> None:
    chosen, people = target
    assert people.coordinator.endswith("_coordinator") and people.office == "province_office"
    for case in bench.CASES:
        case.floor(run, chosen)
        assert case.path(chosen).startswith("/")


def test_percentile_and_table() -> None:
    assert bench.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert bench.percentile(list(map(float, range(1, 21))), 0.95) == 19.0
    row = {
        "name": "ledger",
        "status": 200,
        "p50": 10.0,
        "p95": 20.0,
        "client_p95": 21.0,
        "db_p95": 5.0,
        "queries": 9,
        "floor_p50": 2.0,
        "floor_p95": 8.0,
    }
    payload = {
        "db": "postgres",
        "label": "1m",
        "measures": 1_000_000,
        "counts": {"measure": 1, "inspection": 1},
        "cases": [row],
        "missing": [],
        "run_note": "current code",
    }
    text = report.table(payload)
    assert "| ledger | 10.0 | 20.0 |" in text and "met" in text
    assert text.startswith("### postgres — 1 measures (1 units) — `1m`: current code\n")


def test_the_load_never_writes_to_the_benchmarked_measure(target) -> None:
    """Its progress reports would lengthen the measure page's story run after run."""
    from zhenggai.ledger.models import Measure, MeasureStatus
    from zhenggai.scale.load import writable_measures

    chosen, _people = target
    Measure.objects.filter(pk=chosen.measure).update(
        status=MeasureStatus.IN_PROGRESS, lead_department_id=chosen.department
    )
    writable = writable_measures(run, chosen)
    assert writable and chosen.measure not in writable
    assert set(
        Measure.objects.filter(pk__in=writable).values_list("lead_department_id", flat=True)
    ) == {chosen.department}


def test_the_load_tests_reports_never_choose_the_benchmarked_measure(target) -> None:
    """The load writes to the department's other measures; were its reports counted as
    history, one of those would become the benchmarked measure of the next run, with a
    story that grows run after run."""
    from django.utils import timezone

    from zhenggai.ledger.models import Measure, ProgressUpdate
    from zhenggai.scale.bench import LOAD_REPORT

    chosen, _people = target
    other = (
        Measure.objects.filter(inspection_id=chosen.inspection).exclude(pk=chosen.measure).first()
    )
    author = ProgressUpdate.objects.filter(measure_id=chosen.measure).first().author
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            measure=other, author=author, text=f"{LOAD_REPORT} {i}", created_at=timezone.now()
        )
        for i in range(60)
    )
    again, _ = bench.choose(run, TODAY)
    assert again.measure == chosen.measure
    ProgressUpdate.objects.filter(measure=other).update(text="整改进展")  # real history counts
    assert bench.choose(run, TODAY)[0].measure == other.pk


def test_the_doc_lists_the_current_run_first_and_names_other_machines(tmp_path) -> None:
    import json

    def payload(label: str, order: int | None) -> dict[str, Any]:
        data = {
            "db": "postgres",
            "label": label,
            "measures": 1_000_000,
            "counts": {"measure": 1, "inspection": 1},
            "cases": [],
            "missing": [],
            "machine": {"nproc": "2", "cpu": "CPU-now" if order is None else "CPU-then"},
        }
        if order is not None:
            data["order"] = order
        return data

    results = tmp_path / "results"
    results.mkdir()
    for label, order in (("1m_a_old", 2), ("1m", None), ("1m_b_older", 1)):
        (results / f"scale_postgres_{label}.json").write_text(json.dumps(payload(label, order)))
    doc = tmp_path / "benchmarks.md"
    report.write_docs(results, doc)
    text = doc.read_text(encoding="utf-8")
    headings = [line.split("`")[1] for line in text.splitlines() if line.startswith("### ")]
    assert headings == ["1m", "1m_b_older", "1m_a_old"]
    # The machine named above the tables is the current runs'; older runs name theirs.
    assert "Machine: 2 CPUs (CPU-now)" in text
    assert text.count("Measured on another machine: 2 CPUs (CPU-then)") == 2
