"""A hand-built warehouse for the provider-cost tests: claim lines written straight into the
canonical ``declaratie`` table, so each test knows the right answer."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import duckdb

from stuurdata.analysis.base import Periode
from stuurdata.warehouse.schema import columns

GM = "GM9901"
PERIODE = Periode(date(2025, 1, 1), date(2026, 1, 1))
# Per-client amounts around a mean: the same spread for every provider (sd ~ 28% of mean).
SPREAD = (0.6, 0.8, 1.0, 1.2, 1.4)
_line = itertools.count()


def insert(con: duckdb.DuckDBPyConnection, table: str, **values: Any) -> None:
    """Insert one row by column name; lading_id defaults to 1."""
    values.setdefault("lading_id", 1)
    names = [c for c in columns(table) if c in values]
    con.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [values[n] for n in names],
    )


def _row(
    agb: str, persoon: str, euro: float, wet: str, categorie: str, maand: date
) -> dict[str, Any]:
    return {
        "bericht_id": f"iwmo:303:{agb}:{next(_line)}",
        "regel": 1,
        "toewijzing_id": f"{wet}:{GM}:{persoon}{categorie}",
        "wet": wet,
        "gemeentecode": GM,
        "persoon_id": persoon,
        "aanbieder": agb,
        "productcategorie": categorie,
        "periode_begin": maand,
        "periode_eind": maand.replace(day=28),
        "bedrag_cent": round(euro * 100),
        "dagtekening": maand.replace(day=10),
        "lading_id": 1,
    }


def _insert_claims(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    names = list(rows[0])
    con.executemany(
        f"INSERT INTO declaratie ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [[r[n] for n in names] for r in rows],
    )


def claim(
    con: duckdb.DuckDBPyConnection,
    agb: str,
    persoon: str,
    euro: float,
    *,
    wet: str = "wmo",
    categorie: str = "01",
    maand: date = date(2025, 6, 1),
) -> None:
    """One claim line (credit when ``euro`` is negative)."""
    _insert_claims(con, [_row(agb, persoon, euro, wet, categorie, maand)])


def provider(
    con: duckdb.DuckDBPyConnection,
    agb: str,
    clients: int,
    mean: float,
    *,
    categorie: str = "01",
    wet: str = "wmo",
) -> None:
    """``clients`` clients of ``agb`` whose amounts average ``mean`` (spread by SPREAD)."""
    rows = []
    for k in range(clients):
        factor = SPREAD[k % len(SPREAD)] if clients >= len(SPREAD) else (0.7, 1.3)[k % 2]
        persoon = f"{agb}-{categorie}-{k}"
        rows.append(_row(agb, persoon, mean * factor, wet, categorie, date(2025, 6, 1)))
    _insert_claims(con, rows)


def newest_message(
    con: duckdb.DuckDBPyConnection, dagtekening: object, afzender: str = "98000001"
) -> None:
    """One loaded message dated ``dagtekening``: the newest message fixes the default period."""
    insert(
        con,
        "bericht",
        bericht_id="b1",
        standaard="iwmo",
        wet="wmo",
        berichttype="303",
        berichtcode=1,
        afzender=afzender,
        ontvanger="GM9901",
        identificatie="1",
        dagtekening=dagtekening,
        aantal_regels=1,
        bestand="x",
        sha256="x",
        status="geladen",
    )
