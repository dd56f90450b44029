"""The budget of ``benchmarks/report_docx.py``: 700 problems, 3,000 measures, .docx in under 5 s."""

from __future__ import annotations

import datetime as dt
import importlib.util
import time
from pathlib import Path

from zhenggai.documents.report.compose import compose_unit_report
from zhenggai.documents.report.docx import write_docx
from zhenggai.ledger.models import Inspection

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "report_docx.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("report_docx_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_large_report_renders_within_budget(db) -> None:
    benchmark = load_benchmark()
    pk = benchmark.build_ledger(700, 3000)
    start = time.perf_counter()
    inspection = Inspection.objects.select_related("unit", "round").get(pk=pk)
    document = compose_unit_report(inspection, today=dt.date(2026, 9, 1))
    content = write_docx(document)
    seconds = time.perf_counter() - start
    assert content[:2] == b"PK"
    assert sum(1 for b in document.blocks if b.kind == "h4") == 700
    assert seconds < benchmark.BUDGET_SECONDS
