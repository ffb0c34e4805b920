"""The forecast chapter as rows of the publication: computed here, protected with the rest.

``forecast_rows`` turns the forecasts (``stuurdata.forecast``) into rows in the indicator
frame's shape, so they enter ``publiceer``'s one ``protect_with_totals`` call beside the
indicators; ``finish`` then does what that call cannot know about forecasts (intervals of a
hidden figure are emptied, intervals of counts rounded like the counts, the parts of one
year-end row hidden together). Every output (report, dashboard, ``stuurdata prognose``)
reads these rows from the publication; none computes or protects a forecast itself.

The measures (``maat``), all ``periodesoort`` jaar, ``periode`` the year:

* ``prognose_jaar_{deel}_{wet}`` and ``prognose_jaar_{deel}_per_categorie_{wet}``: the
  year-end projection of this year, ``deel`` one of ``DELEN`` (euro); ``jaartotaal`` has
  its 80% interval in ``ondergrens``/``bovengrens``. A category and its law total form one
  table, so secondary suppression never leaves a row that follows by subtraction.
* ``prognose_clienten_{wet}`` (personen) and ``prognose_kosten_{wet}`` (euro): the
  multi-year forecast per gemeente and wijk with 80% intervals; the last full year is the
  realisation (no interval; gemeente only). This year's gemeente cost *is* the year-end
  ``jaartotaal``: one figure for this year in every output; the cost forecasts continue
  from it (``_anchors``).
* ``prognose_toets_{maat}_{wet}``: the model's backtest, ``categorie`` ``{meting}_{h}``
  (``mase``, ``mase_naief``: the naive reference "zelfde maand vorig jaar", ``dekking80``,
  ``mape``: the mean absolute error as a share of the outcome, what the report says in
  words) at horizon ``h`` months.
* ``prognose_ontleding_{wet}``: why the gemeente's costs changed from last year
  (``periode``), ``categorie`` one of ``ONTLEDING``: last year, the effects (inhabitants,
  age structure, use, volume per client, price; they add up to the change), this year.
* ``prognose_terugblik_{deel}_{wet}``: the year-end projection made earlier (``categorie``
  the month it was made, ``periode`` the year projected), ``deel`` voorspeld (with its
  interval), naief (the run rate) and uitkomst.
* ``prognose_nog_verwacht_{wet}`` and ``prognose_verwacht_totaal_{wet}`` (``periodesoort``
  maand and kwartaal, gemeente): for each recent month (every month of this year up to the
  newest claim, and the six before it) and each quarter whose months are all among them,
  the claims still expected by the completion model behind the year-end projection (with
  its 80% interval) and the expected total (declared, the indicator ``kosten_{wet}``, plus
  still expected). The year is the year-end projection's own ``nog_verwacht`` (the months
  of this year add up to it), not a second row. ``n`` counts the persons with a claim or an
  active allocation in the period; ``volledig`` is False for the month of the newest claim.
* ``prognose_laat_{wet}``, ``prognose_open_maanden_{wet}``, ``prognose_vertraging_{wet}``
  per provider (``categorie`` its AGB code): the claims still expected from it, the months
  of this year it has not declared yet, its average claim lag in months. Only providers
  with at least 10 clients this year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from stuurdata.forecast import Basis, decompose, prognose, series, year_end
from stuurdata.forecast.completion import completion, period_totals
from stuurdata.forecast.decompose import EFFECTEN
from stuurdata.forecast.jaar import claim_lag, late_claimers
from stuurdata.forecast.models import Z80
from stuurdata.forecast.terugblik import year_end_backtest
from stuurdata.forecast.uitsnede import one_gemeente
from stuurdata.privacy.disclosure import ONDERDRUKT, DisclosureRule, round_count
from stuurdata.privacy.purposes import NIVEAUS

VERSIE = 1
BRONNEN = ("toewijzing", "declaratie", "verblijf", "persoon")
DELEN = ("gerealiseerd", "nog_verwacht", "rest_jaar", "jaartotaal", "begroting")
METINGEN = ("mase", "mase_naief", "dekking80", "mape")
ONTLEDING = ("vorig_jaar", *EFFECTEN, "dit_jaar")
PREFIX = "prognose_"
# Kinds (``soort``) for the disclosure step: euros and counts add up and form tables; model
# figures (MASE, coverage, months) are statistics that reveal no count ("dagen": only a
# teller would be rounded, and they have none).
_STATISTIEK = "dagen"


@dataclass
class ForecastRows:
    """Forecast rows in the indicator frame's shape, and the kind of each measure."""

    rijen: pd.DataFrame
    soort: dict[str, str]


