"""Benchmark: the full chain monitor beside the indicator computation, on one warehouse.

The quality bar: on the 400,000-inhabitant benchmark municipality the monitor runs within
3x the time of ``compute_indicators``. Both run on the same connection, one after the
other, so they see the same data and the same cache state; ``verhouding`` is
monitor / indicators.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from stuurdata.indicators import compute_indicators
from stuurdata.quality import run_monitor
from stuurdata.warehouse.load import connect


def run(pakhuis: Path) -> dict[str, float]:
    """Seconds for the indicators and the monitor, and their ratio."""
    con = connect(pakhuis)  # creates canonical tables newer than the warehouse
    try:
        start = time.perf_counter()
        frame = compute_indicators(con)
        indicators = time.perf_counter() - start
        start = time.perf_counter()
        result = run_monitor(con)
        monitor = time.perf_counter() - start
    finally:
        con.close()
    return {
        "indicatoren_s": round(indicators, 3),
        "kwaliteit_s": round(monitor, 3),
        "verhouding": round(monitor / indicators, 3) if indicators else float("nan"),
        "indicatorwaarden": float(len(frame)),
        "bevindingen": float(len(result.bevindingen)),
    }


if __name__ == "__main__":
    print(run(Path(sys.argv[1])))
