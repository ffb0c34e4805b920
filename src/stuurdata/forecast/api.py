"""One call for the multi-year forecast: read, backtest, choose, forecast, scenarios."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from stuurdata.forecast.backtest import choose
from stuurdata.forecast.basis import Basis, load_basis
from stuurdata.forecast.meerjarig import (
    Scenario,
    _truncate,
    run_backtest,
    scenarios,
    summarise,
)

MIN_ONTWIKKELD = 0.97
"""A month whose claims are less than this share in is forecast, not fitted: completing it
from the law's development pattern guesses too much of it (one late provider), and the
model would read the guess as a drop in level. The year-end projection covers it per
provider."""


def settled(basis: Basis) -> Basis:
    """``basis`` without its trailing months that are less than ``MIN_ONTWIKKELD`` in."""
    shares = [s for s in basis.ontwikkeld.values() if len(s) == len(basis.maanden)]
    if not shares:
        return basis
    least = np.min(np.vstack(shares), axis=0)
    t = len(basis.maanden)
    while t > 1 and least[t - 1] < MIN_ONTWIKKELD:
        t -= 1
    if t == len(basis.maanden):
        return basis
    # The claim lines stay whole: the decomposition compares full calendar years.
    return replace(_truncate(basis, t), kostenregels=basis.kostenregels)


@dataclass
class Prognose:
    """The forecast with the backtest that measured it and the variants it chose."""

    basis: Basis
    prognose: pd.DataFrame  # see meerjarig.forecast_years, with a scenario column
    toets: pd.DataFrame  # see meerjarig.summarise
    varianten: dict[tuple[str, ...], str]


def prognose(
    con: duckdb.DuckDBPyConnection,
    jaren: int = 5,
    lijst: Sequence[Scenario] = (),
    origins: int = 6,
    basis: Basis | None = None,
) -> Prognose | None:
    """Backtest, choose the ETS variant per law and measure (gemeente level), forecast."""
    basis = basis or load_basis(con)
    if basis is None:
        return None
    basis = settled(basis)
    raw = run_backtest(basis, origins=origins)
    gm = raw[raw["niveau"] == "gemeente"] if not raw.empty else raw
    chosen = choose(gm, ["wet", "maat"]) if not gm.empty else {}
    toets = summarise(raw)
    if not toets.empty:
        keep = [
            chosen.get((w, m), "gedempt") == v
            for w, m, v in zip(toets["wet"], toets["maat"], toets["variant"], strict=True)
        ]
        toets = toets.assign(gekozen=keep)
    frame = scenarios(basis, list(lijst), jaren, chosen)
    return Prognose(basis, frame, toets, chosen)