def _row(
    maat: str,
    gebied: tuple[str, str],
    jaar: int | str,
    waarde: float,
    n: float,
    *,
    categorie: str = "",
    interval: tuple[float, float] = (np.nan, np.nan),
    eenheid: str = "euro",
    teller: bool = True,
    periodesoort: str = "jaar",
    volledig: bool = True,
) -> dict[str, object]:
    niveau, code = gebied
    return {
        "indicator": maat,
        "versie": VERSIE,
        "niveau": niveau,
        "gebiedscode": code,
        "periodesoort": periodesoort,
        "periode": str(jaar),
        "categorie": categorie,
        "teller": float(waarde) if teller else np.nan,
        "noemer": np.nan,
        "waarde": float(waarde),
        "n": n,
        "ondergrens": float(interval[0]),
        "bovengrens": float(interval[1]),
        "eenheid": eenheid,
        "bronnen": ",".join(BRONNEN),
        "ladingen": "",
        "volledig": volledig,
    }


def forecast_rows(
    con: duckdb.DuckDBPyConnection,
    gemeente: str,
    begroting: Path | None = None,
    *,
    alone: bool = True,
) -> ForecastRows:
    """Every forecast figure an output shows, unprotected, for ``gemeente``.

    ``alone``: the warehouse holds only this gemeente; otherwise the forecasts run on an
    in-memory copy of its part (``forecast.uitsnede.one_gemeente``), so a region's other
    gemeenten never enter its figures.
    """
    if not alone:
        with one_gemeente(con, gemeente) as part:
            return forecast_rows(part, gemeente, begroting)
    gm = ("gemeente", gemeente)
    rows: list[dict[str, object]] = []
    soort: dict[str, str] = {}
    ye = year_end(con, begroting)
    current: dict[str, tuple[float, float, float]] = {}
    for r in ye.itertuples():
        per = "_per_categorie" if r.productcategorie else ""
        for deel in DELEN:
            value = getattr(r, deel)
            if pd.isna(value):
                continue
            maat = f"{PREFIX}jaar_{deel}{per}_{r.wet}"
            interval = (r.lo80, r.hi80) if deel == "jaartotaal" else (np.nan, np.nan)
            rows.append(
                _row(maat, gm, r.jaar, value, r.n, categorie=r.productcategorie, interval=interval)
            )
            soort[maat] = "bedrag"
        if not r.productcategorie:
            current[r.wet] = (r.jaartotaal, r.lo80, r.hi80)
    result = prognose(con)
    if result is not None:
        base = result.prognose[result.prognose["scenario"] == "basis"]
        jaar_nu = int(ye["jaar"].iloc[0]) if not ye.empty else None
        anchor = _anchors(base, current, jaar_nu)
        for r in base.itertuples():
            if r.soort == "realisatie" and r.niveau != "gemeente":
                # A wijk's realised cost is (nearly) the published indicator kosten per wijk,
                # whose hidden cells it could give away; the report shows wijken only ahead.
                continue
            maat = f"{PREFIX}{r.maat}_{r.wet}"
            value, interval = r.waarde, (r.lo80, r.hi80)
            if r.soort == "realisatie":
                interval = (np.nan, np.nan)
            elif (r.maat, r.niveau, r.jaar) == ("kosten", "gemeente", jaar_nu) and r.wet in current:
                # One figure for this year: the year-end projection, in every output.
                value, lo, hi = current[r.wet]
                interval = (lo, hi)
            elif r.maat == "kosten":
                # The years ahead start from that level (see ``_anchors``).
                factor = anchor.get(r.wet, 1.0)
                value, interval = value * factor, (interval[0] * factor, interval[1] * factor)
            eenheid = "personen" if r.maat == "clienten" else "euro"
            rows.append(
                _row(
                    maat,
                    (r.niveau, r.gebiedscode),
                    r.jaar,
                    value,
                    r.n,
                    interval=interval,
                    eenheid=eenheid,
                )
            )
            soort[maat] = "aantal" if r.maat == "clienten" else "bedrag"
        toets = result.toets
        if not toets.empty:
            chosen = toets[toets["gekozen"] & (toets["niveau"] == "gemeente")]
            n_of = {(r.wet, r.maat): r.n for r in base.itertuples() if r.niveau == "gemeente"}
            for r in chosen.itertuples():
                maat = f"{PREFIX}toets_{r.maat}_{r.wet}"
                for meting in METINGEN:
                    rows.append(
                        _row(
                            maat,
                            gm,
                            result.basis.maanden[-1].year,
                            getattr(r, meting),
                            n_of.get((r.wet, r.maat), np.nan),
                            categorie=f"{meting}_{int(r.horizon)}",
                            eenheid="verhouding",
                            teller=False,
                        )
                    )
                soort[maat] = _STATISTIEK
        rows += _decomposition_rows(result.basis, gm, soort)
    rows += _backtest_rows(con, gm, soort)
    rows += _provider_rows(con, gm, soort)
    rows += _recent_rows(con, gm, soort)
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["n"] = pd.to_numeric(frame["n"], errors="coerce").round()
    return ForecastRows(frame, soort)


