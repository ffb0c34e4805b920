"""Cost per client per provider as a funnel, on hand-built warehouses with known answers."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis.providers_data import GM, PERIODE, SPREAD, claim, insert, provider
from stuurdata.analysis.base import Periode
from stuurdata.analysis.funnel import (
    Z998,
    funnel_mean,
    mean_limits,
    overdispersion,
    pooled_sd,
)
from stuurdata.analysis.providers import (
    GEEN_VERGELIJKING,
    default_period,
    flagged,
    provider_costs,
)
from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.publication.aanbieders import publish_providers
from stuurdata.warehouse.load import connect


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = connect(tmp_path / "pakhuis.duckdb")
    yield c
    c.close()


def rows(con: duckdb.DuckDBPyConnection, niveau: str = "aanbieder") -> pd.DataFrame:
    out = provider_costs(con, PERIODE).rijen
    return out[out["niveau"] == niveau].set_index("aanbieder")


# -- funnel of a mean ------------------------------------------------------------------


def test_mean_limits_are_target_plus_minus_z_sd_over_root_n() -> None:
    lo, hi = mean_limits(100.0, 20.0, np.array([4.0, 0.0]), 1.96)
    assert lo[0] == pytest.approx(100 - 1.96 * 10) and hi[0] == pytest.approx(119.6)
    assert math.isnan(lo[1])


def test_pooled_sd_ignores_differences_between_group_means() -> None:
    values = pd.Series([1.0, 3.0, 101.0, 103.0])
    groups = pd.Series(["a", "a", "b", "b"])
    # Within each group the deviations are ±1: sqrt(4 / (4 - 2)).
    assert pooled_sd(values, groups) == pytest.approx(math.sqrt(2))
    assert math.isnan(pooled_sd(pd.Series([1.0, 2.0]), pd.Series(["a", "b"])))


def test_overdispersion_is_one_for_chance_and_larger_for_extra_spread() -> None:
    chance = np.array([1.0, -1.0, 0.5, -0.5, 0.0, 0.8, -1.5, 1.2, -0.3, 2.0, -0.7])
    assert overdispersion(chance) == 1.0
    wide = np.array([10.0, 2.5, -2.5, 3.0, -3.0, 2.0, -2.0, 2.8, -2.8, 2.2])
    # Winsorised at 10%: 10 is pulled in to the 90th percentile (3 + 0.1 * 7 = 3.7 by linear
    # interpolation), -3 to the 10th (-3 + 0.9 * 0.2 = -2.82); the rest stays.
    clipped = np.array([3.7, 2.5, -2.5, 3.0, -2.82, 2.0, -2.0, 2.8, -2.8, 2.2])
    assert overdispersion(wide) == pytest.approx(np.mean(clipped**2))
    assert overdispersion(wide[:6]) == 1.0  # too few units to say


def test_funnel_mean_verdicts() -> None:
    frame = pd.DataFrame(
        {"eenheid": ["klein", "groot", "laag"], "waarde": [155.0, 120.0, 80.0], "n": [4, 400, 400]}
    )
    out = funnel_mean(frame, doel=100.0, sd=50.0).set_index("eenheid")
    assert out.loc["klein", "bovengrens_998"] == pytest.approx(100 + Z998 * 25)
    assert out.loc["klein", "oordeel"] == "mogelijk hoger"
    assert out.loc["groot", "oordeel"] == "duidelijk hoger"
    assert out.loc["laag", "oordeel"] == "duidelijk lager"


# -- providers -------------------------------------------------------------------------


def test_large_expensive_provider_is_flagged_small_one_with_same_excess_is_not(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for agb in ("A1", "A2", "A3", "A4"):
        provider(con, agb, 40, 3000)
    provider(con, "DUUR", 100, 3600)  # 20% above the others, many clients
    provider(con, "KLEIN", 4, 3600)  # the same 20% above, four clients
    out = rows(con)
    assert out.loc["DUUR", "oordeel"] == "duidelijk hoger"
    assert out.loc["KLEIN", "oordeel"] == "binnen toevalsmarge"
    assert {out.loc[a, "oordeel"] for a in ("A1", "A2", "A3", "A4")} <= {
        "binnen toevalsmarge",
        "mogelijk lager",
        "duidelijk lager",
    }
    # Known answer: the expected cost is the mean of the other providers' clients in the
    # category, the index observed / expected.
    mean = (160 * 3000 + 4 * 3600) / 164
    assert out.loc["DUUR", "verwacht_per_client"] == pytest.approx(mean)
    assert out.loc["DUUR", "index"] == pytest.approx(3600 / mean * 100)
    assert out.loc["DUUR", "kosten_per_client"] == pytest.approx(3600)
    assert out.loc["DUUR", "clienten"] == 100
    # The others' mean is uncertain too: fewer effective clients than clients.
    assert 50 < out.loc["DUUR", "n_eff"] < 100
    assert out.loc["A1", "n_eff"] < 40


def test_expensive_products_are_compared_with_their_own_category(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Residential care costs ten times more per client: that alone is no signal."""
    for agb in ("H1", "H2", "H3"):
        provider(con, agb, 30, 3000, categorie="01")
    provider(con, "BW1", 30, 30_000, categorie="15")
    provider(con, "BW2", 30, 30_000, categorie="15")
    provider(con, "MIX", 20, 3000, categorie="01")
    provider(con, "MIX", 20, 30_000, categorie="15")
    out = rows(con)
    assert out.loc["BW1", "kosten_per_client"] == pytest.approx(30_000)
    assert out.loc["BW1", "index"] == pytest.approx(100)
    assert out.loc["MIX", "index"] == pytest.approx(100)
    assert (out["oordeel"] == "binnen toevalsmarge").all()


