"""Database helpers shared by the apps."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)


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


@dataclass(frozen=True)
class _Compiled:
    sql: str
    compiler: Any
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]
    annotations: dict[str, int]


class ByKey(Generic[M]):
    """A query for one row by one key, compiled by the ORM once per connection.

    The ORM compiles a query again on every call, and for a row with its
    ``select_related`` rows that costs more than running it: 0.5 ms for an inspection
    with its unit and round, 1 ms for a measure with its problem, category, unit and
    people, against 0.2–0.4 ms in PostgreSQL (docs/benchmarks.md, finding 17). The SQL
    of such a query is the same every time but for the key, so ``ByKey`` has the ORM
    compile it once with a stand-in key, keeps the SQL and the ORM's map of its columns on
    the connection, and afterwards only runs it: the same SQL (so the same prepared
    statement), the same converters, the same model instances with their related rows,
    through the connection's cursor (counted and timed like every query).

    ``build(key)`` returns the queryset; the key must be its only parameter (an integer
    key, which no backend converts), or building it is refused.
    """

    STAND_IN = -7_364_512_893

    def __init__(self, build: Callable[[int], QuerySet[M]]) -> None:
        self.build = build

    def get(self, key: int, using: str = DEFAULT_DB_ALIAS) -> M | None:
        """The row with this key, or ``None``."""
        database = connections[using]
        compiled = self._compiled(database, using)
        with database.cursor() as cursor:
            cursor.execute(compiled.sql, [int(key)])
            rows = cursor.fetchall()
        for row in compiled.compiler.results_iter([rows]):
            obj = compiled.compiler.query.model.from_db(
                using, compiled.init_list, row[compiled.start : compiled.end]
            )
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations.items():
                setattr(obj, name, row[position])
            return obj
        return None

    def _compiled(self, database: Any, using: str) -> _Compiled:
        cache = database.__dict__.setdefault("_zhenggai_by_key", {})
        compiled = cache.get(self)
        if compiled is None:
            compiled = cache[self] = self._compile(using)
        return compiled

    def _compile(self, using: str) -> _Compiled:
        compiler = self.build(self.STAND_IN).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if list(params) != [self.STAND_IN] or compiler.has_extra_select:
            raise ImproperlyConfigured(
                f"ByKey needs a query whose only parameter is the key: {sql} {params}"
            )
        klass_info, select = compiler.klass_info, compiler.select
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            sql=sql,
            compiler=compiler,
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, using),
            annotations=dict(compiler.annotation_col_map or {}),
        )
