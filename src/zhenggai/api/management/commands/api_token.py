"""``zhenggai api-token USERNAME --name NAME``: issue a personal API token and print it once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhenggai.accounts.models import User
from zhenggai.api.tokens import create_token
from zhenggai.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print the secret (it is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument("--days", type=int, default=None, help="expire after N days")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.issue(options["username"], options["name"], options["days"]))

    def issue(self, username: str, name: str, days: int | None) -> str:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        expires = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            issued = create_token(user=user, name=name, expires_at=expires)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        return issued.secret
