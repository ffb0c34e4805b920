"""``build_report_data``: structure, names, freshness and robustness to partial frames."""

from __future__ import annotations

import math
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from stuurdata.report import build_report_data
from stuurdata.warehouse.schema import create_all


@pytest.fixture
def con(warehouse):
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def _cards(data, wet):
    section = next(s for s in data.secties if s.wet == wet)
    return {c.indicator: c for b in section.blokken for c in b.kaarten}


def test_header_metadata_comes_from_the_warehouse(con, published, definitions):
    data = build_report_data(con, published, definitions, now=datetime(2026, 4, 10, 12, 0))
    assert data.gemeentecode == "GM9901"
    assert data.gemeentenaam == "Voorbeeldstad"
    assert data.periode_tekst == "januari 2025 t/m maart 2026"
    assert data.nieuwste_bericht == "28 maart 2026"
    assert data.brp_geladen == "1 april 2026 om 08:05"
    assert data.gegenereerd == "10 april 2026 om 12:00"
    bronnen = {b.bron: b for b in data.bronnen}
    assert bronnen["istandaarden"].gelezen == 1500
    assert bronnen["istandaarden"].gequarantaineerd == 15
    assert bronnen["brp"].bestanden == 1


def test_sections_and_headline_figures(con, published, definitions):
    data = build_report_data(con, published, definitions)
    assert [s.titel for s in data.secties] == ["Wmo 2015", "Jeugdwet"]
    assert all(s.periode == "1e kwartaal 2026" for s in data.secties)
    cards = _cards(data, "wmo")
    expected = published.query(
        "indicator == 'clienten_wmo' and niveau == 'gemeente' and periode == '2026-K1'"
    )["waarde"].iloc[0]
    assert cards["clienten_wmo"].waarde == f"{expected:,.0f}".replace(",", ".")
    assert cards["clienten_wmo"].vergelijking.startswith("vorig kwartaal: ")
    assert cards["kosten_wmo"].waarde.startswith("€\u00a0")
    assert cards["clienten_wmo"].definitie == definitions["clienten_wmo"]["definitie"]


def test_periodesoort_can_be_forced(con, published, definitions):
    data = build_report_data(con, published, definitions, periodesoort="jaar")
    assert data.secties[0].periode == "jaar 2025"


def test_wijk_table_has_names_suppression_and_a_total(con, published, definitions):
    data = build_report_data(con, published, definitions)
    section = data.secties[0]
    block = next(b for b in section.blokken if b.id == "wmo-gebied")
    wijk, buurt = block.tabellen
    assert [r.label for r in wijk.rijen] == ["Centrum", "Noord", "Zuid-Oost", "Gemeente totaal"]
    assert wijk.rijen[-1].totaal
    # "De Akkers" is a tiny buurt: every figure there is withheld.
    akkers = next(r for r in buurt.rijen if r.label == "De Akkers")
    assert set(akkers.cellen) == {"."}


def test_missing_indicators_are_left_out_not_invented(con, published, definitions):
    keep = published[published["indicator"].isin(["clienten_wmo", "instroom_wmo"])]
    data = build_report_data(con, keep, definitions)
    assert [s.wet for s in data.secties] == ["wmo"]
    ids = {c.indicator for b in data.secties[0].blokken for c in b.kaarten}
    assert ids == {"clienten_wmo", "instroom_wmo"}
    titles = [b.titel for b in data.secties[0].blokken]
    assert "Kosten" not in titles and "Doorlooptijden in de keten" not in titles
    listed = {d.id for _, group in data.definities for d in group}
    assert listed == {"clienten_wmo", "instroom_wmo"}


def test_unknown_indicator_and_missing_definition_do_not_crash(con, published, definitions):
    extra = pd.DataFrame(
        [
            {
                "indicator": "herindicaties_wmo",
                "versie": 1,
                "niveau": "gemeente",
                "gebiedscode": "GM9901",
                "periodesoort": "kwartaal",
                "periode": "2026-K1",
                "categorie": "",
                "teller": 40.0,
                "noemer": math.nan,
                "waarde": 40.0,
                "n": 40.0,
                "status": "ok",
            }
        ]
    )
    data = build_report_data(con, pd.concat([published, extra]), definitions)
    block = next(b for b in data.secties[0].blokken if b.id == "wmo-overig")
    assert block.tabellen[0].rijen[0].cellen == ("40",)


def test_only_the_newest_definition_version_is_used(con, published, definitions):
    old = published[published["indicator"] == "clienten_wmo"].copy()
    old["versie"] = 0
    old["waarde"] = 99999.0
    data = build_report_data(con, pd.concat([old, published]), definitions)
    assert _cards(data, "wmo")["clienten_wmo"].waarde != "99.999"


def test_empty_warehouse_and_no_area_table(tmp_path, published, definitions):
    con = duckdb.connect(str(tmp_path / "leeg.duckdb"))
    create_all(con)
    con.execute("DROP TABLE gebied")
    frame = published.assign(gebiedscode=published["gebiedscode"].str.replace("9901", "0363"))
    data = build_report_data(con, frame, definitions)
    assert data.gemeentenaam == "Amsterdam"  # from the bundled CBS list
    assert data.nieuwste_bericht == "–"
    assert data.bronnen == ()
    con.close()


def test_empty_frame_gives_an_empty_report(tmp_path, definitions):
    con = duckdb.connect(str(tmp_path / "leeg.duckdb"))
    create_all(con)
    frame = pd.DataFrame(columns=["indicator", "niveau", "gebiedscode", "periodesoort", "periode"])
    data = build_report_data(con, frame, definitions)
    assert data.secties == ()
    assert data.periode_tekst == "geen gegevens"
    con.close()
