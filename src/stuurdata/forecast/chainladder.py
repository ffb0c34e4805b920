"""Late claims: a development triangle with the chain-ladder method and Mack's error.

Providers declare weeks to months after the care was given, so the amount booked for a
recent service month is incomplete. Rows of the triangle are service months, columns the
delay in months between the service month and the month of the claim's dagtekening;
cells hold the *cumulative* amount received. Chain-ladder estimates one development factor
per delay from the history (volume weighted), Mack (1993) gives the standard error of the
estimate without assuming a distribution.

A service month that has received (almost) nothing yet - the newest month, because
providers claim the month after - makes the chain-ladder ratio meaningless (anything
divided by nearly zero). For rows whose developed share is below ``BF_DREMPEL`` the
Bornhuetter-Ferguson estimate is used instead: what was received plus the still-missing
share of an expected amount (the recent level of completed months). Its error is the
month-to-month spread of completed amounts times the missing share, plus Mack's process
error for the part that has arrived.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BF_DREMPEL = 0.5
"""Rows less developed than this use Bornhuetter-Ferguson instead of chain-ladder."""


@dataclass(frozen=True, slots=True)
class Reserve:
    """Outcome per row (service month) of a triangle, plus the total.

    ``ultimate`` is the estimated full amount, ``gezien`` what has arrived so far,
    ``reserve = ultimate - gezien`` (still expected), ``se`` its standard error per row and
    ``se_totaal`` the standard error of the summed reserve (rows are correlated through
    the shared factors). ``methode`` per row: 'cl' or 'bf'. ``ontwikkeld`` is the share of
    the ultimate that has arrived according to the development pattern.
    """

    factoren: np.ndarray
    ultimate: np.ndarray
    gezien: np.ndarray
    reserve: np.ndarray
    se: np.ndarray
    se_totaal: float
    methode: tuple[str, ...]
    ontwikkeld: np.ndarray

    @property
    def reserve_totaal(self) -> float:
        return float(self.reserve.sum())


def latest(triangle: np.ndarray) -> np.ndarray:
    """The last observed cumulative value of every row (NaN marks the unobserved part)."""
    out = np.zeros(triangle.shape[0])
    for i, row in enumerate(triangle):
        seen = np.flatnonzero(~np.isnan(row))
        out[i] = row[seen[-1]] if len(seen) else 0.0
    return out


def _observed_to(triangle: np.ndarray) -> np.ndarray:
    """Index of the last observed column per row (-1 for an empty row)."""
    return np.array(
        [(np.flatnonzero(~np.isnan(r))[-1] if (~np.isnan(r)).any() else -1) for r in triangle]
    )


def development_factors(triangle: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Volume-weighted factors f_j = sum C[i,j+1] / sum C[i,j] and Mack's sigma^2_j.

    Factors with no usable history are 1 with sigma 0; a column that is still all zero
    while the next is not (providers never claim in the service month itself) gets an
    infinite factor: rows observed only there count as 0% developed.
    The last sigma is extrapolated as in Mack (1993) when it cannot be estimated.
    """
    n = triangle.shape[1]
    f = np.ones(n - 1)
    s2 = np.full(n - 1, np.nan)
    for j in range(n - 1):
        pair = ~np.isnan(triangle[:, j]) & ~np.isnan(triangle[:, j + 1])
        c0, c1 = triangle[pair, j], triangle[pair, j + 1]
        denominator = c0.sum()
        if pair.sum() == 0 or denominator <= 0:
            # Nothing arrives at delay j but later it does: that column holds no share
            # of the ultimate, so the factor is infinite (development share 0).
            f[j] = np.inf if c1.sum() > 0 else 1.0
            s2[j] = 0.0
            continue
        f[j] = c1.sum() / denominator
        usable = c0 > 0
        if usable.sum() > 1:
            dev = c1[usable] / c0[usable] - f[j]
            s2[j] = float((c0[usable] * dev**2).sum() / (usable.sum() - 1))
    for j in range(n - 1):
        if np.isnan(s2[j]):
            if j >= 2 and s2[j - 1] > 0 and s2[j - 2] > 0:
                s2[j] = min(s2[j - 1] ** 2 / s2[j - 2], s2[j - 2], s2[j - 1])
            elif j >= 1:
                s2[j] = s2[j - 1]
            else:
                s2[j] = 0.0
    return f, np.nan_to_num(s2)


def mack(triangle: np.ndarray) -> Reserve:
    """Chain-ladder ultimates with Mack's standard errors (per row and total)."""
    return project(triangle, prior=None)


