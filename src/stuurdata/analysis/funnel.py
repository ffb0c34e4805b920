"""Funnel plots: compare rates of areas or municipalities without mistaking noise for signal.

A small wijk's rate swings by chance; plotting each rate against its denominator with control
limits around the common (pooled) rate shows which differences are larger than chance would
make them (Spiegelhalter 2005). Limits are the normal approximation to the binomial at 95%
(z = 1.96) and 99.8% (z = 3.09); outside 99.8% is a signal worth a question, between 95% and
99.8% a signal to watch, inside is what chance gives.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

Z95 = 1.959964
Z998 = 3.090232
DEFINITIE = (
    "Trechterdiagram: elk punt is een gebied met zijn cijfer tegen het aantal inwoners. De "
    "lijnen geven aan hoever een cijfer door toeval van het gemiddelde kan afwijken (95% en "
    "99,8%). Alleen punten buiten de buitenste lijnen wijken duidelijk af; kleine gebieden "
    "schommelen vanzelf meer."
)


def limits(p0: float, noemer: np.ndarray | float, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limit of a proportion ``p0`` for denominators ``noemer``."""
    n = np.asarray(noemer, dtype="float64")
    se = np.sqrt(p0 * (1 - p0) / np.where(n > 0, n, np.nan))
    return np.clip(p0 - z * se, 0, 1), np.clip(p0 + z * se, 0, 1)


def funnel(frame: pd.DataFrame, *, doel: float | None = None, per: float = 1000) -> pd.DataFrame:
    """Add rate, target, control limits and a verdict to ``eenheid, teller, noemer`` rows.

    ``doel`` is the target proportion (default: pooled over the rows). Rates and limits are
    expressed per ``per`` (1000: per 1,000 inhabitants; 100: percent).
    """
    out = frame.copy()
    t = out["teller"].astype("float64")
    n = out["noemer"].astype("float64")
    p0 = doel if doel is not None else float(t.sum() / n.sum()) if n.sum() > 0 else math.nan
    lo95, hi95 = limits(p0, n, Z95)
    lo998, hi998 = limits(p0, n, Z998)
    p = t / n.where(n > 0)
    out["waarde"] = p * per
    out["doel"] = p0 * per
    out["ondergrens_95"], out["bovengrens_95"] = lo95 * per, hi95 * per
    out["ondergrens_998"], out["bovengrens_998"] = lo998 * per, hi998 * per
    verdict = np.select(
        [p > hi998, p < lo998, p > hi95, p < lo95],
        ["duidelijk hoger", "duidelijk lager", "mogelijk hoger", "mogelijk lager"],
        default="binnen toevalsmarge",
    )
    out["oordeel"] = np.where(p.isna(), "geen cijfer", verdict)
    return out


def curve(p0: float, n_max: float, *, per: float = 1000, points: int = 80) -> pd.DataFrame:
    """The control-limit lines for a chart: noemer, and the four limits per ``per``."""
    n = np.unique(np.geomspace(max(1.0, n_max / 200), max(n_max * 1.05, 2), points).round())
    lo95, hi95 = limits(p0, n, Z95)
    lo998, hi998 = limits(p0, n, Z998)
    return pd.DataFrame(
        {
            "noemer": n,
            "ondergrens_95": lo95 * per,
            "bovengrens_95": hi95 * per,
            "ondergrens_998": lo998 * per,
            "bovengrens_998": hi998 * per,
        }
    )


def wijk_rates(
    indicators: pd.DataFrame, indicator: str = "clienten_per_1000_wmo", periode: str | None = None
) -> pd.DataFrame:
    """Wijk rows ``eenheid, teller, noemer`` of one yearly indicator (latest year by default).

    ``indicators`` is the *internal* frame of ``indicators.compute_indicators``: the funnel
    needs unrounded counts; publish its result through disclosure control.
    """
    rows = indicators[
        (indicators["indicator"] == indicator)
        & (indicators["niveau"] == "wijk")
        & (indicators["periodesoort"] == "jaar")
    ]
    if rows.empty:
        return pd.DataFrame(columns=["eenheid", "teller", "noemer", "periode"])
    chosen = periode or str(rows["periode"].max())
    rows = rows[rows["periode"].astype(str) == chosen]
    return pd.DataFrame(
        {
            "eenheid": rows["gebiedscode"].to_numpy(),
            "teller": rows["teller"].to_numpy(dtype="float64"),
            "noemer": rows["noemer"].to_numpy(dtype="float64"),
            "periode": chosen,
        }
    )


def size_class(inwoners: float) -> str:
    """A size class in the spirit of CBS's gemeentegrootte (inhabitants)."""
    for bound, label in (
        (10_000, "< 10.000"),
        (20_000, "10.000-20.000"),
        (50_000, "20.000-50.000"),
    ):
        if inwoners < bound:
            return label
    return "50.000-100.000" if inwoners < 100_000 else "100.000 of meer"


def gemeente_peers(
    gemeentecode: str, kerncijfers: pd.DataFrame, wmo: pd.DataFrame, *, minimum: int = 3
) -> tuple[pd.DataFrame, str]:
    """Municipalities like ``gemeentecode`` (same size class and urbanity) with Wmo counts.

    ``kerncijfers``: CBS rows with Codering, AantalInwoners, Stedelijkheid (gemeente rows);
    ``wmo``: rows with Codering, WmoClienten, AantalInwoners. Returns the funnel input
    (eenheid, teller, noemer) and a Dutch note on how peers were chosen; with fewer than
    ``minimum`` peers all municipalities in the table are used.
    """
    gm = kerncijfers[kerncijfers["Codering"].astype(str).str.startswith("GM")].copy()
    gm["klasse"] = gm["AantalInwoners"].astype(float).map(size_class)
    own = gm[gm["Codering"] == gemeentecode]
    data = wmo.rename(
        columns={"Codering": "eenheid", "WmoClienten": "teller", "AantalInwoners": "noemer"}
    )
    data = data[["eenheid", "teller", "noemer"]]
    if own.empty:
        return (
            data,
            "Geen kerncijfers van de eigen gemeente: alle gemeenten in de tabel vergeleken.",
        )
    klasse, sted = own["klasse"].iloc[0], own["Stedelijkheid"].iloc[0]
    peers = gm[(gm["klasse"] == klasse) & (gm["Stedelijkheid"] == sted)]["Codering"]
    if len(peers) < minimum:
        return data, (
            f"Te weinig gemeenten van dezelfde grootte ({klasse}) en stedelijkheid: "
            f"alle {len(data)} gemeenten in de tabel vergeleken."
        )
    return data[data["eenheid"].isin(set(peers))], (
        f"Vergeleken met gemeenten van dezelfde grootte ({klasse} inwoners) "
        f"en stedelijkheid ({sted})."
    )
