"""``zhenggai inspections [--json]``: the inspections and their ids, for ``zhenggai report ID``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhenggai.documents.report.figures import figures_for
from zhenggai.ledger.models import Inspection


def inspection_rows() -> list[dict[str, Any]]:
    """Every inspection with its round, unit and figures (the command runs as the system)."""
    inspections = Inspection.objects.select_related("round", "unit").order_by("round__year", "pk")
    figures = figures_for(inspections)
    return [
        {
            "id": inspection.pk,
            "round": {"id": inspection.round_id, "name": inspection.round.name},
            "unit": {"id": inspection.unit_id, "name": inspection.unit.name},
            "unit_name": inspection.unit_name,
            "team": inspection.team,
            "feedback_date": inspection.feedback_date.isoformat(),
            "problems": figures[inspection.pk].problems,
            "measures": figures[inspection.pk].measures,
            "completion_rate": figures[inspection.pk].completion_rate,
        }
        for inspection in inspections
    ]


class Command(BaseCommand):
    help = "List inspections with their ids (use an id with `zhenggai report ID`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = inspection_rows()
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("尚无巡察记录 / no inspections")
            return
        for row in rows:
            rate = "—" if row["completion_rate"] is None else f"{row['completion_rate']:.1f}%"
            self.stdout.write(
                f"{row['id']:>5}  {row['round']['name']}  {row['unit']['name']}  "
                f"问题 {row['problems']} · 措施 {row['measures']} · 完成率 {rate}"
            )
