"""Why did costs change? Split the change from one year to the next into its causes.

Costs of a law in an area are written as a sum over age bands ``a``::

    C = sum_a  P * s_a * u_a * k_a

``P`` inhabitants, ``s_a`` share of band ``a`` in the population (age structure), ``u_a``
clients per inhabitant of the band (usage rate), ``k_a`` euros per client. The change
``C1 - C0`` is split with the additive log-mean Divisia index (LMDI-I, Ang 2005), which
is exact: the effects add up to the change with no residual. Euros per client are split
further into price (the change in euros per claimed unit per product category) and
volume per client (the rest). A band present in one year only (no clients in the other)
has no logarithm; its whole change is counted as usage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stuurdata.forecast.basis import WETTEN, Basis
from stuurdata.forecast.demography import BANDS, band_of

EFFECTEN = ("bevolking", "leeftijdsopbouw", "gebruik", "volume", "prijs")
NAMEN = {
    "bevolking": "Aantal inwoners",
    "leeftijdsopbouw": "Leeftijdsopbouw",
    "gebruik": "Gebruik (cliënten per inwoner)",
    "volume": "Volume per cliënt",
    "prijs": "Prijs",
}


def _logmean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(np.isclose(a, b), a, (a - b) / (np.log(a) - np.log(b)))
    return np.nan_to_num(out)


def lmdi(
    pop0: np.ndarray,
    pop1: np.ndarray,
    cli0: np.ndarray,
    cli1: np.ndarray,
    cost0: np.ndarray,
    cost1: np.ndarray,
) -> dict[str, float]:
    """Effects of population, age structure, usage and euros per client (per-band arrays)."""
    p0, p1 = pop0.sum(), pop1.sum()
    both = (cost0 > 0) & (cost1 > 0) & (cli0 > 0) & (cli1 > 0) & (pop0 > 0) & (pop1 > 0)
    w = _logmean(cost1[both], cost0[both])
    s0, s1 = pop0[both] / p0, pop1[both] / p1
    u0, u1 = cli0[both] / pop0[both], cli1[both] / pop1[both]
    k0, k1 = cost0[both] / cli0[both], cost1[both] / cli1[both]
    out = {
        "bevolking": float((w * np.log(p1 / p0)).sum()) if p0 > 0 and p1 > 0 else 0.0,
        "leeftijdsopbouw": float((w * np.log(s1 / s0)).sum()),
        "gebruik": float((w * np.log(u1 / u0)).sum()),
        "per_client": float((w * np.log(k1 / k0)).sum()),
    }
    out["gebruik"] += float((cost1[~both]).sum() - (cost0[~both]).sum())
    return out


def price_effect(
    cost0: np.ndarray, cost1: np.ndarray, units0: np.ndarray, units1: np.ndarray
) -> float:
    """LMDI price effect over product categories: euros per claimed unit."""
    ok = (cost0 > 0) & (cost1 > 0) & (units0 > 0) & (units1 > 0)
    w = _logmean(cost1[ok], cost0[ok])
    return float((w * np.log((cost1[ok] / units1[ok]) / (cost0[ok] / units0[ok]))).sum())


def decompose(basis: Basis, jaar: int | None = None) -> pd.DataFrame:
    """Change in euros from ``jaar - 1`` to ``jaar`` per law and area, split into effects.

    Default year: the last full calendar year with a full year before it. Columns: wet,
    niveau, gebiedscode, jaar, kosten_vorig, kosten, one column per ``EFFECTEN`` and
    ``n`` (the smaller of the two years' client counts, for disclosure control).
    """
    years = np.array([m.year for m in basis.maanden])
    full = [y for y in sorted(set(years)) if (years == y).sum() == 12]
    if jaar is None:
        candidates = [y for y in full if y - 1 in full]
        if not candidates:
            return pd.DataFrame()
        jaar = candidates[-1]
    y0, y1 = years == jaar - 1, years == jaar
    bands = band_of(np.arange(101))
    nb = len(BANDS)
    lines = basis.kostenregels
    lines = lines.assign(
        jaar=pd.to_datetime(lines["maand"]).dt.year, band=band_of(lines["leeftijd"].to_numpy())
    )
    rows = []
    areas = [("gemeente", basis.gemeente, None)] + [
        ("wijk", w, i) for i, w in enumerate(basis.wijken) if w != "onbekend"
    ]
    for wet in WETTEN:
        for niveau, code, idx in areas:

            def per_band(x: np.ndarray, sel: np.ndarray, idx: int | None = idx) -> np.ndarray:
                v = x[sel].mean(axis=0)  # [W, 2, AGES]: average per month
                v = v.sum(axis=0) if idx is None else v[idx]
                return np.array([v[:, bands == b].sum() for b in range(nb)])

            pop0, pop1 = per_band(basis.bevolking, y0), per_band(basis.bevolking, y1)
            cli0, cli1 = per_band(basis.clienten[wet], y0), per_band(basis.clienten[wet], y1)
            sel = lines[(lines["wet"] == wet) & (lines["jaar"].isin([jaar - 1, jaar]))]
            if idx is not None:
                sel = sel[sel["wijkcode"] == code]
            cost = sel.pivot_table(index="band", columns="jaar", values="bedrag", aggfunc="sum")
            cost = cost.reindex(index=range(nb), columns=[jaar - 1, jaar]).fillna(0.0)
            c0, c1 = cost[jaar - 1].to_numpy(), cost[jaar].to_numpy()
            eff = lmdi(pop0, pop1, cli0, cli1, c0, c1)
            cat = sel.pivot_table(
                index="productcategorie",
                columns="jaar",
                values=["bedrag", "volume"],
                aggfunc="sum",
            ).fillna(0.0)
            prijs = 0.0
            if not cat.empty and all(
                (v, y) in cat.columns for v in ("bedrag", "volume") for y in (jaar - 1, jaar)
            ):
                prijs = price_effect(
                    cat[("bedrag", jaar - 1)].to_numpy(),
                    cat[("bedrag", jaar)].to_numpy(),
                    cat[("volume", jaar - 1)].to_numpy(),
                    cat[("volume", jaar)].to_numpy(),
                )
            per_client = eff.pop("per_client")
            rows.append(
                {
                    "wet": wet,
                    "niveau": niveau,
                    "gebiedscode": code,
                    "jaar": jaar,
                    "kosten_vorig": float(c0.sum()),
                    "kosten": float(c1.sum()),
                    **eff,
                    "prijs": prijs,
                    "volume": per_client - prijs,
                    "n": float(min(cli0.sum(), cli1.sum())),
                }
            )
    return pd.DataFrame(rows)
