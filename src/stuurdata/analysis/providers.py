"""Declared cost per client per provider, as a funnel: which differences exceed chance?

What is compared: for one law (Wmo, Jeugd) and a period of service months (default the last
twelve complete months), each provider's (aanbieder, AGB code) net declared amount per client.
A *client* of a provider is a person (``persoon_id``) whose claims at that provider in the
period add up to more than zero (credits are negative; a claim fully credited again is no
care delivered). Claims count by service month (``periode_begin``), not by arrival.

A fair comparison: a provider of residential youth care costs ten times more per client than
an ambulant one, and that is no signal. So each provider's amount is compared with what its
own mix of product categories would cost at the average cost per client of each category at
the *other* providers: the *indirectly standardised ratio* (observed / expected, shown as an
index, 100 = as expected), the classic answer for comparing units with a different case mix.
The reference leaves the provider out because a municipality often has two or three providers
of a product: a big one would otherwise be half its own reference and hide. Under the null
(the provider's clients cost what the others' clients cost on average) ``O - E`` has variance
``Σ_c (n_c·s_c² + n_c²·s_c²/m_c)`` (``s_c`` the pooled between-client standard deviation of
category ``c``, see ``funnel.py`` for why that ``s``; ``m_c`` the others' clients), which
gives the ratio's standard error. Categories no other provider delivers are left out of the
comparison: nothing to compare with. The same rows also exist within each category
(``niveau = "categorie"``): there the ratio is simply the provider's mean over the others'.

To draw all providers of a law in one funnel although their precision depends on their mix,
each gets an *effective number of clients* ``n_eff = (cv_ref / se)²``: the number of clients
of average spread (``cv_ref``, the law's pooled coefficient of variation) that would give the
same standard error. A small provider with an average mix has ``n_eff`` close to its clients
(a big one somewhat less, for the uncertainty of the others' mean); the
limits ``100 ± z·100·cv_ref·√φ/√n_eff`` then hold exactly for every point. ``φ`` is
Spiegelhalter's overdispersion factor (winsorised z-scores of providers with at least
``MIN_CLIENTS`` clients), so differences in case mix within a category that the
standardisation cannot see do not flag every provider.

A point outside the limits is a question to ask the provider (more hours per client, other
clients, or claims that do not match the allocation), not a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from stuurdata.analysis.base import Periode, data_end, last_year
from stuurdata.analysis.funnel import funnel_mean, overdispersion, pooled_sd

WETTEN = ("wmo", "jeugd")
MIN_CLIENTS = 10  # providers smaller than this do not inform the overdispersion estimate
GEEN_VERGELIJKING = "geen vergelijking"
DEFINITIE = (
    "Per aanbieder: het gedeclareerde bedrag (min creditnota's) per cliënt in de periode, "
    "vergeleken met wat dezelfde producten gemiddeld per cliënt kosten bij de andere "
    "aanbieders. Index 100 betekent: zo duur als verwacht voor de producten die deze aanbieder "
    "levert; 120 betekent 20% duurder. De lijnen geven aan hoever een aanbieder door toeval "
    "van 100 kan afwijken (95% en 99,8%): bij weinig cliënten is dat meer. Een punt buiten de "
    "buitenste lijn is een vraag aan de aanbieder (meer uren per cliënt, zwaardere cliënten, "
    "of declaraties die niet passen bij de toewijzing), geen oordeel. Productcategorieën met "
    "maar één aanbieder tellen niet mee: daar valt niets te vergelijken. Op de horizontale as "
    "staat het aantal cliënten, gewogen naar hoe sterk de kosten van de producten van cliënt "
    "tot cliënt verschillen: bij producten met weinig verschil telt een cliënt zwaarder."
)


@dataclass(frozen=True, slots=True)
class Aanbiederskosten:
    """The internal result (unprotected: ``publication.aanbieders.publish_providers``
    protects it inside ``publiceer``).

    ``rijen`` has one row per (wet, niveau, productcategorie, aanbieder): niveau ``aanbieder``
    (standardised over the provider's category mix; productcategorie empty) or
    ``categorie`` (within one category). Columns: clienten, bedrag_cent, kosten_per_client
    and verwacht_per_client (euros; on the aanbieder level over the comparable categories
    only, unless the provider has none), index, n_eff, doel (100), ondergrens_95,
    bovengrens_95, ondergrens_998, bovengrens_998, oordeel, sd (index points at one
    effective client, limits are ``doel ± z·sd/√n_eff``), phi.
    """

    periode: Periode
    rijen: pd.DataFrame


def default_period(con: duckdb.DuckDBPyConnection) -> Periode | None:
    """The last twelve complete months of claims.

    Claims for a service month arrive in the month after it, so the month of the newest
    message is the first one that is not complete yet: the period ends before it.
    """
    end = data_end(con)
    if end is None:
        return None
    before = date(end.year - 1, 12, 1) if end.month == 1 else date(end.year, end.month - 1, 1)
    return last_year(before)


def _client_amounts(con: duckdb.DuckDBPyConnection, periode: Periode) -> pd.DataFrame:
    """Net amount per (wet, category, provider, person) in the period; only positive nets."""
    return con.execute(
        """
        SELECT wet, coalesce(productcategorie, 'onbekend') AS productcategorie, aanbieder,
               persoon_id, sum(bedrag_cent)::DOUBLE AS bedrag_cent
        FROM declaratie
        WHERE wet IN ('wmo', 'jeugd') AND periode_begin >= ? AND periode_begin < ?
        GROUP BY ALL
        HAVING sum(bedrag_cent) > 0
        """,
        [periode.van, periode.tot],
    ).df()


def _category_reference(units: pd.DataFrame) -> pd.DataFrame:
    """Per (wet, category): clients, total amount, pooled between-client sd."""
    rows = []
    for (wet, cat), g in units.groupby(["wet", "productcategorie"], sort=True):
        sd = pooled_sd(g["bedrag_cent"], g["aanbieder"])
        if not np.isfinite(sd):
            sd = float(g["bedrag_cent"].std(ddof=1)) if len(g) > 1 else 0.0
        rows.append(
            {
                "wet": wet,
                "productcategorie": cat,
                "n_cat": len(g),
                "o_cat": float(g["bedrag_cent"].sum()),
                "sd_cat": sd if np.isfinite(sd) else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=["wet", "productcategorie", "n_cat", "o_cat", "sd_cat"])


def _cells(units: pd.DataFrame, ref: pd.DataFrame) -> pd.DataFrame:
    """Per (wet, category, provider): clients n, observed O, expected E, null variance V.

    E is n times the mean of the *other* providers' clients in the category: a big provider
    would otherwise pull the reference towards itself and hide. V = Var(O - E) under the
    null: ``n·s²`` from the provider's own clients (``v0``) plus ``n²·s²/n_others`` from
    the uncertainty of the others' mean.
    """
    cells = (
        units.groupby(["wet", "productcategorie", "aanbieder"], sort=True)
        .agg(n=("persoon_id", "nunique"), o=("bedrag_cent", "sum"))
        .reset_index()
        .merge(ref, on=["wet", "productcategorie"])
    )
    others = (cells["n_cat"] - cells["n"]).astype("float64")
    cells["vergelijkbaar"] = others > 0
    others = others.where(others > 0)
    cells["e"] = (cells["n"] * (cells["o_cat"] - cells["o"]) / others).fillna(0.0)
    cells["v0"] = cells["n"] * cells["sd_cat"] ** 2
    cells["v"] = (cells["v0"] + cells["n"] ** 2 * cells["sd_cat"] ** 2 / others).fillna(0.0)
    return cells


def _rows(
    groups: pd.DataFrame, clients: pd.Series, amounts: pd.Series, key: list[str], niveau: str
) -> pd.DataFrame:
    """Ratio, effective n, limits and verdict for one level; ``groups`` holds summed O/E/V."""
    out = groups.copy()
    out["niveau"] = niveau
    out["clienten"] = clients.reindex(pd.MultiIndex.from_frame(out[key])).to_numpy()
    out["bedrag_cent"] = amounts.reindex(pd.MultiIndex.from_frame(out[key])).to_numpy()
    out["kosten_per_client"] = out["bedrag_cent"] / out["clienten"] / 100
    comparable = out["e"] > 0
    out["verwacht_per_client"] = np.where(comparable, out["e"] / out["n_v"] / 100, np.nan)
    ratio = out["o"] / out["e"].where(comparable)
    se = np.sqrt(out["v"]) / out["e"].where(comparable)
    out["index"] = ratio * 100
    parts = []
    scope = ["wet"] if niveau == "aanbieder" else ["wet", "productcategorie"]
    for _, g in out.groupby(scope, sort=False):
        g = g.copy()
        gse = se.loc[g.index]
        ok = comparable.loc[g.index] & (gse > 0)
        # The reference spread: the law's (or category's) pooled between-client coefficient
        # of variation (the clients' own part of the variance only).
        cv_ref = (
            float(np.sqrt(g.loc[ok, "v0"].sum() * g.loc[ok, "n_v"].sum()) / g.loc[ok, "e"].sum())
            if ok.any()
            else np.nan
        )
        z = (ratio.loc[g.index] - 1) / gse
        big = ok & (g["clienten"] >= MIN_CLIENTS)
        phi = overdispersion(z[big])
        g["n_eff"] = np.where(ok, (cv_ref / gse) ** 2, np.nan)
        g["waarde"] = g["index"].where(ok)
        g["n"] = g["n_eff"]
        g = funnel_mean(g, doel=100.0, sd=100 * cv_ref * np.sqrt(phi))
        g["oordeel"] = np.where(ok, g["oordeel"], GEEN_VERGELIJKING)
        g["sd"] = 100 * cv_ref * np.sqrt(phi)
        g["phi"] = phi
        parts.append(g)
    return pd.concat(parts, ignore_index=True) if parts else out


COLUMNS = [
    "wet",
    "niveau",
    "productcategorie",
    "aanbieder",
    "clienten",
    "bedrag_cent",
    "kosten_per_client",
    "verwacht_per_client",
    "index",
    "n_eff",
    "doel",
    "ondergrens_95",
    "bovengrens_95",
    "ondergrens_998",
    "bovengrens_998",
    "oordeel",
    "sd",
    "phi",
]


def provider_costs(
    con: duckdb.DuckDBPyConnection, periode: Periode | None = None
) -> Aanbiederskosten:
    """Cost per client per provider with funnel limits, per law and per category.

    ``periode`` defaults to ``default_period`` (the last twelve complete months).
    """
    periode = periode or default_period(con) or last_year(date.today().replace(day=1))
    units = _client_amounts(con, periode)
    if units.empty:
        return Aanbiederskosten(periode, pd.DataFrame(columns=COLUMNS))
    cells = _cells(units, _category_reference(units))
    comp = cells[cells["vergelijkbaar"]]

    # Per provider: clients and amounts over the comparable categories, so that cost,
    # expected cost and index tell one story; a provider without any comparable category
    # shows all its claims (and no index). n_v counts client-category pairs.
    key = ["wet", "aanbieder"]
    flags = units.merge(cells[[*key, "productcategorie", "vergelijkbaar"]], how="left")
    any_comp = flags.groupby(key)["vergelijkbaar"].transform("any")
    per_provider = units[(flags["vergelijkbaar"] | ~any_comp).to_numpy()].groupby(key)
    groups = (
        cells[key]
        .drop_duplicates()
        .merge(
            comp.groupby(key)
            .agg(o=("o", "sum"), e=("e", "sum"), v=("v", "sum"), v0=("v0", "sum"), n_v=("n", "sum"))
            .reset_index(),
            on=key,
            how="left",
        )
        .fillna({"o": 0.0, "e": 0.0, "v": 0.0, "v0": 0.0, "n_v": 0})
    )
    groups["productcategorie"] = None
    provider_rows = _rows(
        groups,
        per_provider["persoon_id"].nunique(),
        per_provider["bedrag_cent"].sum(),
        key,
        "aanbieder",
    )
    ckey = ["wet", "productcategorie", "aanbieder"]
    cgroups = cells[[*ckey, "o", "e", "v", "v0", "n"]].rename(columns={"n": "n_v"})
    per_cell = units.groupby(ckey)
    category_rows = _rows(
        cgroups,
        per_cell["persoon_id"].nunique(),
        per_cell["bedrag_cent"].sum(),
        ckey,
        "categorie",
    )
    rows = pd.concat([provider_rows, category_rows], ignore_index=True)[COLUMNS]
    rows = rows.sort_values(
        ["wet", "niveau", "productcategorie", "aanbieder"], na_position="first"
    ).reset_index(drop=True)
    return Aanbiederskosten(periode, rows)


def flagged(published: pd.DataFrame, niveau: str = "aanbieder") -> pd.DataFrame:
    """Published rows of ``niveau`` outside the 95% limits, highest index first."""
    out = published[
        published["niveau"].eq(niveau)
        & published["oordeel"].isin(
            ["duidelijk hoger", "mogelijk hoger", "mogelijk lager", "duidelijk lager"]
        )
    ]
    return out.sort_values(["wet", "index"], ascending=[False, False]).reset_index(drop=True)
