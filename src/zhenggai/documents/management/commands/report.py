"""``zhenggai report ID --format docx|pdf|html|txt -o FILE``: a unit's progress report.

The command runs as the system: it stores the report as a new version (a snapshot,
audited as ``report.generated``) and writes it in the format asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.core.errors import DomainError
from zhenggai.documents.report.services import FORMATS, document_of, generate_report, render
from zhenggai.ledger.models import Inspection


class Command(BaseCommand):
    help = "Generate an inspection's progress report and write it as .docx, .pdf, .html or .txt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "inspection", type=int, help="inspection id (see `zhenggai inspections`)"
        )
        parser.add_argument("--format", choices=FORMATS, default="docx")
        parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")
        parser.add_argument(
            "--public", action="store_true", help="the public version (no non-public problems)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        inspection = (
            Inspection.objects.select_related("unit", "round")
            .filter(pk=options["inspection"])
            .first()
        )
        if inspection is None:
            raise CommandError(f"巡察不存在 / no inspection with id {options['inspection']}")
        try:
            report = generate_report(inspection=inspection, actor=None)
            rendered = render(document_of(report, public=options["public"]), options["format"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        write(options["output"], rendered.content)
        self.stdout.write(
            f"已生成 / generated: {options['output']} (report {report.pk}, v{report.version})"
        )


def write(path: Path, content: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        raise CommandError(f"无法写入 / cannot write {path}: {exc}") from exc
