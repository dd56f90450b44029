"""Database helpers shared by the apps."""

from __future__ import annotations

import contextlib
import datetime as dt
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
    #: For each parameter of ``sql``: the index of the value that replaces it, or None
    #: for a constant of the query (kept from ``constants``).
    slots: list[int | None]
    constants: list[Any]
    compiler: Any
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]
    annotations: dict[str, int]


class CompiledQuery(Generic[M]):
    """An ORM query compiled once per connection and then run with new values.

    The ORM compiles a query again on every call, and for rows with ``select_related``
    rows or annotations that costs more than running them: 0.5 ms for an inspection with
    its unit and round, 1 ms for a measure with its problem, category, unit and people,
    0.4 ms for a unit's problems with their measure counts, against 0.2–0.6 ms in
    PostgreSQL (docs/benchmarks.md, finding 18). When only some values change from call
    to call, the SQL is the same every time, so ``CompiledQuery`` has the ORM compile it
    once with stand-in values, keeps the SQL and the ORM's map of its columns on the
    connection, and afterwards only runs it: the same SQL (so the same prepared
    statement), the same converters, the same model instances with their related rows and
    annotations, through the connection's cursor (counted and timed like every query).

    ``build(*values)`` returns the queryset. Each stand-in must reach the SQL's
    parameters unchanged — an integer key, or a value given to ``RawSQL`` — or building
    it is refused: a value the backend converts (a date compared with a ``DateField`` on
    SQLite, say) would not be found among the parameters.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], *stand_ins: Any) -> None:
        self.build = build
        self.stand_ins = stand_ins

    def rows(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        """The query's rows for these values, in its order."""
        if [type(v) for v in values] != [type(s) for s in self.stand_ins]:
            raise TypeError(f"values of the types of {self.stand_ins!r} expected: {values!r}")
        database = connections[using]
        compiled = self._compiled(database, using)
        params = [
            compiled.constants[i] if slot is None else values[slot]
            for i, slot in enumerate(compiled.slots)
        ]
        with database.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        model = compiled.compiler.query.model
        out = []
        for row in compiled.compiler.results_iter([fetched]):
            obj = model.from_db(using, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations.items():
                setattr(obj, name, row[position])
            out.append(obj)
        return out

    def _compiled(self, database: Any, using: str) -> _Compiled:
        cache = database.__dict__.setdefault("_zhenggai_compiled", {})
        compiled = cache.get(self)
        if compiled is None:
            compiled = cache[self] = self._compile(using)
        return compiled

    def _compile(self, using: str) -> _Compiled:
        compiler = self.build(*self.stand_ins).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = [self._slot(param) for param in params]
        if compiler.has_extra_select or set(slots) - {None} != set(range(len(self.stand_ins))):
            raise ImproperlyConfigured(
                "CompiledQuery needs every stand-in among the query's parameters, "
                f"unchanged: {sql} {params} (stand-ins {self.stand_ins!r})"
            )
        klass_info, select = compiler.klass_info, compiler.select
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            sql=sql,
            slots=slots,
            constants=list(params),
            compiler=compiler,
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, using),
            annotations=dict(compiler.annotation_col_map or {}),
        )

    def _slot(self, param: Any) -> int | None:
        for index, stand_in in enumerate(self.stand_ins):
            if type(param) is type(stand_in) and param == stand_in:
                return index
        return None


#: Stand-ins: values no row of Zhenggai's ever has.
STAND_IN_KEY = -7_364_512_893
STAND_IN_DAY = dt.date(1871, 3, 18)


class ByKey(CompiledQuery[M]):
    """A :class:`CompiledQuery` for one row by its integer key."""

    def __init__(self, build: Callable[[int], QuerySet[M]]) -> None:
        super().__init__(build, STAND_IN_KEY)

    def get(self, key: int, using: str = DEFAULT_DB_ALIAS) -> M | None:
        """The row with this key, or ``None``."""
        rows = self.rows(int(key), using=using)
        return rows[0] if rows else None
