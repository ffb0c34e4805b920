"""A tiny hand-made warehouse for the quality tests: rows written straight into the canonical
tables of a real DuckDB file, so each test knows the right answer exactly."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from stuurdata.warehouse.load import connect
from stuurdata.warehouse.schema import columns

GM = "GM9901"
A = "98000001"  # provider under test
B = "98000002"  # a clean provider


def new_warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(tmp_path / "pakhuis.duckdb")


def insert(con: duckdb.DuckDBPyConnection, table: str, **values: Any) -> None:
    """Insert one row; unnamed columns are NULL, lading_id defaults to 1."""
    values.setdefault("lading_id", 1)
    names = [c for c in columns(table) if c in values]
    marks = ", ".join("?" for _ in names)
    con.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", [values[n] for n in names]
    )


def toewijzing(
    con: duckdb.DuckDBPyConnection,
    nummer: str,
    ingang: date,
    eind: date | None,
    *,
    aanbieder: str = A,
    wet: str = "wmo",
    persoon: str = "p1",
    volume: int = 4,
    frequentie: str = "2",
    toegewezen: date | None = None,
    categorie: str = "01",
) -> str:
    tid = f"{wet}:{GM}:{nummer}"
    insert(
        con,
        "toewijzing",
        toewijzing_id=tid,
        toewijzingnummer=nummer,
        wet=wet,
        gemeentecode=GM,
        persoon_id=persoon,
        aanbieder=aanbieder,
        productcategorie=categorie,
        productcode=categorie + "A01",
        toewijzingsdatum=toegewezen or ingang,
        ingangsdatum=ingang,
        einddatum=eind,
        volume=volume,
        eenheid="04",
        frequentie=frequentie,
        dagtekening=toegewezen or ingang,
        bericht_id=f"iwmo:414:9901:{nummer}",
    )
    return tid


def levering(
    con: duckdb.DuckDBPyConnection,
    tid: str,
    start: date,
    dag_start: date | None,
    stop: date | None = None,
    dag_stop: date | None = None,
    *,
    aanbieder: str = A,
    reden: str | None = "01",
    persoon: str = "p1",
) -> None:
    insert(
        con,
        "levering",
        toewijzing_id=tid,
        wet=tid.split(":")[0],
        gemeentecode=GM,
        persoon_id=persoon,
        aanbieder=aanbieder,
        start=start,
        stop=stop,
        reden_beeindiging=reden if stop else None,
        dagtekening_start=dag_start,
        dagtekening_stop=dag_stop,
    )


def declaratie(
    con: duckdb.DuckDBPyConnection,
    tid: str,
    begin: date,
    eind: date,
    volume: int,
    dag: date,
    *,
    regel: int = 1,
    aanbieder: str = A,
    bedrag: int | None = None,
    ref: str | None = None,
    vorig: str | None = None,
    persoon: str = "p1",
) -> None:
    insert(
        con,
        "declaratie",
        bericht_id=f"iwmo:418:{aanbieder}:{dag.isoformat()}:{tid}",
        regel=regel,
        toewijzing_id=tid,
        wet=tid.split(":")[0],
        gemeentecode=GM,
        persoon_id=persoon,
        aanbieder=aanbieder,
        productcategorie="01",
        periode_begin=begin,
        periode_eind=eind,
        volume=volume,
        eenheid="04",
        tarief_cent=1000,
        bedrag_cent=bedrag if bedrag is not None else volume * 1000,
        referentienummer=ref,
        vorig_referentienummer=vorig,
        dagtekening=dag,
    )


def bericht(
    con: duckdb.DuckDBPyConnection,
    ident: str,
    typ: str,
    dag: date,
    *,
    aanbieder: str = A,
    van_aanbieder: bool = True,
    retourcodes: str | None = None,
    retour_identificatie: str | None = None,
    dagtekening_retour: date | None = None,
    verzoek_antwoord: str | None = None,
) -> None:
    insert(
        con,
        "bericht",
        bericht_id=f"iwmo:{typ}:{aanbieder}:{ident}",
        standaard="iwmo",
        wet="wmo",
        berichttype=typ,
        berichtcode=400,
        afzender=aanbieder if van_aanbieder else "9901",
        ontvanger="9901" if van_aanbieder else aanbieder,
        gemeentecode=GM,
        aanbieder=aanbieder,
        identificatie=ident,
        dagtekening=dag,
        retourcodes=retourcodes,
        retour_identificatie=retour_identificatie,
        dagtekening_retour=dagtekening_retour,
        verzoek_antwoord=verzoek_antwoord,
        aantal_regels=1,
        bestand="x.xml",
        sha256="0",
        status="geladen",
    )


def window(con: duckdb.DuckDBPyConnection, vanaf: date, peil: date) -> None:
    """Messages that fix the observed window: a 307 on `vanaf`, a 323 on `peil`."""
    bericht(con, "w1", "307", vanaf, aanbieder=B)
    bericht(con, "w2", "323", peil, aanbieder=B)
