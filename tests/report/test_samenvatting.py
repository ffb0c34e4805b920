"""The summary "Vijf dingen om te weten": sentences made from the figures, never fixed text."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from stuurdata.report import build_report_data
from stuurdata.report.model import Block, Card, Section

GM = "GM9901"  # the fixture frame's gemeente (tests/report/conftest.py)


@pytest.fixture
def con(warehouse):
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def _with(published: pd.DataFrame, **changes: float) -> pd.DataFrame:
    """The fixture frame with some gemeente figures of 2026-K1 replaced."""
    df = published.copy()
    for indicator, waarde in changes.items():
        at = (
            (df["indicator"] == indicator)
            & (df["gebiedscode"] == GM)
            & (df["periodesoort"] == "kwartaal")
            & (df["periode"] == "2026-K1")
            & (df["categorie"] == "")
        )
        df.loc[at, ["waarde", "teller"]] = waarde
    return df


def test_at_most_five_sentences_from_the_figures(con, published, definitions):
    data = build_report_data(con, published, definitions)
    assert 1 <= len(data.samenvatting) <= 5
    assert any("cliënten van de Wmo" in s for s in data.samenvatting)


def test_a_clear_rise_and_waiting_above_the_norm_are_named(con, published, definitions):
    changed = _with(published, clienten_wmo=2600.0, wachttijd_verzoek_toewijzing_mediaan_wmo=21.0)
    text = " ".join(build_report_data(con, changed, definitions).samenvatting)
    assert "is in het 1e kwartaal 2026 2.600: duidelijk meer dan" in text
    assert "pas na 21 dagen antwoord" in text and "5 werkdagen" in text
    assert "ongeveer 7 dagen; 70% kreeg binnen die tijd antwoord." in text


def test_a_wijk_outside_the_funnel_stands_out(con, published, definitions):
    df = published.copy()
    rate = df["indicator"] == "clienten_per_1000_wmo"
    quarter = (df["periodesoort"] == "kwartaal") & (df["periode"] == "2026-K1")
    df.loc[rate & quarter, "noemer"] = 1000.0 * df.loc[rate & quarter, "teller"] / 80.0
    noord = rate & quarter & (df["gebiedscode"] == "WK990102")
    df.loc[noord, "teller"] = 2 * df.loc[noord, "teller"]  # twice the gemeente's rate
    text = " ".join(build_report_data(con, df, definitions).samenvatting)
    assert "Het grootst is het verschil in Noord" in text


def test_the_year_end_against_the_budget_comes_from_the_forecast_chapter(
    con, published, definitions
):
    card = Card(
        "",
        "Verwacht jaartotaal Wmo 2015",
        "€\u00a01.200.000",
        "2026",
        "",
        vergelijking="€\u00a0200.000 boven de begroting van €\u00a01.000.000",  # report.prognose
    )
    prognose = Section("prognose", "Prognose en budget", "", (Block("p", "P", kaarten=(card,)),))
    data = build_report_data(con, published, definitions, prognose=prognose)
    assert data.samenvatting[0].startswith("De kosten van dit jaar komen naar verwachting uit op")
    assert "€ 200.000 boven de begroting" in data.samenvatting[0]


def test_recent_costs_are_voorlopig_and_not_compared_as_complete(con, published, definitions):
    data = build_report_data(con, published, definitions)  # data end: 28 March 2026
    wmo = next(s for s in data.secties if s.wet == "wmo")
    blocks = {b.id: b for b in wmo.blokken}
    cards = {c.indicator: c for c in blocks["wmo-kosten"].kaarten}
    assert cards["kosten_wmo"].periode == "3e kwartaal 2025"  # K4 and K1 still coming in
    assert blocks["wmo-kern"].kaarten[0].periode == "1e kwartaal 2026"
    chart = next(g for g in blocks["wmo-kosten"].grafieken if g.id == "wmo-kosten")
    assert chart.tabel.rijen[-1].label == "maart 2026 (voorlopig)"
    assert "Voorlopig" in (chart.toelichting or "")


def test_the_request_to_allocation_time_says_what_it_was_measured_on(con, published, definitions):
    data = build_report_data(con, published, definitions)
    wmo = next(s for s in data.secties if s.wet == "wmo")
    block = next(b for b in wmo.blokken if b.id == "wmo-wachttijd")
    assert block.titel == "Doorlooptijden in de keten"
    card = next(
        c for c in block.kaarten if c.indicator == "wachttijd_verzoek_toewijzing_mediaan_wmo"
    )
    assert card.basis.startswith("70% binnen de norm van 7 dagen, gemeten bij ")
    assert card.basis.endswith("verzoeken; dat is 20% van de nieuwe cliënten")
    chart = block.grafieken[0]
    assert any(layer.get("mark", {}).get("type") == "rule" for layer in chart.spec["layer"])
