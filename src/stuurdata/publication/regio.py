"""Region totals of an explicit region (``publiceer --regio``), from the protected members.

A region report shows the region as a whole and each member gemeente beside it. The members'
figures pass the one protection step like any gemeente's; the region total is then the sum
of the members' *published* figures (rates recomputed from the summed rounded counts). So
the total tells nothing the members do not already show: where a member's figure is
hidden, the region's is hidden too (otherwise total minus the others would give it away),
and its counts stay multiples of the rounding base. Medians (waiting times) do not add up
and get no region figure. The rounding of several members can add up: a region count may
differ from the exact count by up to 2.5 per member, as with any sum of rounded figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stuurdata.publication.scope import Scope

ADDITIVE = ("aantal", "bedrag")
RATES = {"per_1000": 1000.0, "percentage": 100.0, "bedrag_per_client": 1.0}
NIVEAU = "regio"
_KEYS = ["maat", "periodesoort", "periode", "categorie"]


def region_rows(cijfers: pd.DataFrame, scope: Scope, soort: dict[str, str]) -> pd.DataFrame:
    """Contract rows at level ``regio`` (code ``scope.code``) summed over the members."""
    members = cijfers[
        (cijfers["niveau"] == "gemeente") & cijfers["gebiedscode"].isin(scope.gemeenten)
    ]
    kinds = members["maat"].map(soort)
    members = members[kinds.isin([*ADDITIVE, *RATES])].copy()
    if members.empty or not scope.regio:
        return cijfers.iloc[0:0]
    members["_verborgen"] = members["status"].eq("onderdrukt")
    grouped = members.groupby(_KEYS, sort=False, dropna=False)
    out = grouped.agg(
        versie=("versie", "max"),
        teller=("teller", "sum"),
        noemer=("noemer", lambda s: s.sum(min_count=1)),
        waarde=("waarde", "sum"),
        n=("n", "sum"),
        eenheid=("eenheid", "first"),
        volledig=("volledig", "all"),
        bronnen=("bronnen", "first"),
        leden=("gebiedscode", "nunique"),
        verborgen=("_verborgen", "any"),
        afgerond=("status", lambda s: s.eq("afgerond").any()),
    ).reset_index()
    hidden = out["verborgen"] | (out["leden"] < len(scope.gemeenten))
    factor = out["maat"].map(soort).map(RATES)
    rate = factor.notna()
    out.loc[rate, "waarde"] = (
        factor[rate] * out.loc[rate, "teller"] / out.loc[rate, "noemer"].where(lambda s: s > 0)
    ).round(2)
    for column in ("teller", "noemer", "waarde", "n"):
        out[column] = out[column].astype("float64")
        out.loc[hidden, column] = np.nan
    out["n"] = out["n"].astype("Int64")
    out["status"] = np.where(hidden, "onderdrukt", np.where(out["afgerond"], "afgerond", "ok"))
    out["niveau"] = NIVEAU
    out["gebiedscode"] = scope.code
    out["ondergrens"] = np.nan
    out["bovengrens"] = np.nan
    out["ladingen"] = ""
    return out[list(cijfers.columns)]


def region_name(scope: Scope, names: dict[str, str]) -> str:
    """``regio Demostad, Proefdorp``: the members by name."""
    return "regio " + ", ".join(names.get(g, g) for g in scope.gemeenten)


__all__ = ["NIVEAU", "region_name", "region_rows"]
