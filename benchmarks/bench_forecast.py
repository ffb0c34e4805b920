"""Forecast every wijk for 5 years, side by side with seasonal naive for all series.

``run(pakhuis)`` returns seconds for: reading the monthly history from the warehouse
(shared by both), the full model (demography + ETS, variant chosen by backtest), the
backtest alone, and the seasonal-naive reference over the same series, plus the ratio.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb


def run(pakhuis: Path) -> dict[str, float]:
    from stuurdata.forecast.backtest import choose
    from stuurdata.forecast.basis import load_basis
    from stuurdata.forecast.demography import VARIANTEN
    from stuurdata.forecast.meerjarig import (
        _exposures,
        forecast_years,
        history_series,
        run_backtest,
    )
    from stuurdata.forecast.models import seasonal_naive

    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        t0 = time.perf_counter()
        basis = load_basis(con)
        t_read = time.perf_counter() - t0
    finally:
        con.close()
    if basis is None:
        raise SystemExit("Te weinig historie in het pakhuis.")
    h = 5 * 12 + (12 - basis.maanden[-1].month)

    t0 = time.perf_counter()
    raw = run_backtest(basis, origins=6)
    gm = raw[raw["niveau"] == "gemeente"] if not raw.empty else raw
    chosen = choose(gm, ["wet", "maat"]) if not gm.empty else {}  # as forecast.api does
    t_backtest = time.perf_counter() - t0
    t0 = time.perf_counter()
    frame = forecast_years(basis, 5, chosen)
    t_forecast = time.perf_counter() - t0

    t0 = time.perf_counter()
    series = history_series(basis, _exposures(basis, h, VARIANTEN["basis"]), h)
    for s in series:
        seasonal_naive(s.y, h)
    t_naive = time.perf_counter() - t0
    model = t_backtest + t_forecast
    return {
        "wijken": float(len(basis.wijken)),
        "reeksen": float(len(series)),
        "maanden_historie": float(len(basis.maanden)),
        "rijen_prognose": float(len(frame)),
        "lezen_s": round(t_read, 3),
        "terugtoets_s": round(t_backtest, 3),
        "prognose_s": round(t_forecast, 3),
        "model_totaal_s": round(model, 3),
        "seizoensnaief_s": round(t_naive, 3),
        "verhouding_model_naief": round(model / max(t_naive, 1e-6), 1),
    }


if __name__ == "__main__":
    print(run(Path(sys.argv[1])))
