"""Metadata about the warehouse for the report: names, freshness, sources.

Only aggregate queries over ``lading``, ``bericht`` and (when present) ``gebied`` live here.
The report never reads a person-level row: everything it shows about people comes from the
published, disclosure-controlled indicator frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

BRON_NAMEN: dict[str, str] = {
    "istandaarden": "Berichten iWmo en iJw (berichtenverkeer met aanbieders)",
    "brp": "Basisregistratie Personen (BRP-extract: inwoners en verblijf)",
}


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """One source as the report lists it: how much was read, loaded and set aside."""

    bron: str
    naam: str
    bestanden: int
    gelezen: int
    geladen: int
    gequarantaineerd: int
    dubbel: int
    laatst_geladen: datetime | None


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()
    return bool(row and row[0])


def area_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Area code -> name from an optional ``gebied`` table; empty when there is none."""
    if not _has_table(con, "gebied"):
        return {}
    rows = con.execute(
        "SELECT gebiedscode, naam FROM gebied WHERE naam IS NOT NULL AND naam <> ''"
    ).fetchall()
    return {str(code): str(naam) for code, naam in rows}


def newest_message(con: duckdb.DuckDBPyConnection) -> date | None:
    """Dagtekening of the newest message loaded: how current the chain data is."""
    if not _has_table(con, "bericht"):
        return None
    row = con.execute("SELECT max(dagtekening) FROM bericht").fetchone()
    return row[0] if row else None


def brp_loaded(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the newest BRP extract was loaded: how current the population data is."""
    if not _has_table(con, "lading"):
        return None
    row = con.execute("SELECT max(klaar) FROM lading WHERE bron = 'brp'").fetchone()
    return row[0] if row else None


def message_municipality(con: duckdb.DuckDBPyConnection) -> str | None:
    """The municipality most messages are about, when the indicator frame does not say."""
    if not _has_table(con, "bericht"):
        return None
    row = con.execute(
        "SELECT gemeentecode FROM bericht WHERE gemeentecode IS NOT NULL "
        "GROUP BY gemeentecode ORDER BY count(*) DESC, gemeentecode LIMIT 1"
    ).fetchone()
    return str(row[0]) if row else None


def sources(con: duckdb.DuckDBPyConnection) -> list[SourceSummary]:
    """Per source: files, rows read/loaded/quarantined/duplicate, last load (from ``lading``)."""
    if not _has_table(con, "lading"):
        return []
    rows = con.execute(
        """
        SELECT bron, count(*), sum(gelezen), sum(geladen), sum(gequarantaineerd), sum(dubbel),
               max(klaar)
        FROM lading GROUP BY bron ORDER BY bron
        """
    ).fetchall()
    return [
        SourceSummary(
            bron=str(bron),
            naam=BRON_NAMEN.get(str(bron), str(bron)),
            bestanden=int(files),
            gelezen=int(read or 0),
            geladen=int(loaded or 0),
            gequarantaineerd=int(quarantined or 0),
            dubbel=int(duplicate or 0),
            laatst_geladen=last,
        )
        for bron, files, read, loaded, quarantined, duplicate, last in rows
    ]


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What the report knows besides the figures; read from a publication, not the warehouse.

    ``gemeente`` is the scope's gemeente, ``eind`` the end of the data (newest message).
    ``kwaliteit`` is the cost-per-client block of the chapter "Datakwaliteit van de keten"
    (``report.aanbieders.AanbiedersBlok``); the chapter's other figures are rows of the
    publication. ``labels`` are the quality labels per indicator id, ``namen`` the names of
    areas and providers (AGB code) by code.
    """

    gemeente: str | None
    namen: dict[str, str]
    eind: date | None
    brp_geladen: datetime | None
    bronnen: tuple[SourceSummary, ...]
    kwaliteit: object | None = None
    labels: dict[str, str] | None = None
