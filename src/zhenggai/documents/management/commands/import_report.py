"""``zhenggai import-report FILE``: read a published progress report into the ledger.

``FILE`` is a .txt (UTF-8 or GBK) or .docx report in any layout the reader knows.
With ``--inspection ID`` its categories, problems and measures are added to that
inspection; with ``--unit`` and ``--round`` a new inspection is registered. With
``--dry-run`` nothing is written; ``--json`` prints the ``zhenggai.ledger/1`` JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.accounts.models import Organisation, OrganisationKind, User
from zhenggai.core.errors import DomainError
from zhenggai.documents.importer import ImportOptions, import_ledger, import_report_into
from zhenggai.documents.ledger_json import to_ledger_json
from zhenggai.documents.readers import ReportReadError, read_report
from zhenggai.documents.readers.summary import CONSISTENCY_CODES, FIGURE_KEYS
from zhenggai.ledger.models import Inspection, Round


class Command(BaseCommand):
    help = (
        "Read a progress report (.txt or .docx) and import it into a new inspection "
        "(--unit, --round) or an existing one (--inspection); --dry-run only shows it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="read and print, write nothing")
        parser.add_argument("--json", action="store_true", help="print the zhenggai.ledger/1 JSON")
        parser.add_argument("--inspection", type=int, help="id of an existing inspection to add to")
        parser.add_argument("--unit", type=int, help="id of the inspected unit (organisation)")
        parser.add_argument("--round", type=int, help="id of the inspection round")
        parser.add_argument("--user", help="username recorded as the importer (checked for rights)")

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
        try:
            self.stdout.write(self.import_(data, options, path.name))
        except (DomainError, ReportReadError) as exc:
            raise CommandError(str(exc)) from exc

    def print_summary(self, data: dict[str, Any]) -> None:
        """Team, unit, counts, summary figures, warnings and inconsistencies."""
        info = data["inspection"]
        problems = [p for c in data["categories"] for p in c["problems"]]
        measures = sum(len(p["measures"]) for p in problems)
        self.stdout.write(f"版式 / layout: {data['layout']}")
        self.stdout.write(f"{info['team']} → {info['unit']}  反馈 {info['feedback_date']}")
        self.stdout.write(
            f"类别 {len(data['categories'])} · 问题 {len(problems)} · 措施 {measures}"
            f" / categories · problems · measures"
        )
        for figure in data.get("summary", []):
            label = FIGURE_KEYS.get(figure["key"], figure["key"])
            self.stdout.write(f"  {label}: {figure['value']:g}  «{figure['text']}»")
        for warning in data.get("warnings", []):
            mark = "≠" if warning.get("code") in CONSISTENCY_CODES else "!"
            line = f" [第{warning['line']}行]" if warning.get("line") else ""
            self.stdout.write(f"  {mark} {warning.get('message')}{line}")

    def import_(self, data: dict[str, Any], options: dict[str, Any], name: str) -> str:
        """Import into ``--inspection``, or a new inspection of ``--unit`` in ``--round``."""
        actor = self.actor(options["user"])
        if options["inspection"]:
            inspection = (
                Inspection.objects.select_related("unit").filter(pk=options["inspection"]).first()
            )
            if inspection is None:
                raise CommandError(f"巡察不存在 / no inspection with id {options['inspection']}")
            summary = import_report_into(inspection, data, actor=actor, source_name=name)
            return (
                f"已导入 / imported into inspection {inspection.pk}: 类别 {summary.categories} · "
                f"问题 {summary.problems} · 措施 {summary.measures}"
            )
        if not options["unit"] or not options["round"]:
            raise CommandError(
                "导入需要 --inspection,或 --unit 和 --round / "
                "importing needs --inspection, or --unit and --round"
            )
        unit = Organisation.objects.filter(pk=options["unit"], kind=OrganisationKind.UNIT).first()
        rnd = Round.objects.filter(pk=options["round"]).first()
        if unit is None:
            raise CommandError(f"单位不存在 / no unit with id {options['unit']}")
        if rnd is None:
            raise CommandError(f"轮次不存在 / no round with id {options['round']}")
        inspection = import_ledger(
            data, round=rnd, unit=unit, actor=actor, options=ImportOptions(), source_name=name
        )
        return f"已导入 / imported: inspection {inspection.pk}"

    @staticmethod
    def actor(username: str | None) -> User | None:
        """The active user named by ``--user``, or ``None``."""
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在 / no such user: {username}")
        return user
