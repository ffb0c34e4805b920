"""A hand-made warehouse where every indicator value is known by hand.

GM9901 with two wijken; thirteen persons (p06 and p13 without a residence); coverage
2026-01-01 .. 2026-03-20 (message dates), so the periods are 2026-01..03, 2026-K1 and 2026
(March, K1 and 2026 cut at 03-20 and incomplete). Lineage: residences lading 1 (and 2 for
two later moves), allocations 10/11, requests 30, deliveries 40, claims 20 and 21 (credit).
The expected values are worked out in the test module that uses them.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from stuurdata.indicators.compute import compute_indicators
from stuurdata.warehouse.schema import create_all

D = date.fromisoformat
BU1, BU2, BU3 = "BU99010101", "BU99010102", "BU99010201"
WK = {BU1: "WK990101", BU2: "WK990101", BU3: "WK990102"}

PERSONS = {  # persoon_id: birth month
    "p01": "1950-03-01",
    "p02": "1960-05-01",
    "p03": "1945-07-01",
    "p04": "2015-06-01",
    "p05": "2012-01-01",
    "p06": "1955-01-01",
    "p07": "1990-01-01",
    "p08": "2010-04-01",
    "p09": "1980-01-01",
    "p10": "2008-03-01",
    "p11": "1970-01-01",
    "p12": "2000-01-01",
    "p13": "2011-05-01",  # youth client without a residence
}
RESIDENCES = [  # persoon_id, buurt, van, tot, lading
    ("p01", BU1, "2020-01-01", None, 1),
    ("p02", BU2, "2020-01-01", None, 1),
    ("p03", BU3, "2020-01-01", "2026-02-15", 1),
    ("p03", BU1, "2026-02-15", None, 2),
    ("p04", BU3, "2020-01-01", None, 1),
    ("p05", BU3, "2020-01-01", None, 1),
    ("p07", BU1, "2020-01-01", None, 1),
    ("p08", BU2, "2020-01-01", None, 1),
    ("p09", BU3, "2020-01-01", None, 1),
    ("p10", BU3, "2020-01-01", None, 1),
    ("p11", BU1, "2020-01-01", "2026-02-01", 1),
    ("p12", BU2, "2026-03-10", None, 2),
]
# Households (for the breakdown by household type): by person, or by (person, van) after a move.
HUISHOUDEN = {
    "p01": "h1",
    "p07": "h1",  # p01 + p07: two adults
    "p02": "h2",  # alone
    "p03": "h4",
    ("p03", "2026-02-15"): "h7",  # alone after the move
    "p09": "h5",
    "p04": "h5",
    "p05": "h5",  # one adult, two children
    "p08": "h3",
    "p12": "h3",  # a child alone until an adult joins on 2026-03-10
    "p10": "h8",
    "p11": "h6",
}
VROUW = {"p02", "p03"}
ALLOCATIONS = [  # id, wet, persoon, aanbieder, categorie, toewijzingsdatum, ingang, eind, lading
    ("T0", "wmo", "p02", "A1", "02", "2025-02-20", "2025-03-01", "2025-06-30", 10),
    ("T1", "wmo", "p01", "A1", "02", "2026-01-05", "2026-01-01", None, 10),
    ("T2", "wmo", "p02", "A1", "02", "2026-01-08", "2026-01-10", "2026-01-31", 10),
    ("T3", "wmo", "p03", "A1", "04", "2026-01-30", "2026-02-01", None, 11),
    ("T4", "wmo", "p06", "A2", "02", "2026-02-21", "2026-03-01", None, 11),
    ("T5", "wmo", "p01", "A1", "04", None, "2026-02-10", "2026-03-15", 11),
    ("TX", "wmo", "p09", "A1", "02", "2026-01-05", "2026-02-01", "2026-01-31", 11),  # withdrawn
    ("J1", "jeugd", "p04", "B1", "45", "2026-01-10", "2026-01-15", "2026-02-28", 10),
    ("J2", "jeugd", "p05", "B1", "45", "2026-02-20", "2026-03-01", None, 11),
    ("J3", "jeugd", "p13", "B1", "45", "2026-03-02", "2026-03-05", None, 11),
]
REQUESTS = [  # bericht, regel, type, wet, persoon, aanbieder, categorie, ontvangen
    ("V1", 1, "315", "wmo", "p01", "A1", "02", "2026-01-02"),
    ("V7", 1, "315", "wmo", "p01", "A1", "02", "2026-01-01"),
    ("V2", 1, "315", "wmo", "p03", "A1", "04", "2026-01-20"),
    ("V3", 1, "315", "wmo", "p06", "A2", "02", "2026-02-01"),
    ("V4", 1, "315", "wmo", "p01", "A1", "04", "2026-02-01"),
    ("V5", 1, "315", "wmo", "p02", "A1", "02", "2026-03-01"),  # never allocated
    ("V6", 1, "317", "wmo", "p01", "A1", "02", "2026-01-03"),  # change request: ignored
    ("VJ", 1, "315", "jeugd", "p04", "B1", "45", "2026-01-05"),
]
DELIVERIES = [  # toewijzing, wet, persoon, start, stop
    ("T1", "wmo", "p01", "2026-01-08", "2026-01-31"),
    ("T1", "wmo", "p01", "2026-02-01", None),
    ("T3", "wmo", "p03", "2026-02-03", None),
    ("T4", "wmo", "p06", "2026-02-15", None),
    ("J1", "jeugd", "p04", "2026-01-20", "2026-02-28"),
]
CLAIMS = [  # bericht, toewijzing, wet, persoon, begin, eind, cent, dagtekening, lading
    ("D1", "T1", "wmo", "p01", "2026-01-01", "2026-01-31", 10000, "2026-02-10", 20),
    ("D1", "T2", "wmo", "p02", "2026-01-01", "2026-01-31", 5000, "2026-02-10", 20),
    ("D2", "T1", "wmo", "p01", "2026-02-01", "2026-02-28", 10000, "2026-03-10", 20),
    ("D3", "T1", "wmo", "p01", "2026-01-01", "2026-01-31", -2500, "2026-03-20", 21),
    ("D1", "J1", "jeugd", "p04", "2026-01-01", "2026-01-31", 30000, "2026-02-10", 20),
]


def _d(value: str | None) -> date | None:
    return D(value) if value else None


def build_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """Fill an empty DuckDB connection with the hand-made warehouse."""
    create_all(con)
    for pid, born in PERSONS.items():
        sex = "2" if pid in VROUW else "1"
        con.execute("INSERT INTO persoon VALUES (?, ?, ?, 'brp', 1, NULL)", [pid, D(born), sex])
    for pid, bu, van, tot, lading in RESIDENCES:
        hh = HUISHOUDEN.get((pid, van), HUISHOUDEN[pid])
        con.execute(
            "INSERT INTO verblijf (persoon_id, huishouden_id, gemeentecode, wijkcode, buurtcode,"
            " van, tot, reden_einde, lading_id) VALUES (?, ?, 'GM9901', ?, ?, ?, ?, NULL, ?)",
            [pid, hh, WK[bu], bu, D(van), _d(tot), lading],
        )
    for tid, wet, pid, agb, cat, tdat, ing, eind, lading in ALLOCATIONS:
        con.execute(
            "INSERT INTO toewijzing (toewijzing_id, toewijzingnummer, wet, gemeentecode,"
            " persoon_id, aanbieder, productcategorie, toewijzingsdatum, ingangsdatum,"
            " einddatum, dagtekening, bericht_id, lading_id)"
            " VALUES (?, ?, ?, 'GM9901', ?, ?, ?, ?, ?, ?, ?, 'b', ?)",
            [tid, tid, wet, pid, agb, cat, _d(tdat), D(ing), _d(eind), D("2026-01-05"), lading],
        )
    for bid, regel, soort, wet, pid, agb, cat, ontv in REQUESTS:
        con.execute(
            "INSERT INTO verzoek (bericht_id, regel, berichttype, wet, gemeentecode, persoon_id,"
            " aanbieder, productcategorie, ontvangen, lading_id)"
            " VALUES (?, ?, ?, ?, 'GM9901', ?, ?, ?, ?, 30)",
            [bid, regel, soort, wet, pid, agb, cat, D(ontv)],
        )
    for tid, wet, pid, start, stop in DELIVERIES:
        con.execute(
            "INSERT INTO levering (toewijzing_id, wet, gemeentecode, persoon_id, aanbieder,"
            " start, stop, dagtekening_start, lading_id)"
            " VALUES (?, ?, 'GM9901', ?, 'A1', ?, ?, ?, 40)",
            [tid, wet, pid, D(start), _d(stop), D(start)],
        )
    for regel, (bid, tid, wet, pid, begin, eind, cent, dag, lading) in enumerate(CLAIMS):
        con.execute(
            "INSERT INTO declaratie (bericht_id, regel, toewijzing_id, wet, gemeentecode,"
            " persoon_id, aanbieder, periode_begin, periode_eind, bedrag_cent, dagtekening,"
            " lading_id) VALUES (?, ?, ?, ?, 'GM9901', ?, 'A1', ?, ?, ?, ?, ?)",
            [bid, regel, tid, wet, pid, D(begin), D(eind), cent, D(dag), lading],
        )


@pytest.fixture(scope="session")
def warehouse_file(tmp_path_factory) -> Path:
    """The hand-made warehouse as a real DuckDB file, built once per test session."""
    path = tmp_path_factory.mktemp("pakhuis") / "pakhuis.duckdb"
    con = duckdb.connect(str(path))
    build_warehouse(con)
    con.close()
    return path


@pytest.fixture
def warehouse(warehouse_file, tmp_path) -> duckdb.DuckDBPyConnection:
    """A private, writable copy of the hand-made warehouse."""
    path = tmp_path / "pakhuis.duckdb"
    shutil.copy(warehouse_file, path)
    con = duckdb.connect(str(path))
    yield con
    con.close()


@pytest.fixture(scope="session")
def computed(warehouse_file) -> pd.DataFrame:
    """All indicators of the hand-made warehouse (computed once: it takes a few seconds)."""
    con = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        return compute_indicators(con)
    finally:
        con.close()