def test_category_with_one_provider_is_not_compared(con: duckdb.DuckDBPyConnection) -> None:
    provider(con, "H1", 30, 3000)
    provider(con, "H2", 30, 3000)
    provider(con, "TAXI", 50, 800, categorie="08")
    out = rows(con)
    assert out.loc["TAXI", "oordeel"] == GEEN_VERGELIJKING
    assert math.isnan(out.loc["TAXI", "index"])
    assert out.loc["TAXI", "kosten_per_client"] == pytest.approx(800)
    cat = rows(con, "categorie")
    assert cat.loc["TAXI", "oordeel"] == GEEN_VERGELIJKING


def test_mixed_provider_is_shown_over_its_comparable_categories(
    con: duckdb.DuckDBPyConnection,
) -> None:
    provider(con, "H1", 30, 3000)
    provider(con, "BREED", 10, 3000)
    provider(con, "BREED", 5, 900, categorie="11")  # nobody else delivers 11
    out = rows(con)
    assert out.loc["BREED", "clienten"] == 10
    assert out.loc["BREED", "kosten_per_client"] == pytest.approx(3000)
    assert out.loc["BREED", "index"] == pytest.approx(100)
    assert out.loc["BREED", "kosten_per_client"] == pytest.approx(
        out.loc["BREED", "verwacht_per_client"] * out.loc["BREED", "index"] / 100
    )


def test_credits_and_period(con: duckdb.DuckDBPyConnection) -> None:
    provider(con, "H1", 20, 3000)
    provider(con, "H2", 20, 3000)
    claim(con, "H1", "extra", 1000)
    claim(con, "H1", "extra", -1000)  # fully credited: no care delivered, no client
    claim(con, "H1", "h1-part", 5000)
    claim(con, "H1", "h1-part", -2000)  # partly credited: net 3000
    claim(con, "H1", "oud", 9000, maand=date(2024, 12, 1))  # before the period
    claim(con, "H1", "H1-01-0", 400, maand=date(2025, 11, 1))  # same client, later month
    out = rows(con)
    assert out.loc["H1", "clienten"] == 21
    total = sum(3000 * SPREAD[k % 5] for k in range(20)) + 3000 + 400
    assert out.loc["H1", "kosten_per_client"] == pytest.approx(total / 21)


def test_separate_laws_are_separate_funnels(con: duckdb.DuckDBPyConnection) -> None:
    provider(con, "W1", 30, 3000)
    provider(con, "W2", 30, 3000)
    provider(con, "J1", 30, 9000, wet="jeugd", categorie="45")
    provider(con, "J2", 30, 9000, wet="jeugd", categorie="45")
    out = provider_costs(con, PERIODE).rijen
    top = out[out["niveau"] == "aanbieder"]
    assert set(top["wet"]) == {"wmo", "jeugd"}
    assert top["index"].to_numpy() == pytest.approx([100.0] * 4)


def test_default_period_is_the_last_twelve_complete_months(
    con: duckdb.DuckDBPyConnection,
) -> None:
    insert(
        con,
        "bericht",
        bericht_id="b1",
        standaard="iwmo",
        wet="wmo",
        berichttype="303",
        berichtcode=1,
        afzender="A",
        ontvanger=GM,
        identificatie="1",
        dagtekening=date(2026, 1, 12),
        aantal_regels=1,
        bestand="x",
        sha256="x",
        status="geladen",
    )
    # Newest message in January 2026: December's claims arrive in January, so the period
    # is January to December 2025.
    assert default_period(con) == Periode(date(2025, 1, 1), date(2026, 1, 1))


