"""``zhenggai export-ledger --inspection ID --user NAME -o FILE``: write the 台账 as .xlsx.

Only the measures ``--user`` may see are written, and the export is recorded in the
audit log as that user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.accounts.models import User
from zhenggai.documents.excel import export_sheet
from zhenggai.ledger.models import Inspection


class Command(BaseCommand):
    help = "Export an inspection's 台账 as .xlsx, limited to what the user may see."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--inspection", type=int, required=True, help="id of the inspection")
        parser.add_argument("--user", required=True, help="username the export is made as")
        parser.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx to write")

    def handle(self, *args: Any, **options: Any) -> None:
        inspection = (
            Inspection.objects.select_related("unit").filter(pk=options["inspection"]).first()
        )
        if inspection is None:
            raise CommandError(f"巡察不存在 / no inspection with id {options['inspection']}")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在 / no such user: {options['user']}")
        output: Path = options["output"]
        partial = output.with_name(output.name + ".part")
        try:
            with partial.open("wb") as stream:
                rows = export_sheet(user, inspection, stream)
        except PermissionDenied as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        partial.replace(output)
        self.stdout.write(f"已导出 {rows} 行 / exported {rows} rows: {output}")
