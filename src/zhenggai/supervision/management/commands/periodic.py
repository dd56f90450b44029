"""``zhenggai periodic``: lights, due reminders, order escalation and other apps' hooks."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhenggai.supervision.services.periodic import run_periodic


class Command(BaseCommand):
    help = "Run the periodic work once: lights, reminders, escalation (--json prints what it did)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print a JSON summary")
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="pretend today is YYYY-MM-DD"
        )
        parser.add_argument("--no-hooks", action="store_true", help="skip other apps' hooks")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = run_periodic(options["today"], hooks=not options["no_hooks"])
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, sort_keys=True))
            return
        m = summary["lights"]["measure"]
        self.stdout.write(
            f"{summary['day']}: 措施 红{m['red']} 黄{m['yellow']} 绿{m['green']};"
            f" 提醒 {sum(summary['reminders_sent'].values())} 条;"
            f" 督办升级 {len(summary['escalated_orders'])} 件"
        )
