"""``zhenggai quality FILE_OR_INSPECTION_ID``: run the quality checks and print the flags.

On a report file the rules run on the text alone (no database; ``evidence_gap`` needs
a ledger and does not apply). On an inspection id the checks run on the ledger and
the flags are stored, as :func:`~zhenggai.quality.services.run_checks` does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.documents.readers import ReportReadError
from zhenggai.ledger.models import Inspection
from zhenggai.quality.check_report import (
    build_check_report,
    render_check_report_docx,
    render_check_report_html,
)
from zhenggai.quality.engine import all_rules, get_rule
from zhenggai.quality.presentation import flag_json
from zhenggai.quality.services import check_file, run_checks


class Command(BaseCommand):
    help = "Run the quality checks on a report file or an inspection's ledger and print the flags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="a report file (.txt), or the id of an inspection")
        parser.add_argument("--json", action="store_true", help="print the flags as a JSON list")
        parser.add_argument(
            "--rule",
            action="append",
            choices=[r.id for r in all_rules()],
            help="only this rule (repeatable)",
        )
        parser.add_argument("--html", type=Path, help="write the check report as HTML (ledger)")
        parser.add_argument("--docx", type=Path, help="write the check report as .docx (ledger)")

    def handle(self, *args: Any, **options: Any) -> None:
        target: str = options["target"]
        path = Path(target)
        if path.is_file():
            if options["html"] or options["docx"]:
                raise CommandError("--html/--docx 仅适用于台账 / only for an inspection id")
            try:
                flags = [f.to_json() for f in check_file(path)]
            except ReportReadError as exc:
                raise CommandError(str(exc)) from exc
        elif target.isdigit():
            flags = self.ledger(int(target), options)
        else:
            raise CommandError(
                f"文件不存在,也不是巡察编号 / no such file or inspection id: {target}"
            )
        if options["rule"]:
            flags = [f for f in flags if f["rule"] in options["rule"]]
        if options["json"]:
            self.stdout.write(json.dumps(flags, ensure_ascii=False, indent=2))
        else:
            self.print_text(flags)

    def ledger(self, pk: int, options: dict[str, Any]) -> list[dict[str, Any]]:
        inspection = Inspection.objects.select_related("unit", "round").filter(pk=pk).first()
        if inspection is None:
            raise CommandError(f"巡察不存在 / no inspection with id {pk}")
        flags = run_checks(inspection)
        if options["html"] or options["docx"]:
            report = build_check_report(inspection)
            if options["html"]:
                options["html"].write_text(render_check_report_html(report), encoding="utf-8")
            if options["docx"]:
                options["docx"].write_bytes(render_check_report_docx(report))
        return [flag_json(flag) for flag in flags]

    def print_text(self, flags: list[dict[str, Any]]) -> None:
        for flag in flags:
            where = f"问题({flag['problem']})" if flag["problem"] else "报告"
            if flag["measure"]:
                where += f"第{flag['measure']}项"
            status = " [已排除]" if flag.get("status") == "dismissed" else ""
            title = get_rule(flag["rule"]).title
            self.stdout.write(f"[{flag['severity']}] {flag['rule']} {title} · {where}{status}")
            self.stdout.write(f"    {flag['message']}")
            for span in flag["spans"][:3]:
                quoted = span.get("file", {}).get("name") or span["text"]
                self.stdout.write(f"    “{quoted[:80]}”")
        self.stdout.write(f"共 {len(flags)} 条 / {len(flags)} flags")
