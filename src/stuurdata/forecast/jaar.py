"""Year-end projection: where will this year end, per law and product category?

Three parts, each with its own uncertainty:

1. ``gerealiseerd``: claims received so far for service months of this year;
2. ``nog_verwacht``: claims still to come for those months (chain-ladder on the claim
   triangle, Bornhuetter-Ferguson for the newest months; Mack's standard error);
3. ``rest_jaar``: the months still to come, at the recent completed monthly level scaled
   by the change in active allocations since then; its error is the month-to-month spread
   of completed months plus the uncertainty of the level itself.

The year-end total gets normal 80% and 95% intervals (the parts are added, variances
too). A budget file (``begroting.csv``, see ``read_budget``) adds the difference.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from stuurdata.forecast import series
from stuurdata.forecast.basis import month_list
from stuurdata.forecast.chainladder import project, triangle_from_lags
from stuurdata.forecast.models import Z80, Z95

MAX_LAG = 12
NIVEAU_MAANDEN = 3
"""Completed months averaged for the monthly level of the rest of the year."""

# The euro columns of a year-end projection (all pass disclosure control before they leave).
MONEY_COLUMNS = (
    "gerealiseerd",
    "nog_verwacht",
    "rest_jaar",
    "jaartotaal",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
    "verschil",
)


def read_budget(path: Path) -> pd.DataFrame:
    """Read a budget file: ``jaar;wet;productcategorie;bedrag`` (euros, ``;`` or ``,``).

    ``productcategorie`` may be empty: the row is then the budget of the whole law.
    Example::

        jaar;wet;productcategorie;bedrag
        2026;wmo;01;1250000
        2026;jeugd;;4800000
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    sep = ";" if text.splitlines()[0].count(";") >= text.splitlines()[0].count(",") else ","
    frame = pd.read_csv(Path(path), sep=sep, dtype=str, encoding="utf-8-sig").fillna("")
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = {"jaar", "wet", "productcategorie", "bedrag"} - set(frame.columns)
    if missing:
        raise ValueError(f"Begrotingsbestand mist kolom(men): {', '.join(sorted(missing))}")
    frame["jaar"] = frame["jaar"].astype(int)
    frame["wet"] = frame["wet"].str.strip().str.lower()
    frame["productcategorie"] = frame["productcategorie"].str.strip().str.zfill(2)
    frame.loc[frame["productcategorie"] == "00", "productcategorie"] = ""
    frame["bedrag"] = frame["bedrag"].str.replace(",", ".").astype(float)
    return frame[["jaar", "wet", "productcategorie", "bedrag"]]


def _active(con: duckdb.DuckDBPyConnection, months: list[date]) -> pd.DataFrame:
    """Active allocations on the last day of each month, per law and category."""
    return con.execute(
        """
        WITH m AS (SELECT CAST(unnest(?) AS DATE) AS maand)
        SELECT m.maand, t.wet, coalesce(t.productcategorie, '00') AS productcategorie,
               count(*) AS actief
        FROM m JOIN toewijzing t ON t.ingangsdatum < m.maand + INTERVAL 1 MONTH
         AND (t.einddatum IS NULL OR t.einddatum >= m.maand + INTERVAL 1 MONTH - INTERVAL 1 DAY)
        GROUP BY ALL
        """,
        [months],
    ).df()


