"""Reply-message measures: rejections per party and OP090 timeliness, on a hand-made warehouse."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from quality.kwaliteit_data import A, B, bericht, insert, new_warehouse, toewijzing, window
from stuurdata.quality import run_monitor

VANAF, PEIL = date(2026, 1, 1), date(2026, 6, 30)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = new_warehouse(tmp_path)
    window(c, VANAF, PEIL)
    return c


def test_rejections_count_against_the_sender_of_the_rejected_message(con):
    # The municipality answers provider A's messages: one clean, one with 0001 (rejected).
    bericht(con, "r1", "306", date(2026, 3, 3), retourcodes="0200", dagtekening_retour=None)
    bericht(con, "r2", "316", date(2026, 3, 4), retourcodes="0001")
    bericht(con, "r3", "325", date(2026, 3, 5), retourcodes="0200,8001")
    bericht(con, "r4", "308", date(2026, 3, 6))  # no codes at all: not rejected
    # Provider B rejects one of the municipality's allocations (302), accepts a 319 (320).
    bericht(
        con,
        "g1",
        "302",
        date(2026, 3, 3),
        aanbieder=B,
        van_aanbieder=False,
        retourcodes="0200,9332",
    )
    bericht(
        con,
        "g2",
        "320",
        date(2026, 3, 4),
        aanbieder=B,
        van_aanbieder=False,
        retourcodes="0200,0233",
    )
    k = run_monitor(con, maatregelen=["retourcode", "retourcode_gemeente"])
    r = k.retour.set_index(["partij", "code"])
    assert r.loc[("aanbieder", A), ["berichten", "afgekeurd"]].tolist() == [4, 1]
    assert r.loc[("aanbieder", A), "aandeel_afgekeurd"] == 0.25
    assert r.loc[("gemeente", "GM9901"), ["berichten", "afgekeurd"]].tolist() == [2, 1]
    rejected = k.bevindingen.set_index("maatregel")["detail"]
    assert "0001" in rejected["retourcode"]
    assert "9332" in rejected["retourcode_gemeente"]


def test_returns_later_than_three_working_days(con):
    # Answered Friday 24 April 2026, returned Wednesday 29 April: King's Day (Monday 27)
    # does not count, so 2 working days: on time.
    bericht(con, "r1", "306", date(2026, 4, 29), dagtekening_retour=date(2026, 4, 24))
    # Monday 2 March to Friday 6 March: 4 working days: late (OP090).
    bericht(con, "r2", "318", date(2026, 3, 6), dagtekening_retour=date(2026, 3, 2))
    # The provider returns a 302 on day 3: on time.
    bericht(
        con,
        "g1",
        "302",
        date(2026, 3, 5),
        aanbieder=B,
        van_aanbieder=False,
        dagtekening_retour=date(2026, 3, 2),
    )
    k = run_monitor(con, maatregelen=["retour_laat", "retour_laat_aanbieder"])
    late = k.bevindingen
    assert list(late["maatregel"]) == ["retour_laat"]
    assert late["werkdagen"].iloc[0] == 4
    r = k.retour.set_index(["partij", "code"])
    assert r.loc[("gemeente", "GM9901"), ["retouren", "retouren_laat"]].tolist() == [2, 1]
    assert r.loc[("aanbieder", B), ["retouren", "retouren_laat"]].tolist() == [1, 0]


def _request(con, persoon: str, referentie: str) -> None:
    insert(
        con,
        "verzoek",
        bericht_id=f"v-{persoon}",
        regel=1,
        berichttype="315",
        wet="wmo",
        gemeentecode="GM9901",
        persoon_id=persoon,
        aanbieder=A,
        productcategorie="01",
        ontvangen=date(2026, 3, 2),
        referentie=referentie,
    )


def test_in_onderzoek_gives_the_municipality_eight_weeks(con):
    # Two requests on 2 March, both allocated on 15 April (about 6 weeks later).
    for persoon, ref in (("p1", "R1"), ("p2", "R2")):
        _request(con, persoon, ref)
        toewijzing(
            con,
            ref,
            date(2026, 4, 15),
            date(2026, 12, 31),
            persoon=persoon,
            toegewezen=date(2026, 4, 15),
        )
    # Only R1 was reported 'in onderzoek' (319, VerzoekAntwoord 2) within 5 working days.
    bericht(
        con,
        "a1",
        "319",
        date(2026, 3, 4),
        van_aanbieder=False,
        retour_identificatie="R1",
        verzoek_antwoord="2",
    )
    k = run_monitor(con, maatregelen=["antwoord_laat"])
    assert list(k.bevindingen["toewijzingnummer"]) == ["R2"]


def test_a_rejection_319_is_the_answer_to_a_request(con):
    _request(con, "p3", "R3")  # 2 March; rejected on 4 March: answered in time
    _request(con, "p4", "R4")  # 2 March; rejected on 16 March: 10 working days, late
    bericht(
        con,
        "a3",
        "319",
        date(2026, 3, 4),
        van_aanbieder=False,
        retour_identificatie="R3",
        verzoek_antwoord="1",
    )
    bericht(
        con,
        "a4",
        "319",
        date(2026, 3, 16),
        van_aanbieder=False,
        retour_identificatie="R4",
        verzoek_antwoord="1",
    )
    _request(con, "p5", "R5")  # never answered: not (yet) in the population
    run_monitor(con, maatregelen=["antwoord_laat"])
    rows = con.execute(
        "SELECT persoon_id, werkdagen, fout, detail FROM kw_geval ORDER BY persoon_id"
    ).fetchall()
    assert [(p, w, f) for p, w, f, _ in rows] == [("p3", 2, False), ("p4", 10, True)]
    assert rows[1][3].startswith("afgewezen (319)")
