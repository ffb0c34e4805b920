"""Care trajectories: from need to request, allocation, start, stop and monthly claims.

A person gets care episodes as a Poisson process whose yearly rate follows the CPB age
profile, the buurt profile and the household type. Episodes are simulated from a burn-in
period of eight years before the window, so the stock of running care at the start of the
window has the realistic mix of long (household help) and short (youth care) trajectories.
An episode longer than an allocation's validity is renewed with a new allocation. Providers
send start and stop messages with their own discipline, and claim each month's delivery with
a lag. All dates are days since 1970-01-01.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stuurdata.synth.catalog import (
    JEUGD,
    PRODUCTS,
    REDEN_18,
    REDEN_OVERIG,
    REDEN_OVERIG_P,
    REDEN_OVERLIJDEN,
    REDEN_PLAN,
    REDEN_VERHUIZING,
    WMO,
    Provider,
    age_band,
    cpb_profile,
)
from stuurdata.synth.population import NEVER, YEAR, Population

BURN_IN_YEARS = 8
# Yearly rate scale per law (tuned to ~70 Wmo clients per 1,000 and ~10% of youth a year).
_RATE = (0.024, 0.037)
# Yearly growth of incidence (Wmo use rises with ageing and policy; youth care a little).
_TREND = (0.04, 0.02)
_GAMMA = (1.5, 1.0)
# Household-type multipliers (single_young, single_mid, single_old, couple_young, couple_old,
# family, single_parent) per law.
_HH_MULT = (
    np.array([1.1, 1.3, 1.45, 0.8, 0.85, 0.8, 1.2]),
    np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.85, 1.8]),
)
_P315 = (0.3, 0.65)
FOUT_BITS = {
    "start_laat": 1,
    "stop_laat": 2,
    "start_ontbreekt": 4,
    "stop_ontbreekt": 8,
    "overdeclaratie": 16,
    "buiten_periode": 32,
}


@dataclass(slots=True)
class Allocations:
    """One row per allocation (301). Columns are numpy arrays of equal length."""

    person: np.ndarray
    law: np.ndarray
    product: np.ndarray
    provider: np.ndarray
    nummer: np.ndarray  # toewijzingnummer
    first: np.ndarray  # bool: first allocation of its episode (carries the 315, if any)
    has315: np.ndarray
    d315: np.ndarray
    verwijzer: np.ndarray  # COD327 code as str
    d301: np.ndarray
    ingang: np.ndarray
    einde: np.ndarray
    volume: np.ndarray
    start: np.ndarray
    stop: np.ndarray  # last day of delivery (inclusive); may lie after the window
    reden: np.ndarray  # str
    d305: np.ndarray  # NEVER when never sent
    d307: np.ndarray
    util: np.ndarray  # delivered / allocated volume
    over: np.ndarray  # over-declaration factor (1.0 = none)
    buiten: np.ndarray  # bool: claims a month after the stop
    lag305: np.ndarray
    lag307: np.ndarray
    fout: np.ndarray  # bit mask of injected faults, see FOUT_BITS
    d301w: np.ndarray  # change 301 ending the allocation early (NEVER: none)
    reden_wijziging: np.ndarray  # WMO002/JZ002 code of that change

    def __len__(self) -> int:
        return len(self.person)


@dataclass(slots=True)
class Rejected:
    """Requests (315) that were turned down: no allocation follows."""

    person: np.ndarray
    law: np.ndarray
    product: np.ndarray
    provider: np.ndarray
    d315: np.ndarray
    verwijzer: np.ndarray


def weekday_shift(day: np.ndarray) -> np.ndarray:
    """Move Saturdays and Sundays to the next Monday (1970-01-01 was a Thursday)."""
    wd = (day + 3) % 7
    return day + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))


def _episodes(
    rng: np.random.Generator,
    pop: Population,
    law: int,
    mult_buurt: np.ndarray,
    t0: int,
    t_end: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Person and origin day of every care episode of one law."""
    curve = cpb_profile()[law]
    w = np.maximum(curve, 0) ** _GAMMA[law]
    age0 = np.clip(((t0 - pop.birth) / YEAR).astype(int), 0, 99)
    # Normalise over the people the law is for: everyone (Wmo) or those under 18 (Jeugd).
    base = pop.initial & ((law == WMO) | (age0 < 18))
    w = w / np.mean(w[age0[base]])
    lo = np.where(pop.initial, np.maximum(pop.birth, t0 - int(BURN_IN_YEARS * YEAR)), pop.start)
    hi = np.minimum(pop.end, t_end)
    hh_mult = _HH_MULT[law][pop.hh_type[pop.hh]]
    persons, days = [], []
    slot_start = t0 - int(BURN_IN_YEARS * YEAR)
    while slot_start < t_end:
        slot_end = min(slot_start + int(YEAR), t_end)
        a = np.maximum(lo, slot_start)
        b = np.minimum(hi, slot_end)
        idx = np.flatnonzero(b > a)
        mid = (a[idx] + b[idx]) // 2
        age = np.clip(((mid - pop.birth[idx]) / YEAR).astype(int), 0, 99)
        buurt = pop.buurt_at(mid, idx)
        trend = np.exp(_TREND[law] * (mid - t0) / YEAR)
        rate = _RATE[law] * trend * w[age] * mult_buurt[buurt] * hh_mult[idx]
        k = rng.poisson(rate * (b[idx] - a[idx]) / YEAR)
        who = np.repeat(idx, k)
        persons.append(who)
        days.append(a[who] + (rng.random(len(who)) * (b[who] - a[who])).astype(np.int64))
        slot_start = slot_end
    return np.concatenate(persons), np.concatenate(days)


