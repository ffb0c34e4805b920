"""Monthly forecasting models: demography times a trend in the rate, and the baseline.

A series ``y`` (clients or euros per month) is forecast as ``E * r``: ``E`` is what
demography predicts (the population per age and sex times fixed usage rates, see
``demography.py``), ``r`` the part demography does not explain (rising incidence, policy,
prices). ``log r`` is modelled with exponential smoothing (statsmodels ETS, additive
errors) so that the intervals are multiplicative and never negative. The smoothing
variant (level only, damped trend, linear trend) is chosen per law and measure by the
rolling-origin backtest in ``backtest.py``, never by in-sample fit.

The reference is the seasonal-naive forecast (the same month last year), the usual
baseline for MASE.

Why a small vectorised ETS of our own instead of statsforecast or statsmodels: measured on
this project's 2-core CI machine, statsforecast (numba) took 226 s to install and ~2 min
to import and JIT-compile before the first fit; statsmodels' ``ETSModel`` took 0.1-0.4 s
per fit (a backtest of 216 fits: 92 s). The three additive-error models we need have
closed-form forecast variances, so a grid-search fit over all parameter candidates at once
gives the same forecasts in about a millisecond, with no extra dependency. The tests
compare it with statsmodels when that is installed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Z80 = 1.2815515655446004
Z95 = 1.959963984540054

VARIANTEN: dict[str, tuple[str | None, bool]] = {
    "niveau": (None, False),
    "gedempt": ("add", True),
    "trend": ("add", False),
}
"""ETS variants for ``log r``: name -> (trend, damped)."""


@dataclass(frozen=True, slots=True)
class Forecast:
    """Point forecast and interval bounds per step ahead (same length)."""

    mean: np.ndarray
    lo80: np.ndarray
    hi80: np.ndarray
    lo95: np.ndarray
    hi95: np.ndarray


def seasonal_naive(y: np.ndarray, h: int, m: int = 12) -> Forecast:
    """Same month last year; intervals from the spread of year-on-year differences."""
    y = np.asarray(y, dtype=float)
    if len(y) < m:
        last = np.full(h, y[-1])
        return Forecast(last, last, last, last, last)
    idx = len(y) - m + (np.arange(h) % m)
    mean = y[idx]
    diff = y[m:] - y[:-m]
    sd = float(np.std(diff, ddof=1)) if len(diff) > 1 else 0.0
    k = np.sqrt(np.arange(h) // m + 1)
    return Forecast(
        mean, mean - Z80 * sd * k, mean + Z80 * sd * k, mean - Z95 * sd * k, mean + Z95 * sd * k
    )


def mase_scale(y: np.ndarray, m: int = 12) -> float:
    """In-sample mean absolute error of the seasonal-naive forecast (MASE denominator)."""
    y = np.asarray(y, dtype=float)
    lag = m if len(y) > m else 1
    scale = float(np.mean(np.abs(y[lag:] - y[:-lag]))) if len(y) > lag else 0.0
    return scale if scale > 0 else 1.0


_ALPHA = np.array([0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 0.95, 1.0])
_BETA = np.array([0.0, 0.005, 0.02, 0.05, 0.1, 0.2])
_PHI = np.array([0.8, 0.9, 0.95, 0.98])


def _grid(variant: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (alpha, beta, phi) combinations tried for a variant (beta <= alpha)."""
    trend, damped = VARIANTEN[variant]
    if trend is None:
        return _ALPHA, np.zeros_like(_ALPHA), np.ones_like(_ALPHA)
    phis = _PHI if damped else np.array([1.0])
    a, b, p = np.meshgrid(_ALPHA, _BETA[1:], phis, indexing="ij")
    keep = b <= a
    return a[keep], b[keep], p[keep]


@dataclass(frozen=True, slots=True)
class Panel:
    """One series of a panel: history, exposure and days (``n + h`` long), breaks.

    ``breaks`` are positions in ``y`` where the definition of the series changed (a new CBS
    table): the level restarts there from the new value, the trend carries over.
    """

    y: np.ndarray
    exposure: np.ndarray | None = None
    days: np.ndarray | None = None
    breaks: tuple[int, ...] = ()
    groep: str = ""


@dataclass(frozen=True, slots=True)
class Pooling:
    """What a panel fit shared between its series, for the model card and the output."""

    variant: str
    alpha: float
    beta: float
    phi: float
    gewicht_trend: np.ndarray  # per series: weight of its own trend (1 = not shrunk)
    gewicht_spreiding: np.ndarray  # per series: weight of its own error variance
    z80: float = Z80  # interval multipliers: normal, or the panel's own error distribution
    z95: float = Z95


