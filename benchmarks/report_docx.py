"""Benchmark: a 700-problem, 3,000-measure progress report rendered to .docx.

    .venv/bin/python benchmarks/report_docx.py [--problems 700] [--measures 3000] [--repeat 3]

Builds the ledger in a throw-away SQLite database, then times the whole path a
download takes — compose the report from the database (figures, categories, problems,
measures) and write the .docx — and prints the seconds and the ratio to the 5 s budget.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SECONDS = 5.0


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ["ZHENGGAI_DATA_DIR"] = tempfile.mkdtemp(prefix="zhenggai-bench-report-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_ledger(problems: int, measures: int) -> int:
    from zhenggai.accounts.models import OrganisationKind
    from zhenggai.accounts.services import create_organisation
    from zhenggai.ledger.models import Category, Measure, MeasureKind, MeasureStatus, Problem
    from zhenggai.ledger.services import plan

    office = create_organisation(name="基准巡察办", kind=OrganisationKind.JURISDICTION)
    unit = create_organisation(name="基准局", kind=OrganisationKind.UNIT, parent=office)
    rnd = plan.create_round(jurisdiction=office, name="基准轮次", year=2026)
    inspection = plan.create_inspection(
        round=rnd,
        unit=unit,
        unit_name="中共基准局党组",
        team="市委第一巡察组",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 4, 15),
        feedback_date=dt.date(2026, 6, 1),
    )
    categories = Category.objects.bulk_create(
        Category(
            inspection=inspection,
            number=str(i + 1),
            position=i + 1,
            title=f"第{i + 1}方面:贯彻落实决策部署不够深入,制度执行存在偏差",
        )
        for i in range(7)
    )
    problem_rows = Problem.objects.bulk_create(
        Problem(
            inspection=inspection,
            category=categories[i * 7 // problems],
            number=str(i + 1),
            position=i + 1,
            status="in_progress",
            text=f"问题{i + 1}:部分制度执行不到位,台账记录不完整,"
            "对发现的问题整改跟踪不及时,存在重形式轻实效的现象,群众反映较为集中。" * 2,
        )
        for i in range(problems)
    )
    statuses = [
        MeasureStatus.CLOSED,
        MeasureStatus.IN_PROGRESS,
        MeasureStatus.CLOSED,
        MeasureStatus.IN_PROGRESS,
        MeasureStatus.DRAFT,
    ]
    rows = []
    for index in range(measures):
        problem = problem_rows[index % problems]
        status = statuses[index % len(statuses)]
        rows.append(
            Measure(
                inspection=inspection,
                problem=problem,
                position=index // problems + 1,
                group="在制度建设方面" if index % 3 == 0 else "",
                kind=MeasureKind.ONGOING if index % 4 == 0 else MeasureKind.DEADLINE,
                status=status,
                deadline=dt.date(2026, 9, 30),
                closed_at=dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
                if status == MeasureStatus.CLOSED
                else None,
                text=f"措施{index + 1}:组织专题会议研究部署,修订完善相关管理制度,"
                "建立问题清单和责任清单,明确责任人和完成时限,定期督查通报整改进展。",
            )
        )
    Measure.objects.bulk_create(rows, batch_size=500)
    return inspection.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=700)
    parser.add_argument("--measures", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf", action="store_true", help="also time one PDF (LibreOffice)")
    args = parser.parse_args()
    setup_django()
    from zhenggai.documents.report.compose import compose_unit_report
    from zhenggai.documents.report.docx import write_docx
    from zhenggai.ledger.models import Inspection

    pk = build_ledger(args.problems, args.measures)
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        inspection = Inspection.objects.select_related("unit", "round").get(pk=pk)
        document = compose_unit_report(inspection, today=dt.date(2026, 9, 1))
        composed = time.perf_counter()
        content = write_docx(document)
        done = time.perf_counter()
        timings.append((done - start, composed - start, done - composed, len(content)))
    total, compose, write, size = min(timings)
    print(
        f"report .docx: {args.problems} problems, {args.measures} measures, "
        f"{len(document.blocks)} blocks, {size / 1024:.0f} KiB"
    )
    print(
        f"seconds: {total:.3f} (compose {compose:.3f} + write {write:.3f}), best of {args.repeat}"
    )
    print(f"ratio to the {BUDGET_SECONDS:.0f} s budget: {total / BUDGET_SECONDS:.3f}")
    if args.pdf:
        from zhenggai.documents.report.pdf import write_pdf

        start = time.perf_counter()
        pdf = write_pdf(document)
        print(f"PDF (no budget): {time.perf_counter() - start:.1f} s, {len(pdf) / 1024:.0f} KiB")
    sys.exit(0 if total < BUDGET_SECONDS else 1)


if __name__ == "__main__":
    main()