def simulate_care(
    rng: np.random.Generator,
    pop: Population,
    providers: list[Provider],
    mult_buurt: tuple[np.ndarray, np.ndarray],
    t0: int,
    t_end: int,
    month_starts: np.ndarray,
) -> tuple[Allocations, Rejected]:
    """All allocations touching the window (and the history of those running at its start)."""
    parts: list[dict[str, np.ndarray]] = []
    rejected: list[dict[str, np.ndarray]] = []
    for law in (WMO, JEUGD):
        person, origin = _episodes(rng, pop, law, mult_buurt[law], t0, t_end)
        ep = _episode_timeline(rng, pop, providers, law, person, origin, t_end)
        rej = ep.pop("rejected")
        rejected.append({k: v[rej] for k, v in ep.items() if k in Rejected.__slots__})
        parts.append(_expand(rng, {k: v[~rej] for k, v in ep.items()}, t0, t_end))
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((cols["person"], cols["product"], cols["d301"]))
    cols = {k: v[order] for k, v in cols.items()}
    cols["nummer"] = 100_001 + np.arange(len(order))
    _provider_discipline(rng, providers, cols, month_starts)
    alloc = Allocations(**cols)
    rj = {k: np.concatenate([r[k] for r in rejected]) for k in rejected[0]}
    keep = (rj["d315"] >= t0) & (rj["d315"] < t_end)
    return alloc, Rejected(**{k: v[keep] for k, v in rj.items()})