def _anchors(
    base: pd.DataFrame, current: dict[str, tuple[float, float, float]], jaar: int | None
) -> dict[str, float]:
    """Per law: the year-end projection of this year over the model's own figure for it.

    The year-end projection completes recent months per provider and is measured within
    about 1% late in the year (docs/modelkaart.md); the multi-year model completes them by
    the law's pattern and runs a few percent high or low. Its cost forecasts (gemeente and
    wijken, this year and later) are scaled by this ratio, so the years ahead continue from
    the one figure for this year instead of jumping away from it.
    """
    out = {}
    for wet, (jaartotaal, _lo, _hi) in current.items():
        own = base[
            (base["wet"] == wet)
            & (base["maat"] == "kosten")
            & (base["niveau"] == "gemeente")
            & (base["jaar"] == jaar)
            & (base["soort"] == "prognose")
        ]["waarde"]
        if len(own) and float(own.iloc[0]) > 0 and np.isfinite(jaartotaal):
            out[wet] = float(jaartotaal) / float(own.iloc[0])
    return out


def _decomposition_rows(
    basis: Basis, gm: tuple[str, str], soort: dict[str, str]
) -> list[dict[str, object]]:
    """Why costs changed from last year, per law for the gemeente (``ONTLEDING`` parts)."""
    rows = []
    dec = decompose(basis)
    for r in dec[dec["niveau"] == "gemeente"].itertuples() if not dec.empty else ():
        maat = f"{PREFIX}ontleding_{r.wet}"
        for deel in ONTLEDING:
            value = getattr(r, {"vorig_jaar": "kosten_vorig", "dit_jaar": "kosten"}.get(deel, deel))
            rows.append(_row(maat, gm, r.jaar, value, r.n, categorie=deel))
        soort[maat] = "bedrag"
    return rows


def _backtest_rows(
    con: duckdb.DuckDBPyConnection, gm: tuple[str, str], soort: dict[str, str]
) -> list[dict[str, object]]:
    rows = []
    for r in year_end_backtest(con).itertuples():
        made = f"{r.gemaakt:%Y-%m}"
        for deel, value in (
            ("voorspeld", r.voorspeld),
            ("naief", r.naief),
            ("uitkomst", r.uitkomst),
        ):
            if pd.isna(value):
                continue
            maat = f"{PREFIX}terugblik_{deel}_{r.wet}"
            interval = (r.lo80, r.hi80) if deel == "voorspeld" else (np.nan, np.nan)
            rows.append(_row(maat, gm, r.jaar, value, r.n, categorie=made, interval=interval))
            soort[maat] = "bedrag"
    return rows


def _provider_rows(
    con: duckdb.DuckDBPyConnection, gm: tuple[str, str], soort: dict[str, str]
) -> list[dict[str, object]]:
    late = late_claimers(con)
    if late.empty:
        return []
    lag = claim_lag(con)
    lags = {(r.wet, r.aanbieder): r.vertraging for r in lag.itertuples()}
    newest = con.execute("SELECT max(year(dagtekening)) FROM declaratie").fetchone()
    jaar = int(newest[0]) if newest else 0
    rows = []
    for r in late.itertuples():
        cells = (
            ("laat", r.nog_verwacht, "euro", "bedrag"),
            ("open_maanden", r.open_maanden, "maanden", _STATISTIEK),
            ("vertraging", lags.get((r.wet, r.aanbieder), np.nan), "maanden", _STATISTIEK),
        )
        for deel, value, eenheid, kind in cells:
            if pd.isna(value):
                continue
            maat = f"{PREFIX}{deel}_{r.wet}"
            rows.append(
                _row(
                    maat,
                    gm,
                    jaar,
                    value,
                    r.n,
                    categorie=str(r.aanbieder),
                    eenheid=eenheid,
                    teller=kind != _STATISTIEK,
                )
            )
            soort[maat] = kind
    return rows


