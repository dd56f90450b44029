"""``zhenggai security-check``: black-box checks against a running server.

    zhenggai security-check --url http://127.0.0.1:8000 --username U --password P \\
        [--totp-secret BASE32] [--measure-id N] [--other-unit-url /measures/123/] \\
        [--error-url /some/url/that/fails/] [--attempts 5]

Prints PASS / FAIL / SKIP per check and exits 1 when any check fails. The lockout check
locks a throw-away account name and counts its failures against this machine's address
(docs/security.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.accounts.blackbox import Options, run_all


class Command(BaseCommand):
    help = (
        "Run black-box security checks (lockout, headers, uploads, scope, errors) against a server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", required=True, help="base URL, e.g. http://127.0.0.1:8000")
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument(
            "--totp-secret", default="", help="base32 secret if the account uses TOTP"
        )
        parser.add_argument(
            "--measure-id", type=int, default=None, help="a measure the account reports on"
        )
        parser.add_argument(
            "--other-unit-url", default="", help="a page of another unit (expect 403/404)"
        )
        parser.add_argument(
            "--error-url", default="", help="a URL that answers 500 (expect no traceback)"
        )
        parser.add_argument("--attempts", type=int, default=5, help="failures that lock an account")

    def handle(self, *args: Any, **options: Any) -> None:
        checks = Options(
            url=options["url"],
            username=options["username"],
            password=options["password"],
            totp_secret=options["totp_secret"],
            other_unit_url=options["other_unit_url"],
            measure_id=options["measure_id"],
            error_url=options["error_url"],
            attempts=options["attempts"],
        )
        results = run_all(checks)
        width = max(len(r.name) for r in results)
        for result in results:
            self.stdout.write(f"{result.outcome:<4}  {result.name:<{width}}  {result.detail}")
        failed = [r for r in results if r.outcome == "FAIL"]
        if failed:
            raise CommandError(f"{len(failed)} check(s) failed", returncode=1)
        self.stdout.write("安全检查通过 / all checks passed")