def project(triangle: np.ndarray, prior: np.ndarray | None = None) -> Reserve:
    """Chain-ladder, with Bornhuetter-Ferguson for rows with little development.

    ``prior`` (per row, optional) is the expected ultimate used by BF; ``None`` means pure
    chain-ladder. ``triangle``: rows x delays, cumulative, NaN where not yet observed.
    """
    tri = np.asarray(triangle, dtype=float)
    m, n = tri.shape
    f, s2 = development_factors(tri)
    last = _observed_to(tri)
    seen = latest(tri)
    # Cumulative development factor from each column to ultimate.
    to_ult = np.append(np.cumprod(f[::-1])[::-1], 1.0)
    developed = np.where(last >= 0, 1.0 / to_ult[np.maximum(last, 0)], 0.0)
    # Full projected square (chain-ladder).
    full = tri.copy()
    with np.errstate(invalid="ignore"):
        for i in range(m):
            for j in range(max(last[i], 0) + 1, n):
                full[i, j] = full[i, j - 1] * f[j - 1] if last[i] >= 0 else 0.0
    ult_cl = np.where(np.isfinite(full[:, -1]), full[:, -1], seen)
    # Sum over rows observed at column j and j+1 is the Mack denominator.
    denom = np.zeros(n - 1)
    for j in range(n - 1):
        pair = ~np.isnan(tri[:, j]) & ~np.isnan(tri[:, j + 1])
        denom[j] = tri[pair, j].sum()
    # Mack MSE per row: C_iI^2 * sum_k s2_k/f_k^2 * (1/C_ik + 1/sum_C_k).
    se = np.zeros(m)
    param = np.zeros(m)  # parameter part, needed for the total
    for i in range(m):
        if last[i] < 0:
            continue
        proc = par = 0.0
        for k in range(last[i], n - 1):
            if f[k] == 0 or not np.isfinite(f[k]):
                continue
            c_ik = full[i, k]
            w = s2[k] / f[k] ** 2
            if c_ik > 0:
                proc += w / c_ik
            if denom[k] > 0:
                par += w / denom[k]
        se[i] = ult_cl[i] * np.sqrt(max(proc + par, 0.0)) if ult_cl[i] > 0 else 0.0
        param[i] = par
    # Total: add the covariance of the parameter part between rows.
    total_var = float((se**2).sum())
    for i in range(m):
        for k in range(i + 1, m):
            total_var += 2 * ult_cl[i] * ult_cl[k] * param[k if last[k] >= last[i] else i]
    methods = ["cl"] * m
    ultimate = ult_cl.copy()
    if prior is not None:
        prior = np.asarray(prior, dtype=float)
        # Spread of a month's amount around its prior: from rows that are nearly complete.
        done = (developed >= 0.95) & (prior > 0)
        cv = float(np.std(ult_cl[done] / prior[done] - 1.0, ddof=1)) if done.sum() > 2 else 0.1
        for i in range(m):
            if developed[i] < BF_DREMPEL:
                methods[i] = "bf"
                missing = 1.0 - developed[i]
                ultimate[i] = seen[i] + missing * prior[i]
                bf_var = (cv * prior[i] * missing) ** 2 + (se[i] * developed[i]) ** 2
                total_var += bf_var - se[i] ** 2
                se[i] = np.sqrt(bf_var)
    reserve = ultimate - seen
    return Reserve(
        factoren=f,
        ultimate=ultimate,
        gezien=seen,
        reserve=reserve,
        se=se,
        se_totaal=float(np.sqrt(max(total_var, float((se**2).sum())))),
        methode=tuple(methods),
        ontwikkeld=developed,
    )


def triangle_from_lags(
    service: np.ndarray, lag: np.ndarray, amount: np.ndarray, rows: int, max_lag: int
) -> np.ndarray:
    """Cumulative triangle from claim lines (service row index, delay in months, amount).

    Row ``i`` (0 = oldest) can be observed up to delay ``rows - 1 - i``: the newest row
    only at delay 0. Delays above ``max_lag`` are added to the last column.
    """
    inc = np.zeros((rows, max_lag + 1))
    keep = (service >= 0) & (service < rows) & (lag >= 0)
    np.add.at(inc, (service[keep], np.minimum(lag[keep], max_lag)), amount[keep])
    tri = np.cumsum(inc, axis=1)
    for i in range(rows):
        tri[i, rows - i :] = np.nan
    return tri
