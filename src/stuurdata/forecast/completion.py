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
"""

from __future__ import annotations

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
    late = _late_lines(claims, now)
    # A declared month's expected full amount: received plus its late lines still to come.
    grid = grid.merge(
        late.groupby([*KEYS, "maand"], as_index=False)["nog"].sum(), on=[*KEYS, "maand"], how="left"
    )
    grid["volledig"] = grid["bedrag"] + grid["nog"].fillna(0.0)
    # Per provider as plain arrays (months as ordinals): pandas on frames of a few dozen
    # rows cost milliseconds per provider, per year-end and per backtest cut.
    grid["_m"] = grid["maand"].array.asi8
    grid = grid.sort_values([*KEYS, "_m"], kind="stable")
    late_of = {
        key: (part["nog"].to_numpy("float64"), part["var"].to_numpy("float64"))
        for key, part in (late[late["maand"].dt.year == jaar] if len(late) else late).groupby(KEYS)
    }
    empty = np.zeros(0)
    rows = [
        _provider(key, part, late_of.get(key, (empty, empty)), now.ordinal, jaar)
        for key, part in grid.groupby(KEYS)
    ]
    return pd.DataFrame(rows)


def _provider(
    key: tuple[str, str, str],
    part: pd.DataFrame,
    late: tuple[np.ndarray, np.ndarray],
    now: int,
    jaar: int,
) -> dict[str, object]:
    """One provider's row; ``part`` sorted by month, ``late`` its late lines of ``jaar``
    (nog, var), ``now`` the valuation month's ordinal. Sums as pandas sums them (NaN as 0)."""
    wet, cat, aanbieder = key
    month = part["_m"].to_numpy()
    active = part["actief"].to_numpy("float64")
    declared_flag = part["gedeclareerd"].to_numpy(bool)
    amount = part["bedrag"].to_numpy("float64")
    full = part["volledig"].to_numpy("float64")
    declared = (month < now) & declared_flag & (active > 0)
    recent = np.flatnonzero(declared)[-NIVEAU_MAANDEN:]
    rate = float(np.nansum(full[recent]) / np.nansum(active[recent])) if len(recent) else 0.0
    ratios = full[recent] / (active[recent] * rate) if rate > 0 else np.zeros(0)
    cv = float(pd.Series(ratios).std(ddof=1)) if len(ratios) > 2 else 0.3
    older = (month <= now - HISTORIE_MAANDEN) & (active > 0)
    share = float(declared_flag[older].mean()) if older.sum() >= 3 else 1.0
    this_year = (month // 12 + 1970 == jaar) & (month <= now)
    open_months = this_year & ~declared_flag & (active > 0)
    expected = active[open_months] * rate * share
    # Month-to-month spread, declare-or-not, and the level shared by all open months.
    var = float(
        (expected**2 * cv**2).sum()
        + ((active[open_months] * rate) ** 2 * share * (1 - share)).sum()
        + expected.sum() ** 2 * cv**2 / max(len(recent), 1)
    )
    nog, late_var = late
    per_month = float(active[-1]) * rate * share
    return {
        "wet": wet,
        "productcategorie": cat,
        "aanbieder": aanbieder,
        "ontvangen": float(np.nansum(amount[this_year])),
        "nog_verwacht": float(expected.sum() + np.nansum(nog)),
        "var": var + float(np.nansum(late_var)),
        "open_maanden": int(open_months.sum()),
        "per_maand": per_month,
        "cv": cv,
        "niveau_n": max(len(recent), 1),
    }


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
