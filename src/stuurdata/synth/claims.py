"""Monthly claim lines (323) per allocation, and when each line reaches the municipality.

Delivery is claimed per calendar month: the allocated volume for the days of care in that
month (per week, per month or per day; a one-off total in the first month) times the share
actually delivered. Most providers claim the month after delivery; some months arrive two to
six months late, and a few lines come later still as a supplementary claim. The lines of all
service months are kept, also those that would only arrive after the window, so the ground
truth has the complete amount per service month (for a chain-ladder test).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stuurdata.synth.care import Allocations, silence, weekday_shift
from stuurdata.synth.catalog import PRODUCTS, Provider

_LAG_P = np.array([0.0, 0.88, 0.07, 0.03, 0.01, 0.005, 0.005])
_LAG_P_SLOW = np.array([0.0, 0.55, 0.2, 0.12, 0.06, 0.04, 0.03])


@dataclass(slots=True)
class ClaimLines:
    """One row per claim line; ``month`` is the service month index (0 = first window month)."""

    alloc: np.ndarray
    month: np.ndarray
    begin: np.ndarray
    end: np.ndarray
    volume: np.ndarray
    tarief: np.ndarray
    bedrag: np.ndarray
    dagtekening: np.ndarray
    buiten: np.ndarray  # bool: the line claims a month outside the allocation

    def __len__(self) -> int:
        return len(self.alloc)


def make_claims(
    rng: np.random.Generator,
    alloc: Allocations,
    providers: list[Provider],
    month_starts: np.ndarray,
    horizon: int,
) -> ClaimLines:
    """Claim lines for service months 0..maanden-1; ``month_starts`` covers the horizon."""
    n_months = len(month_starts) - 1 - horizon
    first = np.searchsorted(month_starts, alloc.start, side="right") - 1
    last = np.searchsorted(month_starts, alloc.stop, side="right") - 1
    first = np.maximum(first, 0)
    last = np.minimum(last, n_months - 1)
    count = np.maximum(last - first + 1, 0)
    a = np.repeat(np.arange(len(alloc)), count)
    m = first[a] + np.arange(len(a)) - np.repeat(np.cumsum(count) - count, count)
    buiten = np.zeros(len(a), bool)
    # Lines after the stop for providers that claim outside the allocation period.
    extra = np.flatnonzero(
        alloc.buiten
        & (last + 1 < n_months)
        & (alloc.stop < month_starts[np.minimum(last + 1, n_months)])
        & (count > 0)
    )
    a = np.concatenate([a, extra])
    m = np.concatenate([m, last[extra] + 1])
    buiten = np.concatenate([buiten, np.ones(len(extra), bool)])
    ms, me = month_starts[m], month_starts[m + 1] - 1
    begin = np.where(buiten, ms, np.maximum(ms, alloc.start[a]))
    end = np.where(buiten, me, np.minimum(me, alloc.stop[a]))
    days = end - begin + 1
    prod = alloc.product[a]
    freq = np.array([PRODUCTS[p].frequentie for p in range(len(PRODUCTS))])[prod]
    tarief = np.array([PRODUCTS[p].tarief_cent for p in range(len(PRODUCTS))])[prod]
    vol = alloc.volume[a].astype(float)
    month_len = (me - ms + 1).astype(float)
    planned = np.select(
        [freq == "1", freq == "2", freq == "4"],
        [vol * days, vol * days / 7, vol * days / month_len],
        default=np.where(alloc.start[a] >= ms, vol, 0.0),
    )
    factor = alloc.util[a] * alloc.over[a] * rng.normal(1.0, 0.05, len(a))
    factor = np.where(alloc.over[a] > 1, np.maximum(factor, alloc.over[a]), factor)
    volume = np.maximum(np.rint(planned * factor), 0).astype(np.int64)
    volume = np.where((planned > 0) & (volume == 0), 1, volume)
    keep = volume > 0
    a, m, begin, end, volume, tarief, buiten = (
        x[keep] for x in (a, m, begin, end, volume, tarief, buiten)
    )
    # When the line is sent: per provider and service month a lag, and a few late lines.
    prov = alloc.provider[a]
    n_prov = len(providers)
    slow = np.array([p.traag for p in providers])
    lag_pm = np.where(
        slow[:, None],
        rng.choice(7, size=(n_prov, n_months), p=_LAG_P_SLOW),
        rng.choice(7, size=(n_prov, n_months), p=_LAG_P),
    )
    lag = lag_pm[prov, m]
    late = rng.random(len(a)) < 0.04
    lag = lag + np.where(late, rng.integers(1, 5, len(a)), 0)
    send = np.minimum(m + lag, len(month_starts) - 2)
    offset = rng.integers(1, 15, size=(n_prov, len(month_starts)))
    dag = weekday_shift(month_starts[send] + offset[prov, send])
    dag = silence(providers, prov, dag, month_starts, rng)
    # All lines of a provider that go out in one month share one dagtekening (one message).
    send_month = np.searchsorted(month_starts, dag, side="right") - 1
    dag = weekday_shift(month_starts[send_month] + offset[prov, send_month])
    return ClaimLines(
        alloc=a,
        month=m,
        begin=begin,
        end=end,
        volume=volume,
        tarief=tarief,
        bedrag=volume * tarief,
        dagtekening=dag,
        buiten=buiten,
    )