RECENT = ("nog_verwacht", "verwacht_totaal")
"""The parts of a recent period's cost beside the declared amount (``kosten_{wet}``)."""
MERKBAAR = 0.01
"""A period is voorlopig while at least this share of its expected total is still to come."""
NAIJLEN = 92
"""Days after a period's end in which most of its declarations arrive (about 3 months)."""


def is_voorlopig(
    einde: date, data_eind: date | None, nog: float | None, totaal: float | None
) -> bool:
    """Costs of a period (ending before ``einde``) still coming in: it ended less than
    ``NAIJLEN`` days before the data did, or the published estimate still expects at least
    ``MERKBAAR`` of its expected total. The report and the dashboard mark such a period
    *voorlopig* and never compare it as if it were complete."""
    if data_eind is not None and einde > data_eind - timedelta(NAIJLEN):
        return True
    if nog is None or not totaal or pd.isna(nog) or pd.isna(totaal):
        return False
    return nog >= MERKBAAR * totaal


def _recent_rows(
    con: duckdb.DuckDBPyConnection, gm: tuple[str, str], soort: dict[str, str]
) -> list[dict[str, object]]:
    """Declared plus still expected for recent months and quarters (``RECENT``, per law).

    The months come from the same completion as the year-end projection
    (``forecast.completion``), so the months of this year add up to its ``nog_verwacht``.
    """
    valuation = series.valuation_month(con)
    if valuation is None:
        return []
    done = completion(con, valuation, valuation.year)
    if done.per_maand.empty:
        return []
    now = pd.Period(valuation, "M")
    first = done.per_maand["maand"].min()
    persons = _persons(con, first.to_timestamp().date(), valuation)
    rows = []
    for periodesoort in ("maand", "kwartaal"):
        for r in period_totals(done.per_maand, periodesoort).itertuples():
            start, end = r.periode.start_time.to_period("M"), r.periode.end_time.to_period("M")
            if start < first:  # a quarter only partly among the recent months
                continue
            periode = (
                str(r.periode)
                if periodesoort == "maand"
                else f"{r.periode.year}-K{r.periode.quarter}"
            )
            nog, spread = float(r.nog_verwacht), Z80 * float(r.se)
            low = max(nog - spread, min(nog, 0.0))  # no claims below nothing unless credits
            n = persons.get((r.wet, periodesoort, periode), 0)
            parts = (
                ("nog_verwacht", nog, (low, nog + spread)),
                (
                    "verwacht_totaal",
                    r.ontvangen + nog,
                    (r.ontvangen + low, r.ontvangen + nog + spread),
                ),
            )
            for deel, value, interval in parts:
                maat = f"{PREFIX}{deel}_{r.wet}"
                rows.append(
                    _row(
                        maat,
                        gm,
                        periode,
                        value,
                        n,
                        interval=interval,
                        periodesoort=periodesoort,
                        volledig=end < now,
                    )
                )
                soort[maat] = "bedrag"
    return rows


def _persons(
    con: duckdb.DuckDBPyConnection, first: date, valuation: date
) -> dict[tuple[str, str, str], int]:
    """Per law, month and quarter from ``first``: persons with a claim or an active allocation.

    The count base of a recent period's still-expected cost: the clients whose care it is.
    """
    found = con.execute(
        """
        WITH m AS (SELECT CAST(unnest(generate_series(CAST(? AS DATE), CAST(? AS DATE),
                                                      INTERVAL 1 MONTH)) AS DATE) AS begin),
        p AS (
            SELECT t.wet, t.persoon_id, m.begin FROM m JOIN toewijzing t
              ON t.ingangsdatum < m.begin + INTERVAL 1 MONTH
             AND (t.einddatum IS NULL OR t.einddatum >= m.begin)
            UNION
            SELECT d.wet, d.persoon_id, CAST(date_trunc('month', d.periode_begin) AS DATE)
            FROM declaratie d WHERE d.periode_begin >= CAST(? AS DATE)
        )
        SELECT wet, 'maand' AS soort, strftime(begin, '%Y-%m') AS periode,
               count(DISTINCT persoon_id) AS n FROM p GROUP BY ALL
        UNION ALL
        SELECT wet, 'kwartaal', year(begin) || '-K' || quarter(begin),
               count(DISTINCT persoon_id) FROM p GROUP BY ALL
        """,
        [first, valuation, first],
    ).fetchall()
    return {(str(w), str(s), str(p)): int(n) for w, s, p, n in found}


