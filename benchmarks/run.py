"""`make bench`: stuurdata side by side with its references, reported as ratios.

For generated municipalities of ``BENCH_SIZES`` inhabitants (default 100,000 and 400,000;
``BENCH_SIZES=20000`` while iterating), ``BENCH_MONTHS`` months each (default 36):

(a) ingest: our load (XSD validation, extraction, pseudonyms, staging, merge, accounting)
    against raw lxml parse + XSD validation of the same message files, in one process;
    ours is measured with one reader process and with the default (all cores), for the
    whole inbox (messages, BRP extract, suite exports) and for the messages alone (the
    same files the reference reads);
(b) indicators: ``compute_indicators`` (Ibis on DuckDB) against a plain pandas
    implementation of the same indicators (``pandas_reference.py``), checked equal, and
    against the hand-written DuckDB SQL floor (``sql_floor.sql``) for a representative set,
    checked equal row by row;
(c) growth from the first to the second size of (a) and (b);
plus every ``benchmarks/bench_*.py`` module's ``run(pakhuis)`` (chain monitor, forecast), and the
forecast backtest on real CBS series of all gemeenten (``prognose_cbs.py``, issue 15;
``BENCH_CBS=0`` skips it; ``BENCH_EXTRA=0`` skips the ``bench_*.py`` modules).

Generated data is cached in ``benchmarks/data/``. Results go to ``benchmarks/results.json``
with the machine, its load, the commit and every ratio (``verhoudingen``); see README.md.
Targets (issue 18): ingest >= 0.5 of raw lxml (1 process), >= 1.0 (all cores); indicators
>= 10x pandas and within 1.5x of the SQL floor; growth <= 4.4x for 4x the inhabitants.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
from lxml import etree
from rich.console import Console
from rich.table import Table

from stuurdata.indicators import compute_indicators
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.synth import generate
from stuurdata.warehouse.load import load_sources

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SIZES = tuple(int(s) for s in os.environ.get("BENCH_SIZES", "100000,400000").split(","))
MONTHS = int(os.environ.get("BENCH_MONTHS", "36"))  # the backtest needs three years
SCHEMAS = HERE.parent / "src" / "stuurdata" / "sources" / "istandaarden" / "schemas"
KEY = b"benchmark-key-" * 3
console = Console()


def municipality(size: int) -> Path:
    """Generate (once) a municipality of ``size`` inhabitants; return its folder."""
    folder = DATA / f"gm_{size}_{MONTHS}"
    if not (folder / "waarheid" / "waarheid.json").exists():
        console.print(f"Genereren: {size:,} inwoners, {MONTHS} maanden ...")
        generate(folder, inwoners=size, maanden=MONTHS, zaad=7)
    return folder


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (reader workers): on a busy
    shared machine these stretch far less than wall-clock seconds."""
    own, children = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.user + own.system + children.ru_utime + children.ru_stime


CPU: dict[str, float] = {}  # CPU seconds of each timed step, by the name of its wall figure


def raw_lxml(files: list[Path]) -> float:
    """Seconds for the reference: read, parse and XSD-validate every message, nothing else."""
    schemas: dict[str, etree.XMLSchema] = {}
    start, cpu = time.perf_counter(), cpu_seconds()
    for path in files:
        doc = etree.fromstring(path.read_bytes())
        namespace = doc.tag[1 : doc.tag.index("}")]
        schema = schemas.get(namespace)
        if schema is None:
            standard = "iwmo" if "/iwmo/" in namespace else "ijw"
            message = namespace.rstrip("/").split("/")[-2].upper()
            schema = etree.XMLSchema(etree.parse(str(SCHEMAS / standard / f"{message}.xsd")))
            schemas[namespace] = schema
        if not schema.validate(doc):
            raise AssertionError(f"{path} is ongeldig: de benchmark verwacht geldige berichten")
    CPU["ruw_lxml_s"] = cpu_seconds() - cpu
    return time.perf_counter() - start


