"""``zhenggai import-report FILE``: read a published progress report into the ledger."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.accounts.models import Organisation, OrganisationKind
from zhenggai.core.errors import DomainError
from zhenggai.documents.importer import ImportOptions, import_ledger
from zhenggai.documents.ledger_json import to_ledger_json
from zhenggai.documents.readers import ReportReadError, read_report
from zhenggai.ledger.models import Round


class Command(BaseCommand):
    help = "Read a progress report (.txt) and import it, or with --dry-run only show what was read."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="read and print, write nothing")
        parser.add_argument("--json", action="store_true", help="print the zhenggai.ledger/1 JSON")
        parser.add_argument("--unit", type=int, help="id of the inspected unit (organisation)")
        parser.add_argument("--round", type=int, help="id of the inspection round")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}")
        try:
            report = read_report(path)
        except ReportReadError as exc:
            raise CommandError(str(exc)) from exc
        data = to_ledger_json(report)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.print_summary(data)
        if options["dry_run"]:
            return
        inspection = self.import_(data, options, path.name)
        self.stdout.write(f"已导入 / imported: inspection {inspection.pk}")

    def print_summary(self, data: dict[str, Any]) -> None:
        info = data["inspection"]
        problems = [p for c in data["categories"] for p in c["problems"]]
        measures = sum(len(p["measures"]) for p in problems)
        self.stdout.write(f"{info['team']} → {info['unit']}  反馈 {info['feedback_date']}")
        self.stdout.write(
            f"类别 {len(data['categories'])} · 问题 {len(problems)} · 措施 {measures}"
            f" / categories · problems · measures"
        )
        for warning in data.get("warnings", []):
            self.stdout.write(f"  ! {warning.get('message')}")

    def import_(self, data: dict[str, Any], options: dict[str, Any], name: str) -> Any:
        if not options["unit"] or not options["round"]:
            raise CommandError("导入需要 --unit 和 --round / importing needs --unit and --round")
        unit = Organisation.objects.filter(pk=options["unit"], kind=OrganisationKind.UNIT).first()
        rnd = Round.objects.filter(pk=options["round"]).first()
        if unit is None:
            raise CommandError(f"单位不存在 / no unit with id {options['unit']}")
        if rnd is None:
            raise CommandError(f"轮次不存在 / no round with id {options['round']}")
        try:
            return import_ledger(data, round=rnd, unit=unit, options=ImportOptions(), source_name=name)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
