"""Growth with the number of inhabitants: ingest, indicators and the publication (issue 18).

For generated municipalities of ``BENCH_GROEI`` inhabitants (default ``100000,400000``),
``BENCH_MONTHS`` months each (default 36), every step runs as its own process under
``/usr/bin/time -v``, so wall seconds, CPU seconds (user + system of the step and every child
it waited for: the reader workers, the secondary-suppression pool) and the peak resident
memory are the operating system's figures, not the step's own:

* ``genereren``: ``stuurdata.synth.generate`` (only when the town is not cached yet in
  ``benchmarks/data/``; a cached town keeps the figures of the run that made it);
* ``inlezen``: ``load_sources`` of the whole inbox into a fresh warehouse (default workers);
* ``indicatoren``: ``compute_indicators`` on that warehouse;
* ``publiceer``: the full publication as ``make demo`` makes it (the demo purpose, the
  town's budget, CBS cache and provider names; every chapter, secondary suppression
  included), written to a folder. Its phases are timed inside the step (``fasen``: wall
  seconds, ``*_cpu`` CPU seconds; ``secondary_mask`` is part of ``protect_with_totals``).

``BENCH_STAPPEN`` picks steps (default all three). Peak memory is reported twice:
``piek_rss_mb`` is the largest single process (``time -v``), ``piek_rss_boom_mb`` the largest
sum over the step and its children, sampled every 0.2 s. DuckDB's memory is capped with
``STUURDATA_GEHEUGEN`` (default here ``5GB``: the 400k indicators need more than 4 GB).
Every step leaves its figures in ``benchmarks/data/logs/``; ``benchmarks/groei.json`` is
rebuilt from all of them after every step (so a 1,000,000 run beside or after the others
adds to it), with the growth between each pair of neighbouring sizes; see README.md
("Groei met de omvang").
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "groei.json"
MONTHS = int(os.environ.get("BENCH_MONTHS", "36"))
STEPS = ("inlezen", "indicatoren", "publiceer")
KEY = b"benchmark-key-" * 3
GEHEUGEN = os.environ.get("STUURDATA_GEHEUGEN") or "5GB"


def town(size: int) -> Path:
    return DATA / f"gm_{size}_{MONTHS}"


def warehouse(size: int) -> Path:
    return DATA / f"groei_{size}_{MONTHS}.duckdb"


# ---------------------------------------------------------------- the steps (child side)


def _generate(size: int) -> dict[str, Any]:
    from stuurdata.synth import generate

    summary = generate(town(size), inwoners=size, maanden=MONTHS, zaad=7)
    return {"inwoners": summary.inwoners, "bestanden": summary.bestanden}


def _ingest(size: int) -> dict[str, Any]:
    from stuurdata.privacy.pseudonym import Pseudonymiser
    from stuurdata.warehouse.load import load_sources

    pakhuis = warehouse(size)
    for stale in (pakhuis, Path(f"{pakhuis}.wal")):
        stale.unlink(missing_ok=True)
    result = load_sources([town(size) / "bronnen"], pakhuis, Pseudonymiser(KEY))
    if result.totaal("gequarantaineerd"):
        raise SystemExit("synthetische data hoort schoon te zijn: er is iets in quarantaine")
    return {
        "bestanden": len(result.bestanden),
        "geladen": result.totaal("geladen"),
        "pakhuis_mb": pakhuis.stat().st_size / 2**20,
    }


def _indicators(size: int) -> dict[str, Any]:
    from stuurdata.indicators import compute_indicators
    from stuurdata.warehouse.load import connect

    con = connect(warehouse(size))
    try:
        frame = compute_indicators(con)
    finally:
        con.close()
    return {"waarden": len(frame)}


PHASES = {  # module -> functions publiceer calls, timed by name (absent ones are skipped)
    "stuurdata.publication.publish": (
        "compute_indicators",
        "store_indicators",
        "run_monitor",
        "forecast_rows",
        "protect_with_totals",
        "finish",
        "report_meta",
        "_with_quality",
        "published_boundaries",
    ),
    "stuurdata.publication.integraal": ("integraal_rows", "result_from"),
    "stuurdata.privacy.secondary": ("secondary_mask",),
    "stuurdata.publication.store": ("write_publication",),
}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the suppression pool)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _timed(phases: dict[str, float], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        start, cpu = time.perf_counter(), _cpu()
        try:
            return fn(*args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - start
            phases[f"{name}_cpu"] = phases.get(f"{name}_cpu", 0.0) + _cpu() - cpu

    return run


def _publish(size: int) -> dict[str, Any]:
    import importlib

    from stuurdata.privacy.governance import demo_doel
    from stuurdata.publication import publish as module
    from stuurdata.publication import store
    from stuurdata.sources.aanbieders import BESTAND, read_provider_names
    from stuurdata.warehouse.load import connect

    phases: dict[str, float] = {}
    for name, functions in PHASES.items():
        target = importlib.import_module(name)
        for fn in functions:
            if hasattr(target, fn):
                setattr(target, fn, _timed(phases, fn, getattr(target, fn)))
    folder = town(size)
    begroting = folder / "begroting.csv"
    con = connect(warehouse(size))
    try:
        pub = module.publiceer(
            con,
            doel=demo_doel(),
            begroting=begroting if begroting.exists() else None,
            cbs_cache=folder / "cbs",
            aanbieders=read_provider_names(folder / BESTAND).namen,
        )
    finally:
        con.close()
    store.write_publication(pub, DATA / f"groei_{size}_{MONTHS}_publicatie")
    hidden = pub.cijfers["status"].astype(str).eq("onderdrukt").sum()
    return {
        "cijfers": len(pub.cijfers),
        "onderdrukt": int(hidden),
        "hoofdstukken": sorted(pub.hoofdstukken),
        "weggelaten": sorted(pub.weggelaten),
        "fasen": {k: round(v, 2) for k, v in phases.items()},
    }


CHILD = {"genereren": _generate, "inlezen": _ingest, "indicatoren": _indicators}
CHILD["publiceer"] = _publish


def child(step: str, size: int, out: Path) -> int:
    """Run one step in this process and write what it found to ``out`` (JSON)."""
    start = time.perf_counter()
    figures = CHILD[step](size)
    figures["eigen_s"] = time.perf_counter() - start
    out.write_text(json.dumps(figures, indent=2))
    return 0


# ---------------------------------------------------------------- the parent side

_TIME_FIELDS = {
    "User time (seconds)": "user_s",
    "System time (seconds)": "sys_s",
    "Maximum resident set size (kbytes)": "piek_rss_kb",
    "Elapsed (wall clock) time (h:mm:ss or m:ss)": "wall",
    "Exit status": "exit",
}


def parse_time(text: str) -> dict[str, float]:
    """The figures of ``/usr/bin/time -v`` that matter here (seconds, MB)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        key, _, value = line.strip().rpartition(": ")
        if key in _TIME_FIELDS:
            found[_TIME_FIELDS[key]] = value.strip()
    parts = [float(p) for p in found.get("wall", "0").split(":")]
    wall = sum(p * 60**i for i, p in enumerate(reversed(parts)))
    user, system = float(found.get("user_s", 0)), float(found.get("sys_s", 0))
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(user + system, 2),
        "user_s": user,
        "sys_s": system,
        "piek_rss_mb": round(float(found.get("piek_rss_kb", 0)) / 1024, 1),
        "exit": float(found.get("exit", -1)),
    }


