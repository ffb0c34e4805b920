"""Demand and cost forecast for 1-5 years per wijk and gemeente, with scenarios.

Per law and measure (clients per month, euros per month) the series is forecast as the
demographic expectation (projected population x shrunk usage rates, ``demography.py``)
times an ETS forecast of what demography does not explain (``models.py``). The ETS
variant is chosen per law and measure by the rolling-origin backtest at gemeente level.
Yearly figures are sums of months: clients as the average per month (the usual "clients
in care" stock), euros as the yearly total. Yearly interval bounds are sums of the monthly
bounds, which assumes errors that persist from month to month (true for a level shift,
the dominant error here) and is therefore on the wide side.

Scenarios: ``Scenario`` changes tariffs per product category, the eligible population
of a law (a multiplier, e.g. 1.08 for an income threshold raised from 110% to 120% of the
social minimum if 8% more households become eligible) and the migration variant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from stuurdata.forecast.backtest import MIN_TRAIN, Series, score
from stuurdata.forecast.basis import WETTEN, Basis
from stuurdata.forecast.demography import (
    VARIANTEN,
    Variant,
    expected,
    project_population,
    usage_rates,
)
from stuurdata.forecast.models import VARIANTEN as MODELVARIANTEN
from stuurdata.forecast.models import Forecast, Panel, forecast_panel
from stuurdata.forecast.series import ONBEKEND

MATEN = ("clienten", "kosten")


@dataclass(frozen=True)
class Scenario:
    """A what-if: tariff changes per (law, category), eligibility per law, migration."""

    naam: str = "basis"
    tarief: dict[tuple[str, str], float] = field(default_factory=dict)  # +0.05 = 5% duurder
    doelgroep: dict[str, float] = field(default_factory=dict)  # wet -> multiplier
    migratie: str = "basis"
    vanaf_jaar: int | None = None  # default: the first forecast year


def _exposures(basis: Basis, months_ahead: int, variant: Variant) -> dict[str, np.ndarray]:
    """Expected clients per law [T + h, W] from actual then projected population."""
    T = len(basis.maanden)
    years = months_ahead // 12 + 2
    proj = project_population(basis.bevolking[-1], basis.rates, years, variant)
    k = np.arange(1, months_ahead + 1) / 12.0
    lo = np.floor(k).astype(int)
    frac = (k - lo)[:, None, None, None]
    future = proj[lo] * (1 - frac) + proj[lo + 1] * frac
    out = {}
    for wet in WETTEN:
        rates = usage_rates(
            basis.clienten[wet][-12:].mean(axis=0), basis.bevolking[-12:].mean(axis=0), wet
        )
        hist = expected(basis.bevolking, rates)
        fut = expected(future, rates)
        out[wet] = np.concatenate([hist, fut])[: T + months_ahead]
    return out


def _month_days(first: date, n: int) -> np.ndarray:
    out = []
    y, m = first.year, first.month
    for _ in range(n):
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        out.append((date(ny, nm, 1) - date(y, m, 1)).days)
        y, m = ny, nm
    return np.array(out, dtype=float)


def history_series(basis: Basis, exposure: dict[str, np.ndarray], h: int) -> list[Series]:
    """All series (gemeente and wijken, both laws and measures) with exposure and days."""
    T = len(basis.maanden)
    days = _month_days(basis.maanden[0], T + h)
    out = []
    for wet in WETTEN:
        clients = basis.clienten[wet].sum(axis=(2, 3))
        for niveau, idx in [("gemeente", None), *[("wijk", i) for i in range(len(basis.wijken))]]:
            code = basis.gemeente if idx is None else basis.wijken[idx]
            if code == ONBEKEND:
                continue
            e = exposure[wet].sum(axis=1) if idx is None else exposure[wet][:, idx]
            c = clients.sum(axis=1) if idx is None else clients[:, idx]
            k = basis.kosten[wet].sum(axis=1) if idx is None else basis.kosten[wet][:, idx]
            key = {"wet": wet, "niveau": niveau, "gebiedscode": code}
            out.append(Series({**key, "maat": "clienten"}, c, e))
            out.append(Series({**key, "maat": "kosten"}, k, e, days))
    return out


def panels(series: list[Series]) -> dict[tuple[str, str, str], list[Series]]:
    """The series grouped as they are forecast together: per law, measure and level.

    The wijken of a law and measure form one panel (they share smoothing parameters and
    their trends and error variances are shrunk toward similar wijken); the gemeente is a
    panel of one.
    """
    out: dict[tuple[str, str, str], list[Series]] = {}
    for s in series:
        key = (s.sleutel["wet"], s.sleutel["maat"], s.sleutel["niveau"])
        out.setdefault(key, []).append(s)
    return out


def _as_panel(group: list[Series]) -> list[Panel]:
    return [Panel(s.y, s.exposure, s.days) for s in group]


def run_backtest(
    basis: Basis, horizons: tuple[int, ...] = (6, 12), origins: int = 6
) -> pd.DataFrame:
    """Rolling-origin backtest of every series, panel by panel as ``forecast_years`` runs.

    For honesty the future exposure of a backtest origin is the *projection* from that
    origin (not the population that actually came), like a real forecast would have it.
    """
    rows = []
    T = len(basis.maanden)
    h = max(horizons)
    for origin in range(max(T - h - origins + 1, MIN_TRAIN), T - min(horizons) + 1):
        sub = _truncate(basis, origin)
        expo = _exposures(sub, h, VARIANTEN["basis"])
        hh = tuple(x for x in horizons if origin + x <= T)
        for group in panels(history_series(sub, expo, h)).values():
            full = [_full_values(basis, s.sleutel) for s in group]
            for variant in MODELVARIANTEN:
                for x in hh:
                    fcs, _ = forecast_panel(_as_panel(group), x, variant)
                    for s, fc, y in zip(group, fcs, full, strict=True):
                        found = score(fc, s.y, y[origin : origin + x])
                        rows.append(
                            {
                                **s.sleutel,
                                "variant": variant,
                                "horizon": x,
                                "oorsprongen": 1,
                                **found,
                                "oorsprong": origin,
                            }
                        )
    return pd.DataFrame(rows)


def _truncate(basis: Basis, t: int) -> Basis:
    return Basis(
        maanden=basis.maanden[:t],
        wijken=basis.wijken,
        gemeente=basis.gemeente,
        namen=basis.namen,
        bevolking=basis.bevolking[:t],
        clienten={w: c[:t] for w, c in basis.clienten.items()},
        kosten={w: c[:t] for w, c in basis.kosten.items()},
        kosten_categorie={k: c[:t] for k, c in basis.kosten_categorie.items()},
        declaranten={w: c[:t] for w, c in basis.declaranten.items()},
        rates=basis.rates,
    )


def _full_values(basis: Basis, key: dict[str, str]) -> np.ndarray:
    wet = key["wet"]
    idx = None if key["niveau"] == "gemeente" else basis.wijken.index(key["gebiedscode"])
    if key["maat"] == "clienten":
        c = basis.clienten[wet].sum(axis=(2, 3))
        return c.sum(axis=1) if idx is None else c[:, idx]
    k = basis.kosten[wet]
    return k.sum(axis=1) if idx is None else k[:, idx]


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Mean backtest figures per law, level, measure, variant and horizon."""
    if results.empty:
        return results
    cols = ["mase", "mase_naief", "dekking80", "dekking95", "mape"]
    out = results.groupby(["wet", "niveau", "maat", "variant", "horizon"], as_index=False).agg(
        {**{c: "mean" for c in cols}, "oorsprong": "nunique"}
    )
    return out.rename(columns={"oorsprong": "oorsprongen"})


