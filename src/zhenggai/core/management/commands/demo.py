"""``zhenggai demo``: migrate, load the demo, print the accounts, serve."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from zhenggai.core.demo import ACCOUNTS, demo_password, load_demo
from zhenggai.core.management.commands.serve import run_gunicorn
from zhenggai.settings.env import env_bool


class Command(BaseCommand):
    help = "Load the demo (the seed report and a synthetic unit) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="load the demo and exit")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo mode while serving: the demo's accounts skip TOTP and the first password
        # change (docs/security.md); ZHENGGAI_DEMO=0 keeps the full rules for them too.
        if not options["no_serve"]:
            settings.ZHENGGAI_DEMO = env_bool("ZHENGGAI_DEMO", True)
        call_command("migrate", interactive=False, verbosity=0)
        password, generated = demo_password(settings.ZHENGGAI_DEMO_PASSWORD)
        summary = load_demo(password=password)
        self.print_accounts(password, generated, summary["created"])
        if options["no_serve"]:
            return
        self.stdout.write(
            f"\n整改系统已启动 / serving on http://{options['host']}:{options['port']}/\n"
        )
        run_gunicorn(host=options["host"], port=options["port"], workers=2, threads=4)

    def print_accounts(self, password: str, generated: bool, created: bool) -> None:
        out = self.stdout
        out.write(
            "演示数据已载入 / demo loaded" if created else "演示数据已存在 / demo already loaded"
        )
        out.write(f"数据目录 / data directory: {settings.DATA_DIR}")
        out.write("演示账号 / demo accounts:")
        for account in ACCOUNTS:
            out.write(f"  {account.username:<12} {account.name:<16} {account.where}")
        source = "随机生成 / generated" if generated else "ZHENGGAI_DEMO_PASSWORD"
        out.write(f"密码 / password ({source}): {password}")
        if settings.ZHENGGAI_DEMO or env_bool("ZHENGGAI_DEMO", True):
            out.write(
                "演示模式:演示账号登录免动态口令、免首次改密;关闭演示模式(ZHENGGAI_DEMO=0)后须改密并设置动态口令。"
                " / demo mode: demo accounts skip TOTP and the first password change;"
                " with ZHENGGAI_DEMO=0 they must change the password and set up TOTP."
            )
