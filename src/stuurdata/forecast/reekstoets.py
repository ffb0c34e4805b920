"""Rolling-origin backtest of ``prognose reeks`` on aggregate series (e.g. CBS, all gemeenten).

From each origin the input is cut after that period, forecast exactly as
``forecast_series`` would (same checks, same panel, variant chosen on the cut history),
and compared with what came. Per area and origin: the mean absolute error of the model,
of the naive forecast (last value) and of "same period last year"; the in-sample scales
of both (the MASE denominators, Hyndman & Koehler 2006); and whether the outcomes fell
inside the 80% and 95% intervals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from stuurdata.forecast.perioden import PER_JAAR, Periode
from stuurdata.forecast.reeks import STANDAARD_VARIANT, Reeksen, forecast_series


def backtest_series(
    reeksen: Reeksen,
    oorsprongen: Sequence[Periode],
    horizon: int,
    breuken: Sequence[Periode] = (),
    variant: str = STANDAARD_VARIANT,
) -> pd.DataFrame:
    """One row per area and origin with every outcome of the ``horizon`` periods known."""
    m = PER_JAAR[reeksen.soort]
    rows = []
    for origin in oorsprongen:
        cut = reeksen.tot(origin.index)
        found = forecast_series(cut, horizon, variant, breuken)
        means = found.prognose.pivot(index="gebied", columns="periode", values="verwachting")
        bounds = found.prognose.set_index(["gebied", "periode"])
        future = [str(origin.volgende(k)) for k in range(1, horizon + 1)]
        for s in found.klaar:
            truth = reeksen.waarden.get(s.gebied, {})
            actual = np.array([truth.get(origin.index + k, np.nan) for k in range(1, horizon + 1)])
            if np.isnan(actual).any():
                continue
            y = s.y
            fc = means.loc[s.gebied, future].to_numpy(dtype=float)
            b = bounds.loc[[(s.gebied, p) for p in future]]
            naive = np.full(horizon, y[-1])
            season = np.array([y[len(y) - m + (k % m)] for k in range(horizon)])
            scale1 = float(np.mean(np.abs(np.diff(y)))) or 1.0
            scale_m = float(np.mean(np.abs(y[m:] - y[:-m]))) if len(y) > m else scale1
            rows.append(
                {
                    "gebied": s.gebied,
                    "oorsprong": str(origin),
                    "variant": found.variant,
                    "fout_model": float(np.mean(np.abs(fc - actual))),
                    "fout_naief": float(np.mean(np.abs(naive - actual))),
                    "fout_vorig_jaar": float(np.mean(np.abs(season - actual))),
                    "schaal_naief": scale1,
                    "schaal_vorig_jaar": scale_m or 1.0,
                    "binnen80": float(
                        np.mean((actual >= b["ondergrens_80"]) & (actual <= b["bovengrens_80"]))
                    ),
                    "binnen95": float(
                        np.mean((actual >= b["ondergrens_95"]) & (actual <= b["bovengrens_95"]))
                    ),
                    "punten": horizon,
                }
            )
    return pd.DataFrame(rows)


def summarise_backtest(rows: pd.DataFrame) -> dict[str, float]:
    """The published figures: medians over areas (each area averaged over its origins).

    ``mase_naief``: the model's error scaled by the in-sample error of the naive forecast;
    ``mase_vorig_jaar``: scaled by that of "same period last year" (below 1 beats it);
    the same for the two simple forecasts themselves, the share of areas where the model
    has a smaller error than the naive forecast (and than last year), and the share of
    outcomes inside the intervals.
    """
    if rows.empty:
        return {"gemeenten": 0.0}
    scaled = rows.assign(
        m_model_n=rows["fout_model"] / rows["schaal_naief"],
        m_model_j=rows["fout_model"] / rows["schaal_vorig_jaar"],
        m_naief=rows["fout_naief"] / rows["schaal_naief"],
        m_vorig=rows["fout_vorig_jaar"] / rows["schaal_vorig_jaar"],
    )
    # Per area the mean over its origins (of scaled errors, and of errors), then the median.
    per = scaled.groupby("gebied").mean(numeric_only=True)
    out = {
        "gemeenten": float(len(per)),
        "voorspellingen": float(len(rows)),
        "mase_naief": float(per["m_model_n"].median()),
        "mase_vorig_jaar": float(per["m_model_j"].median()),
        "naief_mase_naief": float(per["m_naief"].median()),
        "vorig_jaar_mase_vorig_jaar": float(per["m_vorig"].median()),
        "relatieve_fout_vs_naief": float((per["fout_model"] / per["fout_naief"]).median()),
        "relatieve_fout_vs_vorig_jaar": float(
            (per["fout_model"] / per["fout_vorig_jaar"]).median()
        ),
        "aandeel_beter_dan_naief": float((per["fout_model"] < per["fout_naief"]).mean()),
        "aandeel_beter_dan_vorig_jaar": float((per["fout_model"] < per["fout_vorig_jaar"]).mean()),
        "dekking80": float(np.average(rows["binnen80"], weights=rows["punten"])),
        "dekking95": float(np.average(rows["binnen95"], weights=rows["punten"])),
    }
    return {k: round(v, 3) for k, v in out.items()}
