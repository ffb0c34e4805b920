"""Year-end projection: where will this year end, per law and product category?

Three parts, each with its own uncertainty:

1. ``gerealiseerd``: claims received so far for service months of this year;
2. ``nog_verwacht``: claims still to come for those months, per provider: months it has not
   declared yet at its cost per active allocation, and late lines of declared months by
   chain-ladder (``forecast.completion``);
3. ``rest_jaar``: the months after the data, each provider at its current run rate (cost per
   active allocation times its active allocations now); its error is the month-to-month
   spread plus the uncertainty of the level itself.

The year-end total gets normal 80% and 95% intervals (the parts are added, variances
too). A budget file (``begroting.csv``, see ``read_budget``) adds the difference.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from stuurdata.forecast import series
from stuurdata.forecast.completion import complete, late_providers
from stuurdata.forecast.models import Z80, Z95

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
    "se_nog",
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


def late_claimers(con: duckdb.DuckDBPyConnection, top: int = 5) -> pd.DataFrame:
    """The providers that have not yet declared months of this year, largest amount first
    (``completion.late_providers``): the names behind "nog verwacht"."""
    valuation = series.valuation_month(con)
    if valuation is None:
        return pd.DataFrame()
    persons = con.execute(
        "SELECT wet, aanbieder, count(DISTINCT persoon_id) AS n FROM declaratie "
        "WHERE year(periode_begin) = ? GROUP BY ALL",
        [valuation.year],
    ).df()
    return late_providers(complete(con, valuation, valuation.year), persons, top)


def claim_lag(con: duckdb.DuckDBPyConnection, maanden: int = 12) -> pd.DataFrame:
    """Per law and provider: months from service month to claim, weighted by amount.

    Over the claims received in the last ``maanden`` months: how late a provider declares
    explains how much of its recent months is still to come. Columns: wet, aanbieder,
    vertraging (months).
    """
    return con.execute(
        """
        WITH c AS (
            SELECT wet, aanbieder, abs(bedrag_cent) AS w,
                   date_diff('month', date_trunc('month', periode_begin),
                             date_trunc('month', dagtekening)) AS lag
            FROM declaratie
            WHERE dagtekening > (SELECT max(dagtekening) FROM declaratie) - to_months(?)
        )
        SELECT wet, aanbieder, sum(w * lag) / nullif(sum(w), 0) AS vertraging
        FROM c GROUP BY ALL
        """,
        [maanden],
    ).df()


def year_end(
    con: duckdb.DuckDBPyConnection, begroting: Path | None = None, jaar: int | None = None
) -> pd.DataFrame:
    """The year-end projection per law and category, plus a total row per law.

    Columns: jaar, wet, productcategorie ('' = the whole law), gerealiseerd, nog_verwacht,
    rest_jaar, jaartotaal, lo80, hi80, lo95, hi95, begroting (NaN without one), verschil,
    se_nog (standard error of nog_verwacht alone: what the backtest checks), n (distinct
    persons with a claim this year, for disclosure control).
    """
    valuation = series.valuation_month(con)
    if valuation is None:
        return pd.DataFrame()
    jaar = jaar or valuation.year
    per_provider = complete(con, valuation, jaar)
    if per_provider.empty:
        return pd.DataFrame()
    persons = dict(
        con.execute(
            "SELECT wet || ':' || coalesce(productcategorie, '00'), count(DISTINCT persoon_id) "
            "FROM declaratie WHERE year(periode_begin) = ? GROUP BY 1",
            [jaar],
        ).fetchall()
    )
    rest = 12 - valuation.month if valuation.year == jaar else 0
    p = per_provider
    # The months after the data: each provider at its current run rate; the spread from
    # month to month is independent, the uncertainty of the level is shared by all months.
    p["rest_jaar"] = rest * p["per_maand"]
    p["rest_var"] = (
        rest * (p["per_maand"] * p["cv"]) ** 2
        + (rest * p["per_maand"] * p["cv"]) ** 2 / p["niveau_n"]
    )
    grouped = p.groupby(["wet", "productcategorie"], as_index=False)[
        ["ontvangen", "nog_verwacht", "var", "rest_jaar", "rest_var"]
    ].sum()
    rows = [
        {
            "jaar": jaar,
            "wet": r.wet,
            "productcategorie": r.productcategorie,
            "gerealiseerd": r.ontvangen,
            "nog_verwacht": r.nog_verwacht,
            "rest_jaar": r.rest_jaar,
            "var": r.var + r.rest_var,
            "se_nog": float(np.sqrt(r.var)),
            "n": persons.get(f"{r.wet}:{r.productcategorie}", 0),
        }
        for r in grouped.itertuples()
    ]
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["var_nog"] = out.pop("se_nog") ** 2
    totals = out.groupby("wet", as_index=False)[
        ["gerealiseerd", "nog_verwacht", "rest_jaar", "var", "var_nog", "n"]
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
    out["se_nog"] = np.sqrt(out.pop("var_nog"))
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
        "se_nog",
        "n",
    ]
    return out[cols].sort_values(["wet", "productcategorie"]).reset_index(drop=True)
