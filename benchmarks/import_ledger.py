"""Benchmark: importing a 台账 sheet of 1,000 and 10,000 rows into SQLite.

Run ``.venv/bin/python benchmarks/import_ledger.py`` (``--sizes 1000 10000 50000`` to
choose). Each size runs in its own process on a fresh SQLite database under a temporary
directory, so its peak memory is its own. For each it prints the rows, the seconds the
first import took (everything created) and the re-import took (nothing changes), rows per
second, the peak RSS of the process and how much RSS grew during the import, and the
ratio of the import time to the 10-second budget for 10,000 rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SECONDS = 10.0
MEASURES_PER_PROBLEM = 3
ROOT = Path(__file__).resolve().parent.parent


def _rss_kib(field: str) -> int:
    """``VmRSS`` (current) or ``VmHWM`` (peak) of this process in KiB, from /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux ``clear_refs`` 5), if allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def write_sheet(path: Path, rows: int) -> None:
    """A realistic 台账: three measures per problem, names of the unit, dates, prose."""
    from openpyxl import Workbook

    from zhenggai.documents.excel import HEADERS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("整改台账")
    sheet.append(list(HEADERS))
    day = dt.date(2026, 6, 30)
    for index in range(rows):
        problem, measure = divmod(index, MEASURES_PER_PROBLEM)
        sheet.append(
            [
                f"{problem + 1}-{measure + 1}",
                f"第{problem % 7 + 1}方面问题",
                f"问题{problem + 1}:理论学习中心组学习流于形式,学习计划落实不到位,"
                "研讨交流不够深入。",
                "建立学习长效机制",
                f"措施{index + 1}:修订学习制度,明确每月集中学习不少于1次,"
                "由办公室每季度通报学习情况。",
                "分管领导" if measure else "",
                "综合处、信息中心" if measure % 2 else "综合处",
                "张三",
                day + dt.timedelta(days=index % 180),
                "已制定学习计划,正在推进。" if measure == 0 else "",
                "草拟",
                "",
                "《党组理论学习中心组学习制度》" if measure == 0 and problem % 10 == 0 else "",
                "否",
                None,
                "",
            ]
        )
    workbook.save(path)


def child(rows: int, sheet: Path) -> dict[str, float | int | bool]:
    """Set up a database, import ``sheet`` twice, and measure (runs in its own process)."""
    data_dir = tempfile.mkdtemp(prefix="zhenggai-bench-")
    os.environ["ZHENGGAI_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhenggai.settings.base"
    import django

    django.setup()
    from django.core.management import call_command

    from zhenggai.accounts.models import OrganisationKind, Role, User
    from zhenggai.accounts.services import create_organisation, grant_role
    from zhenggai.documents.excel import import_sheet
    from zhenggai.ledger.services import plan

    call_command("migrate", verbosity=0, interactive=False)
    office = create_organisation(name="市委巡察办", kind=OrganisationKind.JURISDICTION)
    unit = create_organisation(name="示例局", kind=OrganisationKind.UNIT, parent=office)
    for name in ("综合处", "信息中心"):
        create_organisation(name=name, kind=OrganisationKind.DEPARTMENT, parent=unit)
    coordinator = User.objects.create_user(username="coordinator", display_name="整改办")
    leader = User.objects.create_user(username="leader", display_name="分管领导")
    grant_role(user=coordinator, organisation=unit, role=Role.COORDINATOR)
    grant_role(user=leader, organisation=unit, role=Role.LEADER)
    rnd = plan.create_round(jurisdiction=office, name="2026年第一轮", year=2026)
    inspection = plan.create_inspection(
        round=rnd,
        unit=unit,
        unit_name="中共示例局党组",
        team="市委第一巡察组",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 4, 30),
        feedback_date=dt.date(2026, 5, 20),
    )
    baseline = _rss_kib("VmRSS")
    peak_reset = _reset_peak()
    start = time.perf_counter()
    first = import_sheet(inspection, sheet, actor=coordinator)
    seconds = time.perf_counter() - start
    peak = _rss_kib("VmHWM")
    start = time.perf_counter()
    again = import_sheet(inspection, sheet, actor=coordinator)
    again_seconds = time.perf_counter() - start
    assert first.created == rows and again.unchanged == rows, (first.counts(), again.counts())
    return {
        "rows": rows,
        "seconds": seconds,
        "reimport_seconds": again_seconds,
        "peak_rss_mib": peak / 1024,
        "growth_mib": (peak - baseline) / 1024,
        "peak_reset": peak_reset,
        "measures": inspection.measures.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sheet", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if args.child:
        print(json.dumps(child(args.child, args.sheet)))
        from django.db import connections

        connections.close_all()
        shutil.rmtree(os.environ["ZHENGGAI_DATA_DIR"], ignore_errors=True)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings.base")
    scratch = tempfile.TemporaryDirectory(prefix="zhenggai-bench-")
    os.environ.setdefault("ZHENGGAI_DATA_DIR", scratch.name)
    import django

    django.setup()
    print(
        f"{'rows':>7} {'seconds':>8} {'rows/s':>8} {'re-import s':>11} "
        f"{'peak RSS MiB':>12} {'growth MiB':>10} {'× 10 s budget':>13}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            sheet = Path(tmp) / f"台账-{size}.xlsx"
            write_sheet(sheet, size)
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(size), "--sheet", str(sheet)],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                sys.exit(f"the {size}-row run failed:\n{done.stderr}")
            output = done.stdout
            r = json.loads(output.strip().splitlines()[-1])
            print(
                f"{r['rows']:>7} {r['seconds']:>8.2f} {r['rows'] / r['seconds']:>8.0f} "
                f"{r['reimport_seconds']:>11.2f} {r['peak_rss_mib']:>12.1f} "
                f"{r['growth_mib']:>10.1f} {r['seconds'] / BUDGET_SECONDS:>13.2f}"
                + ("" if r["peak_reset"] else "  (peak since process start)")
            )


if __name__ == "__main__":
    main()
