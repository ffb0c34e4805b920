"""Benchmark (``make bench`` extra): DuckDB and Spark (Sail) on the benchmark warehouse.

Indicators, chain quality and stacking, each engine in its own process (see
``engines.py``, which also runs the 1/4/12 x 100,000-inhabitant regions); the results are
checked equal, the ratios go into ``results.json``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(pakhuis: Path) -> dict[str, float]:
    """Seconds per engine and part, and Sail / DuckDB per part."""
    spec = importlib.util.spec_from_file_location("engines", HERE / "engines.py")
    assert spec and spec.loader
    engines = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(engines)
    engines.DATA.mkdir(exist_ok=True)
    row = engines.compare(f"extra_{pakhuis.stem}", pakhuis, ("duckdb", "spark"))
    out: dict[str, float] = {}
    for motor in ("duckdb", "spark"):
        for part in (*engines.PARTS, "rekenen"):
            out[f"{motor}_{part}_s"] = round(row[motor][f"{part}_s"], 3)
        out[f"{motor}_piek_mb"] = round(row[motor]["piek_mb"], 1)
    for part in (*engines.PARTS, "rekenen"):
        out[f"sail_vs_duckdb_{part}"] = round(row[f"spark_vs_duckdb_{part}"], 3)
    return out


if __name__ == "__main__":
    print(run(Path(sys.argv[1])))
