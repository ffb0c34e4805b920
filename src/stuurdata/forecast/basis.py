"""The monthly history every forecast starts from, assembled once from the warehouse.

Months run from the first service month with claims to the month before the valuation
month (the newest claim's month): that month is still almost empty, because providers
claim afterwards. Euros per month are completed with the chain-ladder development pattern
of their law (``chainladder.py``), so late claims do not look like a falling trend.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from stuurdata.forecast import series
from stuurdata.forecast.chainladder import project, triangle_from_lags
from stuurdata.forecast.demography import AGES, Rates, cube, estimate_rates

WETTEN = ("wmo", "jeugd")


@dataclass
class Basis:
    """Monthly history per wijk: population, clients and completed euros per law."""

    maanden: list[date]
    wijken: list[str]
    gemeente: str
    namen: dict[str, str]
    bevolking: np.ndarray  # [T, W, 2, AGES]
    clienten: dict[str, np.ndarray]  # wet -> [T, W, 2, AGES]
    kosten: dict[str, np.ndarray]  # wet -> [T, W] euros, completed for late claims
    kosten_categorie: dict[tuple[str, str], np.ndarray]  # (wet, cat) -> [T] gemeente euros
    declaranten: dict[str, np.ndarray]  # wet -> [T, W] distinct persons with a claim
    rates: Rates
    ontwikkeld: dict[str, np.ndarray] = field(default_factory=dict)  # wet -> [T] share in
    kostenregels: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def dagen(self) -> np.ndarray:
        """Days per month (euros are modelled per day)."""
        return np.array([_days_in(m) for m in self.maanden], dtype=float)


def _days_in(m: date) -> int:
    nxt = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return (nxt - m).days


def month_list(first: date, last: date) -> list[date]:
    """Month starts from ``first`` to ``last`` inclusive."""
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def development_share(con: duckdb.DuckDBPyConnection, months: list[date]) -> dict[str, np.ndarray]:
    """Per law, the share of each service month's final amount received so far.

    ``months`` must end at the month before the valuation month: the triangle gets one
    more row (the valuation month, observed at delay 0 only).
    """
    lags = series.claim_lags(con)
    last = months[-1]
    months = [*months, date(last.year + last.month // 12, last.month % 12 + 1, 1)]
    out: dict[str, np.ndarray] = {}
    index = {m: i for i, m in enumerate(months)}
    for wet in WETTEN:
        part = lags[lags["wet"] == wet]
        if part.empty:
            out[wet] = np.ones(len(months) - 1)
            continue
        row = part["dienstmaand"].map(lambda d: index.get(_as_date(d), -1)).to_numpy()
        tri = triangle_from_lags(
            row, part["vertraging"].to_numpy(), part["bedrag"].to_numpy(), len(months), 12
        )
        out[wet] = np.clip(project(tri).ontwikkeld[:-1], 1e-3, 1.0)
    return out


def _as_date(value: object) -> date:
    ts = pd.Timestamp(value)
    return date(ts.year, ts.month, 1)


def _lookup(column: pd.Series, index_of: Callable[[Any], int]) -> np.ndarray:
    """``index_of`` of every value, computed once per distinct value (a month or a wijk
    repeats thousands of times; a Python call per row took seconds at 60,000 inhabitants)."""
    codes, distinct = pd.factorize(column)
    found = np.array([index_of(value) for value in distinct] + [-1], dtype=np.int64)
    return found[codes]  # a missing value (code -1) gets the -1 at the end


def load_basis(con: duckdb.DuckDBPyConnection) -> Basis | None:
    """The monthly history, or None when the warehouse holds too little to forecast."""
    first, valuation = series.first_month(con), series.valuation_month(con)
    if first is None or valuation is None:
        return None
    first = _as_date(first)
    months = month_list(first, valuation)[:-1]
    if len(months) < 3:
        return None
    last = months[-1]
    names = series.area_names(con)
    gemeente = names.pop("")
    pop_long = series.monthly_population(con, first, last)
    cli_long = series.monthly_clients(con, first, last)
    cost_long = series.monthly_costs(con)
    wijken = sorted(
        {*pop_long["wijkcode"].unique(), *cli_long["wijkcode"].unique()} - {series.ONBEKEND}
    )
    if (pop_long["wijkcode"] == series.ONBEKEND).any() or (
        cli_long["wijkcode"] == series.ONBEKEND
    ).any():
        wijken.append(series.ONBEKEND)
    T, W = len(months), len(wijken)
    mindex = {m: i for i, m in enumerate(months)}

    def by_month(frame: pd.DataFrame, value: str) -> np.ndarray:
        out = np.zeros((T, W, 2, AGES))
        if frame.empty:
            return out
        t = _lookup(frame["maand"], lambda d: mindex.get(_as_date(d), -1))
        for i in range(T):
            out[i] = cube(frame[t == i], wijken, value)
        return out

    bevolking = by_month(pop_long, "inwoners")
    clienten = {w: by_month(cli_long[cli_long["wet"] == w], "clienten") for w in WETTEN}
    shares = development_share(con, months)
    kosten, declaranten, per_cat = {}, {}, {}
    widx = {w: i for i, w in enumerate(wijken)}
    ct = _lookup(cost_long["maand"], lambda d: mindex.get(_as_date(d), -1))
    cw = _lookup(cost_long["wijkcode"], lambda w: widx.get(w, -1))
    ok = (ct >= 0) & (cw >= 0)
    for wet in WETTEN:
        sel = ok & (cost_long["wet"] == wet).to_numpy()
        k = np.zeros((T, W))
        np.add.at(k, (ct[sel], cw[sel]), cost_long["bedrag"].to_numpy()[sel])
        n = np.zeros((T, W))
        np.add.at(n, (ct[sel], cw[sel]), cost_long["clienten"].to_numpy(dtype=float)[sel])
        kosten[wet] = k / shares[wet][:, None]
        declaranten[wet] = n
        for cat in sorted(cost_long.loc[sel, "productcategorie"].unique()):
            s2 = sel & (cost_long["productcategorie"] == cat).to_numpy()
            c = np.zeros(T)
            np.add.at(c, ct[s2], cost_long["bedrag"].to_numpy()[s2])
            per_cat[(wet, str(cat))] = c / shares[wet]
    years = max(len(months) / 12.0, 1 / 12)
    events = series.demographic_events(con, months[0], date(valuation.year, valuation.month, 1))
    rates = estimate_rates(bevolking.mean(axis=0), events, wijken, years)
    return Basis(
        maanden=months,
        wijken=wijken,
        gemeente=gemeente,
        namen=names,
        bevolking=bevolking,
        clienten=clienten,
        kosten=kosten,
        kosten_categorie=per_cat,
        declaranten=declaranten,
        rates=rates,
        ontwikkeld=shares,
        kostenregels=cost_long,
    )
