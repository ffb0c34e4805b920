"""The monthly models and the backtest, on a history with a known trend and ageing."""

from __future__ import annotations

import numpy as np
import pytest

from stuurdata.forecast.backtest import Series, backtest, choose
from stuurdata.forecast.models import forecast, mase_scale, seasonal_naive


def _history(seed: int, trend: float, base: float, n: int = 48) -> Series:
    """Clients per month: ageing (+1.5%/yr exposure) times a rising incidence, Poisson noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n + 12) / 12
    exposure = base * np.exp(0.015 * t)
    y = rng.poisson(exposure * np.exp(trend * t))[:n].astype(float)
    return Series({"wet": f"w{trend}", "zaad": str(seed)}, y, exposure)


def test_seasonal_naive_repeats_last_year():
    y = np.arange(24.0)
    fc = seasonal_naive(y, 14)
    assert fc.mean.tolist() == [*range(12, 24), 12, 13]
    assert mase_scale(y) == 12.0


def test_forecast_follows_exposure_when_rate_is_flat():
    exposure = np.linspace(100, 160, 48)
    fc = forecast(exposure[:36] * 2, 12, "niveau", exposure)
    assert fc.mean == pytest.approx(exposure[36:] * 2, rel=1e-3)
    assert np.all(fc.lo80 <= fc.mean) and np.all(fc.hi95 >= fc.hi80)


def test_quality_bar_beats_seasonal_naive_with_honest_intervals():
    series = [
        _history(s, trend, base) for s in range(4) for trend, base in ((0.04, 400), (0.02, 250))
    ]
    res = backtest(series, horizons=(12,), origins=8)
    chosen = choose(res, ["wet"])
    best = res[[chosen[(w,)] == v for w, v in zip(res["wet"], res["variant"], strict=True)]]
    for wet, part in best.groupby("wet"):
        assert part["mase"].mean() < 1, wet
        assert part["mase"].mean() < part["mase_naief"].mean(), wet
        assert 0.70 <= part["dekking80"].mean() <= 0.90, wet
        assert part["dekking95"].mean() >= 0.85, wet


def test_ets_matches_statsmodels_on_a_level_series():
    ets = pytest.importorskip("statsmodels.tsa.holtwinters")
    rng = np.random.default_rng(7)
    y = 50 + np.cumsum(rng.normal(0, 1, 40))
    ours = forecast(y, 6, "niveau").mean
    fit = ets.SimpleExpSmoothing(np.log(y), initialization_method="estimated").fit()
    theirs = np.exp(fit.forecast(6))
    assert ours == pytest.approx(theirs, rel=0.02)