def ingest(folder: Path, workers: int, sub: str = "") -> tuple[float, Path]:
    """Seconds to load ``bronnen/<sub>`` into a fresh warehouse with ``workers`` readers."""
    pakhuis = DATA / f"{folder.name}{'_' + sub if sub else ''}_w{workers}.duckdb"
    for stale in (pakhuis, Path(f"{pakhuis}.wal")):
        stale.unlink(missing_ok=True)
    start, cpu = time.perf_counter(), cpu_seconds()
    result = load_sources([folder / "bronnen" / sub], pakhuis, Pseudonymiser(KEY), workers=workers)
    seconds = time.perf_counter() - start
    CPU[f"{sub or 'inlezen'}_w{workers}"] = cpu_seconds() - cpu
    assert result.totaal("gequarantaineerd") == 0, "synthetische data hoort schoon te zijn"
    return seconds, pakhuis


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def indicators(pakhuis: Path) -> dict[str, float]:
    reference = _module("pandas_reference")
    con = duckdb.connect(str(pakhuis))
    try:
        start, cpu = time.perf_counter(), cpu_seconds()
        ours = compute_indicators(con)
        t_ours, CPU["indicatoren_s"] = time.perf_counter() - start, cpu_seconds() - cpu
        start, cpu = time.perf_counter(), cpu_seconds()
        ref = reference.reference_indicators(con)
        t_ref, CPU["pandas_s"] = time.perf_counter() - start, cpu_seconds() - cpu
    finally:
        con.close()
    keys = ["indicator", "niveau", "gebiedscode", "periodesoort", "periode", "categorie"]
    merged = ours.merge(ref, on=keys, suffixes=("", "_ref"), how="outer", indicator=True)
    same = (merged["_merge"] == "both").all() and (
        (merged["waarde"] - merged["waarde_ref"]).abs().fillna(0) < 1e-6
    ).all()
    con = duckdb.connect(str(pakhuis))
    try:
        floor = _module("sql_floor").compare(con)
    finally:
        con.close()
    return {
        "indicatoren_s": t_ours,
        "pandas_s": t_ref,
        "gelijk": float(bool(same)),
        "waarden": float(len(ours)),
        **floor,
    }


def machine() -> dict[str, object]:
    """What the figures were measured on, and how busy it was (a shared machine is noisy)."""
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    model = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cpus": os.cpu_count(),
        "processor": model or platform.processor(),
        "geheugen_gb": round(memory / 2**30, 1),
        "python": platform.python_version(),
        "systeem": platform.platform(),
        "belasting_begin": os.getloadavg()[0],
    }


