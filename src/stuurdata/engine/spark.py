"""Spark as an engine, over Spark Connect, reading the Parquet exchange format.

Which Spark:

* ``STUURDATA_SPARK=sc://host:port``: an existing cluster (Spark Connect 4.0). The cluster
  reads the export folder itself, so that folder must be on storage the cluster sees
  (``STUURDATA_SPARK_MAP``, e.g. a shared disk or an object store path).
* ``STUURDATA_SPARK=local``: Apache Spark 4.0 in local mode on this machine (Java 17; the
  full ``pyspark`` package carries the jars), started for the run.
* not set: Sail (``pysail``), a Spark Connect server written in Rust without a JVM, started
  for the run on a free port of 127.0.0.1 and stopped after it.

The canonical tables come from a Parquet export (``stuurdata.exchange``): either one given
(a region or the country as a set of exports) or one written from the warehouse for the run.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from stuurdata.engine import SparkError
from stuurdata.engine.base import HelperMaker
from stuurdata.exchange.parquet import exported_columns, read_manifest, table_files
from stuurdata.warehouse.database import memory_limit
from stuurdata.warehouse.schema import TABLES

if TYPE_CHECKING:
    import duckdb
    from pyspark.sql import DataFrame, SparkSession

ENV_SPARK = "STUURDATA_SPARK"
ENV_SPARK_MAP = "STUURDATA_SPARK_MAP"
_SPARK_TYPES = {
    "VARCHAR": "STRING",
    "BIGINT": "BIGINT",
    "INTEGER": "INT",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP_NTZ",
}


def spark_schema(table: str) -> str:
    """The exported columns of ``table`` as a Spark DDL schema string."""
    return ", ".join(f"{c} {_SPARK_TYPES[t]}" for c, t in exported_columns(table).items())


@contextmanager
def spark_session(url: str | None = None) -> Iterator[SparkSession]:
    """A Spark Connect session for one run (see the module docstring for which Spark)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkError(
            "pyspark is niet geïnstalleerd; installeer stuurdata met de extra 'spark' "
            "(pip install 'stuurdata[spark]')."
        ) from None

    url = url if url is not None else os.environ.get(ENV_SPARK) or None
    own = url is None or url == "local"
    # A local Apache Spark sets an authentication token in the environment and leaves it
    # there after stop(); a later session would then send it (and ask for TLS) to a server
    # that has none, and retry for ever. Put the environment back as it was.
    token_before = os.environ.get(_TOKEN)
    with ExitStack() as stack:
        stack.callback(_restore, _TOKEN, token_before)
        if url is None:
            url = stack.enter_context(_sail())
        elif url == "local":
            url = "local[*]"
            # The JVM and its Connect server outlive stop() in this process: a second local
            # run must send the token the server was started with, not a new one.
            if _LOCAL_TOKEN:
                os.environ[_TOKEN] = _LOCAL_TOKEN[0]
        if url.startswith("sc://"):
            _reachable(url)
        try:
            session = SparkSession.builder.remote(url).getOrCreate()
            if url.startswith("local") and not _LOCAL_TOKEN and os.environ.get(_TOKEN):
                _LOCAL_TOKEN.append(os.environ[_TOKEN])
            if own:  # on a small machine 200 shuffle partitions cost more than they share
                session.conf.set("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 1)))
        except Exception as exc:
            local = url.startswith("local")  # one local Spark per machine: port 15002
            hint = " Draait er al een lokale Spark (poort 15002)?" if local else ""
            raise SparkError(f"Spark ({url}) start niet of antwoordt niet: {exc}.{hint}") from None
        try:
            yield session
        finally:
            session.stop()


_TOKEN = "SPARK_CONNECT_AUTHENTICATE_TOKEN"  # noqa: S105 (the variable's name, not a secret)
_LOCAL_TOKEN: list[str] = []  # the token of this process's local Apache Spark, once started


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def _reachable(url: str, timeout: float = 10.0) -> None:
    """Fail fast when nothing listens at ``url`` (the Connect client retries for minutes)."""
    parsed = urlparse(url)
    host, port = parsed.hostname or "localhost", parsed.port or 15002
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise SparkError(
            f"Spark op {host}:{port} is niet bereikbaar ({exc.strerror or exc}). "
            f"Controleer {ENV_SPARK}, of laat hem leeg voor een eigen Sail-server."
        ) from None


_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_UNITS.update({"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40})


@contextmanager
def _sail_memory_cap() -> Iterator[None]:
    """Give the Sail server started inside this block the cap of ``STUURDATA_GEHEUGEN``.

    Sail runs inside this process and its default memory pool is unbounded: at 4 x 100,000
    inhabitants it took 7.2 GB. Under a fair pool its joins, sorts and aggregations spill to
    disk instead. Sail reads its settings from the environment when the server is created; they
    are put back afterwards, so a later server follows the cap of its own moment. An
    explicit ``SAIL_RUNTIME__MEMORY_POOL__*`` setting wins.
    """
    limit = memory_limit()
    if limit is None:
        yield
        return
    number, unit = re.fullmatch(r"([\d.]+)\s*([A-Za-z]+)", limit).groups()  # type: ignore[union-attr]
    wanted = {
        "SAIL_RUNTIME__MEMORY_POOL__TYPE": "fair",
        "SAIL_RUNTIME__MEMORY_POOL__FAIR__MAX_SIZE": str(int(float(number) * _UNITS[unit.upper()])),
    }
    added = [name for name in wanted if name not in os.environ]
    os.environ.update({name: wanted[name] for name in added})
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


@contextmanager
def _sail() -> Iterator[str]:
    """Start a Sail Spark Connect server on a free local port; yield its sc:// address."""
    os.environ.setdefault("RUST_LOG", "error")  # Sail logs every session and no-op cache
    try:
        from pysail.spark import SparkConnectServer
    except ImportError:
        raise SparkError(
            "Sail (pysail) is niet geïnstalleerd; installeer stuurdata met de extra 'spark' "
            f"(pip install 'stuurdata[spark]') of zet {ENV_SPARK} op het adres van een "
            "Spark Connect-server."
        ) from None
    with _sail_memory_cap():
        server = SparkConnectServer("127.0.0.1", 0)
    server.start(background=True)
    try:
        host, port = server.listening_address
        yield f"sc://{host}:{port}"
    finally:
        server.stop()


class SparkEngine:
    """The canonical tables of a Parquet export as temporary views in a Spark session.

    ``scratch``: a folder the Spark server can write and read. Helper tables computed from
    the data (the person areas, the residents, the allocations with their effective end)
    are then written there as Parquet once and read back by every query; without it they
    are ``cache()``d, which Apache Spark honours but Sail ignores (there every indicator
    query would compute the person areas again).
    """

    naam = "spark"
    _sql_cache: dict[str, str] = {}  # noqa: RUF012 - shared on purpose: one per process

    def __init__(self, session: SparkSession, export: Path, scratch: Path | None = None) -> None:
        self.session = session
        self.scratch = scratch
        self.backend = ibis.pyspark.connect(session)
        manifest = read_manifest(export)
        self.tables: dict[str, ir.Table] = {}
        for table in TABLES:
            files = table_files(export, manifest, table)
            frame = (
                session.read.parquet(*[str(f) for f in files])
                if files
                else session.createDataFrame([], spark_schema(table))
            )
            frame.select(*exported_columns(table)).createOrReplaceTempView(table)
            self.tables[table] = self.backend.table(table)

    @contextmanager
    def helpers(self) -> Iterator[HelperMaker]:
        made: list[DataFrame] = []

        def make(name: str, data: pa.Table | ir.Table) -> ir.Table:
            if isinstance(data, pa.Table):  # small, made in Python: sent with the plan
                frame = self.session.createDataFrame(data)
            elif self.scratch is not None:  # computed once, read by every query after
                path = str(self.scratch / f"{name}-{uuid.uuid4().hex}")
                self.session.sql(self._compile(data)).write.parquet(path)
                frame = self.session.read.parquet(path)
            else:
                frame = self.session.sql(self._compile(data)).cache()
                made.append(frame)
            frame.createOrReplaceTempView(name)
            return self.backend.table(name)

        try:
            yield make
        finally:
            for frame in made:
                frame.unpersist()

    def _compile(self, expr: ir.Table) -> str:
        return str(self.backend.compile(expr))

    def prepare(self, expr: ir.Table, key: str) -> None:
        """Compile ``expr`` into the cache under ``key``: pure Python, so the caller's
        thread compiles the next query while Spark runs this one (as on DuckDB)."""
        if key not in self._sql_cache:
            self._sql_cache[key] = self._compile(expr)

    def execute(self, expr: ir.Table, key: str | None = None) -> pa.Table:
        """Run ``expr``; the result is converted exactly as Ibis's ``to_pyarrow`` does."""
        from ibis.backends.pyspark.converter import PySparkPandasData
        from ibis.formats.pyarrow import PyArrowData

        if key is None:
            sql = self._compile(expr)
        else:
            self.prepare(expr, key)
            sql = self._sql_cache[key]
        self.backend._run_pre_execute_hooks(expr)  # in-memory tables, as Ibis does
        table = expr.as_table()
        schema = table.schema()
        frame = PySparkPandasData.convert_table(self.session.sql(sql).toPandas(), schema)
        result = pa.Table.from_pandas(table.__pandas_result__(frame), preserve_index=False)
        return PyArrowData.convert_table(result, schema)


@contextmanager
def spark_engine(
    *,
    export: Path | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    url: str | None = None,
) -> Iterator[SparkEngine]:
    """A Spark engine over ``export``, or over a fresh export of the warehouse ``con``.

    The fresh export goes to a temporary folder (under ``STUURDATA_SPARK_MAP`` when set, so a
    cluster can read it) and is removed after the run. The helper tables are written to
    that folder too (``SparkEngine.scratch``) when the server can see it: a Spark started
    here, or a cluster with ``STUURDATA_SPARK_MAP``; otherwise they are cached.
    """
    from stuurdata.exchange.parquet import export_parquet

    if export is None and con is None:
        raise ValueError("spark_engine needs an export folder or a warehouse")
    with ExitStack() as stack:
        session = stack.enter_context(spark_session(url))  # first: fail before exporting
        base = os.environ.get(ENV_SPARK_MAP) or None
        if base is not None:
            Path(base).mkdir(parents=True, exist_ok=True)
        tmp: Any = stack.enter_context(
            tempfile.TemporaryDirectory(prefix="stuurdata-spark-", dir=base)
        )
        if export is None:
            assert con is not None
            export = Path(tmp) / "export"
            export_parquet(con, export)
        chosen = url if url is not None else os.environ.get(ENV_SPARK) or None
        visible = base is not None or chosen is None or chosen == "local"
        yield SparkEngine(session, export, Path(tmp) / "hulp" if visible else None)
