"""``zhenggai quality-eval [--json]``: precision and recall of each rule on the labelled corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.quality.evaluation import evaluate, load_corpus

DEFAULT_CORPUS = Path("tests/quality/corpus")


class Command(BaseCommand):
    help = "Measure precision and recall of the quality rules on a labelled corpus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="labelled folder")
        parser.add_argument("--json", action="store_true", help="print the scores as JSON")
        parser.add_argument(
            "--fail-under",
            type=float,
            default=None,
            help="exit with an error if any rule's precision or recall is below this",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["corpus"]
        if not folder.is_dir():
            raise CommandError(f"语料目录不存在 / no corpus folder: {folder}")
        result = evaluate(load_corpus(folder))
        if options["json"]:
            self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"{result.documents} documents in {folder}")
            self.stdout.write(
                f"{'rule':<24}{'precision':>10}{'recall':>10}{'TP':>6}{'FP':>6}{'FN':>6}"
            )
            for score in result.scores.values():
                self.stdout.write(
                    f"{score.rule:<24}{score.precision:>10.3f}{score.recall:>10.3f}"
                    f"{score.true_positives:>6}{score.false_positives:>6}{score.false_negatives:>6}"
                )
            for mistake in result.mistakes:
                self.stdout.write(
                    f"  {mistake['what']}: {mistake['document']} {mistake['rule']} "
                    f"{mistake['kind']} {mistake['members']}"
                )
        floor = options["fail_under"]
        if floor is not None:
            low = [s.rule for s in result.scores.values() if min(s.precision, s.recall) < floor]
            if low:
                raise CommandError(f"低于 {floor} / below {floor}: {', '.join(low)}")