def _episode_timeline(
    rng: np.random.Generator,
    pop: Population,
    providers: list[Provider],
    law: int,
    person: np.ndarray,
    origin: np.ndarray,
    t_end: int,
) -> dict[str, np.ndarray]:
    """Product, provider, request, decision, start and stop of each episode."""
    n = len(person)
    age = (origin - pop.birth[person]) / YEAR
    band = age_band(law, age)
    law_products = [i for i, p in enumerate(PRODUCTS) if p.law == law]
    weights = np.array([PRODUCTS[i].leeftijd for i in law_products]).T  # band x product
    probs = weights / weights.sum(axis=1, keepdims=True)
    cum = np.cumsum(probs[band], axis=1)
    product = np.array(law_products)[(rng.random(n)[:, None] > cum).sum(axis=1)]
    provider = np.zeros(n, dtype=np.int64)
    for j in law_products:
        offer = [k for k, p in enumerate(providers) if j in p.producten]
        sel = np.flatnonzero(product == j)
        pw = np.array([providers[k].gewicht for k in offer])
        provider[sel] = np.array(offer)[rng.choice(len(offer), size=len(sel), p=pw / pw.sum())]
    cat = np.array([PRODUCTS[j].categorie for j in product])
    forced = np.isin(cat, ["47", "48"])
    has315 = forced | (rng.random(n) < _P315[law])
    if law == WMO:
        verw = np.where(rng.random(n) < 0.65, "02", "05")
    else:
        verw = rng.choice(["02", "03", "05", "04"], size=n, p=[0.62, 0.12, 0.2, 0.06])
    verwijzer = np.where(forced, "08", np.where(has315, verw, "01"))
    onderzoek = rng.random(n) < 0.12
    wait = np.where(onderzoek, rng.integers(15, 57, n), rng.integers(1, 10, n))
    d315 = np.where(has315, weekday_shift(origin), NEVER)
    d301 = weekday_shift(np.where(has315, d315 + wait, origin))
    rejected = has315 & ~forced & (rng.random(n) < 0.04)
    wacht = np.array([PRODUCTS[j].wacht for j in product])
    start = d301 + rng.integers(wacht[:, 0], wacht[:, 1] + 1)
    median = np.array([PRODUCTS[j].duur_mediaan for j in product]) * 30.44
    dur = np.maximum(1, rng.lognormal(np.log(median), 0.8)).astype(np.int64)
    stop = start + dur - 1
    reden = np.array(REDEN_OVERIG[law])[rng.choice(4, size=n, p=REDEN_OVERIG_P)]
    reden = np.where(rng.random(n) < 0.6, REDEN_PLAN[law], reden)
    pend = pop.end[person]
    gone = pend - 1 < stop
    stop = np.where(gone, pend - 1, stop)
    reden = np.where(
        gone,
        np.where(pop.end_reason[person] == 1, REDEN_OVERLIJDEN, REDEN_VERHUIZING[law]),
        reden,
    )
    if law == JEUGD:
        b18 = pop.birth[person] + int(18 * YEAR)
        ends18 = (start < b18) & (stop >= b18) & (rng.random(n) < 0.85) & ~gone
        stop = np.where(ends18, b18 - 1, stop)
        reden = np.where(ends18, REDEN_18, reden)
    valid = (start <= stop) & (d301 < pend) & (origin < t_end)
    out = {
        "person": person,
        "law": np.full(n, law),
        "product": product,
        "provider": provider,
        "has315": has315,
        "d315": d315,
        "verwijzer": verwijzer,
        "d301": d301,
        "start": start,
        "stop": stop,
        "reden": reden,
        "rejected": rejected,
    }
    return {k: v[valid] for k, v in out.items()}


