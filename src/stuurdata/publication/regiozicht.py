"""Pooling with visibility: what one member of a region sees of the pooled figures.

A region pools its members' data (one warehouse, or the members' Parquet exports read by
one engine); every indicator stays per gemeente, so each member's figures remain separate.
``member_view`` decides, for one viewing member, which rows it gets and how:

* ``eigen``: the member's own rows, at every level (gemeente, wijk, buurt). They pass
  through the same protection as its own publication unless ``intern`` (the member's own
  analysts under a purpose that allows unprotected output; the caller checks that).
* ``gepubliceerd``: another member's rows exactly as that member's own publication shows
  them: protected with ``protect_with_totals`` per member, so a member never learns more of
  a neighbour than the neighbour publishes.
* ``regio``: region totals of the counts and amounts (gemeente rows summed over the
  members), protected as a region: primary suppression and rounding like any cell, and
  *hidden whenever a cell of another member in it is hidden*. Otherwise the viewer, who
  knows its own value, could subtract it and the other members' published cells from the
  region total and find the hidden one (within the rounding).

Persons are counted per gemeente. Without a shared regional key (docs/schaal.md) a person
who moved within the region in a period counts in both gemeenten, so a region total is the
sum of the members' counts, not a count of distinct persons; medians, percentiles and rates
do not add up and have no region row.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from stuurdata.privacy.disclosure import ONDERDRUKT, DisclosureRule, protect_with_totals
from stuurdata.privacy.rule import configured_rule

ADDITIVE = ("aantal", "bedrag")
REGION_KEYS = ["indicator", "versie", "periodesoort", "periode", "categorie"]
ZICHT = "zicht"


def member_of(gebiedscode: pd.Series) -> pd.Series:
    """The gemeente (GMxxxx) of a gemeente, wijk or buurt code (CBS: WK990101 lies in GM9901)."""
    codes = gebiedscode.astype("str")
    return "GM" + codes.str[2:6]


def region_totals(frame: pd.DataFrame, soort: Mapping[str, str], regio: str) -> pd.DataFrame:
    """Gemeente rows of additive indicators summed over the members (unprotected)."""
    rows = frame[(frame["niveau"] == "gemeente") & frame["indicator"].map(soort).isin(ADDITIVE)]
    if rows.empty:
        return frame.iloc[0:0].copy()
    keyed = rows.assign(categorie=rows["categorie"].fillna(""))
    summed = (
        keyed.groupby(REGION_KEYS, dropna=False)[["teller", "noemer", "waarde", "n"]]
        .sum(min_count=1)
        .reset_index()
    )
    summed["niveau"] = "regio"
    summed["gebiedscode"] = regio
    return summed


def member_view(
    frame: pd.DataFrame,
    viewer: str,
    soort: Mapping[str, str],
    *,
    regio: str = "regio",
    rule: DisclosureRule | None = None,
    intern: bool = False,
) -> pd.DataFrame:
    """The rows ``viewer`` (GMxxxx) may see of the pooled, unprotected indicator ``frame``.

    Returns the frame's columns plus ``status`` and ``zicht`` (eigen | gepubliceerd | regio).
    """
    rule = rule or configured_rule()
    members = member_of(frame["gebiedscode"])
    if viewer not in set(members):
        raise ValueError(f"Gemeente {viewer} hoort niet bij deze regio.")
    parts: list[pd.DataFrame] = []
    own = frame[members == viewer]
    own = own.assign(status="") if intern else protect_with_totals(own, rule, soort)
    parts.append(own.assign(**{ZICHT: "eigen"}))
    hidden: set[tuple[object, ...]] = set()
    for member in sorted(set(members) - {viewer}):
        published = protect_with_totals(frame[members == member], rule, soort)
        parts.append(published.assign(**{ZICHT: "gepubliceerd"}))
        cells = published[(published["niveau"] == "gemeente") & (published["status"] == ONDERDRUKT)]
        cells = cells.assign(categorie=cells["categorie"].fillna(""))
        hidden |= set(cells[REGION_KEYS].itertuples(index=False, name=None))
    totals = region_totals(frame, soort, regio)
    if not totals.empty:
        keys = pd.Series(list(totals[REGION_KEYS].itertuples(index=False, name=None)))
        totals["status"] = keys.isin(hidden).map({True: ONDERDRUKT, False: ""}).to_numpy()
        # the region is one table of its own: protected at the top level, then named so
        protected = protect_with_totals(totals.assign(niveau="gemeente"), rule, soort)
        parts.append(protected.assign(niveau="regio", **{ZICHT: "regio"}))
    return pd.concat(parts, ignore_index=True)
