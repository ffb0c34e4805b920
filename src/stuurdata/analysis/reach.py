"""Reach (bereik) of minimaregelingen: users per wijk against the entitled households.

The numerator is counted in the warehouse: households with at least one minima provision in
the period, by the area of the household (see ``base``). The denominator comes from CBS: the
number of households with an income up to 120% (or 110%) of the social minimum in the wijk.
They come from different sources and moments, so the figure is a ratio of two uncertain
counts, not a proportion: the interval treats both as Poisson counts (log-ratio, delta
method) and adds the rounding of the CBS count to multiples of 5 (uniform, variance 25/12).
Non-take-up is 1 - reach; a reach above 100% means the two sources do not line up.
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from stuurdata.analysis.base import Periode, has_table, person_domains
from stuurdata.sources.cbs_columns import low_income_households

DEFINITIE = (
    "Bereik: huishoudens die in de periode minstens één minimaregeling kregen, gedeeld door "
    "het aantal huishoudens met een inkomen tot {grens}% van het sociaal minimum volgens CBS. "
    "Het interval (95%) houdt rekening met toeval in beide aantallen en met de afronding van "
    "het CBS-cijfer. Niet-gebruik is 100% min het bereik."
)
Z95 = 1.959964
ROUNDING_VARIANCE = 25 / 12


def ratio_interval(users: float, entitled: float, z: float = Z95) -> tuple[float, float]:
    """Interval for users/entitled with both counts uncertain (log scale, delta method)."""
    if entitled <= 0:
        return (math.nan, math.nan)
    a = max(users, 0.5)  # continuity: an empty wijk still has an upper bound
    se = math.sqrt(1 / a + (entitled + ROUNDING_VARIANCE) / entitled**2)
    point = a / entitled
    return (point * math.exp(-z * se), point * math.exp(z * se))


def users_per_area(
    con: duckdb.DuckDBPyConnection, periode: Periode, soort: str | None = None
) -> pd.DataFrame:
    """Households with a minima provision (optionally of one ``soort``) per wijk.

    Returns ``wijkcode, gebruikers``.
    """
    persons = person_domains(con, periode)
    if soort is not None and has_table(con, "voorziening"):
        ids = con.execute(
            "SELECT DISTINCT persoon_id FROM voorziening WHERE wet = 'minima' AND soort = $s "
            "AND start < $tot AND coalesce(eind, DATE '9999-12-31') >= $van",
            {"s": soort, "van": periode.van, "tot": periode.tot},
        ).df()["persoon_id"]
        persons["minima"] = persons["persoon_id"].isin(set(ids))
    hh = persons.groupby("huishouden_id").agg(
        minima=("minima", "any"), wijkcode=("hh_wijkcode", "first")
    )
    users = hh[hh["minima"]].groupby("wijkcode").size().rename("gebruikers").reset_index()
    return users


def reach(
    con: duckdb.DuckDBPyConnection,
    periode: Periode,
    laag_inkomen: pd.DataFrame,
    *,
    grens: int = 120,
    soort: str | None = None,
) -> pd.DataFrame:
    """Reach per wijk and for the municipality.

    ``laag_inkomen`` holds CBS rows (one period) with GM/WK codes and either the count of
    households up to ``grens``% of the social minimum (synthetic snapshot) or a real KWB
    table's share and household total (``sources.cbs_columns.low_income_households``).
    Returns: gebiedscode, niveau, gebruikers, rechthebbend, bereik, ondergrens, bovengrens,
    niet_gebruik (fractions, not percentages).
    """
    denominators = low_income_households(laag_inkomen, grens).rename(
        columns={"Codering": "gebiedscode"}
    )
    users = users_per_area(con, periode, soort).rename(columns={"wijkcode": "gebiedscode"})
    gm_total = pd.DataFrame(
        {
            "gebiedscode": [c for c in denominators["gebiedscode"] if str(c).startswith("GM")],
        }
    )
    wijk = denominators[denominators["gebiedscode"].str.startswith("WK")].merge(
        users, on="gebiedscode", how="left"
    )
    wijk["gebruikers"] = wijk["gebruikers"].fillna(0).astype("int64")
    wijk["niveau"] = "wijk"
    rows = [wijk]
    for gm in gm_total["gebiedscode"]:
        own = wijk[wijk["gebiedscode"].str[2:6] == gm[2:6]]
        denom = denominators.loc[denominators["gebiedscode"] == gm, "rechthebbend"]
        rows.append(
            pd.DataFrame(
                {
                    "gebiedscode": [gm],
                    "rechthebbend": [denom.iloc[0]],
                    "gebruikers": [int(own["gebruikers"].sum())],
                    "niveau": ["gemeente"],
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out["rechthebbend"] = pd.to_numeric(out["rechthebbend"], errors="coerce")
    out["bereik"] = out["gebruikers"] / out["rechthebbend"].where(out["rechthebbend"] > 0)
    bounds = [
        ratio_interval(u, e)
        for u, e in zip(out["gebruikers"], out["rechthebbend"].fillna(0), strict=True)
    ]
    out["ondergrens"] = [b[0] for b in bounds]
    out["bovengrens"] = [b[1] for b in bounds]
    out["niet_gebruik"] = 1 - out["bereik"]
    cols = [
        "gebiedscode",
        "niveau",
        "gebruikers",
        "rechthebbend",
        "bereik",
        "ondergrens",
        "bovengrens",
        "niet_gebruik",
    ]
    return (
        out[cols]
        .sort_values(["niveau", "gebiedscode"], ascending=[False, True])
        .reset_index(drop=True)
    )
