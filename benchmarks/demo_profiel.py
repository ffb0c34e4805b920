"""`make demo` step by step: wall, CPU and peak memory per step and per publication phase.

    python benchmarks/demo_profiel.py MAP [INWONERS]

Runs ``stuurdata.demo.run_demo`` into ``MAP`` (a fresh folder measures a fresh clone: the
town is generated) with a timer around every step the demo calls and every phase
``publiceer`` calls, by name. Per step: wall seconds, CPU seconds (the whole process and its
finished children, so phases that run side by side each show the CPU of both) and the peak
resident memory of the process plus its children (sampled every 0.05 s). Run it under
``/usr/bin/time -v`` for the operating system's peak of the largest single process.

Prints one line per step and the load average at the start and the end; the figures are in
benchmarks/README.md ("make demo: where the time goes").
"""

from __future__ import annotations

import importlib
import os
import resource
import sys
import threading
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

STEPS = {  # module -> the functions it calls, timed by name (absent ones are skipped)
    "stuurdata.demo": (
        "generate",
        "load_sources",
        "publiceer",
        "write_publication",
        "render_publication",
    ),
    "stuurdata.publication.publish": (
        "compute_indicators",
        "store_indicators",
        "run_monitor",
        "forecast_rows",
        "protect_with_totals",
        "finish",
        "_with_quality",
        "integraal_section",
    ),
    "stuurdata.publication.integraal": ("integraal_rows",),
    "stuurdata.privacy.secondary": ("secondary_mask",),
    "stuurdata.report.publicatie": ("publication_report_data", "render_report"),
}
PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except OSError:
        return 0


def _tree_rss() -> int:
    """This process and its children (the reader workers, the suppression pool)."""
    me = os.getpid()
    try:
        children = Path(f"/proc/{me}/task/{me}/children").read_text().split()
    except OSError:
        children = []
    return _rss(me) + sum(_rss(int(c)) for c in children)


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Profile:
    def __init__(self) -> None:
        self.steps: dict[str, dict[str, float]] = {}
        self.open: list[str] = []
        self.done = False

    def sample(self) -> None:
        while not self.done:
            mb = _tree_rss() / 2**20
            for name in list(self.open):
                step = self.steps[name]
                step["piek_mb"] = max(step.get("piek_mb", 0.0), mb)
            time.sleep(0.05)

    def timed(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            step = self.steps.setdefault(name, {"wall": 0.0, "cpu": 0.0})
            self.open.append(name)
            start, cpu = time.perf_counter(), _cpu()
            try:
                return fn(*args, **kwargs)
            finally:
                step["wall"] += time.perf_counter() - start
                step["cpu"] += _cpu() - cpu
                self.open.remove(name)

        return run


def main() -> None:
    folder = Path(sys.argv[1])
    inwoners = int(sys.argv[2]) if len(sys.argv) > 2 else 60_000
    profile = Profile()
    for module, names in STEPS.items():
        loaded = importlib.import_module(module)
        for name in names:
            if hasattr(loaded, name):
                short = f"{module.rsplit('.', 1)[-1]}.{name}"
                setattr(loaded, name, profile.timed(short, getattr(loaded, name)))
    from stuurdata.demo import run_demo

    threading.Thread(target=profile.sample, daemon=True).start()
    load = os.getloadavg()[0]
    start, cpu = time.perf_counter(), _cpu()
    run_demo(folder, inwoners=inwoners)
    profile.done = True
    for name, step in profile.steps.items():
        print(
            f"{name:40s} wall {step['wall']:7.2f} s  cpu {step['cpu']:7.2f} s  "
            f"piek {step.get('piek_mb', 0.0):6.0f} MB"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{'totaal (na de imports)':40s} wall {time.perf_counter() - start:7.2f} s  "
        f"cpu {_cpu() - cpu:7.2f} s  piek {peak:6.0f} MB (dit proces)  "
        f"belasting {load:.1f} -> {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
