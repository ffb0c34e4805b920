"""A generated municipality loaded into a real warehouse, with its suite exports.

Until the lead wires ``voorziening`` into the loader, the table is created here with the DDL
proposed in the report and filled from ``read_mapped`` (the same reader the loader will use),
with the replace-on-key merge rule.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources.files import iter_sources
from stuurdata.sources.mapped import read_mapped
from stuurdata.sources.records import Unit
from stuurdata.synth import generate
from stuurdata.warehouse import schema
from stuurdata.warehouse.load import load_sources

VOORZIENING_DDL = """
    wet VARCHAR NOT NULL,             -- participatiewet | schuldhulp | minima
    gemeentecode VARCHAR,             -- GMxxxx when the export names it
    persoon_id VARCHAR NOT NULL,
    soort VARCHAR NOT NULL,           -- algemene_bijstand, budgetbeheer, stadspas, ...
    start DATE NOT NULL,
    eind DATE,                        -- inclusive last day; NULL = still running
    bedrag_cent BIGINT,               -- as exported (per month or once, by soort)
    bron VARCHAR NOT NULL,            -- name of the koppelbestand
    lading_id BIGINT NOT NULL,
    PRIMARY KEY (wet, persoon_id, soort, start)
"""
TOT = date(2025, 12, 1)
KEY = b"analysis-key-" * 3


def load_town(root: Path, pakhuis: Path, pseudo: Pseudonymiser) -> None:
    """Load everything in ``root/bronnen``; suite exports via read_mapped if not yet wired."""
    bronnen = root / "bronnen"
    wired = "voorziening" in schema.TABLES
    paths = [bronnen] if wired else [p for p in sorted(bronnen.iterdir()) if p.name != "suite"]
    load_sources(paths, pakhuis, pseudo, doel="test", workers=1)
    if wired:
        return
    con = duckdb.connect(str(pakhuis))
    try:
        con.execute(f"CREATE TABLE IF NOT EXISTS voorziening ({VOORZIENING_DDL})")
        for source in iter_sources(sorted((bronnen / "suite").iterdir())):
            for item in read_mapped(source, pseudo):
                assert isinstance(item, Unit), item
                row = item.rows["voorziening"][0]
                con.execute(
                    "INSERT OR REPLACE INTO voorziening VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                    list(row.values()),
                )
    finally:
        con.close()


@pytest.fixture(scope="session")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """Demostad (GM9901, 3,000 inhabitants, 12 months): (map, warehouse, suite truth)."""
    root = tmp_path_factory.mktemp("suite_town")
    generate(root, inwoners=3000, maanden=12, zaad=11, tot=TOT)
    pakhuis = root / "pakhuis.duckdb"
    load_town(root, pakhuis, Pseudonymiser(KEY))
    truth = json.loads((root / "waarheid" / "suite.json").read_text(encoding="utf-8"))
    return root, pakhuis, truth


@pytest.fixture
def con(town) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the loaded town."""
    connection = duckdb.connect(str(town[1]), read_only=True)
    yield connection
    connection.close()
