"""``zhenggai round-summary ID --format docx|pdf|html -o FILE``: the office's round summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.core.errors import DomainError
from zhenggai.documents.management.commands.report import write
from zhenggai.documents.report.services import document_of, generate_round_summary, render
from zhenggai.ledger.models import Round


class Command(BaseCommand):
    help = "Generate a round's summary (figures per unit, overdue and flagged items)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", type=int, help="round id (see `zhenggai inspections --json`)")
        parser.add_argument("--format", choices=("docx", "pdf", "html", "txt"), default="docx")
        parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        rnd = Round.objects.select_related("jurisdiction").filter(pk=options["round"]).first()
        if rnd is None:
            raise CommandError(f"轮次不存在 / no round with id {options['round']}")
        try:
            report = generate_round_summary(round=rnd, actor=None)
            rendered = render(document_of(report), options["format"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        write(options["output"], rendered.content)
        self.stdout.write(
            f"已生成 / generated: {options['output']} (report {report.pk}, v{report.version})"
        )
