"""`make bench`: stuurdata side by side with its references, reported as ratios.

For a generated municipality of 100,000 and of 400,000 inhabitants (36 months each):

(a) ingest: our load (XSD validation, extraction, pseudonyms, staging, merge, accounting)
    against raw lxml parse + XSD validation of the same message files, in one process;
    ours is measured with one reader process and with the default (all cores);
(b) indicators: ``compute_indicators`` (Ibis on DuckDB) against a plain pandas
    implementation of the same indicators (``pandas_reference.py``), checked equal;
(c) growth from 100k to 400k of (a) and (b);
plus every ``benchmarks/bench_*.py`` module's ``run(pakhuis)`` (chain monitor, forecast), and the
forecast backtest on real CBS series of all gemeenten (``prognose_cbs.py``, issue 15).

Generated data is cached in ``benchmarks/data/``. Results go to ``benchmarks/results.json``.
Targets (issue 2): ingest >= 50% of raw lxml; indicators >= 10x pandas; growth <= 4.4x.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import sys
import time
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


def raw_lxml(files: list[Path]) -> float:
    """Seconds for the reference: read, parse and XSD-validate every message, nothing else."""
    schemas: dict[str, etree.XMLSchema] = {}
    start = time.perf_counter()
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
    return time.perf_counter() - start


def ingest(folder: Path, workers: int) -> tuple[float, Path]:
    pakhuis = DATA / f"{folder.name}_w{workers}.duckdb"
    for stale in (pakhuis, Path(f"{pakhuis}.wal")):
        stale.unlink(missing_ok=True)
    start = time.perf_counter()
    result = load_sources([folder / "bronnen"], pakhuis, Pseudonymiser(KEY), workers=workers)
    seconds = time.perf_counter() - start
    assert result.totaal("gequarantaineerd") == 0, "synthetische data hoort schoon te zijn"
    return seconds, pakhuis


def _reference_module():
    spec = importlib.util.spec_from_file_location("pandas_reference", HERE / "pandas_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def indicators(pakhuis: Path) -> dict[str, float]:
    reference = _reference_module()
    con = duckdb.connect(str(pakhuis))
    try:
        start = time.perf_counter()
        ours = compute_indicators(con)
        t_ours = time.perf_counter() - start
        start = time.perf_counter()
        ref = reference.reference_indicators(con)
        t_ref = time.perf_counter() - start
    finally:
        con.close()
    keys = ["indicator", "niveau", "gebiedscode", "periodesoort", "periode", "categorie"]
    merged = ours.merge(ref, on=keys, suffixes=("", "_ref"), how="outer", indicator=True)
    same = (merged["_merge"] == "both").all() and (
        (merged["waarde"] - merged["waarde_ref"]).abs().fillna(0) < 1e-6
    ).all()
    return {
        "indicatoren_s": t_ours,
        "pandas_s": t_ref,
        "gelijk": float(bool(same)),
        "waarden": float(len(ours)),
    }


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
    spec = importlib.util.spec_from_file_location("prognose_cbs", HERE / "prognose_cbs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    console.print("  prognose_cbs (echte CBS-reeksen, alle gemeenten) ...")
    figures = module.run()
    module.report(figures)
    return figures


def main() -> int:
    DATA.mkdir(exist_ok=True)
    path = HERE / "results.json"
    # Keys this run does not produce (e.g. written by a benchmark run alone) are kept.
    results: dict[str, object] = json.loads(path.read_text()) if path.exists() else {}
    results["prognose_cbs"] = real_series()
    results |= {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "maanden": MONTHS,
        "grootten": {},
    }
    per_size: dict[int, dict[str, float]] = {}
    for size in SIZES:
        folder = municipality(size)
        files = sorted((folder / "bronnen" / "berichten").rglob("*.xml"))
        console.print(f"[bold]{size:,} inwoners[/]: {len(files):,} berichten")
        t_raw = raw_lxml(files)
        t_one, _ = ingest(folder, workers=1)
        t_all, pakhuis = ingest(folder, workers=os.cpu_count() or 1)
        figures = {
            "berichten": float(len(files)),
            "ruw_lxml_s": t_raw,
            "inlezen_1_proces_s": t_one,
            "inlezen_alle_kernen_s": t_all,
            "inlezen_vs_lxml_1_proces": t_raw / t_one,
            "inlezen_vs_lxml_alle_kernen": t_raw / t_all,
            **indicators(pakhuis),
        }
        figures["indicatoren_vs_pandas"] = figures["pandas_s"] / figures["indicatoren_s"]
        per_size[size] = figures
        results["grootten"][str(size)] = {  # type: ignore[index]
            **figures,
            "extra": extra_benchmarks(pakhuis),
        }
        # Written after every size, so a long run leaves its finished part behind.
        (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    if len(SIZES) == 2:
        small, large = (per_size[s] for s in SIZES)
        results["groei"] = {
            "inlezen": large["inlezen_alle_kernen_s"] / small["inlezen_alle_kernen_s"],
            "indicatoren": large["indicatoren_s"] / small["indicatoren_s"],
            "factor_inwoners": SIZES[1] / SIZES[0],
        }
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
        ("inlezen / lxml, alle kernen", "inlezen_vs_lxml_alle_kernen", "{:.2f}"),
        ("indicatoren (s)", "indicatoren_s", "{:.1f}"),
        ("pandas (s)", "pandas_s", "{:.1f}"),
        ("indicatoren vs pandas (doel >= 10)", "indicatoren_vs_pandas", "{:.1f}x"),
        ("zelfde uitkomst als pandas", "gelijk", "{:.0f}"),
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
