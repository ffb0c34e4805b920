"""The hand-written DuckDB SQL floor for the indicators (``sql_floor.sql``), side by side.

``run(con)`` executes the script on a warehouse connection and returns its rows in the
indicator frame's shape; ``compare(con)`` times it against ``compute_indicators`` for the
same indicator ids, checks that both give the same rows and values, and returns the
figures for ``results.json``. Alone: ``python benchmarks/sql_floor.py PAKHUIS.duckdb``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

from stuurdata.indicators import compute_indicators

SCRIPT = Path(__file__).resolve().parent / "sql_floor.sql"
IDS = [
    f"{name}_{wet}"
    for wet in ("wmo", "jeugd")
    for name in (
        "clienten",
        "clienten_per_1000",
        "instroom",
        "wachttijd_verzoek_toewijzing_mediaan",
        "wachttijd_verzoek_toewijzing_p90",
        "kosten_per_client",
    )
]
KEYS = ["indicator", "niveau", "gebiedscode", "periodesoort", "periode", "categorie"]
VALUES = ["teller", "noemer", "waarde", "n"]


def run(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The floor's rows (indicator, keys, teller, noemer, waarde, n, ladingen)."""
    con.execute(SCRIPT.read_text())  # every statement, in order
    return con.execute("SELECT * FROM f_result").df()


def differences(ours: pd.DataFrame, floor: pd.DataFrame) -> int:
    """Rows present on one side only, or with a different value or lineage."""
    merged = ours[[*KEYS, *VALUES, "ladingen"]].merge(
        floor, on=KEYS, suffixes=("", "_sql"), how="outer", indicator=True
    )
    bad = merged["_merge"] != "both"
    for column in VALUES:
        a, b = merged[column].astype("float64"), merged[f"{column}_sql"].astype("float64")
        bad |= ~(((a - b).abs() < 1e-6) | (a.isna() & b.isna()))
    bad |= merged["ladingen"].fillna("") != merged["ladingen_sql"].fillna("")
    return int(bad.sum())


def compare(con: duckdb.DuckDBPyConnection, repeats: int = 3) -> dict[str, float]:
    """Best-of-``repeats`` seconds of the library and of the floor, and whether they agree."""
    t_ours, t_floor, c_ours, c_floor = [], [], [], []
    ours = floor = pd.DataFrame()
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        ours = compute_indicators(con, IDS)
        t_ours.append(time.perf_counter() - start)
        c_ours.append(time.process_time() - cpu)
        start, cpu = time.perf_counter(), time.process_time()
        floor = run(con)
        t_floor.append(time.perf_counter() - start)
        c_floor.append(time.process_time() - cpu)
    diff = differences(ours, floor)
    return {
        "sql_indicatoren_s": min(t_ours),
        "sql_vloer_s": min(t_floor),
        "indicatoren_vs_sql_vloer": min(t_ours) / min(t_floor),
        "indicatoren_vs_sql_vloer_cpu": min(c_ours) / min(c_floor),
        "sql_vloer_waarden": float(len(floor)),
        "sql_vloer_verschillen": float(diff),
    }


if __name__ == "__main__":
    connection = duckdb.connect(sys.argv[1], read_only=True)
    figures = compare(connection)
    for key, value in figures.items():
        print(f"{key}: {value:.3f}")
