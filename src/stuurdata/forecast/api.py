"""One call for the multi-year forecast: read, backtest, choose, forecast, scenarios."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from stuurdata.forecast.backtest import choose
from stuurdata.forecast.basis import Basis, load_basis
from stuurdata.forecast.meerjarig import Scenario, run_backtest, scenarios, summarise


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