def commit() -> str:
    """The commit measured, with ``+gewijzigd`` when the worktree had uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "HEAD") or "onbekend"
    return head + ("+gewijzigd" if git("status", "--porcelain", "--", "../src", ".") else "")


RATIOS = (
    "inlezen_vs_lxml_1_proces",
    "inlezen_vs_lxml_alle_kernen",
    "berichten_vs_lxml_1_proces",
    "berichten_vs_lxml_alle_kernen",
    "inlezen_vs_lxml_1_proces_cpu",
    "berichten_vs_lxml_1_proces_cpu",
    "indicatoren_vs_pandas",
    "indicatoren_vs_pandas_cpu",
    "indicatoren_vs_sql_vloer",
    "indicatoren_vs_sql_vloer_cpu",
)


def extra_benchmarks(pakhuis: Path) -> dict[str, dict[str, float]]:
    out = {}
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        console.print(f"  {path.stem} ...")
        out[path.stem] = module.run(pakhuis)
    return out


def real_series() -> dict[str, object]:
    """The forecast backtest on real CBS series (``prognose_cbs.py``, no warehouse needed)."""
    module = _module("prognose_cbs")
    console.print("  prognose_cbs (echte CBS-reeksen, alle gemeenten) ...")
    figures = module.run()
    module.report(figures)
    return figures


def main() -> int:
    DATA.mkdir(exist_ok=True)
    path = HERE / "results.json"
    # Keys this run does not produce (e.g. written by a benchmark run alone) are kept.
    results: dict[str, object] = json.loads(path.read_text()) if path.exists() else {}
    results |= {
        "gemeten": datetime.now().isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": machine(),
        "maanden": MONTHS,
        "grootten": {},
        "verhoudingen": {},
    }
    results.pop("groei", None)
    if os.environ.get("BENCH_CBS", "1") != "0":
        results["prognose_cbs"] = real_series()
    per_size: dict[int, dict[str, float]] = {}
    for size in SIZES:
        folder = municipality(size)
        files = sorted((folder / "bronnen" / "berichten").rglob("*.xml"))
        console.print(f"[bold]{size:,} inwoners[/]: {len(files):,} berichten")
        cores = os.cpu_count() or 1
        raw_lxml(files)  # untimed: the files into the page cache, as for every load after it
        t_raw = raw_lxml(files)
        t_one, _ = ingest(folder, workers=1)
        t_all, pakhuis = ingest(folder, workers=cores)
        t_msg_one, _ = ingest(folder, workers=1, sub="berichten")
        t_msg_all, _ = ingest(folder, workers=cores, sub="berichten")
        figures = {
            "berichten": float(len(files)),
            "ruw_lxml_s": t_raw,
            "inlezen_1_proces_s": t_one,
            "inlezen_alle_kernen_s": t_all,
            "berichten_1_proces_s": t_msg_one,
            "berichten_alle_kernen_s": t_msg_all,
            "inlezen_vs_lxml_1_proces": t_raw / t_one,
            "inlezen_vs_lxml_alle_kernen": t_raw / t_all,
            "berichten_vs_lxml_1_proces": t_raw / t_msg_one,
            "berichten_vs_lxml_alle_kernen": t_raw / t_msg_all,
            # the same in CPU seconds (robust on a busy machine; one process only)
            "inlezen_vs_lxml_1_proces_cpu": CPU["ruw_lxml_s"] / CPU["inlezen_w1"],
            "berichten_vs_lxml_1_proces_cpu": CPU["ruw_lxml_s"] / CPU["berichten_w1"],
            **indicators(pakhuis),
        }
        figures["indicatoren_vs_pandas"] = figures["pandas_s"] / figures["indicatoren_s"]
        figures["indicatoren_vs_pandas_cpu"] = CPU["pandas_s"] / CPU["indicatoren_s"]
        per_size[size] = figures
        results["verhoudingen"][str(size)] = {k: figures[k] for k in RATIOS}  # type: ignore[index]
        extra = extra_benchmarks(pakhuis) if os.environ.get("BENCH_EXTRA", "1") != "0" else {}
        results["grootten"][str(size)] = {**figures, "extra": extra}  # type: ignore[index]
        # Written after every size, so a long run leaves its finished part behind.
        (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    if len(SIZES) == 2:
        small, large = (per_size[s] for s in SIZES)
        results["groei"] = {
            "inlezen": large["inlezen_alle_kernen_s"] / small["inlezen_alle_kernen_s"],
            "inlezen_1_proces": large["inlezen_1_proces_s"] / small["inlezen_1_proces_s"],
            "indicatoren": large["indicatoren_s"] / small["indicatoren_s"],
            "factor_inwoners": SIZES[1] / SIZES[0],
        }
    results["machine"]["belasting_eind"] = os.getloadavg()[0]  # type: ignore[index]
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    report(results)
    return 0


def report(results: dict) -> None:
    table = Table(title="stuurdata naast de referentie (verhoudingen; hoger is beter)")
    table.add_column("meting")
    for size in results["grootten"]:
        table.add_column(f"{int(size):,} inw.", justify="right")
    rows = [
        ("berichten", "berichten", "{:,.0f}"),
        ("ruwe lxml (s)", "ruw_lxml_s", "{:.1f}"),
        ("inlezen, 1 proces (s)", "inlezen_1_proces_s", "{:.1f}"),
        ("inlezen, alle kernen (s)", "inlezen_alle_kernen_s", "{:.1f}"),
        ("inlezen / lxml, 1 proces (doel >= 0,5)", "inlezen_vs_lxml_1_proces", "{:.2f}"),
        ("idem, CPU-seconden", "inlezen_vs_lxml_1_proces_cpu", "{:.2f}"),
        ("inlezen / lxml, alle kernen (doel >= 1,0)", "inlezen_vs_lxml_alle_kernen", "{:.2f}"),
        ("alleen berichten / lxml, 1 proces", "berichten_vs_lxml_1_proces", "{:.2f}"),
        ("alleen berichten / lxml, alle kernen", "berichten_vs_lxml_alle_kernen", "{:.2f}"),
        ("indicatoren (s)", "indicatoren_s", "{:.1f}"),
        ("pandas (s)", "pandas_s", "{:.1f}"),
        ("indicatoren vs pandas (doel >= 10)", "indicatoren_vs_pandas", "{:.1f}x"),
        ("indicatoren vs pandas, CPU-seconden", "indicatoren_vs_pandas_cpu", "{:.1f}x"),
        ("zelfde uitkomst als pandas", "gelijk", "{:.0f}"),
        ("indicatoren, vaste set (s)", "sql_indicatoren_s", "{:.2f}"),
        ("SQL-vloer, vaste set (s)", "sql_vloer_s", "{:.2f}"),
        ("indicatoren / SQL-vloer (doel <= 1,5)", "indicatoren_vs_sql_vloer", "{:.2f}x"),
        ("idem, CPU-seconden", "indicatoren_vs_sql_vloer_cpu", "{:.2f}x"),
        ("verschillen met SQL-vloer", "sql_vloer_verschillen", "{:.0f}"),
    ]
    for label, key, fmt in rows:
        table.add_row(label, *(fmt.format(v[key]) for v in results["grootten"].values()))
    console.print(table)
    if "groei" in results:
        g = results["groei"]
        console.print(
            f"Groei {g['factor_inwoners']:.0f}x inwoners: inlezen {g['inlezen']:.2f}x, "
            f"indicatoren {g['indicatoren']:.2f}x (doel <= 4,4x)"
        )
    for size, figures in results["grootten"].items():
        for name, extra in figures.get("extra", {}).items():
            console.print(
                f"{name} ({int(size):,} inw.): "
                + ", ".join(f"{k} = {v:.2f}" for k, v in extra.items())
            )


if __name__ == "__main__":
    pd.set_option("display.width", 200)
    sys.exit(main())
