"""The main job end to end, as `make demo` runs it, and the no-BSN scan of everything it left.

The demo runs once (small municipality) for the module; the scan reads the warehouse file,
the report, the published CSV and the log byte by byte.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import elfproef_numbers, leaked

pytestmark = pytest.mark.slow
CIJFERS = "publicatie/cijfers.csv"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("demo")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "stuurdata.cli",
            "demo",
            "--map",
            str(root / "demo"),
            "--inwoners",
            "3000",
            "--maanden",
            "12",
            "--sleutel",
            str(root / "sleutel.key"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "120"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "demo", result.stdout


def input_bsns(demo_map: Path) -> set[str]:
    brp = next((demo_map / "synth" / "bronnen" / "brp").glob("*.csv"))
    with brp.open(encoding="utf-8-sig") as fh:
        return {row["bsn"] for row in csv.DictReader(fh, delimiter=";")}


def test_demo_prints_report_path_and_summary(demo):
    demo_map, output = demo
    assert "Rapport:" in output and "rapport.html" in output
    assert "Cliënten Wmo" in output
    assert "istandaarden" in output  # the load table: read / loaded / quarantined
    assert (demo_map / "rapport.html").stat().st_size > 10_000
    assert "publicatie" in output and "cijfers.csv" in output
    header = (demo_map / CIJFERS).read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("maat;versie;niveau;gebiedscode;gebiedsnaam;periodesoort;periode")
    assert (demo_map / "publicatie" / "cijfers.parquet").exists()


@pytest.mark.parametrize(
    "name",
    ["pakhuis.duckdb", "rapport.html", CIJFERS, "publicatie/publicatie.json", "pakhuis.log"],
)
def test_no_bsn_in_what_the_demo_leaves(demo, name):
    demo_map, _ = demo
    bsns = input_bsns(demo_map)
    assert len(bsns) > 2000
    data = (demo_map / name).read_bytes()
    assert not leaked(bsns, data), name
    assert not elfproef_numbers(data), name


def test_published_counts_are_protected(demo):
    demo_map, _ = demo
    with (demo_map / CIJFERS).open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert {r["status"] for r in rows} <= {"ok", "afgerond", "onderdrukt"}
    counts = [r for r in rows if r["maat"].startswith("clienten_") and "per_1000" not in r["maat"]]
    assert counts
    for row in counts:
        if row["status"] == "onderdrukt":
            assert row["teller"] == "" and row["waarde"] == ""
        else:
            teller = float(row["teller"].replace(",", "."))
            assert teller >= 10 and teller % 5 == 0, row
