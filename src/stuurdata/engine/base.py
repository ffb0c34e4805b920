"""The engine contract and the embedded engine (DuckDB).

The indicator families are written once in Ibis. An engine gives them the canonical tables,
keeps small helper tables for the duration of one computation (the period calendar, the
person areas) and runs an expression to Arrow. DuckDB keeps helpers as TEMP tables and reuses
compiled SQL between calls; Spark (``engine.spark``) writes them once as Parquet (or caches
them) and compiles ahead the same way.
Nothing else differs: there is no second implementation of any definition.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from contextvars import ContextVar
from typing import Protocol, runtime_checkable

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from stuurdata.engine import MOTOREN
from stuurdata.warehouse.schema import TABLES


@runtime_checkable
class Engine(Protocol):
    """What ``indicators.compute`` needs from an engine."""

    naam: str
    tables: dict[str, ir.Table]

    def helpers(self) -> AbstractContextManager[HelperMaker]:
        """A context in which ``make(name, data)`` creates helper tables, dropped after."""
        ...

    def execute(self, expr: ir.Table, key: str | None = None) -> pa.Table:
        """Run ``expr``; ``key`` names a cacheable compilation (same key, same SQL)."""
        ...


class HelperMaker(Protocol):
    def __call__(self, name: str, data: pa.Table | ir.Table) -> ir.Table: ...


class DuckDBEngine:
    """The embedded engine over an open warehouse connection."""

    naam = "duckdb"
    tables: dict[str, ir.Table]
    _sql_cache: dict[str, str] = {}  # noqa: RUF012 - shared on purpose: one per process

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.backend = ibis.duckdb.from_connection(con)
        self.tables = {name: self.backend.table(name) for name in TABLES}

    @contextmanager
    def helpers(self) -> Iterator[HelperMaker]:
        made: list[str] = []

        def make(name: str, data: pa.Table | ir.Table) -> ir.Table:
            self._drop(name)
            made.append(name)
            if isinstance(data, pa.Table):
                self.con.register(f"{name}_arrow", data)
                self.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
                self.con.unregister(f"{name}_arrow")
            else:
                self.backend.create_table(name, data, temp=True)
            return self.backend.table(name)

        try:
            yield make
        finally:
            for name in made:
                self._drop(name)

    def _drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS temp.main.{name}")

    def prepare(self, expr: ir.Table, key: str) -> None:
        """Compile ``expr`` into the cache under ``key`` (pure Python: no connection used, so
        a thread can compile the next expression while the database runs this one)."""
        if key not in self._sql_cache:
            self._sql_cache[key] = str(ibis.to_sql(expr, dialect="duckdb"))

    def compiled(self, key: str) -> bool:
        """Is the SQL of ``key`` cached? Then ``run_compiled`` runs it and the caller need
        not even build the expression (~0.015 s of Python per definition)."""
        return key in self._sql_cache

    def run_compiled(self, key: str) -> pa.Table:
        """Run the SQL compiled earlier under ``key`` (see ``compiled``)."""
        self.con.complete()
        result: pa.Table = self.con.sql(self._sql_cache[key]).to_arrow_table()
        return result

    def execute(self, expr: ir.Table, key: str | None = None) -> pa.Table:
        # Compiling a large expression costs ~0.3 s; helpers have fixed names, so the SQL of
        # the same definition over the same schema is the same from call to call.
        # A caller may have left a result of ``execute`` unread; finish it first.
        self.con.complete()
        if key is None:
            sql = str(ibis.to_sql(expr, dialect="duckdb"))
        else:
            self.prepare(expr, key)
            sql = self._sql_cache[key]
        result: pa.Table = self.con.sql(sql).to_arrow_table()
        return result


_ACTIVE: ContextVar[tuple[duckdb.DuckDBPyConnection, Engine] | None] = ContextVar(
    "stuurdata_engine", default=None
)


def as_engine(con: duckdb.DuckDBPyConnection | Engine) -> Engine:
    """An engine as given, or the engine computing for the warehouse ``con``.

    Inside ``open_engine(con, motor)`` that is the chosen engine, so every computation on
    the warehouse (indicators, quality measures, stacking) runs there without each caller
    passing it on; otherwise DuckDB over ``con``.
    """
    if isinstance(con, duckdb.DuckDBPyConnection):
        active = _ACTIVE.get()
        if active is not None and active[0] is con:
            return active[1]
        return DuckDBEngine(con)
    return con


@contextmanager
def open_engine(con: duckdb.DuckDBPyConnection, motor: str = "duckdb") -> Iterator[Engine]:
    """The engine ``motor`` over the warehouse ``con`` for one computation.

    ``spark`` exports the warehouse to Parquet and starts (or reaches) Spark for the run:
    see ``engine.spark``. Within the block, ``as_engine(con)`` gives this engine.
    """
    engine: Engine
    with ExitStack() as stack:
        if motor == "duckdb":
            engine = DuckDBEngine(con)
        elif motor == "spark":
            from stuurdata.engine.spark import spark_engine

            engine = stack.enter_context(spark_engine(con=con))
        else:
            raise ValueError(f"Onbekende motor {motor!r}; kies uit {', '.join(MOTOREN)}.")
        token = _ACTIVE.set((con, engine))
        try:
            yield engine
        finally:
            _ACTIVE.reset(token)
