"""Each measure on a hand-made warehouse where the right answer is known."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from quality.kwaliteit_data import (
    A,
    B,
    bericht,
    declaratie,
    insert,
    levering,
    new_warehouse,
    toewijzing,
    window,
)
from stuurdata.quality import load_measures, run_monitor
from stuurdata.quality.werkdagen import working_days_between

VANAF, PEIL = date(2026, 1, 1), date(2026, 6, 30)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = new_warehouse(tmp_path)
    window(c, VANAF, PEIL)
    return c


def found(con: duckdb.DuckDBPyConnection, maatregel: str) -> pd.DataFrame:
    k = run_monitor(con, maatregelen=[maatregel])
    return k.bevindingen


def cases(con: duckdb.DuckDBPyConnection, maatregel: str) -> pd.DataFrame:
    run_monitor(con, maatregelen=[maatregel])
    return con.execute("SELECT * FROM kw_geval ORDER BY toewijzingnummer").df()


def test_working_days_skip_weekends_and_dutch_holidays() -> None:
    # King's Day 2026 (Monday 27 April) and Christmas/New Year do not count.
    assert working_days_between(date(2026, 4, 24), date(2026, 5, 4)) == 5
    assert working_days_between(date(2025, 12, 24), date(2026, 1, 2)) == 4
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 9)) == 5


def test_registry_names_rule_norm_and_definition() -> None:
    measures = load_measures()
    assert {
        "start_ontbreekt",
        "stop_ontbreekt",
        "start_laat",
        "stop_laat",
        "antwoord_laat",
        "overdeclaratie",
        "buiten_periode",
        "credit_zonder_debet",
        "stil",
        "vulgraad",
        "quarantaine",
        "retourcode",
        "leveringsgat",
        "zonder_toewijzing",
    } <= set(measures)
    assert measures["start_ontbreekt"].regel == "OP271"
    assert measures["stop_ontbreekt"].regel.startswith("OP272")
    assert all(m.norm and m.definitie for m in measures.values())


def test_missing_start_after_five_working_days(con: duckdb.DuckDBPyConnection) -> None:
    toewijzing(con, "1", date(2026, 3, 2), date(2026, 12, 31))  # no 305: missing
    t2 = toewijzing(con, "2", date(2026, 3, 2), date(2026, 12, 31), persoon="p2")
    levering(con, t2, date(2026, 3, 3), date(2026, 3, 4), persoon="p2")
    toewijzing(con, "3", date(2026, 6, 26), date(2026, 12, 31), persoon="p3")  # not yet due
    toewijzing(con, "4", date(2025, 1, 1), date(2025, 6, 30), persoon="p4")  # before window
    b = found(con, "start_ontbreekt")
    assert list(b["toewijzingnummer"]) == ["1"]
    assert b["werkdagen"].iloc[0] == working_days_between(date(2026, 3, 2), PEIL)
    k = run_monitor(con, maatregelen=["start_ontbreekt"])
    assert k.leeftijd["aantal"].sum() == 1
    assert k.leeftijd["klasse"].iloc[0] == "meer dan 60"


def test_missing_stop_when_allocation_ended(con: duckdb.DuckDBPyConnection) -> None:
    t1 = toewijzing(con, "1", date(2026, 1, 5), date(2026, 3, 31))
    levering(con, t1, date(2026, 1, 6), date(2026, 1, 7))  # never stopped: missing
    t2 = toewijzing(con, "2", date(2026, 1, 5), date(2026, 3, 31), persoon="p2")
    levering(
        con,
        t2,
        date(2026, 1, 6),
        date(2026, 1, 7),
        date(2026, 3, 31),
        date(2026, 4, 2),
        persoon="p2",
    )
    t3 = toewijzing(con, "3", date(2026, 1, 5), date(2026, 6, 29), persoon="p3")
    levering(con, t3, date(2026, 1, 6), date(2026, 1, 7), persoon="p3")  # stop not due yet
    # An open-ended allocation replaced by a newer one for the same product has ended.
    t4 = toewijzing(con, "4", date(2026, 1, 5), None, persoon="p4")
    levering(con, t4, date(2026, 1, 6), date(2026, 1, 7), persoon="p4")
    toewijzing(con, "5", date(2026, 4, 1), date(2026, 12, 31), persoon="p4")
    b = found(con, "stop_ontbreekt")
    assert sorted(b["toewijzingnummer"]) == ["1", "4"]


def test_late_start_and_stop_in_working_days(con: duckdb.DuckDBPyConnection) -> None:
    t1 = toewijzing(con, "1", date(2026, 4, 1), date(2026, 12, 31))
    # Start Fri 24 April, message Mon 4 May: 5 working days (King's Day skipped): on time.
    levering(con, t1, date(2026, 4, 24), date(2026, 5, 4), date(2026, 5, 29), date(2026, 6, 8))
    t2 = toewijzing(con, "2", date(2026, 4, 1), date(2026, 12, 31), persoon="p2")
    # Start Fri 24 April, message Tue 5 May: 6 working days: late. Stop 29 May, 307 on 5 June.
    levering(
        con,
        t2,
        date(2026, 4, 24),
        date(2026, 5, 5),
        date(2026, 5, 29),
        date(2026, 6, 5),
        persoon="p2",
    )
    start = cases(con, "start_laat")
    assert dict(zip(start["toewijzingnummer"], start["fout"], strict=True)) == {
        "1": False,
        "2": True,
    }
    stop = cases(con, "stop_laat")
    # 29 May -> 8 June: 6 working days (Whit Monday 25 May is before); 5 June: 5.
    assert dict(zip(stop["toewijzingnummer"], stop["fout"], strict=True)) == {
        "1": True,
        "2": False,
    }


def test_retroactive_allocation_counts_from_allocation_date(
    con: duckdb.DuckDBPyConnection,
) -> None:
    t1 = toewijzing(con, "1", date(2026, 3, 2), date(2026, 12, 31), toegewezen=date(2026, 4, 1))
    levering(con, t1, date(2026, 3, 2), date(2026, 4, 3))
    assert not cases(con, "start_laat")["fout"].any()


def test_response_to_request_within_five_working_days(con: duckdb.DuckDBPyConnection) -> None:
    for nummer, ontvangen, toegewezen in (
        ("1", date(2026, 3, 2), date(2026, 3, 6)),
        ("2", date(2026, 3, 2), date(2026, 3, 12)),
        ("3", date(2026, 3, 2), date(2026, 5, 15)),
    ):
        persoon = f"p{nummer}"
        insert(
            con,
            "verzoek",
            bericht_id=f"v{nummer}",
            regel=1,
            berichttype="315",
            wet="wmo",
            gemeentecode="GM9901",
            persoon_id=persoon,
            aanbieder=A,
            productcategorie="01",
            verwijzer_type="02",
            ontvangen=ontvangen,
        )
        toewijzing(con, nummer, toegewezen, date(2026, 12, 31), persoon=persoon)
    rows = cases(con, "antwoord_laat").set_index("toewijzingnummer")
    assert list(rows["fout"]) == [False, True, True]
    assert "8 weken" in rows.loc["3", "detail"]


def test_declared_above_allocated_and_outside_period(con: duckdb.DuckDBPyConnection) -> None:
    # 7 hours a week: April (30 days) allocates 30 hours.
    t1 = toewijzing(con, "1", date(2026, 1, 1), date(2026, 12, 31), volume=7)
    declaratie(con, t1, date(2026, 4, 1), date(2026, 4, 30), 30, date(2026, 5, 5))
    t2 = toewijzing(con, "2", date(2026, 1, 1), date(2026, 12, 31), volume=7, persoon="p2")
    declaratie(con, t2, date(2026, 4, 1), date(2026, 4, 30), 36, date(2026, 5, 5), persoon="p2")
    t3 = toewijzing(con, "3", date(2026, 1, 1), date(2026, 3, 31), volume=7, persoon="p3")
    declaratie(con, t3, date(2026, 4, 1), date(2026, 4, 30), 30, date(2026, 5, 5), persoon="p3")
    over = found(con, "overdeclaratie")
    assert list(over["toewijzingnummer"]) == ["2"]
    buiten = found(con, "buiten_periode")
    assert list(buiten["toewijzingnummer"]) == ["3"]
    assert buiten["bedrag_cent"].iloc[0] == 30_000


def test_credit_without_debit(con: duckdb.DuckDBPyConnection) -> None:
    t1 = toewijzing(con, "1", date(2026, 1, 1), date(2026, 12, 31))
    declaratie(con, t1, date(2026, 2, 1), date(2026, 2, 28), 10, date(2026, 3, 3), ref="R1")
    declaratie(
        con,
        t1,
        date(2026, 2, 1),
        date(2026, 2, 28),
        10,
        date(2026, 4, 3),
        regel=2,
        bedrag=-10_000,
        ref="R2",
        vorig="R1",
    )
    declaratie(
        con,
        t1,
        date(2026, 2, 1),
        date(2026, 2, 28),
        10,
        date(2026, 4, 3),
        regel=3,
        bedrag=-10_000,
        ref="R3",
        vorig="R99",
    )
    b = found(con, "credit_zonder_debet")
    assert len(b) == 1 and "R99" in b["detail"].iloc[0]


def test_allocated_but_silent(con: duckdb.DuckDBPyConnection) -> None:
    t1 = toewijzing(con, "1", date(2026, 1, 1), date(2026, 12, 31))
    levering(con, t1, date(2026, 1, 5), date(2026, 1, 6))
    declaratie(con, t1, date(2026, 1, 5), date(2026, 1, 31), 4, date(2026, 2, 5))
    t2 = toewijzing(con, "2", date(2026, 1, 1), date(2026, 12, 31), persoon="p2")
    levering(con, t2, date(2026, 1, 5), date(2026, 1, 6), persoon="p2")
    for i, month in enumerate(range(1, 6), start=1):
        begin = date(2026, month, 5 if month == 1 else 1)
        end = (pd.Timestamp(begin) + pd.offsets.MonthEnd(0)).date()
        declaratie(con, t2, begin, end, 4, date(2026, month + 1, 5), regel=i, persoon="p2")
    b = found(con, "stil")
    assert list(b["toewijzingnummer"]) == ["1"]


def test_fill_rate_of_steering_fields(con: duckdb.DuckDBPyConnection) -> None:
    insert(
        con,
        "verzoek",
        bericht_id="v1",
        regel=1,
        berichttype="315",
        wet="wmo",
        gemeentecode="GM9901",
        persoon_id="p1",
        aanbieder=A,
        verwijzer_type=None,
        ontvangen=date(2026, 2, 2),
    )
    insert(
        con,
        "verzoek",
        bericht_id="v2",
        regel=1,
        berichttype="315",
        wet="wmo",
        gemeentecode="GM9901",
        persoon_id="p2",
        aanbieder=A,
        verwijzer_type="02",
        ontvangen=date(2026, 2, 2),
    )
    t1 = toewijzing(con, "1", date(2026, 1, 1), date(2026, 12, 31))
    levering(
        con, t1, date(2026, 1, 5), date(2026, 1, 6), date(2026, 2, 1), date(2026, 2, 2), reden=None
    )
    b = found(con, "vulgraad")
    assert sorted(b["detail"]) == [
        "stopbericht zonder reden beëindiging",
        "verzoek om toewijzing zonder verwijzer (COD327)",
    ]


def test_quarantine_return_codes_and_unknown_allocations(
    con: duckdb.DuckDBPyConnection,
) -> None:
    toewijzing(con, "1", date(2026, 1, 1), date(2026, 12, 31))
    insert(
        con,
        "lading",
        lading_id=7,
        run_id="r",
        bron="istandaarden",
        bestand="x.xml",
        sha256="0",
        gelezen=1,
        geladen=0,
        gequarantaineerd=1,
        dubbel=0,
        gestart=pd.Timestamp("2026-03-03"),
        klaar=pd.Timestamp("2026-03-03"),
    )
    insert(
        con,
        "quarantaine",
        lading_id=7,
        bestand="x.xml",
        positie="regel 1",
        soort="bedrijfsregel",
        afzender=A,
        berichttype="305",
        bericht_id="iwmo:418:98000001:9",
        melding="Start- of stopbericht voor een onbekende toewijzing: ToewijzingNummer 777, 778 "
        "is nooit door gemeente GM9901 toegewezen (geen toewijzingsbericht 301 in het pakhuis).",
        toewijzingnummers="777,778",
    )
    insert(
        con,
        "quarantaine",
        lading_id=7,
        bestand="y.xml",
        positie="regel 3",
        soort="xsd",
        afzender=A,
        berichttype="323",
        bericht_id="iwmo:418:98000001:10",
        melding="fout",
    )
    declaratie(con, "wmo:GM9901:888", date(2026, 2, 1), date(2026, 2, 28), 3, date(2026, 3, 3))
    bericht(con, "r1", "306", date(2026, 3, 3), retourcodes="0200")
    bericht(con, "r2", "325", date(2026, 3, 4), retourcodes="0200,8001,0345")
    zonder = found(con, "zonder_toewijzing")
    assert sorted(zonder["toewijzingnummer"]) == ["777", "778", "888"]
    q = found(con, "quarantaine")
    assert sorted(q["detail"].str.split(" ").str[0]) == ["bedrijfsregel", "xsd"]
    r = found(con, "retourcode")
    assert len(r) == 1 and "0345" in r["detail"].iloc[0]


def test_delivery_gap_for_a_busy_provider(con: duckdb.DuckDBPyConnection) -> None:
    for i in range(10):
        t = toewijzing(con, str(i), date(2026, 1, 1), date(2026, 12, 31), persoon=f"p{i}")
        levering(con, t, date(2026, 1, 5), date(2026, 1, 6), persoon=f"p{i}")
    for month in (1, 2, 3, 5, 6):  # silent in April
        for j in range(12):
            bericht(con, f"{month}-{j}", "323", date(2026, month, 2 + j))
    b = found(con, "leveringsgat")
    assert list(pd.to_datetime(b["maand"]).dt.month) == [4]
    assert b["aanbieder"].iloc[0] == A


def test_bad_chain_data_is_reported_not_fatal(con: duckdb.DuckDBPyConnection) -> None:
    # Contradictions: stop before start, end before start, claims with no volume, no dates.
    t1 = toewijzing(con, "1", date(2026, 3, 1), date(2026, 2, 1))
    levering(con, t1, date(2026, 3, 5), date(2026, 3, 1), date(2026, 3, 1), date(2026, 2, 1))
    t2 = toewijzing(con, "2", date(2026, 3, 1), date(2099, 1, 1), frequentie="9", persoon="p2")
    declaratie(con, t2, date(2026, 4, 1), date(2026, 3, 1), 0, date(2026, 4, 4), persoon="p2")
    insert(
        con,
        "quarantaine",
        lading_id=99,
        bestand="z",
        positie="?",
        soort="xsd",
        melding="kapot",
        afzender=None,
    )
    k = run_monitor(con)
    assert set(k.oordeel["maatregel"]) <= set(load_measures())
    assert not k.bevindingen.empty


def test_empty_warehouse(tmp_path: Path) -> None:
    k = run_monitor(new_warehouse(tmp_path))
    assert k.bevindingen.empty and k.scores.empty


def test_clean_provider_not_in_findings(con: duckdb.DuckDBPyConnection) -> None:
    t = toewijzing(con, "1", date(2026, 2, 2), date(2026, 3, 31), aanbieder=B, volume=7)
    levering(
        con, t, date(2026, 2, 2), date(2026, 2, 3), date(2026, 3, 31), date(2026, 4, 1), aanbieder=B
    )
    declaratie(con, t, date(2026, 2, 2), date(2026, 2, 28), 27, date(2026, 3, 4), aanbieder=B)
    declaratie(con, t, date(2026, 3, 1), date(2026, 3, 31), 31, date(2026, 4, 6), aanbieder=B)
    k = run_monitor(con)
    assert B not in set(k.bevindingen["aanbieder"])
