"""Where the ingest's CPU goes, per phase, at one size (issue 18, goal 3).

``groei.py`` times whole steps; this runs ``load_sources`` once in this process with the
main process's phases timed by name (staging, classification, the merge, the
``lading`` rows) and the reader processes' CPU apart (they are this process's children),
so two sizes can be compared phase by phase::

    PYTHONPATH=src python benchmarks/groei_fasen.py 100000 > fasen_100000.json
    PYTHONPATH=src python benchmarks/groei_fasen.py 400000 > fasen_400000.json

The town must exist in ``benchmarks/data/`` (``groei.py`` makes it); the warehouse is a
fresh one in ``benchmarks/data/fasen_<size>.duckdb``. ``main_rest`` is the main process's
CPU outside the named phases: receiving the readers' chunks and counting files (with
``STUURDATA_WERKERS=1`` also the reading itself).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.warehouse import integrity, load, merge, staging

HERE = Path(__file__).resolve().parent
KEY = b"benchmark-key-" * 3
PHASES: list[tuple[Any, str]] = [
    (load, "list_files"),
    (staging.Stager, "insert"),
    (staging.Stager, "flush"),
    (integrity, "classify_units"),
    (integrity, "rejected_units"),
    (load, "_persons_loaded"),
    (merge, "merge_all"),
    (load, "_write_quarantine"),
    (load, "_write_lading"),
]


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def _timed(seconds: dict[str, float], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        start = _cpu()
        try:
            return fn(*args, **kwargs)
        finally:
            seconds[name] = seconds.get(name, 0.0) + _cpu() - start

    return run


def main(size: int) -> dict[str, Any]:
    seconds: dict[str, float] = {}
    for owner, name in PHASES:
        setattr(owner, name, _timed(seconds, name.lstrip("_"), getattr(owner, name)))
    pakhuis = HERE / "data" / f"fasen_{size}.duckdb"
    for stale in (pakhuis, Path(f"{pakhuis}.wal")):
        stale.unlink(missing_ok=True)
    inbox = HERE / "data" / f"gm_{size}_{os.environ.get('BENCH_MONTHS', '36')}" / "bronnen"
    start, wall = _cpu(), time.perf_counter()
    result = load.load_sources([inbox], pakhuis, Pseudonymiser(KEY))
    main_cpu = _cpu() - start
    readers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "inwoners": size,
        "bestanden": len(result.bestanden),
        "geladen": result.totaal("geladen"),
        "wall_s": round(time.perf_counter() - wall, 2),
        "main_cpu_s": round(main_cpu, 2),
        "readers_cpu_s": round(readers.ru_utime + readers.ru_stime, 2),
        "fasen_cpu_s": {k: round(v, 2) for k, v in seconds.items()}
        | {"main_rest": round(main_cpu - sum(seconds.values()), 2)},
        "belasting": os.getloadavg()[0],
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1])), indent=2))
