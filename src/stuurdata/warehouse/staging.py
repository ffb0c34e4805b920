"""Staging of reader output: columnar Arrow batches built where the reading happens.

Readers produce Python rows; turning them into typed Arrow columns is done in the same
(worker) process that read them, so the loading process only appends ready batches to TEMP
tables. Row positions are local to a batch: ``unit_seq`` counts units and ``lading_id``
counts files within the batch, and the stager shifts both to their global values.
"""

from __future__ import annotations

import operator

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from stuurdata.sources.records import Unit
from stuurdata.warehouse.schema import STAGED, column_types

_ARROW = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "TIMESTAMP": pa.timestamp("us"),
}
_UNIT_COLUMNS = {
    "unit_seq": "BIGINT",
    "unit_key": "VARCHAR",
    "kind": "VARCHAR",
    "lading_id": "BIGINT",
    "bestand": "VARCHAR",
    "positie": "VARCHAR",
    "afzender": "VARCHAR",
    "berichttype": "VARCHAR",
}


def _staged_columns(table: str) -> dict[str, str]:
    """Staged columns: the canonical ones without lineage, then ``unit_seq`` and ``lading_id``."""
    if table == "unit":
        return dict(_UNIT_COLUMNS)
    cols = column_types(table)
    cols.pop("lading_id", None)
    return {**cols, "unit_seq": "BIGINT", "lading_id": "BIGINT"}


def _schema(cols: dict[str, str]) -> pa.Schema:
    return pa.schema([(name, _ARROW[sql]) for name, sql in cols.items()])


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a canonical table, for typed batch inserts."""
    return _schema(column_types(table))


_TABLES = ("unit", *STAGED)
_COLUMNS = {t: _staged_columns(t) for t in _TABLES}
_SCHEMAS = {t: _schema(c) for t, c in _COLUMNS.items()}


class BatchBuilder:
    """Row tuples of one batch of units (one worker chunk), turned into columns at the end."""

    def __init__(self) -> None:
        self.units = 0
        self._rows: dict[str, list[tuple[object, ...]]] = {t: [] for t in _COLUMNS}
        # Readers give every column (records.py); the last two are set here.
        self._getters = {
            t: operator.itemgetter(*list(cols)[:-2]) for t, cols in _COLUMNS.items() if t != "unit"
        }

    def add(self, unit: Unit, file_index: int, bestand: str) -> None:
        """Append a unit and its rows; ``file_index`` is the file's position in the batch."""
        seq = self.units
        self.units += 1
        self._rows["unit"].append(
            (
                seq,
                unit.key,
                unit.kind,
                file_index,
                bestand,
                unit.position,
                unit.afzender,
                unit.berichttype,
            )
        )
        for table, rows in unit.rows.items():
            getter, out = self._getters[table], self._rows[table]
            for row in rows:
                try:
                    values = getter(row)
                except KeyError:
                    values = tuple(row.get(c) for c in list(_COLUMNS[table])[:-2])
                out.append((*values, seq, file_index))

    def batches(self) -> dict[str, pa.RecordBatch]:
        """Typed Arrow batches of every table that received rows."""
        out = {}
        for table, rows in self._rows.items():
            if rows:
                schema = _SCHEMAS[table]
                arrays = [
                    pa.array(column, type=field.type)
                    for column, field in zip(zip(*rows, strict=True), schema, strict=True)
                ]
                out[table] = pa.RecordBatch.from_arrays(arrays, schema=schema)
        return out


class Stager:
    """The TEMP tables ``stg_unit`` and ``stg_<table>`` of one load, filled batch by batch.

    Batches are collected and appended in large groups: each INSERT has a fixed cost that
    would dominate with one small batch per worker chunk.
    """

    FLUSH_ROWS = 200_000

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.units = 0
        self._pending: dict[str, list[pa.RecordBatch]] = {t: [] for t in _COLUMNS}
        self._rows = 0
        for table, cols in _COLUMNS.items():
            ddl = ", ".join(f"{n} {t}" for n, t in cols.items())
            con.execute(f"CREATE OR REPLACE TEMP TABLE stg_{table} ({ddl})")

    def insert(self, batches: dict[str, pa.RecordBatch], units: int, first_lading: int) -> None:
        """Queue one builder's batches, shifting unit and file positions to global ids."""
        for table, batch in batches.items():
            shifted = batch.set_column(
                batch.schema.get_field_index("unit_seq"),
                "unit_seq",
                pc.add(batch.column("unit_seq"), self.units),
            ).set_column(
                batch.schema.get_field_index("lading_id"),
                "lading_id",
                pc.add(batch.column("lading_id"), first_lading),
            )
            self._pending[table].append(shifted)
            self._rows += shifted.num_rows
        self.units += units
        if self._rows >= self.FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Append everything queued to the TEMP tables."""
        for table, batches in self._pending.items():
            if batches:
                # One contiguous batch per column: DuckDB's Arrow scan pays per batch, and a
                # group holds one small batch per worker chunk (-1/3 CPU for the insert).
                grouped = pa.Table.from_batches(batches).combine_chunks()  # noqa: F841
                self.con.execute(f"INSERT INTO stg_{table} SELECT * FROM grouped")
                batches.clear()
        self._rows = 0