def _tree_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    """Sample the summed RSS of ``pid`` and its descendants until ``stop``."""
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while not stop.wait(0.2):
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        total = 0
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        peak[0] = max(peak[0], total)


def run_step(step: str, size: int) -> dict[str, Any]:
    """``step`` at ``size`` in its own process under ``/usr/bin/time -v``."""
    logs = DATA / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    stem = logs / f"{step}_{size}"
    out, timing = stem.with_suffix(".json"), stem.with_suffix(".time")
    out.unlink(missing_ok=True)
    env = os.environ | {"STUURDATA_GEHEUGEN": GEHEUGEN}
    src = str(HERE.parent / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    command = ["/usr/bin/time", "-v", "-o", str(timing), sys.executable, __file__]
    command += ["--stap", step, str(size), str(out)]
    belasting = os.getloadavg()[0]
    print(f"{size:,} inwoners: {step} ...", flush=True)
    with open(stem.with_suffix(".log"), "w") as log:
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        stop, peak = threading.Event(), [0]
        sampler = threading.Thread(target=_tree_rss, args=(proc.pid, stop, peak), daemon=True)
        sampler.start()
        code = proc.wait()
        stop.set()
        sampler.join()
    parent = {
        "piek_rss_boom_mb": round(peak[0] / 2**20, 1),
        "belasting_begin": belasting,
        "belasting_eind": os.getloadavg()[0],
        "gemeten": datetime.now().isoformat(timespec="seconds"),
        "commit": commit(),
        "geheugenlimiet_duckdb": GEHEUGEN,
    }
    stem.with_suffix(".ouder.json").write_text(json.dumps(parent, indent=2))
    figures = measured(step, size) or {"gelukt": False}
    figures["gelukt"] = figures["gelukt"] and code == 0
    print(f"  {json.dumps(figures)}", flush=True)
    return figures


def growth(sizes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Seconds (wall and CPU) and peak memory at each size over the next smaller one."""
    ordered = sorted(sizes, key=int)
    out: dict[str, dict[str, Any]] = {}
    for small, large in itertools.pairwise(ordered):
        pair: dict[str, Any] = {"factor_inwoners": int(large) / int(small)}
        for step in ("genereren", *STEPS):
            a, b = sizes[small].get(step), sizes[large].get(step)
            if not (a and b and a.get("gelukt") and b.get("gelukt")):
                continue
            pair[step] = {
                m: round(b[m] / a[m], 2) for m in ("wall_s", "cpu_s", "piek_rss_mb") if a.get(m)
            }
            fa, fb = a.get("fasen", {}), b.get("fasen", {})
            if fa:
                pair[step]["fasen"] = {k: round(fb[k] / fa[k], 2) for k in fa if fa[k] and k in fb}
        out[f"{small}->{large}"] = pair
    return out


def commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "HEAD") or "onbekend"
    return head + ("+gewijzigd" if git("status", "--porcelain", "--", "../src") else "")


def measured(step: str, size: int) -> dict[str, Any] | None:
    """One finished step's figures, from its files in ``data/logs/`` (None if never run).

    Built from the files, not kept in memory, so runs in parallel (the 1,000,000 town beside
    the 400,000 one) and runs on different days all end up in one ``groei.json``.
    """
    stem = DATA / "logs" / f"{step}_{size}"
    timing = stem.with_suffix(".time")
    if not timing.exists() or "Exit status" not in (text := timing.read_text()):
        return None  # never run, or still running
    figures: dict[str, Any] = parse_time(text)
    # A step that finished wrote its own figures; one stopped by a signal did not.
    figures["gelukt"] = (
        figures["exit"] == 0
        and "terminated by signal" not in text
        and stem.with_suffix(".json").exists()
    )
    for extra in (stem.with_suffix(".ouder.json"), stem.with_suffix(".json")):
        if extra.exists():
            figures |= json.loads(extra.read_text())
    return figures


def write_results() -> dict[str, Any]:
    """``groei.json`` from every step measured so far, with the growth between sizes."""
    sizes = sorted({int(p.stem.split("_")[1]) for p in (DATA / "logs").glob("*_*.time")})
    grootten: dict[str, dict[str, Any]] = {}
    for size in sizes:
        found = {step: measured(step, size) for step in ("genereren", *STEPS)}
        grootten[str(size)] = {k: v for k, v in found.items() if v is not None}
    results = {
        "maanden": MONTHS,
        "geheugenlimiet_duckdb": GEHEUGEN,
        "cpus": os.cpu_count(),
        "geheugen_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "grootten": grootten,
        "groei": growth(grootten),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return results


def main() -> int:
    sizes = [int(s) for s in os.environ.get("BENCH_GROEI", "100000,400000").split(",")]
    steps = [s for s in os.environ.get("BENCH_STAPPEN", ",".join(STEPS)).split(",") if s]
    DATA.mkdir(exist_ok=True)
    for size in sizes:
        if not (town(size) / "waarheid" / "waarheid.json").exists():
            run_step("genereren", size)
        for step in steps:
            done = run_step(step, size)
            write_results()
            if not done["gelukt"]:
                break
    results = write_results()
    for pair, figures in results["groei"].items():
        print(pair, json.dumps(figures))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--stap":
        sys.exit(child(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])))
    sys.exit(main())
