"""Sessions in the database (Django's ``db`` engine), read by one hand-written query.

Every signed-in request reads its session row first. Django's engine reads it with
``Session.objects.get(…)``, whose building and compiling cost three times the query
itself; here the same row is read with the same condition (the key, not yet expired) by
SQL written out. Writing, cycling and clearing sessions are Django's, unchanged.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseStore):
    def _get_session_from_db(self) -> Any:
        model = self.model
        database = connections[router.db_for_read(model)]
        table = database.ops.quote_name(model._meta.db_table)
        now = database.ops.adapt_datetimefield_value(timezone.now())
        with database.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
