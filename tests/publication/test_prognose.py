"""The forecast chapter as publication rows: protected once, one figure for this year."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from stuurdata.privacy.disclosure import ONDERDRUKT
from stuurdata.privacy.keys import pseudonymiser
from stuurdata.publication.publish import Publicatie, publiceer
from stuurdata.publication.store import read_publication, write_publication
from stuurdata.report.prognose import (
    backtest_warnings,
    prognose_section,
    read_backtest,
    read_multi_year,
    read_toets,
    read_year_end,
    toets_warnings,
)
from stuurdata.synth import generate
from stuurdata.warehouse.load import load_sources

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prognose_publicatie")
    generate(root / "synth", inwoners=3000, maanden=30, zaad=11, tot=date(2026, 10, 1))
    pakhuis = root / "pakhuis.duckdb"
    load_sources([root / "synth" / "bronnen"], pakhuis, pseudonymiser(root / "sleutel"))
    return root


def _publish(root: Path, name: str) -> Publicatie:
    with duckdb.connect(str(root / "pakhuis.duckdb")) as con:
        made = publiceer(con, begroting=root / "synth" / "begroting.csv")
    folder = write_publication(made, root / name)
    return read_publication(folder)  # what every output reads: the stored publication


@pytest.fixture(scope="module")
def pub(town: Path) -> Publicatie:
    return _publish(town, "publicatie")


def test_this_years_cost_is_one_figure(pub: Publicatie) -> None:
    ye = read_year_end(pub.cijfers)
    totals = ye[ye["productcategorie"] == ""].set_index("wet")
    jaar = int(ye["jaar"].iloc[0])
    for wet, row in totals.iterrows():
        multi = read_multi_year(pub.cijfers, str(wet), "kosten").set_index("jaar")
        assert multi.loc[jaar, "waarde"] == pytest.approx(row["jaartotaal"])
        assert multi.loc[jaar, "lo80"] == pytest.approx(row["lo80"])
        assert not multi.loc[jaar, "realisatie"]
        assert (multi.index > jaar).any()  # the years after come from the model


def test_year_end_parts_hide_together_and_never_alone(pub: Publicatie) -> None:
    c = pub.cijfers
    rows = c[c["maat"].str.startswith("prognose_jaar_")]
    assert not rows.empty
    wet = rows["maat"].str.rsplit("_", n=1).str[-1]
    hidden = rows["status"].eq(ONDERDRUKT)
    per_row = hidden.groupby([wet, rows["categorie"]]).agg(["all", "any"])
    assert (per_row["all"] == per_row["any"]).all()  # a row is hidden whole or not at all
    for maat, part in rows[rows["maat"].str.contains("_per_categorie_")].groupby("maat"):
        assert part["status"].eq(ONDERDRUKT).sum() != 1, maat  # never one alone
    assert rows.loc[hidden, ["waarde", "ondergrens", "bovengrens"]].isna().all().all()
    assert (pd.to_numeric(rows.loc[~hidden, "n"]) >= 10).all()


def test_counts_and_their_intervals_are_rounded(pub: Publicatie) -> None:
    c = pub.cijfers
    rows = c[c["maat"].str.startswith("prognose_clienten_") & c["status"].ne(ONDERDRUKT)]
    assert not rows.empty
    for column in ("waarde", "ondergrens", "bovengrens"):
        values = rows[column].dropna()
        assert (values % 5 == 0).all(), column
    assert set(rows["eenheid"]) == {"personen"}
    euros = c[c["maat"].str.startswith("prognose_") & c["eenheid"].eq("euro")]
    for column in ("waarde", "ondergrens", "bovengrens"):
        values = euros[column].dropna()
        assert (values == values.round()).all(), column  # whole euros, no digit runs


def test_backtest_of_the_year_end_and_the_model(pub: Publicatie) -> None:
    back = read_backtest(pub.cijfers)
    ye_year = int(read_year_end(pub.cijfers)["jaar"].iloc[0])
    assert not back.empty and (back["jaar"].astype(int) < ye_year).all()
    assert (back["gemaakt"].str[:4].astype(int) == back["jaar"].astype(int)).all()
    assert back[["voorspeld", "uitkomst"]].notna().all().all()
    toets = read_toets(pub.cijfers)
    assert {"mase", "mase_naief", "dekking80"} <= set(toets.columns)


def test_report_chapter_shows_the_published_figures(pub: Publicatie) -> None:
    section = prognose_section(pub.cijfers, pub.meta.namen)
    assert section is not None
    ids = [b.id for b in section.blokken]
    assert ids[:2] == ["prognose-jaar", "prognose-terugblik"] and "prognose-toets" in ids
    text = " ".join(
        " ".join(r.cellen)
        for b in section.blokken
        for t in (*b.tabellen, *(g.tabel for g in b.grafieken))
        for r in t.rijen
    )
    from stuurdata.report.format import fmt_euro

    ye = read_year_end(pub.cijfers)
    for value in ye["jaartotaal"].dropna():
        assert fmt_euro(value) in text
    terugblik = next(b for b in section.blokken if b.id == "prognose-terugblik")
    assert "voorspelden we" in (terugblik.inleiding or "") and "het werd" in terugblik.inleiding
    toets = next(b for b in section.blokken if b.id == "prognose-toets")
    assert "zat de voorspelling er gemiddeld " in (toets.inleiding or "")
    said = " ".join(
        [
            toets.inleiding or "",
            *(f"{c.naam} {c.definitie}" for t in toets.tabellen for c in t.kolommen),
            *(" ".join(r.cellen) for t in toets.tabellen for r in t.rijen),
        ]
    )
    assert re.search(r"\d+% (minder|meer)|even ver", said)
    assert not re.search(r"mase|backtest|kwantiel|residu|bootstrap", said, re.IGNORECASE)


def test_warnings_in_plain_words_where_the_naive_reference_wins() -> None:
    toets = pd.DataFrame(
        {
            "wet": ["wmo", "wmo"],
            "maat": ["kosten", "kosten"],
            "horizon": [6, 12],
            "mase": [1.01, 0.7],
            "mase_naief": [0.85, 0.9],
            "dekking80": [0.8, 0.8],
        }
    ).assign(slechter=lambda d: d["mase"] > d["mase_naief"])
    warnings = toets_warnings(toets)
    assert len(warnings) == 1
    assert "6 maanden" in warnings[0] and "zelfde maand vorig jaar" in warnings[0]
    assert "MASE" not in warnings[0]
    back = pd.DataFrame({"wet": ["jeugd"], "gemaakt": ["2025-10"], "slechter": [True]})
    assert "oktober 2025" in backtest_warnings(back)[0]


def test_the_overzicht_signals_a_year_end_above_the_budget(pub: Publicatie) -> None:
    from stuurdata.web.vergelijking import budget_signal

    ye = read_year_end(pub.cijfers)
    wmo = ye[(ye["wet"] == "wmo") & (ye["productcategorie"] == "")].iloc[0]
    signal = budget_signal(pub.cijfers, "wmo")
    assert (signal is not None) == bool(wmo["verschil"] > 0)
    # Raise the published budget's complement: the same rows with the budget far below.
    c = pub.cijfers.copy()
    budget = c["maat"].astype(str).eq("prognose_jaar_begroting_wmo") & c["categorie"].fillna("").eq(
        ""
    )
    c.loc[budget, "waarde"] = wmo["jaartotaal"] / 2
    raised = budget_signal(c, "wmo")
    assert raised is not None and raised.href == "/prognose"
    assert "boven de begroting" in raised.tekst and "ondergrens" in raised.tekst


RECENT = ("prognose_nog_verwacht_", "prognose_verwacht_totaal_")


def _recent(c: pd.DataFrame, deel: str, wet: str, soort: str = "maand") -> pd.DataFrame:
    rows = c[(c["maat"] == f"prognose_{deel}_{wet}") & (c["periodesoort"] == soort)]
    return rows.set_index("periode")


def test_recent_months_add_up_to_the_year_ends_still_expected(pub: Publicatie) -> None:
    """One figure across outputs: the months of this year sum to the year-end's nog_verwacht,
    the quarters to their months, and declared plus still expected is the expected total."""
    c = pub.cijfers
    ye = read_year_end(c)
    totals = ye[ye["productcategorie"] == ""].set_index("wet")
    jaar = str(int(ye["jaar"].iloc[0]))
    for wet, row in totals.iterrows():
        months = _recent(c, "nog_verwacht", str(wet))
        this_year = months[months.index.str.startswith(jaar)]
        assert len(this_year) >= 9 and this_year["status"].ne(ONDERDRUKT).all()
        assert set(this_year["eenheid"]) == {"euro"}
        # Whole euros per month: the sum may differ from the year by the rounding only.
        assert abs(this_year["waarde"].sum() - row["nog_verwacht"]) <= 0.5 * len(this_year) + 0.5
        quarters = _recent(c, "nog_verwacht", str(wet), "kwartaal")
        assert not quarters.empty
        for kwartaal, q in quarters.iterrows():
            year, k = str(kwartaal).split("-K")
            inside = [f"{year}-{3 * (int(k) - 1) + m:02d}" for m in (1, 2, 3)]
            part = months[months.index.isin(inside)]
            assert abs(part["waarde"].sum() - q["waarde"]) <= 0.5 * len(part) + 0.5
        totaal = _recent(c, "verwacht_totaal", str(wet))
        kosten = c[
            (c["maat"] == f"kosten_{wet}")
            & (c["niveau"] == "gemeente")
            & (c["periodesoort"] == "maand")
            & (c["categorie"] == "")
        ].set_index("periode")
        for periode, nog in this_year.iterrows():
            declared = kosten["waarde"].get(periode, 0.0)
            assert totaal.loc[periode, "waarde"] == pytest.approx(declared + nog["waarde"], abs=1)
            assert nog["ondergrens"] <= nog["waarde"] <= nog["bovengrens"]
        newest = this_year.index.max()
        assert not this_year.loc[newest, "volledig"]  # the month of the newest claim runs on
        assert this_year.drop(index=newest)["volledig"].all()


def test_recent_rows_hide_under_the_rule_with_their_parts(
    town: Path, pub: Publicatie, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a stricter rule some months fall under it: they are hidden in the one protection
    step, without interval, and a total is only shown where both its parts are."""
    c = pub.cijfers
    base = c[c["maat"].str.startswith(RECENT[0]) & c["periodesoort"].eq("maand")]
    ns = sorted(pd.to_numeric(base["n"]).dropna().unique())
    threshold = int(ns[len(ns) // 2])  # about half of the months fall below it
    monkeypatch.setenv("STUURDATA_ONDERDRUK_ONDER", str(threshold))
    strict = _publish(town, "strikt").cijfers
    assert strict["maat"].str.startswith(RECENT[0]).any()
    rows = strict[strict["maat"].str.startswith(RECENT)]
    hidden = rows["status"].eq(ONDERDRUKT)
    assert hidden.any() and (~hidden).any()
    assert rows.loc[hidden, ["waarde", "ondergrens", "bovengrens"]].isna().all().all()
    assert (pd.to_numeric(rows.loc[~hidden, "n"]) >= threshold).all()
    before = base.set_index(["maat", "periode"])["n"]
    small = [k for k, n in before.items() if pd.notna(n) and int(n) + 2 < threshold]
    assert small
    shown = rows.set_index(["maat", "periode", "periodesoort"])["status"]
    for maat, periode in small:  # under the rule before rounding too: hidden
        assert shown[(maat, periode, "maand")] == ONDERDRUKT
    key = ["gebiedscode", "periodesoort", "periode"]
    for wet in ("wmo", "jeugd"):
        nog = strict[strict["maat"] == f"prognose_nog_verwacht_{wet}"].set_index(key)["status"]
        totaal = strict[strict["maat"] == f"prognose_verwacht_totaal_{wet}"].set_index(key)
        kosten = strict[
            (strict["maat"] == f"kosten_{wet}") & (strict["categorie"] == "")
        ].set_index(key)["status"]
        for k, t in totaal.iterrows():
            parts_shown = nog[k] != ONDERDRUKT and kosten.get(k, "ok") != ONDERDRUKT
            assert (t["status"] != ONDERDRUKT) == parts_shown, (wet, k)


def test_the_report_shows_recent_costs_as_declared_plus_still_expected(pub: Publicatie) -> None:
    """On the generated town: the cost chart stacks the published estimate on the declared
    bars of voorlopig months, and its table gives declared, still expected and the total."""
    from stuurdata.report.build import NOG_VERWACHT
    from stuurdata.report.format import fmt_euro, period_label
    from stuurdata.report.publicatie import publication_report_data

    data = publication_report_data(pub)
    for wet in ("wmo", "jeugd"):
        section = next(s for s in data.secties if s.wet == wet)
        chart = next(g for b in section.blokken for g in b.grafieken if g.id == f"{wet}-kosten")
        assert [c.naam for c in chart.tabel.kolommen] == [
            "Gedeclareerd",
            NOG_VERWACHT,
            "Verwacht totaal",
        ]
        nog = _recent(pub.cijfers, "nog_verwacht", wet)
        totaal = _recent(pub.cijfers, "verwacht_totaal", wet)
        voorlopig = [r for r in chart.tabel.rijen if r.label.endswith("(voorlopig)")]
        assert len(voorlopig) >= 3  # at least the last three months
        for row in voorlopig:
            periode = next(p for p in nog.index if period_label(p) in row.label)
            assert row.cellen[1] == fmt_euro(nog.loc[periode, "waarde"])
            assert row.cellen[2] == fmt_euro(totaal.loc[periode, "waarde"])
        stacked = {
            p["Periode"]
            for d in chart.spec["datasets"].values()
            for p in d
            if p["Reeks"] == NOG_VERWACHT
        }
        assert sum(p.endswith("*") for p in stacked) >= 3  # voorlopig months carry an estimate
        assert "Voorlopig" in (chart.toelichting or "") and "oranje" in chart.toelichting