def test_publication_suppresses_small_providers_and_rounds_counts(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for agb in ("A1", "A2", "A3", "A4"):
        provider(con, agb, 42, 3000)
    provider(con, "DUUR", 101, 3600)
    provider(con, "KLEIN", 6, 3600)
    provider(con, "TWEE", 23, 3000, categorie="01")
    provider(con, "TWEE", 4, 5000, categorie="07")
    provider(con, "ANDER", 30, 5000, categorie="07")
    result = provider_costs(con, PERIODE)
    pub = publish_providers(result, DisclosureRule())
    top = pub[pub["niveau"] == "aanbieder"].set_index("aanbieder")
    assert top.loc["KLEIN", "status"] == "onderdrukt"
    assert (
        top.loc[["KLEIN"], ["kosten_per_client", "index", "clienten", "n_eff"]]
        .isna()
        .all(axis=None)
    )
    assert top.loc["KLEIN", "oordeel"] is None
    assert top.loc["DUUR", "clienten"] == 100  # 101 rounded to a multiple of 5
    assert top.loc["A1", "clienten"] == 40
    assert top.loc["DUUR", "oordeel"] == "duidelijk hoger"
    assert "bedrag_cent" not in pub.columns
    # TWEE's category 07 (4 clients) is suppressed; its total row is published, so its
    # category 01 row is suppressed too, or subtraction would give 07 back.
    cat = pub[pub["niveau"] == "categorie"].set_index(["aanbieder", "productcategorie"])
    assert top.loc["TWEE", "status"] != "onderdrukt"
    assert cat.loc[("TWEE", "07"), "status"] == "onderdrukt"
    assert cat.loc[("TWEE", "01"), "status"] == "onderdrukt"
    assert cat.loc[("ANDER", "07"), "status"] != "onderdrukt"
    assert list(flagged(pub)["aanbieder"]) == ["DUUR"]
    assert list(flagged(pub, "categorie")["productcategorie"]) == ["01"]


def test_empty_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    result = provider_costs(con)
    assert result.rijen.empty
    assert publish_providers(result).empty


# -- a generated municipality ----------------------------------------------------------


@pytest.mark.slow
def test_generated_providers_are_mostly_within_chance(town: tuple[Path, Path, dict]) -> None:
    """The generator gives every provider the same prices and client mix; only a few
    over-declare (on part of their allocations, by 10-50%), which a town of 3,000 is far too
    small to tell from chance. So nearly all providers fall inside the funnel, and the
    over-declarers do not come out lower."""
    root, pakhuis, _suite = town
    truth = json.loads((root / "waarheid" / "waarheid.json").read_text(encoding="utf-8"))
    over = {a["agb"] for a in truth["aanbieders"] if "overdeclaratie" in a["fouten"]}
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        result = provider_costs(con)
    finally:
        con.close()
    top = result.rijen[result.rijen["niveau"] == "aanbieder"]
    compared = top[top["oordeel"] != GEEN_VERGELIJKING]
    assert len(compared) >= 8
    inside = (compared["oordeel"] == "binnen toevalsmarge").mean()
    assert inside >= 0.8
    assert not (compared["oordeel"] == "duidelijk hoger").sum() > 1
    lower = compared[compared["oordeel"].isin(["mogelijk lager", "duidelijk lager"])]
    assert not set(lower["aanbieder"]) & over
    known = {a["agb"] for a in truth["aanbieders"]}
    assert set(top["aanbieder"]) <= known


def test_real_spread_between_many_providers_widens_the_funnel(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Twelve providers whose clients differ for reasons the standardisation cannot see:
    the overdispersion factor widens the limits so that not half of them are flagged."""
    means = [2400, 2500, 2600, 2700, 2800, 2900, 3100, 3200, 3300, 3400, 3500, 3600]
    for i, mean in enumerate(means):
        provider(con, f"P{i:02d}", 60, mean)
    out = rows(con)
    assert out["phi"].iloc[0] > 1.5
    plain_z = (out["index"] - 100) / (out["sd"] / np.sqrt(out["phi"]) / np.sqrt(out["n_eff"]))
    assert (plain_z.abs() > Z998).sum() >= 4  # without the factor: four or more flagged
    assert out["oordeel"].str.startswith("duidelijk").sum() <= 2