MIN_EIGEN = 6
"""Points a series needs to be fitted on its own; in a panel it borrows the parameters."""
MIN_PANEL = 10
"""Series a panel needs before they share parameters (fewer: each is fitted alone)."""
PRIOR_SPREIDING = 4.0
"""Pseudo-observations of the peer-group error variance added to a series' own."""


_Fit = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, ...]]


def _filter(z: np.ndarray, variant: str, breaks: tuple[int, ...] = (), ahead: int = 1) -> _Fit:
    """Errors, final level and slope for every grid candidate at once (vectorised).

    ETS(A,N,N), ETS(A,Ad,N) and ETS(A,A,N) as in Hyndman et al. (2008): thousands of
    series in seconds, where statsmodels' optimiser takes 0.1-0.4 s per fit. Returns the
    sum of squared one-step errors, the mean squared error of the in-sample forecasts 1 to
    ``ahead`` steps ahead (what a forecast of that horizon is used for), the final level
    and slope, the in-sample errors ``ahead`` steps ahead, and the grid (alpha, beta, phi).
    """
    return _filter_many([z], variant, breaks, ahead)[0]


def _filter_many(
    series: list[np.ndarray], variant: str, breaks: tuple[int, ...] = (), ahead: int = 1
) -> list[_Fit]:
    """``_filter`` for several series of one length and one set of breaks at once.

    Every step is the same element-wise arithmetic as for one series (a row per series, a
    column per grid candidate), so each result is exactly the one ``_filter`` gives, with
    one Python loop over time instead of one per series.
    """
    alpha, beta, phi = _grid(variant)
    zs = np.array(series, dtype=float)
    n = zs.shape[1]
    # The starting slope from the first third (at most 12 points): a line through the
    # whole series would let the in-sample errors see its end.
    k = min(12, max(2, n // 3), breaks[0] if breaks else n)
    trend = VARIANTEN[variant][0] is not None
    slope0 = np.array(
        [float(np.polyfit(np.arange(k), z[:k], 1)[0]) if trend and k >= 2 else 0.0 for z in series]
    )[:, None]
    shape = (len(zs), len(alpha))
    level = np.broadcast_to(zs[:, :1] - slope0, shape).copy()
    slope = np.broadcast_to(slope0, shape).copy()
    sse = np.zeros(shape)
    multi, count = np.zeros(shape), 0
    damp = np.cumsum(phi[None, :] ** np.arange(1, ahead + 1)[:, None], axis=0)
    history: list[tuple[np.ndarray, np.ndarray]] = []
    errors: list[np.ndarray] = []
    last_break = 0
    for t in range(n):
        zt = zs[:, t : t + 1]
        pred = level + phi * slope
        if t in breaks:
            level, slope = np.broadcast_to(zt, shape).copy(), phi * slope
            last_break = t
            history.append((level, slope))
            continue
        for j in range(2, min(ahead, t - last_break) + 1):
            old_level, old_slope = history[t - j]
            far = zt - old_level - damp[j - 1] * old_slope
            multi += far**2
            count += 1
            if j == ahead:
                errors.append(far)
        err = zt - pred
        sse += err**2
        if t > last_break:
            multi += err**2
            count += 1
            if ahead == 1:
                errors.append(err)
        level = pred + alpha * err
        slope = phi * slope + beta * err
        history.append((level, slope))
    found = np.array(errors) if errors else np.zeros((0, *shape))
    mse = multi / max(count, 1)
    grid = (alpha, beta, phi)
    return [(sse[i], mse[i], level[i], slope[i], found[:, i, :], grid) for i in range(len(zs))]


def _n_par(variant: str, phi: float) -> int:
    return 2 if VARIANTEN[variant][0] is None else (4 if phi == 1.0 else 5)


def _moments(
    level: float, slope: float, a: float, b: float, p: float, sigma2: float, h: int, variant: str
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation per step ahead (closed form, Hyndman et al. 2008).

    Forecast variance: sigma^2 * (1 + sum_{j<h} c_j^2) with c_j = alpha +
    beta*phi*(1-phi^j)/(1-phi) (damped), alpha + beta*j (linear) or alpha (level only).
    """
    steps = np.arange(1, h + 1)
    mean = level + np.cumsum(p**steps) * slope
    j = np.arange(1, h)
    if VARIANTEN[variant][0] is None:
        c = np.full(h - 1, a)
    elif p == 1.0:
        c = a + b * j
    else:
        c = a + b * p * (1 - p**j) / (1 - p)
    var = sigma2 * (1 + np.concatenate([[0.0], np.cumsum(c**2)]))
    return mean, np.sqrt(np.maximum(var, 1e-12))


def _size_groups(levels: np.ndarray, groups: list[str]) -> np.ndarray:
    """Peer groups: the given ``groep`` per series, split into size classes (about 20 each).

    Similar municipalities are those of similar size: small series have larger relative
    noise and, in the CBS series, different trends than the big cities.
    """
    out = np.empty(len(levels), dtype=object)
    for g in sorted(set(groups)):
        idx = np.flatnonzero(np.array(groups) == g)
        classes = max(1, min(5, len(idx) // 20))
        order = idx[np.argsort(levels[idx], kind="stable")]
        for c, part in enumerate(np.array_split(order, classes)):
            out[part] = f"{g}:{c}"
    return out


def _shrink(
    values: np.ndarray, var: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Empirical-Bayes shrinkage of ``values`` toward their group mean; returns (new, weight).

    Between-series variance tau^2 by the method of moments (observed variance minus the
    mean sampling variance); weight of the own value tau^2 / (tau^2 + var_i).
    """
    out, weight = values.copy(), np.ones(len(values))
    for g in set(groups):
        idx = np.flatnonzero(groups == g)
        if len(idx) < 3:
            continue
        prec = 1.0 / np.maximum(var[idx], 1e-12)
        centre = float(np.sum(prec * values[idx]) / np.sum(prec))
        tau2 = max(float(np.var(values[idx], ddof=1)) - float(np.mean(var[idx])), 1e-10)
        w = tau2 / (tau2 + var[idx])
        out[idx] = w * values[idx] + (1 - w) * centre
        weight[idx] = w
    return out, weight


def fit_panel(
    zs: list[np.ndarray],
    h: int,
    variant: str,
    breaks: list[tuple[int, ...]],
    groups: list[str],
    sizes: np.ndarray | None = None,
) -> tuple[list[tuple[np.ndarray, np.ndarray]], Pooling]:
    """Mean and sd per step of ``log`` series, sharing strength when there are several.

    One series: its own least-squares grid fit (a series shorter than ``MIN_EIGEN`` gets a
    random walk). Several: the smoothing parameters are shared (the grid point with the
    highest joint likelihood, each series with its own error variance), each series' trend
    is shrunk toward its peer group (empirical Bayes) and its error variance toward the
    group's (``PRIOR_SPREIDING`` pseudo-observations). ``sizes`` (mean level per series)
    make that prior size-aware, as for counts: the variance of a log count falls as
    1/size, so the group median of variance x size is divided by the series' own size.
    """
    ahead = max(1, min(h, 12))
    # Series of one length and one set of breaks are filtered together (same arithmetic).
    together: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    for i, (z, cut) in enumerate(zip(zs, breaks, strict=True)):
        together.setdefault((len(z), tuple(cut)), []).append(i)
    fitted: dict[int, _Fit] = {}
    for (_n, cut), members in together.items():
        group = [zs[i] for i in members]
        fitted.update(zip(members, _filter_many(group, variant, cut, ahead), strict=True))
    fits = [fitted[i] for i in range(len(zs))]
    alpha, beta, phi = fits[0][5]
    ns = np.array([len(z) - len(b) for z, b in zip(zs, breaks, strict=True)], dtype=float)
    if len(zs) == 1:
        if ns[0] < MIN_EIGEN or np.allclose(zs[0], zs[0][0]):
            z = zs[0]
            sd = max(float(np.std(z)) if len(z) > 1 else 0.0, 1e-6)
            walk = (np.full(h, z[-1]), np.full(h, sd) * np.sqrt(np.arange(1, h + 1)))
            return [walk], Pooling(variant, 1.0, 0.0, 1.0, np.ones(1), np.ones(1))
        best = int(np.argmin(fits[0][0]))
    else:
        # Shared parameters: the highest joint likelihood of the in-sample errors 1..h
        # steps ahead, each series with its own variance.
        loglik = sum(n * np.log(f[1] + 1e-12) for f, n in zip(fits, ns, strict=True))
        best = int(np.argmin(loglik))
    a, b, p = float(alpha[best]), float(beta[best]), float(phi[best])
    dof = np.maximum(ns - _n_par(variant, p), 1.0)
    sigma2 = np.array([f[0][best] for f in fits]) / dof
    levels = np.array([f[2][best] for f in fits])
    slopes = np.array([f[3][best] for f in fits])
    w_trend, w_spread = np.ones(len(zs)), np.ones(len(zs))
    if len(zs) > 1:
        peers = _size_groups(np.array([float(np.mean(z[-2:])) for z in zs]), groups)
        size = np.ones(len(zs)) if sizes is None else np.maximum(np.asarray(sizes), 1e-9)
        for g in set(peers):
            idx = np.flatnonzero(peers == g)
            prior = float(np.median(sigma2[idx] * size[idx])) / size[idx]
            w_spread[idx] = dof[idx] / (dof[idx] + PRIOR_SPREIDING)
            sigma2[idx] = w_spread[idx] * sigma2[idx] + (1 - w_spread[idx]) * prior
        if VARIANTEN[variant][0] is not None:
            # Sampling variance of a slope from n points with (shrunk) error variance.
            slope_var = sigma2 * 12.0 / np.maximum(ns**3 - ns, 6.0)
            slopes, w_trend = _shrink(slopes, slope_var, peers)
    out = [
        _moments(float(lv), float(sl), a, b, p, float(s2), h, variant)
        for lv, sl, s2 in zip(levels, slopes, sigma2, strict=True)
    ]
    z80, z95 = Z80, Z95
    if len(zs) > 1:
        # Intervals calibrated on the panel's own in-sample errors ``ahead`` steps ahead,
        # each divided by the model's standard deviation for that step: the 80th and 95th
        # percentile replace the normal 1.28 and 1.96 (kept when there are too few errors).
        sd_ahead = [_moments(0.0, 0.0, a, b, p, float(s2), ahead, variant)[1][-1] for s2 in sigma2]
        scaled = np.concatenate(
            [np.abs(f[4][:, best]) / max(sd, 1e-9) for f, sd in zip(fits, sd_ahead, strict=True)]
        )
        if len(scaled) >= 100:
            z80, z95 = (float(q) for q in np.quantile(scaled, [0.80, 0.95]))
    return out, Pooling(variant, a, b, p, w_trend, w_spread, z80, z95)


def _log_rate(p: Panel, h: int) -> tuple[np.ndarray, np.ndarray, float]:
    """``log`` of the series over its demographic base, the future base and the offset."""
    y = np.asarray(p.y, dtype=float)
    n = len(y)
    e = np.ones(n + h) if p.exposure is None else np.asarray(p.exposure, dtype=float)[: n + h]
    d = np.ones(n + h) if p.days is None else np.asarray(p.days, dtype=float)[: n + h]
    scale = max(float(np.mean(np.abs(y))), 1e-9) / max(float(np.mean(e[:n] * d[:n])), 1e-9)
    base = e * d * scale
    # +1 (in units of the series' own small-count scale) keeps zeros finite in log space.
    eps = max(float(np.mean(np.abs(y))) * 0.01, 1.0) if y.max() > 0 else 1.0
    z = np.log((np.maximum(y, 0) + eps) / (base[:n] + eps))
    return z, base[n:] + eps, eps


def forecast_panel(
    panel: list[Panel], h: int, variant: str = "gedempt"
) -> tuple[list[Forecast], Pooling]:
    """Forecast ``h`` steps of every series as exposure x exp(ETS on the log rate).

    The one forecasting function of stuurdata: the warehouse forecast (months per law,
    wijk and gemeente) and ``prognose reeks`` (aggregate series a user supplies) both call
    it. ``exposure`` covers history and future (``len(y) + h``); without it the exposure
    is constant (a pure trend model). ``days`` (same length) are the days per month: euros
    are modelled per day so that February does not look like a dip.
    """
    if 1 < len(panel) < MIN_PANEL:
        # Too few series to learn shared parameters from: each is fitted on its own.
        alone = [forecast_panel([p], h, variant) for p in panel]
        return [f[0][0] for f in alone], Pooling(
            variant,
            float("nan"),
            float("nan"),
            float("nan"),
            np.ones(len(panel)),
            np.ones(len(panel)),
        )
    parts = [_log_rate(p, h) for p in panel]
    sizes = np.array([max(float(np.mean(np.abs(p.y[-12:]))), 1.0) for p in panel])
    moments, pooling = fit_panel(
        [z for z, _, _ in parts],
        h,
        variant,
        [p.breaks for p in panel],
        [p.groep for p in panel],
        sizes,
    )
    out = []
    for (_, fb, eps), (mu, sd) in zip(parts, moments, strict=True):

        def back(q: np.ndarray, fb: np.ndarray = fb, eps: float = eps) -> np.ndarray:
            return np.maximum(fb * np.exp(q) - eps, 0.0)

        # Median on the log scale is the point forecast (robust for MASE).
        out.append(
            Forecast(
                back(mu),
                back(mu - pooling.z80 * sd),
                back(mu + pooling.z80 * sd),
                back(mu - pooling.z95 * sd),
                back(mu + pooling.z95 * sd),
            )
        )
    return out, pooling


def forecast(
    y: np.ndarray,
    h: int,
    variant: str = "gedempt",
    exposure: np.ndarray | None = None,
    days: np.ndarray | None = None,
) -> Forecast:
    """Forecast one series on its own (a panel of one: nothing is shared)."""
    found, _ = forecast_panel([Panel(np.asarray(y, dtype=float), exposure, days)], h, variant)
    return found[0]
