"""``zhenggai audit verify|purge|copy``: the audit log's operator commands.

* ``verify [--copies DIR]`` walks the hash chain (and compares the daily copies); exits 1
  naming the first broken entry id.
* ``purge [--days N] [--dry-run]`` removes entries older than the retention (≥ 180 days).
* ``copy --to DIR [--through YYYY-MM-DD]`` writes the daily copies (run it daily from the
  periodic job, to a directory on another machine or mount).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.audit.log import record, verify_chain
from zhenggai.audit.retention import RetentionError, compare_copies, copy_days, purge


class Command(BaseCommand):
    help = "Verify, purge (retention) or copy (daily) the audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check the hash chain (and the daily copies)")
        verify.add_argument("--copies", type=Path, help="directory of the daily copies")
        prune = sub.add_parser("purge", help="delete entries older than the retention period")
        prune.add_argument("--days", type=int, default=None)
        prune.add_argument("--dry-run", action="store_true")
        copy = sub.add_parser("copy", help="write the daily copies")
        copy.add_argument("--to", type=Path, required=True, dest="directory")
        copy.add_argument("--through", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(options)

    def do_verify(self, options: dict[str, Any]) -> None:
        breaks = list(verify_chain())
        for item in breaks:
            self.stderr.write(f"审计链断裂 / chain broken at entry {item.entry_id}: {item.reason}")
        mismatches = list(compare_copies(options["copies"])) if options["copies"] else []
        for item in mismatches:
            self.stderr.write(
                f"与每日副本不符 / differs from the daily copy {item.file}: "
                f"entry {item.entry_id} {item.reason}"
            )
        record(
            "audit.verified",
            success=not (breaks or mismatches),
            after={"breaks": len(breaks), "copy_mismatches": len(mismatches)},
        )
        if breaks or mismatches:
            first = breaks[0].entry_id if breaks else mismatches[0].entry_id
            raise CommandError(f"audit log verification failed (first entry {first})", returncode=1)
        self.stdout.write("审计链完整 / audit chain intact")

    def do_purge(self, options: dict[str, Any]) -> None:
        try:
            result = purge(days=options["days"], dry_run=options["dry_run"])
        except RetentionError as exc:
            raise CommandError(f"保留期不足 / {exc}") from None
        verb = "将清除 / would purge" if options["dry_run"] else "已清除 / purged"
        self.stdout.write(f"{verb} {result.purged} (before {result.cutoff:%Y-%m-%d %H:%M})")

    def do_copy(self, options: dict[str, Any]) -> None:
        written = copy_days(options["directory"], through=options["through"])
        for path in written:
            self.stdout.write(f"已写入 / wrote {path}")
        record("audit.copied", after={"files": [p.name for p in written]})
        if not written:
            self.stdout.write("无新的整日记录 / no new complete day")
