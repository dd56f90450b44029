"""``zhenggai import-ledger FILE --inspection ID --user NAME``: import a 台账 sheet.

``FILE`` is .xlsx, or .csv in UTF-8 or GBK, with the standard 台账 columns. The import
is all or nothing; ``--dry-run`` shows what would change and writes nothing;
``--json`` prints the result (or the errors) as JSON. Errors name the row and column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.accounts.models import User
from zhenggai.core.errors import DomainError
from zhenggai.documents.excel import SheetImportError, import_sheet
from zhenggai.ledger.models import Inspection


class Command(BaseCommand):
    help = "Import a 台账 (.xlsx or .csv) into an inspection, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--inspection", type=int, required=True, help="id of the inspection")
        parser.add_argument("--user", required=True, help="username of the importer (整改办)")
        parser.add_argument("--dry-run", action="store_true", help="show what would change")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}")
        inspection = (
            Inspection.objects.select_related("unit").filter(pk=options["inspection"]).first()
        )
        if inspection is None:
            raise CommandError(f"巡察不存在 / no inspection with id {options['inspection']}")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在 / no such user: {options['user']}")
        try:
            result = import_sheet(inspection, path, actor=user, dry_run=options["dry_run"])
        except SheetImportError as exc:
            if options["json"]:
                errors = {"errors": [e.as_dict() for e in exc.errors]}
                self.stdout.write(json.dumps(errors, ensure_ascii=False, indent=2))
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"台账未导入,共{len(exc.errors)}处错误 / ledger not imported: "
                f"{len(exc.errors)} error(s)"
            ) from exc
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        verb = "将" if result.dry_run else "已"
        self.stdout.write(
            f"{verb}导入 {result.rows} 行:新增 {result.created} · 修改 {result.updated} · "
            f"未变 {result.unchanged} · 新增问题 {result.problems_created} / rows {result.rows}: "
            f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged"
            + (" (dry run, nothing written)" if result.dry_run else "")
        )
        for change in result.changes:
            fields = "、".join(change["fields"])
            self.stdout.write(f"  第{change['row']}行 {change['key']} {change['action']} {fields}")
        for warning in result.warnings:
            self.stdout.write(f"  ! {warning}")
