"""Costs of recent periods: declared plus the published claims still expected."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from stuurdata.report import build_report_data
from stuurdata.report.build import NOG_VERWACHT

GM = "GM9901"  # the fixture frame's gemeente (tests/report/conftest.py)


@pytest.fixture
def con(warehouse):
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def _declared(published: pd.DataFrame, soort: str, periode: str) -> float:
    at = (
        (published["indicator"] == "kosten_wmo")
        & (published["gebiedscode"] == GM)
        & (published["periodesoort"] == soort)
        & (published["periode"] == periode)
        & (published["categorie"] == "")
    )
    return float(published.loc[at, "waarde"].iloc[0])


def _verwacht(published: pd.DataFrame, rows: dict[tuple[str, str], float | None]) -> pd.DataFrame:
    """Still-expected rows as the publication holds them (None: hidden under the rule)."""
    out = []
    for (soort, periode), nog in rows.items():
        declared = _declared(published, soort, periode)
        for deel, value in (("nog_verwacht", nog), ("verwacht_totaal", None)):
            if deel == "verwacht_totaal" and nog is not None:
                value = declared + nog
            out.append(
                {
                    "indicator": f"prognose_{deel}_wmo",
                    "versie": 1,
                    "niveau": "gemeente",
                    "gebiedscode": GM,
                    "periodesoort": soort,
                    "periode": periode,
                    "categorie": "",
                    "teller": math.nan if value is None else value,
                    "waarde": math.nan if value is None else value,
                    "status": "onderdrukt" if value is None else "ok",
                }
            )
    return pd.DataFrame(out)


def test_recent_cost_bars_stack_what_is_still_expected(con, published, definitions):
    rows = {("maand", "2026-01"): 40_000.0, ("maand", "2026-02"): 90_000.0}
    rows[("maand", "2026-03")] = None  # hidden: shown as "." and not stacked
    rows[("maand", "2025-10")] = 10.0  # next to nothing: not voorlopig for that
    data = build_report_data(con, published, definitions, verwacht=_verwacht(published, rows))
    wmo = next(s for s in data.secties if s.wet == "wmo")
    chart = next(g for b in wmo.blokken for g in b.grafieken if g.id == "wmo-kosten")
    names = [c.naam for c in chart.tabel.kolommen]
    assert names == ["Gedeclareerd", NOG_VERWACHT, "Verwacht totaal"]
    table = {r.label: r.cellen for r in chart.tabel.rijen}
    january = table["januari 2026 (voorlopig)"]
    total = _declared(published, "maand", "2026-01") + 40_000
    assert january[1] == "€\u00a040.000"
    assert january[2] == "€\u00a0" + f"{total:,.0f}".replace(",", ".")
    assert table["maart 2026 (voorlopig)"][1:] == (".", ".")
    assert table["oktober 2025"][1] == "€\u00a010"  # published, but not voorlopig for it
    assert table["september 2025"][1:] == ("–", "–")  # outside the recent months
    values = chart.spec["datasets"]
    stacked = [p for d in values.values() for p in d if p["Reeks"] == NOG_VERWACHT]
    assert {p["Periode"] for p in stacked} == {"jan 2026*", "feb 2026*", "okt 2025"}
    assert "oranje deel" in (chart.toelichting or "") and "schatting" in chart.toelichting
    kpc = next(g for b in wmo.blokken for g in b.grafieken if g.id == "wmo-kpc")
    assert NOG_VERWACHT not in [c.naam for c in kpc.tabel.kolommen]


def test_a_voorlopig_cost_card_says_what_is_still_expected(con, published, definitions):
    # Years: 2025 is the only one, ended less than three months before the data did.
    verwacht = _verwacht(published, {("jaar", "2025"): 123_456.0})
    data = build_report_data(con, published, definitions, periodesoort="jaar", verwacht=verwacht)
    wmo = next(s for s in data.secties if s.wet == "wmo")
    cards = {c.indicator: c for b in wmo.blokken for c in b.kaarten}
    card = cards["kosten_wmo"]
    assert card.periode == "jaar 2025"
    declared = _declared(published, "jaar", "2025")
    amount = "€\u00a0" + f"{declared:,.0f}".replace(",", ".")
    assert card.basis == f"voorlopig: gedeclareerd {amount}, nog verwacht ca. €\u00a0123.500"
    assert cards["kosten_per_client_wmo"].basis == ""


def test_without_published_estimates_the_chart_stays_as_it_was(con, published, definitions):
    data = build_report_data(con, published, definitions)
    wmo = next(s for s in data.secties if s.wet == "wmo")
    chart = next(g for b in wmo.blokken for g in b.grafieken if g.id == "wmo-kosten")
    assert [c.naam for c in chart.tabel.kolommen] == ["Kosten"]
    assert "oranje" not in (chart.toelichting or "")
