"""Rolling-origin backtest: how good would the forecast have been, measured on history.

From each of the last ``origins`` months that leave ``h`` months of known outcome, the
model is fitted on the history up to that month only and forecasts ``h`` months ahead.
Reported per series and horizon: MASE (mean absolute error over steps 1..h divided by
the in-sample error of the seasonal-naive forecast, so < 1 beats "same month last year"),
the same for the seasonal-naive forecast itself, and the share of outcomes inside the
80% and 95% intervals. These are the figures on the model card and beside the forecast
in the report: a forecast without its measured accuracy is not shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stuurdata.forecast.models import (
    VARIANTEN,
    Forecast,
    forecast,
    mase_scale,
    seasonal_naive,
)

MIN_TRAIN = 18
"""Months of history a fit needs at least (a year for the seasonal-naive scale, plus some)."""


@dataclass(frozen=True, slots=True)
class Series:
    """One monthly series to test: its key, values, and optional exposure and day counts."""

    sleutel: dict[str, str]
    y: np.ndarray
    exposure: np.ndarray | None = None
    days: np.ndarray | None = None


def score(fc: Forecast, train: np.ndarray, actual: np.ndarray) -> dict[str, float]:
    """Errors of one forecast and of seasonal naive from the same origin."""
    h = len(actual)
    naive = seasonal_naive(train, h)
    scale = mase_scale(train)
    mean, lo80, hi80 = fc.mean[:h], fc.lo80[:h], fc.hi80[:h]
    lo95, hi95 = fc.lo95[:h], fc.hi95[:h]
    return {
        "mase": float(np.mean(np.abs(mean - actual)) / scale),
        "mase_naief": float(np.mean(np.abs(naive.mean - actual)) / scale),
        "dekking80": float(np.mean((actual >= lo80) & (actual <= hi80))),
        "dekking95": float(np.mean((actual >= lo95) & (actual <= hi95))),
        "mape": float(np.mean(np.abs(mean - actual)) / max(float(np.mean(np.abs(actual))), 1e-9)),
    }


def evaluate(s: Series, variant: str, h: int, origins: int) -> list[dict[str, float]]:
    """Errors of ``variant`` and of seasonal naive from each origin (one dict per origin)."""
    n = len(s.y)
    last = n - h
    first = max(MIN_TRAIN, last - origins + 1)
    out = []
    for o in range(first, last + 1):
        exp = None if s.exposure is None else s.exposure[: o + h]
        days = None if s.days is None else s.days[: o + h]
        fc = forecast(s.y[:o], h, variant, exp, days)
        out.append(score(fc, s.y[:o], s.y[o : o + h]))
    return out


def backtest(
    series: Iterable[Series],
    horizons: tuple[int, ...] = (6, 12),
    origins: int = 6,
    variants: Iterable[str] = tuple(VARIANTEN),
) -> pd.DataFrame:
    """Backtest figures per series, variant and horizon (averaged over origins).

    Columns: the keys of ``Series.sleutel``, ``variant``, ``horizon``, ``oorsprongen``,
    ``mase``, ``mase_naief``, ``dekking80``, ``dekking95``, ``mape``.
    """
    rows = []
    for s in series:
        for h in horizons:
            if len(s.y) - h < MIN_TRAIN:
                continue
            for variant in variants:
                found = evaluate(s, variant, h, origins)
                if not found:
                    continue
                frame = pd.DataFrame(found)
                rows.append(
                    {
                        **s.sleutel,
                        "variant": variant,
                        "horizon": h,
                        "oorsprongen": len(found),
                        **frame.mean().to_dict(),
                    }
                )
    return pd.DataFrame(rows)


def choose(results: pd.DataFrame, by: list[str], horizon: int = 12) -> dict[tuple[str, ...], str]:
    """The variant with the lowest mean MASE at ``horizon`` per group of ``by`` columns."""
    if results.empty:
        return {}
    sel = results[results["horizon"] == horizon]
    if sel.empty:
        sel = results[results["horizon"] == results["horizon"].max()]
    mean = sel.groupby([*by, "variant"], as_index=False)["mase"].mean()
    best = mean.loc[mean.groupby(by)["mase"].idxmin()]
    return {tuple(str(v) for v in r[by]): str(r["variant"]) for _, r in best.iterrows()}
