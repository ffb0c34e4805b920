"""All cross-domain analyses of one period in one call, disclosure-controlled, for the CLI
and the report chapter "Integraal beeld".

Every frame in ``Integraal`` has passed ``privacy.disclosure.protect`` (counts below the
threshold suppressed, the rest rounded), so it may be shown or written as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from stuurdata.analysis.base import Periode, data_end, last_year
from stuurdata.analysis.funnel import DEFINITIE as FUNNEL_DEF
from stuurdata.analysis.funnel import funnel, wijk_rates
from stuurdata.analysis.peers import peer_funnel
from stuurdata.analysis.reach import DEFINITIE as REACH_DEF
from stuurdata.analysis.reach import reach
from stuurdata.analysis.relapse import DEFINITIE as RELAPSE_DEF
from stuurdata.analysis.relapse import relapse
from stuurdata.analysis.stacking import DEFINITIE as STACKING_DEF
from stuurdata.analysis.stacking import publish_squares, publish_stacking, stacking
from stuurdata.privacy.disclosure import DisclosureRule, round_count
from stuurdata.privacy.rule import configured_rule
from stuurdata.sources.cbs import (
    LAAG_INKOMEN,
    CbsError,
    cache_dirs,
    cached_tables,
    load_table,
    select_period,
)
from stuurdata.sources.cbs_columns import KWB_TABELLEN, newest_kwb


@dataclass
class Integraal:
    """Published results; ``meldingen`` says in Dutch what could not be computed and why."""

    periode: Periode
    combinaties: pd.DataFrame
    stapeling_wijk: pd.DataFrame
    bereik: pd.DataFrame
    terugval: pd.DataFrame
    trechter_wijk: pd.DataFrame
    definities: dict[str, str]
    meldingen: list[str] = field(default_factory=list)
    synthetisch_cbs: bool = False
    stapeling_vierkant: pd.DataFrame = field(default_factory=pd.DataFrame)
    gemeente: str = ""
    gemeenten: tuple[str, ...] = ()
    trechter_gemeente: pd.DataFrame = field(default_factory=pd.DataFrame)
    vergelijking: str = ""


def municipalities(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Gemeenten with residents in the warehouse, most residence periods first."""
    rows = con.execute(
        "SELECT gemeentecode FROM verblijf GROUP BY 1 ORDER BY count(*) DESC, 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _protect_counts(
    frame: pd.DataFrame,
    count_cols: Sequence[str],
    n_col: str,
    rule: DisclosureRule,
    derived: Sequence[str],
) -> pd.DataFrame:
    """Suppress rows resting on fewer than ``min_count`` persons, round the counts."""
    out = frame.copy()
    small = out[n_col].astype("float64") < rule.min_count
    for c in count_cols:
        out[c] = round_count(out[c].astype("float64"), rule.round_to)
    out.loc[small, list(count_cols) + list(derived)] = np.nan
    out["status"] = np.where(small, "onderdrukt", "afgerond")
    return out


def low_income_table(gemeente: str, cbs_cache: Path | Sequence[Path] | None) -> str:
    """The CBS table with households near the social minimum per wijk for ``gemeente``:
    the synthetic snapshot only for GM99xx, else the newest real KWB table in the cache
    (the newest year's id when none is cached, so the message says what to fetch)."""
    if gemeente.startswith("GM99"):
        return LAAG_INKOMEN
    return newest_kwb(set(cached_tables(cache_dirs(cbs_cache)))) or KWB_TABELLEN[max(KWB_TABELLEN)]


def integraal(
    con: duckdb.DuckDBPyConnection,
    *,
    cbs_cache: Path | Sequence[Path] | None = None,
    periode: Periode | None = None,
    indicators: pd.DataFrame | None = None,
    rule: DisclosureRule | None = None,
    gemeente: str | None = None,
) -> Integraal:
    """Stacking, reach, relapse and the wijk funnel for ``periode`` (default: last 12 months).

    A warehouse may hold a region: the analyses then cover all its municipalities, and the
    peer comparison puts ``gemeente`` (default: the largest) among them.
    """
    rule = rule or configured_rule()
    meldingen: list[str] = []
    gemeenten = municipalities(con)
    gemeente = gemeente or (gemeenten[0] if gemeenten else "")
    if periode is None:
        end = data_end(con)
        if end is None:
            raise ValueError("Het pakhuis is leeg: lees eerst gegevens in.")
        periode = last_year(end)
    internal = stacking(con, periode)
    combos, wijk = publish_stacking(internal, rule)

    bereik = pd.DataFrame()
    synthetisch = False
    try:
        table = load_table(low_income_table(gemeente, cbs_cache), cbs_cache)
        synthetisch = table.synthetisch
        raw = reach(con, periode, select_period(table))
        bereik = _protect_counts(
            raw,
            ["gebruikers", "rechthebbend"],
            "gebruikers",
            rule,
            ["bereik", "ondergrens", "bovengrens", "niet_gebruik"],
        )
    except CbsError as exc:
        meldingen.append(f"Bereik niet berekend: {exc}")

    vorig = last_year(periode.van)
    rows = []
    for wet in ("participatiewet", "schuldhulp"):
        t = relapse(con, wet, vorig)
        lo, hi = t.interval()
        rows.append(
            {
                "wet": wet,
                "beeindigd": t.beeindigd,
                "terug": t.terug,
                "aandeel": t.aandeel,
                "ondergrens": lo,
                "bovengrens": hi,
            }
        )
    terugval = _protect_counts(
        pd.DataFrame(rows),
        ["beeindigd", "terug"],
        "beeindigd",
        rule,
        ["aandeel", "ondergrens", "bovengrens"],
    )
    # A share resting on a suppressed numerator would reveal it: suppress below threshold too.
    few = pd.DataFrame(rows)["terug"] < rule.min_count
    terugval.loc[few, ["terug", "aandeel", "ondergrens", "bovengrens"]] = np.nan

    trechter = pd.DataFrame()
    if indicators is not None:
        rates = wijk_rates(indicators)
        if not rates.empty:
            f = funnel(rates)
            trechter = _protect_counts(
                f, ["teller", "noemer"], "teller", rule, ["waarde", "oordeel"]
            )
    peers, vergelijking = pd.DataFrame(), ""
    try:
        raw_peers, vergelijking = peer_funnel(gemeente, indicators, cbs_cache)
        peers = _protect_counts(
            raw_peers, ["teller", "noemer"], "teller", rule, ["waarde", "oordeel"]
        )
    except CbsError as exc:
        meldingen.append(f"Vergelijking met andere gemeenten niet gemaakt: {exc}")
    return Integraal(
        gemeente=gemeente,
        gemeenten=tuple(gemeenten),
        trechter_gemeente=peers,
        vergelijking=vergelijking,
        periode=periode,
        combinaties=combos,
        stapeling_wijk=wijk,
        bereik=bereik,
        terugval=terugval,
        trechter_wijk=trechter,
        definities={
            "stapeling": STACKING_DEF,
            "bereik": REACH_DEF.format(grens=120),
            "terugval": RELAPSE_DEF.format(wet="Participatiewet- of schuldhulp", dagen=365),
            "trechter": FUNNEL_DEF,
        },
        meldingen=meldingen,
        synthetisch_cbs=synthetisch,
        stapeling_vierkant=publish_squares(internal, rule),
    )