def forecast_years(
    basis: Basis,
    jaren: int = 5,
    varianten: dict[tuple[str, ...], str] | None = None,
    scenario: Scenario | None = None,
) -> pd.DataFrame:
    """Yearly forecast per law, measure and area for the next ``jaren`` calendar years.

    Columns: scenario, wet, maat, niveau, gebiedscode, jaar, waarde, lo80, hi80, lo95,
    hi95, soort ('realisatie' for the last full year, else 'prognose') and ``n`` (clients
    in the base year, for disclosure control of euro figures).
    """
    scenario = scenario or Scenario()
    last = basis.maanden[-1]
    h = (last.year + jaren - last.year) * 12 + (12 - last.month)
    expo = _exposures(basis, h, VARIANTEN.get(scenario.migratie, VARIANTEN["basis"]))
    start_year = scenario.vanaf_jaar or last.year + 1
    future_months = [
        date(last.year + (last.month + k - 1) // 12, (last.month + k - 1) % 12 + 1, 1)
        for k in range(1, h + 1)
    ]
    fyear = np.array([m.year for m in future_months])
    hyear = np.array([m.year for m in basis.maanden])
    rows = []
    fitted: list[tuple[Series, Forecast]] = []
    for (wet, maat, _), group in panels(history_series(basis, expo, h)).items():
        variant = (varianten or {}).get((wet, maat), "gedempt")
        fitted += zip(group, forecast_panel(_as_panel(group), h, variant)[0], strict=True)
    for s, fc in fitted:
        key = s.sleutel
        mult = np.ones(h)
        on = fyear >= start_year
        mult[on] *= scenario.doelgroep.get(key["wet"], 1.0)
        if key["maat"] == "kosten" and scenario.tarief:
            mult[on] *= _tariff_factor(basis, key["wet"], scenario.tarief)
        n_base = _base_clients(basis, key)
        full_years = [y for y in sorted(set(hyear)) if (hyear == y).sum() == 12]
        agg = np.mean if key["maat"] == "clienten" else np.sum
        if full_years:
            y0 = full_years[-1]
            v = float(agg(s.y[hyear == y0]))
            rows.append(
                {
                    **key,
                    "jaar": y0,
                    "waarde": v,
                    "lo80": v,
                    "hi80": v,
                    "lo95": v,
                    "hi95": v,
                    "soort": "realisatie",
                    "n": n_base,
                }
            )
        first_year = last.year if last.month < 12 else last.year + 1
        for y in range(first_year, last.year + jaren + 1):
            sel = fyear == y
            # The current year: the months already seen plus the forecast for the rest.
            seen = s.y[hyear == y]
            vals = {
                name: float(agg(np.concatenate([seen, getattr(fc, attr)[sel] * mult[sel]])))
                for name, attr in [
                    ("waarde", "mean"),
                    ("lo80", "lo80"),
                    ("hi80", "hi80"),
                    ("lo95", "lo95"),
                    ("hi95", "hi95"),
                ]
            }
            rows.append({**key, "jaar": y, **vals, "soort": "prognose", "n": n_base})
    out = pd.DataFrame(rows)
    out.insert(0, "scenario", scenario.naam)
    return out


def _base_clients(basis: Basis, key: dict[str, str]) -> float:
    c = basis.clienten[key["wet"]][-12:].sum(axis=(2, 3)).mean(axis=0)
    if key["niveau"] == "gemeente":
        return float(c.sum())
    return float(c[basis.wijken.index(key["gebiedscode"])])


def _tariff_factor(basis: Basis, wet: str, tarief: dict[tuple[str, str], float]) -> float:
    """Cost multiplier of a law for tariff changes per category, weighted by last year."""
    cats = {c: v[-12:].sum() for (w, c), v in basis.kosten_categorie.items() if w == wet}
    total = sum(cats.values())
    if total <= 0:
        return 1.0
    return float(sum(v * (1 + tarief.get((wet, c), 0.0)) for c, v in cats.items()) / total)


def scenarios(
    basis: Basis,
    lijst: list[Scenario],
    jaren: int = 5,
    varianten: dict[tuple[str, ...], str] | None = None,
) -> pd.DataFrame:
    """The base forecast and each scenario side by side (long, with a ``scenario`` column)."""
    frames = [forecast_years(basis, jaren, varianten, s) for s in [Scenario(), *lijst]]
    return pd.concat(frames, ignore_index=True)
