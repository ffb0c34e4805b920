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
    # A fixed key: the scans below look for BSN-shaped numbers in the warehouse's bytes, and
    # with a random key the pseudonyms (so the bytes) differ per run.
    key = root / "sleutel.key"
    key.write_text("5eed" * 16 + "\n")
    key.chmod(0o600)
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
    if name.endswith(".duckdb"):
        # DuckDB stores strings back to back, so two stored codes can form a nine-digit run
        # in the raw bytes (1 in 11 of those passes the elfproef): scan its values instead
        data = warehouse_text(demo_map / name)
    assert not elfproef_numbers(data), name


def warehouse_text(pakhuis: Path) -> bytes:
    """Every text value in the warehouse with a digit run, one value per line."""
    import duckdb

    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR'"
        ).fetchall()
        values = [
            value
            for table, column in columns
            for (value,) in con.execute(
                f'SELECT DISTINCT "{column}" FROM "{table}" '
                f"WHERE regexp_matches(\"{column}\", '[0-9]{{9}}')"
            ).fetchall()
        ]
    finally:
        con.close()
    assert columns
    return "\n".join(values).encode()


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


def _files_read(demo_map: Path) -> set[bytes]:
    return {p.name.encode() for p in (demo_map / "synth" / "bronnen").rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "name",
    ["pakhuis.duckdb", "rapport.html", CIJFERS, "publicatie/publicatie.json", "pakhuis.log"],
)
def test_no_input_file_name_in_what_the_demo_leaves(demo, name):
    import re

    demo_map, _ = demo
    names = _files_read(demo_map)
    assert len(names) > 1000
    data = (demo_map / name).read_bytes()
    found = set(re.findall(rb"[\w.-]+\.(?:xml|csv|xlsx|zip)", data)) & names
    assert not found, (name, sorted(found)[:3])


def test_no_exact_birth_date_in_the_warehouse(demo, tmp_path):
    """No date column of a person's rows holds that person's exact birth date (a birth on
    the first of a month is the month itself, which the warehouse may keep)."""
    import duckdb

    from stuurdata.privacy.keys import pseudonymiser

    demo_map, _ = demo
    pseudo = pseudonymiser(demo_map.parent / "sleutel.key")
    brp = next((demo_map / "synth" / "bronnen" / "brp").glob("*.csv"))
    with brp.open(encoding="utf-8-sig") as fh:
        born = {
            pseudo.persoon(row["bsn"]): row["geboortedatum"]
            for row in csv.DictReader(fh, delimiter=";")
            if not row["geboortedatum"].endswith("-01")
        }
    copy = tmp_path / "p.duckdb"
    copy.write_bytes((demo_map / "pakhuis.duckdb").read_bytes())
    con = duckdb.connect(str(copy))
    con.execute("CREATE TEMP TABLE geboren (persoon_id VARCHAR, dag DATE)")
    con.executemany("INSERT INTO geboren VALUES (?, ?)", list(born.items()))
    columns = con.execute(
        "SELECT c1.table_name, c1.column_name FROM information_schema.columns c1 "
        "JOIN information_schema.columns c2 ON c1.table_name = c2.table_name "
        "AND c2.column_name = 'persoon_id' WHERE c1.data_type = 'DATE' "
        "AND c1.table_catalog <> 'temp' AND c1.table_name <> 'geboren'"
    ).fetchall()
    assert len(columns) > 5
    for table, column in columns:
        hits = con.execute(
            f"SELECT count(*) FROM {table} t JOIN geboren g USING (persoon_id) "
            f"WHERE t.{column} = g.dag"
        ).fetchone()[0]
        assert hits == 0, (table, column, hits)
