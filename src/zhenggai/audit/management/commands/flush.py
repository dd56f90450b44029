"""Django's ``flush``, let through the audit log's append-only triggers.

``flush`` empties every table (an operator resetting a database, or the test framework
between tests that use real transactions). The audit triggers refuse that unless a
maintenance permit is present for the duration (see :mod:`zhenggai.audit.guard`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS

from zhenggai.audit.guard import has_permit_table, maintenance


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        database = options.get("database") or DEFAULT_DB_ALIAS
        if not has_permit_table(database):
            return super().handle(**options)
        with maintenance("flush", using=database):
            return super().handle(**options)
