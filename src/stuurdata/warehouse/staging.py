"""Staging of reader output in temporary tables, in Arrow batches.

Readers produce Python rows; inserting them one by one would dominate a load. The stager
buffers rows per table and hands DuckDB an Arrow table per batch, typed from the canonical
DDL so that empty columns and dates arrive with the right types.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from stuurdata.sources.records import Row, Unit
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
    cols = column_types(table)
    cols["unit_seq"] = "BIGINT"
    cols.setdefault("lading_id", "BIGINT")
    return cols


def _schema(cols: dict[str, str]) -> pa.Schema:
    return pa.schema([(name, _ARROW[sql]) for name, sql in cols.items()])


class Stager:
    """Collects units of one load into TEMP tables ``stg_unit`` and ``stg_<table>``."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.seq = 0
        self.pending = 0
        self._cols = {t: _staged_columns(t) for t in STAGED}
        self._cols["unit"] = dict(_UNIT_COLUMNS)
        self._schemas = {t: _schema(c) for t, c in self._cols.items()}
        self._buffers: dict[str, list[Row]] = {t: [] for t in self._cols}
        for table, cols in self._cols.items():
            ddl = ", ".join(f"{n} {t}" for n, t in cols.items())
            con.execute(f"CREATE OR REPLACE TEMP TABLE stg_{table} ({ddl})")

    def add(self, unit: Unit, lading_id: int, bestand: str) -> None:
        """Buffer one unit and its rows; call ``flush`` when ``pending`` grows large."""
        self.seq += 1
        self._buffers["unit"].append(
            {
                "unit_seq": self.seq,
                "unit_key": unit.key,
                "kind": unit.kind,
                "lading_id": lading_id,
                "bestand": bestand,
                "positie": unit.position,
                "afzender": unit.afzender,
                "berichttype": unit.berichttype,
            }
        )
        for table, rows in unit.rows.items():
            buffer = self._buffers[table]
            for row in rows:
                buffer.append({**row, "unit_seq": self.seq, "lading_id": lading_id})
            self.pending += len(rows)

    def flush(self) -> None:
        """Move all buffered rows into the TEMP tables."""
        for table, rows in self._buffers.items():
            if not rows:
                continue
            batch = pa.Table.from_pylist(rows, schema=self._schemas[table])  # noqa: F841
            self.con.execute(f"INSERT INTO stg_{table} SELECT * FROM batch")
            rows.clear()
        self.pending = 0
