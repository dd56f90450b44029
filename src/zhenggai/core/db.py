"""Database helpers shared by the apps."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection


@contextlib.contextmanager
def planned_each_time() -> Iterator[None]:
    """Run the queries inside without prepared statements (PostgreSQL with
    ``ZHENGGAI_DB_PREPARED_STATEMENTS``): each is planned for its own parameters.

    For the per-inspection figures of the office's pages: PostgreSQL's generic plan for
    them (correlated counts on a day given as a parameter) is about twice as slow as the
    plan made for the day. Elsewhere, leave statements prepared.
    """
    if connection.vendor != "postgresql" or not connection.settings_dict.get("OPTIONS", {}).get(
        "prepare_threshold"
    ):
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    saved = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = saved
