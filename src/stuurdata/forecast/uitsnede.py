"""Parts of the warehouse the forecasts run on: one gemeente of a region, or an earlier date.

The forecasts read the canonical tables by name (``declaratie``, ``toewijzing``, ...), so a
part is an in-memory DuckDB database holding those tables, filtered: the forecast code runs
on it unchanged. Forecasts of one gemeente never see another gemeente's claims, allocations
or inhabitants; a projection replayed at an earlier date sees only what had arrived then.
"""

from __future__ import annotations

from datetime import date

import duckdb

# The tables the forecasts read, and the filter that keeps one gemeente's rows.
_OF_GEMEENTE = {
    "declaratie": "gemeentecode = $g",
    "toewijzing": "gemeentecode = $g",
    "verblijf": "gemeentecode = $g",
    "persoon": "persoon_id IN (SELECT persoon_id FROM verblijf WHERE gemeentecode = $g)"
    " OR persoon_id IN (SELECT persoon_id FROM toewijzing WHERE gemeentecode = $g)",
    "gebied": "substr(gebiedscode, 3, 4) = substr($g, 3, 4)",
    "bericht": "true",  # only its newest dagtekening is read (the end of the data)
}


def _copy(
    con: duckdb.DuckDBPyConnection, parts: dict[str, str], params: dict[str, object]
) -> duckdb.DuckDBPyConnection:
    mem = duckdb.connect()
    for table, condition in parts.items():
        columns = "dagtekening" if table == "bericht" else "*"
        # As Arrow, not pandas: the column types stay (pandas made dates timestamps) and a
        # copy costs a fraction of the time and memory.
        rows = con.sql(
            f"SELECT {columns} FROM {table} WHERE {condition}",
            params={k: v for k, v in params.items() if f"${k}" in condition},
        ).to_arrow_table()
        mem.register("_deel", rows)
        mem.execute(f"CREATE TABLE {table} AS SELECT * FROM _deel")
        mem.unregister("_deel")
    return mem


def one_gemeente(con: duckdb.DuckDBPyConnection, gemeente: str) -> duckdb.DuckDBPyConnection:
    """An in-memory copy of what the forecasts read, for ``gemeente`` alone."""
    return _copy(con, _OF_GEMEENTE, {"g": gemeente})


def cut_warehouse(con: duckdb.DuckDBPyConnection, tot: date) -> duckdb.DuckDBPyConnection:
    """An in-memory copy of the claims and allocations the warehouse held before ``tot``."""
    parts = {
        "declaratie": "dagtekening < $tot",
        "toewijzing": "coalesce(eerste_dagtekening, toewijzingsdatum, dagtekening) < $tot",
    }
    return _copy(con, parts, {"tot": tot})
