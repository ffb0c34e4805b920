"""Claims still to come, per provider: who has not declared which month yet, and late lines.

A provider declares a service month in one claim message (323), usually in the month after,
sometimes months later. So the amount still to come for a recent month is mostly a question
of *which providers have not declared it yet*, not of a fraction of what has arrived: a
triangle of all providers together (chain-ladder) turns one large provider that declares
late into a wrong development factor for everybody, and its estimates swing by a third from
one municipality to the next. Per provider and month there are two cases:

* **declared**: the month is in; only late lines (corrections, forgotten clients) follow.
  Their share is a development pattern by months since the provider's first claim for the
  month, estimated with chain-ladder over all providers' history (``chainladder.project``),
  with Mack's error.
* **not declared** while the provider had active allocations: expected is the provider's
  cost per active allocation over its last declared months times its active allocations that
  month, times the share of such months that it did declare in the past (a provider with an
  allocation but no care sends nothing). The error combines the month-to-month spread of
  that cost and the uncertainty of its level.

The same cost per active allocation gives the months after the data (the rest of the year),
so the projection continues the current run rate of each provider.

``completion`` keeps the estimate per service month as well (``per_maand``), and
``period_totals`` adds it up per law and month, quarter or year: the costs of recent months
shown as declared plus still expected are the year-end projection's own figures, split.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from stuurdata.forecast.chainladder import project

NIVEAU_MAANDEN = 6
"""Declared months per provider behind its cost per active allocation."""
HISTORIE_MAANDEN = 7
"""Months a service month needs to be counted as complete history (lags run to 6)."""
MAX_LEEFTIJD = 12
"""Months since the first claim after which late lines are added to the last column."""
KEYS = ["wet", "productcategorie", "aanbieder"]


def complete(con: duckdb.DuckDBPyConnection, valuation: date, jaar: int) -> pd.DataFrame:
    """Expected late claims for service months of ``jaar`` up to ``valuation`` per provider.

    Columns: wet, productcategorie, aanbieder, ontvangen (received for
    this year's months), nog_verwacht, var, open_maanden (months with active allocations and
    no claim yet), per_maand (expected cost of a month at the current active allocations),
    cv (month-to-month spread of the provider's cost per active allocation) and niveau_n
    (declared months behind that level).
    """
    return completion(con, valuation, jaar).per_aanbieder


@dataclass
class Completion:
    """The completion per provider over ``jaar`` and per provider and service month.

    ``per_maand`` (wet, productcategorie, aanbieder, maand, ontvangen, nog_verwacht, open:
    the part for a month not declared yet, open_maand, var_los, niveau_var) covers every
    month of ``jaar`` up to the valuation and the ``HISTORIE_MAANDEN`` months before it;
    ``per_aanbieder`` is its sum over ``jaar``, so a month, quarter or year figure
    (``period_totals``) adds up to the year-end projection's.
    """

    per_aanbieder: pd.DataFrame
    per_maand: pd.DataFrame


def completion(con: duckdb.DuckDBPyConnection, valuation: date, jaar: int) -> Completion:
    """The late claims still expected, per provider for ``jaar`` and per service month."""
    claims = _claims(con)
    months = pd.period_range(claims["maand"].min(), pd.Period(valuation, "M"), freq="M")
    grid = _active(con, months).merge(
        claims.groupby([*KEYS, "maand"], as_index=False)["bedrag"].sum(),
        on=[*KEYS, "maand"],
        how="outer",
    )
    grid = grid.fillna({"actief": 0, "bedrag": 0.0})
    grid["gedeclareerd"] = grid["bedrag"] != 0
    now = months[-1]
    first = min(pd.Period(f"{jaar}-01", "M"), now - (HISTORIE_MAANDEN - 1))
    late = _late_lines(claims, now)
    # A declared month's expected full amount: received plus its late lines still to come.
    grid = grid.merge(
        late.groupby([*KEYS, "maand"], as_index=False)["nog"].sum(), on=[*KEYS, "maand"], how="left"
    )
    grid["volledig"] = grid["bedrag"] + grid["nog"].fillna(0.0)
    # Per provider as plain arrays (months as ordinals): pandas on frames of a few dozen
    # rows cost milliseconds per provider, per year-end and per backtest cut.
    lines = late.groupby([*KEYS, "maand"], as_index=False)[["var"]].sum()
    grid = grid.merge(lines, on=[*KEYS, "maand"], how="left")
    grid["_m"] = grid["maand"].array.asi8
    grid = grid.sort_values([*KEYS, "_m"], kind="stable")
    rows, month_parts = [], []
    for key, part in grid.groupby(KEYS):
        summary, per_month = _provider(key, part, now.ordinal, jaar, first.ordinal)
        rows.append(summary)
        month_parts.append(per_month)
    columns = [*KEYS, "maand", "ontvangen", "nog_verwacht", "open", "open_maand", "var_los"]
    columns.append("niveau_var")
    if not month_parts:
        return Completion(pd.DataFrame(rows), pd.DataFrame(columns=columns))
    per_maand = pd.DataFrame(
        {c: np.concatenate([m[c] for m in month_parts]) for c in [*columns, "_m"] if c != "maand"}
    )
    per_maand["maand"] = pd.PeriodIndex.from_ordinals(per_maand.pop("_m"), freq="M")
    return Completion(pd.DataFrame(rows), per_maand[columns])


def _provider(
    key: tuple[str, str, str],
    part: pd.DataFrame,
    now: int,
    jaar: int,
    first: int,
) -> tuple[dict[str, object], dict[str, np.ndarray]]:
    """One provider's row over ``jaar`` and its months from ``first`` to ``now`` (ordinals);
    ``part`` sorted by month. Sums as pandas sums them (NaN as 0)."""
    wet, cat, aanbieder = key
    month = part["_m"].to_numpy()
    active = part["actief"].to_numpy("float64")
    declared_flag = part["gedeclareerd"].to_numpy(bool)
    amount = part["bedrag"].to_numpy("float64")
    full = part["volledig"].to_numpy("float64")
    late_nog = np.nan_to_num(part["nog"].to_numpy("float64"))
    late_var = np.nan_to_num(part["var"].to_numpy("float64"))
    declared = (month < now) & declared_flag & (active > 0)
    recent = np.flatnonzero(declared)[-NIVEAU_MAANDEN:]
    rate = float(np.nansum(full[recent]) / np.nansum(active[recent])) if len(recent) else 0.0
    ratios = full[recent] / (active[recent] * rate) if rate > 0 else np.zeros(0)
    cv = float(pd.Series(ratios).std(ddof=1)) if len(ratios) > 2 else 0.3
    older = (month <= now - HISTORIE_MAANDEN) & (active > 0)
    share = float(declared_flag[older].mean()) if older.sum() >= 3 else 1.0
    window = (month >= first) & (month <= now)
    is_open = window & ~declared_flag & (active > 0)
    expected = np.where(is_open, active * rate * share, 0.0)
    # Per month: its own spread and declare-or-not, and its late lines; the uncertainty of
    # the provider's level is shared by all its open months (``niveau_var`` times the square
    # of their sum), so it is added per period, not per month.
    var_los = (
        np.where(is_open, expected**2 * cv**2 + (active * rate) ** 2 * share * (1 - share), 0.0)
        + late_var
    )
    niveau_var = cv**2 / max(len(recent), 1)
    n = int(window.sum())
    per_month = {
        "wet": np.full(n, wet, dtype=object),
        "productcategorie": np.full(n, cat, dtype=object),
        "aanbieder": np.full(n, aanbieder, dtype=object),
        "_m": month[window],
        "ontvangen": np.nan_to_num(amount[window]),
        "nog_verwacht": expected[window] + late_nog[window],
        "open": expected[window],
        "open_maand": is_open[window],
        "var_los": var_los[window],
        "niveau_var": np.full(n, niveau_var),
    }
    mine = window & (month // 12 + 1970 == jaar)
    summary = {
        "wet": wet,
        "productcategorie": cat,
        "aanbieder": aanbieder,
        "ontvangen": float(np.nansum(amount[mine])),
        "nog_verwacht": float(expected[mine].sum() + late_nog[mine].sum()),
        "var": float(var_los[mine].sum() + expected[mine].sum() ** 2 * niveau_var)
        if mine.any()
        else 0.0,
        "open_maanden": int(is_open[mine].sum()),
        "per_maand": float(active[-1]) * rate * share,
        "cv": cv,
        "niveau_n": max(len(recent), 1),
    }
    return summary, per_month


def period_totals(per_maand: pd.DataFrame, soort: str) -> pd.DataFrame:
    """Received and still expected per law and period (``soort`` maand, kwartaal or jaar).

    Columns: wet, periode (a ``pd.Period``), ontvangen, nog_verwacht, se (its standard
    error). Providers are independent; within a provider the months of one period share the
    uncertainty of its level, as in the year-end projection.
    """
    freq = {"maand": "M", "kwartaal": "Q", "jaar": "Y"}[soort]
    columns = ["wet", "periode", "ontvangen", "nog_verwacht", "se"]
    if per_maand.empty:
        return pd.DataFrame(columns=columns)
    m = per_maand.assign(periode=per_maand["maand"].map(lambda p: p.asfreq(freq)))
    g = m.groupby([*KEYS, "periode"], as_index=False).agg(
        ontvangen=("ontvangen", "sum"),
        nog_verwacht=("nog_verwacht", "sum"),
        open=("open", "sum"),
        var_los=("var_los", "sum"),
        niveau_var=("niveau_var", "max"),
    )
    g["var"] = g["var_los"] + g["open"] ** 2 * g["niveau_var"]
    law = g.groupby(["wet", "periode"], as_index=False)[["ontvangen", "nog_verwacht", "var"]].sum()
    law["se"] = np.sqrt(law.pop("var"))
    return law[columns]


def _claims(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Claimed euros per provider, law, category, service month and month of the claim."""
    frame = con.execute(
        """
        SELECT wet, coalesce(productcategorie, '00') AS productcategorie, aanbieder,
               CAST(date_trunc('month', periode_begin) AS DATE) AS maand,
               CAST(date_trunc('month', dagtekening) AS DATE) AS ontvangen,
               sum(bedrag_cent) / 100.0 AS bedrag
        FROM declaratie GROUP BY ALL
        """
    ).df()
    for column in ("maand", "ontvangen"):
        frame[column] = pd.PeriodIndex(pd.to_datetime(frame[column]), freq="M")
    return frame


def _active(con: duckdb.DuckDBPyConnection, months: pd.PeriodIndex) -> pd.DataFrame:
    """Allocations per provider active in the last days of each month."""
    ends = months.to_timestamp(how="end").normalize()
    frame = con.execute(
        """
        WITH m AS (SELECT CAST(unnest(?) AS DATE) AS eind)
        SELECT m.eind, t.wet, coalesce(t.productcategorie, '00') AS productcategorie,
               t.aanbieder, count(*) AS actief
        FROM m JOIN toewijzing t ON t.ingangsdatum <= m.eind
         AND (t.einddatum IS NULL OR t.einddatum >= m.eind - INTERVAL 27 DAY)
        GROUP BY ALL
        """,
        [[d.date() for d in ends]],
    ).df()
    frame["maand"] = pd.PeriodIndex(pd.to_datetime(frame.pop("eind")), freq="M")
    return frame


def _late_lines(claims: pd.DataFrame, now: pd.Period) -> pd.DataFrame:
    """Late lines still expected per provider and declared month (chain-ladder by law).

    Rows of the triangle are the months in which providers first declared a service month,
    columns the months since; a declared month is expected to grow like the others did.
    """
    first = claims.groupby([*KEYS, "maand"])["ontvangen"].transform("min")
    claims = claims.assign(eerste=first, leeftijd=(claims["ontvangen"] - first).map(_n))
    out = []
    for _, part in claims.groupby("wet"):
        cohorts = pd.period_range(part["eerste"].min(), now, freq="M")
        index = {p: i for i, p in enumerate(cohorts)}
        inc = np.zeros((len(cohorts), MAX_LEEFTIJD + 1))
        rows = part["eerste"].map(index).to_numpy()
        ages = np.minimum(part["leeftijd"].to_numpy(), MAX_LEEFTIJD)
        np.add.at(inc, (rows, ages), part["bedrag"].to_numpy())
        tri = np.cumsum(inc, axis=1)
        for i in range(len(cohorts)):
            tri[i, len(cohorts) - i :] = np.nan
        res = project(tri)
        factor = np.where(res.gezien > 0, res.ultimate / np.maximum(res.gezien, 1e-9), 1.0)
        cv = np.where(res.reserve > 0, res.se / np.maximum(res.reserve, 1e-9), 0.0)
        per_month = part.groupby([*KEYS, "maand", "eerste"], as_index=False)["bedrag"].sum()
        row = per_month["eerste"].map(index).to_numpy()
        nog = per_month["bedrag"].to_numpy() * (factor[row] - 1.0)
        per_month["nog"] = nog
        per_month["var"] = (nog * cv[row]) ** 2
        out.append(per_month)
    columns = [*KEYS, "maand", "eerste", "bedrag", "nog", "var"]
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=columns)


def _n(offset: object) -> int:
    return int(getattr(offset, "n", 0))


def late_providers(per_provider: pd.DataFrame, persons: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """The providers whose undeclared months explain most of the claims still to come.

    ``persons``: aanbieder, wet, n (distinct clients this year); providers with fewer than
    10 clients are left out (a provider's amount would say too much about a few people).
    Columns: wet, aanbieder, open_maanden, nog_verwacht, n; largest first.
    """
    per = per_provider.groupby(["wet", "aanbieder"], as_index=False).agg(
        open_maanden=("open_maanden", "max"), nog_verwacht=("nog_verwacht", "sum")
    )
    per = per.merge(persons, on=["wet", "aanbieder"], how="left").fillna({"n": 0})
    per = per[(per["open_maanden"] > 0) & (per["n"] >= 10)]
    return per.sort_values("nog_verwacht", ascending=False).head(top).reset_index(drop=True)
