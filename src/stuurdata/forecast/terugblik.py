"""Backtest of the year-end projection itself: what did we project then, what came?

"In oktober 2025 voorspelden we X voor 2025; het werd Y." The warehouse is cut at an earlier
date (claims received before it, allocations first sent before it) into an in-memory copy,
``year_end`` runs on that copy exactly as it runs today, and the projection is set beside
what the full warehouse now holds for that year (received plus the little still expected).

The naive reference a projection must beat is the run rate: the months that were at least
two months old at the time (so mostly declared), extrapolated to twelve. A projection that
lands further from the outcome than that is flagged (``slechter_dan_naief``).

What the cut cannot undo: an allocation's end date is the one known now, not the one known
then (a later 301 may have changed it). Allocations still running at the cut are rarely
ended earlier than planned, so this makes the backtest slightly optimistic, not wrong.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from stuurdata.forecast import series
from stuurdata.forecast.jaar import year_end
from stuurdata.forecast.uitsnede import cut_warehouse

HALF_YEAR = 6
"""The projection is replayed at today's month of each earlier year and six months before."""
MIN_HISTORY = 6
"""Service months with claims a cut needs before a projection is replayed from it."""


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def year_end_backtest(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per law and earlier year: the projection made at each cut month, and the outcome.

    Columns: jaar, gemaakt (first day of the month the projection was made), wet, voorspeld,
    lo80, hi80, naief (run rate of the months then complete), uitkomst, n (persons with a
    claim that year), slechter_dan_naief.
    """
    valuation = series.valuation_month(con)
    first = series.first_month(con)
    if valuation is None or first is None:
        return pd.DataFrame()
    rows = []
    for jaar in range(first.year, valuation.year):
        outcome = _totals(year_end(con, jaar=jaar))
        if outcome.empty:
            continue
        # A cut in December is the whole year; half a year before a spring valuation month
        # falls in the year before, which has its own row.
        for month in sorted({valuation.month - HALF_YEAR, valuation.month} & set(range(1, 12))):
            made = date(jaar, month, 1)
            history = (made.year - first.year) * 12 + made.month - first.month
            if history < MIN_HISTORY:
                continue
            with cut_warehouse(con, _next_month(made)) as mem:
                then = _totals(year_end(mem, jaar=jaar))
                naive = _run_rate(mem, made)
            for r in then.itertuples():
                if r.wet not in outcome.index:
                    continue
                came = float(outcome.loc[r.wet, "uitkomst"])
                rows.append(
                    {
                        "jaar": jaar,
                        "gemaakt": made,
                        "wet": r.wet,
                        "voorspeld": float(r.jaartotaal),
                        "lo80": float(r.lo80),
                        "hi80": float(r.hi80),
                        "naief": naive.get(r.wet, float("nan")),
                        "uitkomst": came,
                        "n": int(outcome.loc[r.wet, "n"]),
                    }
                )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    model_error = (out["voorspeld"] - out["uitkomst"]).abs()
    out["slechter_dan_naief"] = model_error > (out["naief"] - out["uitkomst"]).abs()
    return out


def _totals(frame: pd.DataFrame) -> pd.DataFrame:
    """The law totals of a year-end frame, indexed by law, with ``uitkomst`` (all but rest)."""
    if frame.empty:
        return frame
    totals = frame[frame["productcategorie"] == ""].set_index("wet", drop=False)
    return totals.assign(uitkomst=totals["gerealiseerd"] + totals["nog_verwacht"])


def _run_rate(con: duckdb.DuckDBPyConnection, made: date) -> dict[str, float]:
    """Per law: the months at least two months old at ``made``, extrapolated to a year."""
    complete = made.month - 2
    if complete < 1:
        return {}
    rows = con.execute(
        "SELECT wet, sum(bedrag_cent) / 100.0 FROM declaratie WHERE year(periode_begin) = ? "
        "AND month(periode_begin) <= ? GROUP BY wet",
        [made.year, complete],
    ).fetchall()
    return {str(wet): float(total) * 12 / complete for wet, total in rows}
