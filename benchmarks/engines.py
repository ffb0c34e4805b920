"""DuckDB and Spark (Sail) side by side: the full indicator set on 1 and N municipalities.

    python benchmarks/engines.py            # BENCH_ENGINE_GEMEENTEN=1,4 BENCH_ENGINE_INWONERS=20000

For each region size: generate the municipalities (cached in ``benchmarks/data/``), load
them into one warehouse, then compute every indicator once per engine, each engine in its
own process so its peak memory (max RSS, Sail runs inside that process) is its own:

* ``duckdb``: ``compute_indicators`` on the warehouse (a first run compiles the SQL; the
  second, warm run is reported, as a long-running installation sees it);
* ``spark``: export to Parquet, start Sail, read the export, compute (all reported, split);
* ``spark-jvm`` (only when named in ``BENCH_ENGINE_MOTOREN``): the same on Apache Spark 4.0
  in local mode (Java 17).

The two results are checked equal. Results go to ``benchmarks/engines.json``; the scaling
note in docs/schaal.md quotes them.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
COUNTS = tuple(int(s) for s in os.environ.get("BENCH_ENGINE_GEMEENTEN", "1,4").split(","))
SIZE = int(os.environ.get("BENCH_ENGINE_INWONERS", "20000"))
MONTHS = int(os.environ.get("BENCH_ENGINE_MAANDEN", "12"))
MOTORS = tuple(os.environ.get("BENCH_ENGINE_MOTOREN", "duckdb,spark").split(","))
KEY = b"benchmark-key-" * 3


def region(count: int) -> Path:
    """A warehouse with ``count`` generated municipalities (built once)."""
    from stuurdata.privacy.pseudonym import Pseudonymiser
    from stuurdata.synth import generate
    from stuurdata.warehouse.load import load_sources

    pakhuis = DATA / f"regio_{count}x{SIZE}_{MONTHS}.duckdb"
    if pakhuis.exists():
        return pakhuis
    folders = []
    for i in range(count):
        folder = DATA / f"gm99{i + 1:02d}_{SIZE}_{MONTHS}"
        if not (folder / "waarheid" / "waarheid.json").exists():
            generate(
                folder,
                inwoners=SIZE,
                maanden=MONTHS,
                zaad=11 + i,
                gemeentecode=f"GM99{i + 1:02d}",
                naam=f"Benchstad {i + 1}",
                tot=date(2025, 12, 1),
            )
        folders.append(folder / "bronnen")
    load_sources(folders, pakhuis, Pseudonymiser(KEY))
    return pakhuis


def one(motor: str, pakhuis: Path, out: Path) -> None:
    """Child process: compute on ``motor``, write the frame and the timings."""
    from stuurdata.engine.spark import spark_engine
    from stuurdata.exchange.parquet import export_parquet
    from stuurdata.indicators import compute_indicators

    con = duckdb.connect(str(pakhuis), read_only=True)
    timings: dict[str, float] = {}
    if motor == "duckdb":
        start = time.perf_counter()
        compute_indicators(con)
        timings["koud_s"] = time.perf_counter() - start
        start = time.perf_counter()
        frame = compute_indicators(con)
        timings["rekenen_s"] = time.perf_counter() - start
    else:
        export = out.with_suffix(".export")
        start = time.perf_counter()
        export_parquet(con, export)
        timings["export_s"] = time.perf_counter() - start
        start = time.perf_counter()
        url = "local" if motor == "spark-jvm" else None
        with spark_engine(export=export, url=url) as engine:
            timings["start_s"] = time.perf_counter() - start
            start = time.perf_counter()
            frame = compute_indicators(engine)
            timings["rekenen_s"] = time.perf_counter() - start
    con.close()
    timings["piek_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    frame.to_parquet(out)
    out.with_suffix(".json").write_text(json.dumps(timings))


def main() -> int:
    DATA.mkdir(exist_ok=True)
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count()},
        "inwoners_per_gemeente": SIZE,
        "maanden": MONTHS,
        "regio": {},
    }
    for count in COUNTS:
        pakhuis = region(count)
        row: dict[str, object] = {}
        frames = {}
        for motor in MOTORS:
            out = DATA / f"engines_{count}_{motor}.parquet"
            subprocess.run(
                [sys.executable, __file__, "--een", motor, str(pakhuis), str(out)], check=True
            )
            row[motor] = json.loads(out.with_suffix(".json").read_text())
            frames[motor] = pd.read_parquet(out)
        duck = row["duckdb"]
        row["waarden"] = len(frames["duckdb"])
        for motor in MOTORS[1:]:
            pd.testing.assert_frame_equal(frames[motor], frames["duckdb"], rtol=0, atol=1e-9)
            ratio = row[motor]["rekenen_s"] / duck["rekenen_s"]  # type: ignore[index]
            row[f"{motor}_vs_duckdb_rekenen"] = ratio
        results["regio"][str(count)] = row  # type: ignore[index]
        print(f"{count} gemeente(n) x {SIZE:,} inwoners: {json.dumps(row)}", flush=True)
    name = os.environ.get("BENCH_ENGINE_UIT", "engines.json")
    (HERE / name).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--een":
        one(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        sys.exit(0)
    sys.exit(main())
