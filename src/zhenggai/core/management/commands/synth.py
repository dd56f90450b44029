"""``zhenggai synth --units N``: build a synthetic province for demos and benchmarks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.core.errors import DomainError
from zhenggai.scale.synth import SynthConfig, generate


class Command(BaseCommand):
    help = (
        "Generate a synthetic province: jurisdictions, units, departments, users, rounds and "
        "about 30 problems × 4 measures per unit with progress, evidence rows and reviews."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--measures-per-problem", type=int, default=4)
        parser.add_argument("--problems-per-unit", type=int, default=30)
        parser.add_argument("--departments-per-unit", type=int, default=5)
        parser.add_argument("--progress-per-measure", type=int, default=5)
        parser.add_argument("--cities", type=int, default=0, help="0: one per 50 units, at most 13")
        parser.add_argument("--prefix", default="", help="prefix of every synthetic username")
        parser.add_argument("--chunk-units", type=int, default=100)
        parser.add_argument(
            "--real-files", type=int, default=5, help="evidence rows with real bytes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["units"] < 1 or options["measures_per_problem"] < 1:
            raise CommandError("--units and --measures-per-problem must be at least 1")
        config = SynthConfig(
            units=options["units"],
            seed=options["seed"],
            measures_per_problem=options["measures_per_problem"],
            problems_per_unit=options["problems_per_unit"],
            departments_per_unit=max(1, options["departments_per_unit"]),
            progress_per_measure=max(1, options["progress_per_measure"]),
            cities=options["cities"],
            prefix=options["prefix"],
            chunk_units=max(1, options["chunk_units"]),
            real_files=options["real_files"],
            password=settings.ZHENGGAI_DEMO_PASSWORD or "",
        )
        try:
            result = generate(config)
        except DomainError as error:
            raise CommandError(error.message) from error
        width = max(len(k) for k in result.counts)
        for key, count in result.counts.items():
            self.stdout.write(f"  {key:<{width}}  {count:>10,}")
        self.stdout.write(self.style.SUCCESS(f"Generated in {result.seconds} s."))
        p = config.prefix
        self.stdout.write(
            f"Usernames: {p}province_office (province), {p}c{{city}}_office (city office), "
            f"{p}u{{unit}}_secretary | _leader | _leader2 | _coordinator | _inspector, "
            f"{p}u{{unit}}_d{{k}} (department k); unit 1..{config.units}."
        )
        self.stdout.write("Examples: " + ", ".join(result.examples))
        if result.password_generated:
            self.stdout.write(f"Password (generated, shown once): {result.password}")
        else:
            self.stdout.write("Password: the value of ZHENGGAI_DEMO_PASSWORD.")
