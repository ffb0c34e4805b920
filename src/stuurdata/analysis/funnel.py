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


def chart_frames(shown: pd.DataFrame, doel: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The points (``Label``, ``noemer``, ``waarde``, ``oordeel`` of ``shown``) and the 95% and
    99.8% limit lines of a funnel chart around ``doel`` (per 1,000).

    The limits are drawn on a grid of population sizes, not per area: per-area limits would
    give away the unrounded population of an area. The funnel starts near the smallest area;
    below it the limits only stretch the axis.
    """
    points = pd.DataFrame(
        {
            "Label": shown["Label"],
            "Noemer": shown["noemer"].astype("float64"),
            "Waarde": shown["waarde"].astype("float64"),
            "Oordeel": shown["oordeel"].astype(str),
        }
    )
    lim = curve(doel / 1000, float(points["Noemer"].max()))
    lim = lim[lim["noemer"] >= 0.5 * float(points["Noemer"].min())]
    lines = pd.concat(
        [
            pd.DataFrame({"Noemer": lim["noemer"], "Waarde": lim[c], "Grens": g, "Lijn": c})
            for c, g in (
                ("ondergrens_95", "95%"),
                ("bovengrens_95", "95%"),
                ("ondergrens_998", "99,8%"),
                ("bovengrens_998", "99,8%"),
            )
        ],
        ignore_index=True,
    )
    return points, lines


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


# Peers: municipalities of similar size and urbanity. "Similar" is a distance in steps: a
# factor 2 in inhabitants is one step, and so is one class of CBS stedelijkheid (or, when
# the table has no class, a factor 2 in address or population density). A peer lies within
# one step on each axis; the nearest ``PEERS`` of them are taken, so a 60,000 town is never
# compared with a 6,000 village just because the table is small.
PEERS = 10
NATIONAL_FROM = 300  # gemeenten: a table this complete stands for the country (342 in 2024)
URBANITY = ("Stedelijkheid", "Omgevingsadressendichtheid", "Bevolkingsdichtheid")
_URBANITY_WORDS = {
    "Stedelijkheid": "stedelijkheid (CBS-klasse, hooguit één klasse verschil)",
    "Omgevingsadressendichtheid": "omgevingsadressendichtheid (tot een factor 2 verschil)",
    "Bevolkingsdichtheid": "bevolkingsdichtheid (tot een factor 2 verschil)",
}


def _steps(values: pd.Series, own: float, column: str) -> pd.Series:
    """Distance in steps on one axis: a class, or a factor 2 of a size or density."""
    x = values.astype("float64")
    if column == "Stedelijkheid":
        return (x - own).abs()
    return (np.log2(x.where(x > 0)) - math.log2(own)).abs() if own > 0 else x * np.nan


def gemeente_peers(
    gemeentecode: str, kerncijfers: pd.DataFrame, wmo: pd.DataFrame, *, minimum: int = 3
) -> tuple[pd.DataFrame, str]:
    """The gemeente, its peers (similar size and urbanity) and the country, with Wmo counts.

    ``kerncijfers``: CBS rows with Codering, AantalInwoners and an urbanity column
    (``URBANITY``); ``wmo``: rows with Codering, WmoClienten, AantalInwoners. Returns rows
    ``eenheid, teller, noemer, rol`` (``eigen``, ``vergelijkbaar``, ``nederland``) and a
    Dutch note on how the peers were chosen. Fewer than ``minimum`` peers: no peers at all
    (the note says why), never a comparison with municipalities that are not alike. The
    national figure is the country's row, else the sum over every gemeente in the table.
    """
    data = wmo.rename(
        columns={"Codering": "eenheid", "WmoClienten": "teller", "AantalInwoners": "noemer"}
    )[["eenheid", "teller", "noemer"]]
    data = data.assign(eenheid=data["eenheid"].astype(str))
    land = data[data["eenheid"].str.startswith("NL")]
    data = data[data["eenheid"].str.startswith("GM")]
    if not land.empty:
        land_note = " Het landelijke cijfer is dat van heel Nederland."
    elif len(data) >= NATIONAL_FROM:
        land = pd.DataFrame(
            {
                "eenheid": ["NL00"],
                "teller": [data["teller"].sum()],
                "noemer": [data["noemer"].sum()],
            }
        )
        land_note = (
            f" Het landelijke cijfer is het totaal van de {len(data)} gemeenten in de tabel."
        )
    else:
        land_note = " De CBS-tabel heeft geen landelijk cijfer."
    gm = kerncijfers[kerncijfers["Codering"].astype(str).str.startswith("GM")]
    gm = gm.drop_duplicates("Codering").set_index("Codering")
    eigen = data[data["eenheid"] == gemeentecode].assign(rol="eigen")
    land = land.assign(rol="nederland")
    if gemeentecode not in gm.index:
        return pd.concat([eigen, land], ignore_index=True), (
            "Geen kerncijfers van de eigen gemeente: geen vergelijkbare gemeenten gekozen."
            + land_note
        )
    own = gm.loc[gemeentecode]
    axis = next((c for c in URBANITY if c in gm.columns and pd.notna(own.get(c))), None)
    size = _steps(gm["AantalInwoners"], float(own["AantalInwoners"]), "AantalInwoners")
    urban = _steps(gm[axis], float(own[axis]), axis) if axis else size * 0
    near = (size <= 1) & (urban <= 1) & (gm.index != gemeentecode)
    distance = (size + urban)[near].sort_values(kind="stable")
    chosen = set(distance.index[:PEERS]) & set(data["eenheid"])
    inwoners = f"{fmt_inwoners(float(own['AantalInwoners']))} inwoners"
    wat = f"grootte ({inwoners}, tot een factor 2 groter of kleiner)"
    if axis:
        wat += f" en {_URBANITY_WORDS[axis]}"
    else:
        wat += "; de CBS-tabel heeft geen stedelijkheid"
    if len(chosen) < minimum:
        return pd.concat([eigen, land], ignore_index=True), (
            f"Te weinig gemeenten van vergelijkbare {wat} in de CBS-tabel ({len(chosen)}): "
            "geen vergelijking met gemeenten die niet op deze gemeente lijken." + land_note
        )
    peers = data[data["eenheid"].isin(chosen)].assign(rol="vergelijkbaar")
    return pd.concat([eigen, peers, land], ignore_index=True), (
        f"Vergeleken met de {len(peers)} gemeenten die het meest lijken qua {wat}. Het "
        "gemiddelde van de vergelijkbare gemeenten telt de eigen gemeente niet mee." + land_note
    )


def fmt_inwoners(value: float) -> str:
    """Inhabitants the Dutch way, rounded to hundreds: ``60.000``."""
    return f"{round(value, -2):,.0f}".replace(",", ".")


# -- funnels of a mean (e.g. declared cost per client) -----------------------------------
#
# Cost per client is the mean of per-client amounts, not a proportion, so the binomial
# limits above do not apply. Spiegelhalter (2005) gives the limits for a mean as
# ``target ± z·s/√n`` with ``s`` the standard deviation between individuals. Choices:
#
# * ``s`` is the *pooled within-unit* standard deviation (each client's amount around the
#   mean of its own unit), so a unit that is really different does not widen everyone's
#   funnel by being different.
# * ``s`` is the ordinary (not a robust) standard deviation, on the euro scale, not on a
#   log scale. Costs are skewed, but the question is about the euros paid per client: a
#   provider that bills a few clients far too much moves the mean and should show, while a
#   log scale or a median would hide it. A robust s (MAD) of skewed amounts is smaller than
#   the s that governs the noise of a *mean*, so it would draw the funnel too narrow and
#   flag noise. The skew does make the normal approximation rough for very small units;
#   those fall under disclosure control (fewer than 10 clients) anyway.
# * Real differences between units that nobody controls (case mix the standardisation
#   missed) make the spread wider than chance alone: ``overdispersion`` estimates that
#   factor from winsorised z-scores (Spiegelhalter 2005, section 3.2) so the limits can be
#   widened by ``√φ`` and not every unit is flagged.


def mean_limits(
    doel: float, sd: float, n: np.ndarray | float, z: float
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limit of a mean: ``doel ± z·sd/√n`` (NaN where n <= 0)."""
    size = np.asarray(n, dtype="float64")
    se = sd / np.sqrt(np.where(size > 0, size, np.nan))
    return doel - z * se, doel + z * se


def pooled_sd(values: pd.Series, groups: pd.Series) -> float:
    """Pooled within-group standard deviation: sqrt(Σ(x - mean_group)² / (N - groups)).

    NaN when there are no more observations than groups (no spread to measure).
    """
    x = values.astype("float64")
    means = x.groupby(groups.to_numpy()).transform("mean")
    dof = len(x) - groups.nunique()
    if dof <= 0:
        return math.nan
    return float(np.sqrt(((x - means) ** 2).sum() / dof))


def overdispersion(z: np.ndarray | pd.Series, *, winsor: float = 0.1, min_units: int = 10) -> float:
    """Spiegelhalter's overdispersion factor φ from z-scores, winsorised at ``winsor``.

    φ = mean of the squared winsorised z-scores (the 10% most extreme on each side pulled in
    to the 10th/90th percentile, so the units we want to find do not hide themselves by
    widening the funnel). It is used only when it is significant (``I·φ`` above the 95th
    percentile of χ² with ``I - 1`` degrees of freedom) and there are at least
    ``min_units`` units: with fewer, an estimate of extra spread is itself mostly noise and
    one real outlier would widen the funnel enough to hide itself. Otherwise 1.0.
    """
    scores = np.asarray(z, dtype="float64")
    scores = scores[np.isfinite(scores)]
    units = len(scores)
    if units < max(min_units, 2):
        return 1.0
    # scipy.special, not scipy.stats: the latter takes seconds to import.
    from scipy.special import gammaincinv

    lo, hi = np.quantile(scores, [winsor, 1 - winsor])
    phi = float(np.mean(np.clip(scores, lo, hi) ** 2))
    chi2_95 = 2 * float(gammaincinv((units - 1) / 2, 0.95))  # χ² 95th percentile, I-1 df
    if units * phi <= chi2_95:
        return 1.0
    return phi


def verdict(
    waarde: np.ndarray | pd.Series,
    lo95: np.ndarray | pd.Series,
    hi95: np.ndarray | pd.Series,
    lo998: np.ndarray | pd.Series,
    hi998: np.ndarray | pd.Series,
) -> np.ndarray:
    """The Dutch verdict per value against its limits (the words of ``funnel``)."""
    v, a, b, c, d = (np.asarray(x, dtype="float64") for x in (waarde, lo95, hi95, lo998, hi998))
    out = np.select(
        [v > d, v < c, v > b, v < a],
        ["duidelijk hoger", "duidelijk lager", "mogelijk hoger", "mogelijk lager"],
        default="binnen toevalsmarge",
    )
    return np.where(np.isnan(v) | np.isnan(a), "geen cijfer", out)


def funnel_mean(frame: pd.DataFrame, *, doel: float, sd: float) -> pd.DataFrame:
    """Add target, control limits and a verdict to ``eenheid, waarde, n`` rows of a mean.

    ``waarde`` is the unit's mean, ``n`` the number of individuals behind it (it may be an
    effective number, see ``analysis.providers``), ``sd`` the standard deviation between
    individuals (already widened for overdispersion when wanted).
    """
    out = frame.copy()
    n = out["n"].astype("float64")
    lo95, hi95 = mean_limits(doel, sd, n, Z95)
    lo998, hi998 = mean_limits(doel, sd, n, Z998)
    out["doel"] = doel
    out["ondergrens_95"], out["bovengrens_95"] = lo95, hi95
    out["ondergrens_998"], out["bovengrens_998"] = lo998, hi998
    out["oordeel"] = verdict(out["waarde"], lo95, hi95, lo998, hi998)
    return out


def curve_mean(
    doel: float, sd: float, n_max: float, *, n_min: float = 1.0, points: int = 80
) -> pd.DataFrame:
    """The control-limit lines of a mean for a chart: n and the four limits."""
    n = np.unique(np.geomspace(max(1.0, n_min), max(n_max * 1.05, n_min + 1, 2), points).round(1))
    lo95, hi95 = mean_limits(doel, sd, n, Z95)
    lo998, hi998 = mean_limits(doel, sd, n, Z998)
    return pd.DataFrame(
        {
            "n": n,
            "ondergrens_95": lo95,
            "bovengrens_95": hi95,
            "ondergrens_998": lo998,
            "bovengrens_998": hi998,
        }
    )
