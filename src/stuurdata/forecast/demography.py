"""The demographic component: who will live where, and how often they use care.

Population projection (cohort component, per wijk, single year of age 0..100, two sexes):
each year everyone ages a year, survives with the municipality's own death rate for their
age band and sex, leaves with its departure rate, and arrivals are added as the average
yearly number per wijk, age and sex seen in the warehouse. Births are the municipality's
fertility (births per woman aged 15-49) times the women of that age in the wijk. All rates
come from the warehouse's own history; ``Variant`` scales arrivals and departures for the
high and low migration variants. An external CBS projection can replace the result (a
frame with the same columns as ``to_frame``).

Usage rates per age band and sex: clients divided by inhabitants, shrunk toward the
municipal rate for small wijken (empirical-Bayes style: ``(clients + k * rate_gm) /
(pop + k)``), and the municipal rate toward the national age profile (CPB spending per age,
scaled to the municipal level) for thin age bands.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

AGES = 101
BANDS = np.array([0, 4, 12, 18, 27, 40, 55, 65, 75, 80, 85])
"""Lower bounds of the age bands used for usage rates (the last band is 85+)."""
K_WIJK = 200.0
K_GEMEENTE = 500.0
"""Shrinkage weights, in inhabitants: a wijk band with 200 inhabitants gets half its own rate."""


def band_of(age: np.ndarray) -> np.ndarray:
    """Index of the age band for each age."""
    return np.searchsorted(BANDS, np.asarray(age), side="right") - 1


def sex_index(geslacht: pd.Series) -> np.ndarray:
    """0 = man (and unknown), 1 = woman."""
    return (geslacht.astype(str) == "2").to_numpy().astype(int)


@dataclass(frozen=True, slots=True)
class Variant:
    """A demographic variant: multipliers on arrivals and departures."""

    naam: str
    vestiging: float = 1.0
    vertrek: float = 1.0


VARIANTEN = {
    "basis": Variant("basis"),
    "hoge_migratie": Variant("hoge_migratie", vestiging=1.25, vertrek=0.9),
    "lage_migratie": Variant("lage_migratie", vestiging=0.75, vertrek=1.1),
}


@dataclass(frozen=True, slots=True)
class Rates:
    """Yearly demographic rates estimated from the warehouse."""

    sterfte: np.ndarray  # [2, AGES] probability of dying within a year
    vertrek: np.ndarray  # [2, AGES] probability of leaving within a year
    vestiging: np.ndarray  # [W, 2, AGES] arrivals per year
    vruchtbaarheid: float  # births per woman 15-49 per year


def cube(frame: pd.DataFrame, wijken: list[str], value: str) -> np.ndarray:
    """A long frame (wijkcode, leeftijd, geslacht, value) as an array [W, 2, AGES]."""
    out = np.zeros((len(wijken), 2, AGES))
    if frame.empty:
        return out
    index = {w: i for i, w in enumerate(wijken)}
    w = frame["wijkcode"].map(index)
    keep = w.notna().to_numpy()
    np.add.at(
        out,
        (
            w[keep].astype(int).to_numpy(),
            sex_index(frame["geslacht"])[keep],
            np.clip(frame["leeftijd"].to_numpy()[keep].astype(int), 0, AGES - 1),
        ),
        frame[value].to_numpy(dtype=float)[keep],
    )
    return out


def _smooth_by_band(events: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    """Rates per sex and age, pooled within age bands (too few events per single age)."""
    edges = np.array([0, 1, 15, 30, 50, 65, 75, 85, 95, AGES])
    out = np.zeros_like(exposure)
    for lo, hi in itertools.pairwise(edges):
        e = events[:, lo:hi].sum(axis=1)
        x = exposure[:, lo:hi].sum(axis=1)
        out[:, lo:hi] = (e / np.maximum(x, 1.0))[:, None]
    return np.clip(out, 0.0, 1.0)


def estimate_rates(
    population: np.ndarray, events: pd.DataFrame, wijken: list[str], years: float
) -> Rates:
    """Rates from average population [W, 2, AGES] and events over ``years`` years."""
    exposure = population.sum(axis=0) * years
    by = {
        soort: cube(events[events["soort"] == soort], wijken, "aantal")
        for soort in ("geboorte", "sterfte", "vestiging", "vertrek")
    }
    women = population[:, 1, 15:50].sum() * years
    return Rates(
        sterfte=_smooth_by_band(by["sterfte"].sum(axis=0), exposure),
        vertrek=_smooth_by_band(by["vertrek"].sum(axis=0), exposure),
        vestiging=by["vestiging"] / max(years, 1e-9),
        vruchtbaarheid=float(by["geboorte"].sum() / max(women, 1.0)),
    )


def project_population(
    start: np.ndarray, rates: Rates, years: int, variant: Variant = VARIANTEN["basis"]
) -> np.ndarray:
    """Population [years + 1, W, 2, AGES], year 0 being ``start`` (cohort component)."""
    out = np.zeros((years + 1, *start.shape))
    out[0] = start
    keep = (1.0 - rates.sterfte) * (1.0 - np.clip(rates.vertrek * variant.vertrek, 0, 1))
    for y in range(1, years + 1):
        prev = out[y - 1]
        nxt = np.zeros_like(prev)
        nxt[:, :, 1:] = prev[:, :, :-1] * keep[None, :, :-1]
        nxt[:, :, -1] += prev[:, :, -1] * keep[None, :, -1]
        births = rates.vruchtbaarheid * prev[:, 1, 15:50].sum(axis=1)
        nxt[:, 0, 0] += births * 0.512
        nxt[:, 1, 0] += births * 0.488
        nxt += rates.vestiging * variant.vestiging
        out[y] = nxt
    return out


def national_profile(wet: str) -> np.ndarray:
    """CPB spending per inhabitant by single age 0..100 for a law (a shape, not a level)."""
    text = (
        resources.files("stuurdata.synth")
        .joinpath("referentie/cpb-uitgaven-per-leeftijd-2022.csv")
        .read_text(encoding="utf-8")
    )
    out = np.zeros(AGES)
    for row in csv.DictReader(text.splitlines()):
        age = int(row["leeftijd"])
        if age < AGES and wet in row:
            out[age] = max(float(row[wet]), 0.0)
    return out


def usage_rates(clients: np.ndarray, population: np.ndarray, wet: str) -> np.ndarray:
    """Shrunk usage rates [W, 2, bands]; inputs are averages per month [W, 2, AGES]."""
    bands = band_of(np.arange(AGES))
    nb = len(BANDS)

    def by_band(x: np.ndarray) -> np.ndarray:
        out = np.zeros((*x.shape[:-1], nb))
        for b in range(nb):
            out[..., b] = x[..., bands == b].sum(axis=-1)
        return out

    cw, pw = by_band(clients), by_band(population)
    cg, pg = cw.sum(axis=0), pw.sum(axis=0)
    profile = national_profile(wet)
    nat = by_band(np.broadcast_to(profile, (2, AGES)) * population.sum(axis=0)) / np.maximum(
        pg, 1.0
    )
    level = cg.sum() / max(float((nat * pg).sum()), 1e-9)
    nat = nat * level
    gm = (cg + K_GEMEENTE * nat) / (pg + K_GEMEENTE)
    return (cw + K_WIJK * gm[None]) / (pw + K_WIJK)


def expected(population: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Expected clients per wijk for population [..., W, 2, AGES] and rates [W, 2, bands]."""
    bands = band_of(np.arange(AGES))
    return (population * rates[..., bands]).sum(axis=(-1, -2))