def year_end(
    con: duckdb.DuckDBPyConnection, begroting: Path | None = None, jaar: int | None = None
) -> pd.DataFrame:
    """The year-end projection per law and category, plus a total row per law.

    Columns: jaar, wet, productcategorie ('' = the whole law), gerealiseerd, nog_verwacht,
    rest_jaar, jaartotaal, lo80, hi80, lo95, hi95, begroting (NaN without one), verschil,
    n (distinct persons with a claim this year, for disclosure control).
    """
    valuation = series.valuation_month(con)
    first = series.first_month(con)
    if valuation is None or first is None:
        return pd.DataFrame()
    jaar = jaar or valuation.year
    months = month_list(pd.Timestamp(first).date().replace(day=1), valuation)
    index = {m: i for i, m in enumerate(months)}
    lags = series.claim_lags(con)
    lags["rij"] = lags["dienstmaand"].map(lambda d: index.get(pd.Timestamp(d).date(), -1))
    active = _active(con, months)
    persons = dict(
        con.execute(
            "SELECT wet || ':' || coalesce(productcategorie, '00'), count(DISTINCT persoon_id) "
            "FROM declaratie WHERE year(periode_begin) = ? GROUP BY 1",
            [jaar],
        ).fetchall()
    )
    in_year = np.array([m.year == jaar for m in months])
    rest = 12 - valuation.month if valuation.year == jaar else 0
    rows = []
    for (wet, cat), part in lags.groupby(["wet", "productcategorie"]):
        tri = triangle_from_lags(
            part["rij"].to_numpy(),
            part["vertraging"].to_numpy(),
            part["bedrag"].to_numpy(),
            len(months),
            MAX_LAG,
        )
        cl = project(tri)
        prior = _prior(cl.ultimate, cl.ontwikkeld)
        res = project(tri, prior)
        done = np.flatnonzero(res.ontwikkeld >= 0.5)
        recent = done[-NIVEAU_MAANDEN:]
        level = float(res.ultimate[recent].mean()) if len(recent) else 0.0
        spread = float(np.std(res.ultimate[done[-12:]], ddof=1)) if len(done) > 2 else level * 0.2
        act = active[(active["wet"] == wet) & (active["productcategorie"] == cat)]
        act_by = dict(
            zip(act["maand"].map(lambda d: pd.Timestamp(d).date()), act["actief"], strict=True)
        )
        base = np.mean([act_by.get(months[i], 0) for i in recent]) if len(recent) else 0
        now = act_by.get(valuation, 0)
        ratio = now / base if base > 0 else 1.0
        rest_mean = level * ratio * rest
        rest_var = rest * spread**2 + (rest * spread / np.sqrt(max(len(recent), 1))) ** 2
        sel = in_year
        scale = res.se_totaal / max(float(np.sqrt((res.se**2).sum())), 1e-9)
        reserve_var = float((res.se[sel] ** 2).sum()) * scale**2
        rows.append(
            {
                "jaar": jaar,
                "wet": wet,
                "productcategorie": cat,
                "gerealiseerd": float(res.gezien[sel].sum()),
                "nog_verwacht": float(res.reserve[sel].sum()),
                "rest_jaar": rest_mean,
                "var": reserve_var + rest_var,
                "n": persons.get(f"{wet}:{cat}", 0),
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    totals = out.groupby("wet", as_index=False)[
        ["gerealiseerd", "nog_verwacht", "rest_jaar", "var", "n"]
    ].sum()
    totals["jaar"], totals["productcategorie"] = jaar, ""
    law_persons = dict(
        con.execute(
            "SELECT wet, count(DISTINCT persoon_id) FROM declaratie "
            "WHERE year(periode_begin) = ? GROUP BY 1",
            [jaar],
        ).fetchall()
    )
    totals["n"] = totals["wet"].map(law_persons).fillna(0)
    out = pd.concat([out, totals], ignore_index=True)
    out["jaartotaal"] = out["gerealiseerd"] + out["nog_verwacht"] + out["rest_jaar"]
    sd = np.sqrt(out.pop("var"))
    out["lo80"], out["hi80"] = out["jaartotaal"] - Z80 * sd, out["jaartotaal"] + Z80 * sd
    out["lo95"], out["hi95"] = out["jaartotaal"] - Z95 * sd, out["jaartotaal"] + Z95 * sd
    out["begroting"] = np.nan
    if begroting is not None and Path(begroting).exists():
        budget = read_budget(Path(begroting))
        budget = budget[budget["jaar"] == jaar]
        lookup = {(r.wet, r.productcategorie): r.bedrag for r in budget.itertuples()}
        out["begroting"] = [
            lookup.get((w, c), np.nan)
            for w, c in zip(out["wet"], out["productcategorie"], strict=True)
        ]
        # A law without its own total row in the budget: the sum of its categories.
        for wet in out["wet"].unique():
            if (wet, "") not in lookup:
                cats = [v for (w, c), v in lookup.items() if w == wet and c]
                if cats:
                    out.loc[(out["wet"] == wet) & (out["productcategorie"] == ""), "begroting"] = (
                        sum(cats)
                    )
    out["verschil"] = out["jaartotaal"] - out["begroting"]
    cols = [
        "jaar",
        "wet",
        "productcategorie",
        "gerealiseerd",
        "nog_verwacht",
        "rest_jaar",
        "jaartotaal",
        "lo80",
        "hi80",
        "lo95",
        "hi95",
        "begroting",
        "verschil",
        "n",
    ]
    return out[cols].sort_values(["wet", "productcategorie"]).reset_index(drop=True)


def _prior(ultimate: np.ndarray, developed: np.ndarray) -> np.ndarray:
    """Expected ultimate per row: the mean of the previous three well-developed rows."""
    prior = np.zeros_like(ultimate)
    for i in range(len(ultimate)):
        ok = [j for j in range(i) if developed[j] >= 0.5][-NIVEAU_MAANDEN:]
        prior[i] = float(np.mean(ultimate[ok])) if ok else ultimate[i]
    return prior