def shown_forecast(rows: pd.DataFrame, niveau: str) -> pd.DataFrame:
    """The forecast rows down to the finest level the purpose allows."""
    if rows.empty:
        return rows
    return rows[rows["niveau"].isin(NIVEAUS[: NIVEAUS.index(niveau) + 1])]


def finish(cijfers: pd.DataFrame, rule: DisclosureRule) -> pd.DataFrame:
    """Protected forecast rows made whole: what the one protection step cannot know.

    The parts of one year-end row (realised, still expected, rest, total, budget) hide
    together, so no hidden part follows from the others, and so do the parts of a recent
    period's cost (``_hide_recent_together``); a hidden figure loses its interval;
    the interval of a count is rounded like the count; euros are whole, other model figures
    have two decimals.
    """
    out = cijfers.copy()
    maat = out["maat"].astype("str")
    jaar = maat.str.startswith(f"{PREFIX}jaar_")
    if jaar.any():
        law = maat.str.rsplit("_", n=1).str[-1]
        key = law + ":" + out["gebiedscode"].astype("str") + ":" + out["categorie"].astype("str")
        hidden = out["status"].eq(ONDERDRUKT)
        hidden_keys = set(key[jaar & hidden])
        joined = jaar & key.isin(hidden_keys) & ~hidden
        for column in ("teller", "noemer", "waarde"):
            out.loc[joined, column] = np.nan
        out.loc[joined, "n"] = pd.NA
        out.loc[joined, "status"] = ONDERDRUKT
    _hide_recent_together(out)
    hidden = out["status"].eq(ONDERDRUKT)
    out.loc[hidden, ["ondergrens", "bovengrens"]] = np.nan
    counts = maat.str.startswith(f"{PREFIX}clienten_") & ~hidden
    for column in ("ondergrens", "bovengrens"):
        out.loc[counts, column] = round_count(out.loc[counts, column], rule.round_to)
    # A model gives sixteen digits; whole euros and two decimals are all a reader can use
    # (and a long run of digits must not look like an identifier in an export).
    mine = maat.str.startswith(PREFIX)
    euro = mine & out["eenheid"].eq("euro")
    for column in ("teller", "waarde", "ondergrens", "bovengrens"):
        out.loc[euro, column] = out.loc[euro, column].round(0)
        out.loc[mine & ~euro, column] = out.loc[mine & ~euro, column].round(2)
    return out


def _hide_recent_together(out: pd.DataFrame) -> None:
    """Declared, still expected and their total of one period: never two shown, one hidden.

    Still expected and the total hide together (either gives the other beside the declared
    amount), and the total hides where the declared amount ``kosten_{wet}`` is hidden. So a
    total is shown only where both its parts are: any sum of shown totals is a sum of shown
    parts, and the totals tell nothing the two protected tables do not.
    """
    maat = out["maat"].astype("str")
    recent = is_recent(maat)
    if not recent.any():
        return
    law = maat.str.rsplit("_", n=1).str[-1]
    key = (
        law
        + ":"
        + out["gebiedscode"].astype("str")
        + ":"
        + out["periodesoort"].astype("str")
        + ":"
        + out["periode"].astype("str")
    )
    hidden = out["status"].eq(ONDERDRUKT)
    declared = maat.str.fullmatch(r"kosten_[a-z]+") & out["categorie"].astype("str").eq("")
    total = maat.str.startswith(f"{PREFIX}verwacht_totaal_")
    hide = recent & ~hidden & key.isin(set(key[recent & hidden]))
    hide |= total & ~hidden & key.isin(set(key[declared & hidden]))
    for column in ("teller", "noemer", "waarde"):
        out.loc[hide, column] = np.nan
    out.loc[hide, "n"] = pd.NA
    out.loc[hide, "status"] = ONDERDRUKT


def is_recent(maat: pd.Series) -> pd.Series:
    """True for the still-expected rows of recent periods (``RECENT``): the costs of the law
    chapters and the dashboard show them beside the declared amount."""
    return maat.astype("str").str.fullmatch(rf"{PREFIX}(?:{'|'.join(RECENT)})_[a-z]+")


def is_forecast(maat: pd.Series) -> pd.Series:
    """True for the rows of the forecast chapter."""
    return maat.astype("str").str.startswith(PREFIX)
