"""DuckDB and Spark (Sail) side by side: indicators, chain quality and stacking.

    python benchmarks/engines.py   # BENCH_ENGINE_GEMEENTEN=1,4,12 BENCH_ENGINE_INWONERS=100000
                                   # BENCH_ENGINE_MAANDEN=36 (the defaults)

For each region size: generate the municipalities (once, cached in ``benchmarks/data/``),
load them into one warehouse, then compute every indicator, every chain-quality case and
stacking for the last year once per engine, each engine in its own process so its peak
memory (max RSS; Sail runs inside that process) and CPU seconds are its own:

* ``duckdb``: on the warehouse (``BENCH_ENGINE_WARM=1`` adds a warm second run);
* ``spark``: export to Parquet, start Sail, read the export, compute (all reported, split);
* ``spark-jvm`` (only when named in ``BENCH_ENGINE_MOTOREN``): the same on Apache Spark 4.0
  in local mode (Java 17).

The results are checked equal (1e-9). Results go to ``benchmarks/engines.json`` after every
size; the scaling note in docs/schaal.md quotes them.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
COUNTS = tuple(int(s) for s in os.environ.get("BENCH_ENGINE_GEMEENTEN", "1,4,12").split(","))
SIZE = int(os.environ.get("BENCH_ENGINE_INWONERS", "100000"))
MONTHS = int(os.environ.get("BENCH_ENGINE_MAANDEN", "36"))
MOTORS = tuple(os.environ.get("BENCH_ENGINE_MOTOREN", "duckdb,spark").split(","))
KEY = b"benchmark-key-" * 3
WARM = os.environ.get("BENCH_ENGINE_WARM", "0") == "1"
# DuckDB takes up to 80% of RAM as buffer by default; on a shared machine that is a neighbour's
MEMORY = os.environ.get("BENCH_ENGINE_GEHEUGEN", "6GB")
# Keep an engine's results of an earlier run of the same size (after a failed later step)
REUSE = os.environ.get("BENCH_ENGINE_HERGEBRUIK", "0") == "1"


class LoadSampler:
    """The machine's 1-minute load average every few seconds while a part runs: on a shared
    machine wall times only mean something next to how busy the machine was."""

    def __init__(self, every: float = 5.0) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)

    def _run(self, every: float) -> None:
        while not self._stop.wait(every):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadSampler:
        self.samples.append(os.getloadavg()[0])
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


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


def _compute(
    engine: object, timings: dict[str, float], prefix: str = ""
) -> dict[str, pd.DataFrame]:
    """Indicators, chain quality and stacking on ``engine``; seconds per part in ``timings``."""
    from stuurdata.analysis import stacking
    from stuurdata.analysis.base import last_year
    from stuurdata.indicators import compute_indicators
    from stuurdata.quality import load_measures
    from stuurdata.quality.monitor import cases, window

    out: dict[str, pd.DataFrame] = {}
    # CPU seconds of the whole process per part (Sail's threads run inside it)
    start, cpu = time.perf_counter(), time.process_time()
    out["indicatoren"] = compute_indicators(engine)  # type: ignore[arg-type]
    timings[f"{prefix}indicatoren_s"] = time.perf_counter() - start
    timings[f"{prefix}indicatoren_cpu_s"] = time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    vanaf, peil = window(engine)  # type: ignore[arg-type]
    kw = cases(engine, load_measures(), vanaf, peil).to_pandas()  # type: ignore[arg-type]
    out["kwaliteit"] = kw.sort_values(list(kw.columns), ignore_index=True)
    timings[f"{prefix}kwaliteit_s"] = time.perf_counter() - start
    timings[f"{prefix}kwaliteit_cpu_s"] = time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    result = stacking(engine, last_year(date(peil.year, peil.month, 1)))  # type: ignore[arg-type]
    timings[f"{prefix}stapeling_s"] = time.perf_counter() - start
    timings[f"{prefix}stapeling_cpu_s"] = time.process_time() - cpu
    out["stapeling"] = pd.concat(
        [result.combinaties.astype(str), result.per_wijk.astype(str)], ignore_index=True
    )
    return out


PARTS = ("indicatoren", "kwaliteit", "stapeling")


def one(motor: str, pakhuis: Path, out: Path) -> None:
    """Child process: compute on ``motor``, write the frames and the timings."""
    from stuurdata.engine.base import DuckDBEngine
    from stuurdata.engine.spark import spark_engine
    from stuurdata.exchange.parquet import export_parquet

    con = duckdb.connect(str(pakhuis), read_only=True)
    con.execute(f"SET memory_limit = '{MEMORY}'")
    timings: dict[str, float] = {}
    sampler = LoadSampler()
    if motor == "duckdb":
        engine = DuckDBEngine(con)
        if WARM:  # a first run compiles the SQL; the second is what a running service sees
            _compute(engine, timings, prefix="koud_")
        with sampler:
            frames = _compute(engine, timings)
    else:
        export = out.with_suffix(".export")
        start = time.perf_counter()
        export_parquet(con, export)
        timings["export_s"] = time.perf_counter() - start
        # Sail runs in this process: the same cap as DuckDB, as its memory pool
        os.environ.setdefault("STUURDATA_GEHEUGEN", MEMORY)
        start = time.perf_counter()
        url = "local" if motor == "spark-jvm" else None
        with spark_engine(export=export, url=url) as spark:
            timings["start_s"] = time.perf_counter() - start
            with sampler:
                frames = _compute(spark, timings)
    con.close()
    timings["load_gem"] = sum(sampler.samples) / len(sampler.samples)
    timings["load_max"] = max(sampler.samples)
    timings["rekenen_s"] = sum(timings[f"{p}_s"] for p in PARTS)
    timings["rekenen_cpu_s"] = sum(timings[f"{p}_cpu_s"] for p in PARTS)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    timings["piek_mb"] = usage.ru_maxrss / 1024
    # CPU seconds of the whole process (Sail's threads included): on a shared machine the
    # cost that carries over to a cluster, where wall time depends on the neighbours' load
    timings["cpu_s"] = usage.ru_utime + usage.ru_stime
    for part, frame in frames.items():
        frame.to_parquet(out.with_suffix(f".{part}.parquet"))
    out.with_suffix(".json").write_text(json.dumps(timings))


def rows_behind(pakhuis: Path) -> dict[str, int]:
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        return {
            t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
            for t in ("bericht", "verblijf", "declaratie", "toewijzing")
        }
    finally:
        con.close()


def compare(count: int | str, pakhuis: Path, motors: tuple[str, ...] = MOTORS) -> dict[str, object]:
    """Run every engine in its own process on ``pakhuis``; check equal; timings and ratios."""
    row: dict[str, object] = {"rijen": rows_behind(pakhuis)}
    frames: dict[str, dict[str, pd.DataFrame]] = {}
    for motor in motors:
        out = DATA / f"engines_{count}_{motor}.parquet"
        if not (REUSE and out.with_suffix(".json").exists()):  # a run cut short goes on
            subprocess.run(
                [sys.executable, __file__, "--een", motor, str(pakhuis), str(out)], check=True
            )
        row[motor] = json.loads(out.with_suffix(".json").read_text())
        frames[motor] = {p: pd.read_parquet(out.with_suffix(f".{p}.parquet")) for p in PARTS}
    duck = row["duckdb"]
    row["waarden"] = len(frames["duckdb"]["indicatoren"])
    row["kwaliteit_gevallen"] = len(frames["duckdb"]["kwaliteit"])
    for motor in motors[1:]:
        for part in PARTS:
            pd.testing.assert_frame_equal(
                frames[motor][part], frames["duckdb"][part], check_exact=False, rtol=0, atol=1e-9
            )
            ratio = row[motor][f"{part}_s"] / duck[f"{part}_s"]  # type: ignore[index]
            row[f"{motor}_vs_duckdb_{part}"] = ratio
        row[f"{motor}_vs_duckdb_rekenen"] = row[motor]["rekenen_s"] / duck["rekenen_s"]  # type: ignore[index]
        row[f"{motor}_vs_duckdb_rekenen_cpu"] = (
            row[motor]["rekenen_cpu_s"] / duck["rekenen_cpu_s"]  # type: ignore[index]
        )
    return row


def main() -> int:
    DATA.mkdir(exist_ok=True)
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count()},
        "inwoners_per_gemeente": SIZE,
        "maanden": MONTHS,
        "regio": {},
    }
    for count in COUNTS:
        row = compare(count, region(count))
        results["regio"][str(count)] = row  # type: ignore[index]
        print(f"{count} gemeente(n) x {SIZE:,} inwoners: {json.dumps(row)}", flush=True)
        name = os.environ.get("BENCH_ENGINE_UIT", "engines.json")
        (HERE / name).write_text(json.dumps(results, indent=2) + "\n")  # after every size
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--een":
        one(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        sys.exit(0)
    sys.exit(main())