def _expand(
    rng: np.random.Generator, ep: dict[str, np.ndarray], t0: int, t_end: int
) -> dict[str, np.ndarray]:
    """Split episodes into allocations of limited validity; keep those touching the window."""
    product = ep["product"]
    validity = (np.array([PRODUCTS[j].geldigheid for j in product]) * 30.44).astype(np.int64)
    ingang0 = ep["d301"]
    span = ep["stop"] - ingang0 + 1
    count = np.maximum(1, -(-span // validity))
    idx = np.repeat(np.arange(len(product)), count)
    j = np.arange(len(idx)) - np.repeat(np.cumsum(count) - count, count)
    last = j == count[idx] - 1
    ingang = ingang0[idx] + j * validity[idx]
    einde = ingang + validity[idx] - 1
    d301 = np.where(j == 0, ingang0[idx], weekday_shift(ingang - rng.integers(5, 26, len(idx))))
    start = np.where(j == 0, ep["start"][idx], ingang)
    stop = np.where(last, ep["stop"][idx], einde)
    reden = np.where(last, ep["reden"][idx], REDEN_PLAN[int(ep["law"][0])] if len(idx) else "")
    vol_lo = np.array([PRODUCTS[p].volume[0] for p in product])
    vol_hi = np.array([PRODUCTS[p].volume[1] for p in product])
    volume = rng.integers(vol_lo, vol_hi + 1)
    keep = (stop >= t0) & (d301 < t_end) & (start <= stop)
    out = {
        "person": ep["person"][idx],
        "law": ep["law"][idx],
        "product": product[idx],
        "provider": ep["provider"][idx],
        "first": j == 0,
        "has315": ep["has315"][idx] & (j == 0),
        "d315": np.where(j == 0, ep["d315"][idx], NEVER),
        "verwijzer": ep["verwijzer"][idx],
        "d301": d301,
        "ingang": ingang,
        "einde": einde,
        "volume": volume[idx],
        "start": start,
        "stop": stop,
        "reden": reden,
    }
    return {k: v[keep] for k, v in out.items()}


def _provider_discipline(
    rng: np.random.Generator,
    providers: list[Provider],
    cols: dict[str, np.ndarray],
    month_starts: np.ndarray,
) -> None:
    """Dates of start/stop messages and claim behaviour, per the provider's discipline."""
    n = len(cols["person"])
    prov = cols["provider"]

    def natural_lag() -> np.ndarray:
        u = rng.random(n)
        return np.where(
            u < 0.85,
            rng.integers(0, 6, n),
            np.where(u < 0.97, rng.integers(6, 15, n), rng.integers(15, 41, n)),
        )

    lag305, lag307 = natural_lag(), natural_lag()
    d305_missing = np.zeros(n, bool)
    d307_missing = np.zeros(n, bool)
    over = np.ones(n)
    buiten = np.zeros(n, bool)
    fout = np.zeros(n, dtype=np.int64)
    for k, p in enumerate(providers):
        mine = prov == k
        for kind, par in p.fouten.items():
            hit = mine & (rng.random(n) < par["aandeel"])
            fout |= np.where(hit, FOUT_BITS[kind], 0)
            if kind in ("start_laat", "stop_laat"):
                lag = rng.integers(int(par["dagen_min"]), int(par["dagen_max"]) + 1, n)
                if kind == "start_laat":
                    lag305 = np.where(hit, lag, lag305)
                else:
                    lag307 = np.where(hit, lag, lag307)
            elif kind == "start_ontbreekt":
                d305_missing |= hit
            elif kind == "stop_ontbreekt":
                d307_missing |= hit
            elif kind == "overdeclaratie":
                over = np.where(hit, rng.uniform(par["factor_min"], par["factor_max"], n), over)
            elif kind == "buiten_periode":
                buiten |= hit
    d305 = np.where(d305_missing, NEVER, weekday_shift(cols["start"] + lag305))
    d307 = np.where(d307_missing, NEVER, weekday_shift(cols["stop"] + 1 + lag307))
    cols["d305"] = silence(providers, prov, d305, month_starts, rng)
    cols["d307"] = silence(providers, prov, d307, month_starts, rng)
    cols["d315"] = np.where(
        cols["d315"] < NEVER, silence(providers, prov, cols["d315"], month_starts, rng), NEVER
    )
    cols["lag305"] = np.where(d305_missing, -1, lag305)
    cols["lag307"] = np.where(d307_missing, -1, lag307)
    cols["util"] = rng.uniform(0.8, 1.0, n)
    cols["over"] = over
    cols["buiten"] = buiten
    cols["fout"] = fout
    _withdrawals(rng, cols)


# Stop reason -> reason for the municipality's change 301 that ends the allocation early.
_WIJZIGING = {"02": "02", "31": "07", "35": "07", "39": "06", "38": "09"}


def _withdrawals(rng: np.random.Generator, cols: dict[str, np.ndarray]) -> None:
    """When care ends well before the allocation's end, the municipality ends it with a 301.

    It learns of the end from the stop message (or from the BRP on death or moving away) and
    sends a changed allocation with the stop date as Einddatum a few days later.
    """
    n = len(cols["person"])
    early = cols["stop"] < cols["einde"] - 14
    known = np.where(cols["d307"] < NEVER, cols["d307"], cols["stop"] + 1)
    day = weekday_shift(np.maximum(known, cols["stop"] + 1) + rng.integers(3, 22, n))
    cols["d301w"] = np.where(early, day, NEVER)
    cols["reden_wijziging"] = (
        np.array([_WIJZIGING.get(str(r), "05") for r in cols["reden"]], dtype="<U2")
        if n
        else np.zeros(0, dtype="<U2")
    )


def silence(
    providers: list[Provider],
    prov: np.ndarray,
    day: np.ndarray,
    month_starts: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Messages a silent provider would send in its silent months go out just after them."""
    out = day.copy()
    for k, p in enumerate(providers):
        if not p.stil:
            continue
        lo, hi = month_starts[p.stil[0]], month_starts[p.stil[-1] + 1]
        hit = (prov == k) & (day >= lo) & (day < hi)
        out[hit] = weekday_shift(hi + rng.integers(0, 8, int(hit.sum())))
    return out
