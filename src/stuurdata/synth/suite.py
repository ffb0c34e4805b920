"""Suite exports of the synthetic municipality: Participatiewet, schuldhulp and minima.

Consistent with the simulated households: a household has a low income (up to 120% of the
social minimum) with a chance that depends on its type (single parents most) and its buurt
profile (``kwetsbaar`` most), so poverty concentrates where it would. Low-income households
with a working-age head draw social-assistance spells; debt help is far more likely for them
too; both show relapse (a raised chance of a new spell in the year after one ends). Minima
schemes reach only part of the entitled households (non-take-up), less so for households on
social assistance. Care use (Wmo, Jeugd) was already drawn by buurt profile and household
type, so stacking arises from the same drivers.

Written (three suites, three layouts; history back to 24 months before the window so that
relapse can be followed)::

    <map>/bronnen/suite/participatiewet_<gm>.csv   ; DD-MM-JJJJ, decimal comma, 1.234,56
    <map>/bronnen/suite/schuldhulp_<gm>.csv        , ISO dates
    <map>/bronnen/suite/minima_<gm>.csv            ; DD-MM-JJJJ, decimal comma
    <map>/cbs/<tabel>/{meta,data}.json             synthetic CBS tables (cbsodata layout)
    <map>/waarheid/suite.json                      ground truth of stacking, reach, relapse

Randomness comes from its own generator seeded by ``zaad``, so adding these files leaves every
other synthetic file byte-identical. Ground-truth definitions: see ``suite_truth.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stuurdata.sources.cbs import KERNCIJFERS, LAAG_INKOMEN, WMO_GEMEENTEN, write_table
from stuurdata.synth.areas import Areas
from stuurdata.synth.brp import iso
from stuurdata.synth.care import Allocations
from stuurdata.synth.geography import Geography
from stuurdata.synth.population import NEVER, YEAR, Population
from stuurdata.synth.suite_truth import Period, build_suite_truth

MONTH = YEAR / 12
HISTORY_DAYS = int(2 * YEAR)
# Chance of a low income per household type (see population.HOUSEHOLD_TYPES) and profile.
_ARM_TYPE = np.array([0.16, 0.13, 0.11, 0.05, 0.05, 0.06, 0.38])
_ARM_PROFILE = {
    "kwetsbaar": 2.3,
    "centrum": 1.1,
    "gemengd": 1.0,
    "vergrijsd": 0.9,
    "gezinnen": 0.55,
}
_BIJSTAND_RATE = (0.22, 0.55)  # yearly start rate for low income: normal, within a year of an end
_SCHULD_RATE = (0.07, 0.006, 0.3)  # low income, others, within a year of an end
_SCHULD_TYPES: tuple[tuple[str, int, int, float], ...] = (
    ("BEG", 6, 36, 0.4),
    ("MSNP", 12, 40, 0.3),
    ("STAB", 2, 9, 0.2),
    ("WSNP", 30, 40, 0.1),
)
_TAKE_UP = {"SP": (0.35, 0.6), "CZV": (0.2, 0.4), "IIT": (0.3, 0.5)}  # (others, bijstand)
_BB_RATE = 0.15  # yearly one-off grants per low-income household


@dataclass(slots=True)
class Spells:
    """Provision spells (one row each): head person, law, kind code, start, end (incl.), cents."""

    person: list[int]
    wet: list[str]
    code: list[str]
    start: list[int]
    eind: list[int]  # NEVER = still running
    cent: list[int]

    def add(self, p: int, wet: str, code: str, start: int, eind: int, cent: int) -> None:
        self.person.append(p)
        self.wet.append(wet)
        self.code.append(code)
        self.start.append(start)
        self.eind.append(eind)
        self.cent.append(cent)


def _heads(pop: Population) -> tuple[np.ndarray, np.ndarray]:
    """First member (the applicant) of each household and the household's size at start."""
    n_hh = len(pop.hh_type)
    order = np.argsort(pop.hh, kind="stable")
    first = np.full(n_hh, -1)
    hh_sorted = pop.hh[order]
    starts = np.flatnonzero(np.r_[True, hh_sorted[1:] != hh_sorted[:-1]])
    first[hh_sorted[starts]] = order[starts]
    return first, np.bincount(pop.hh, minlength=n_hh)


def _spells_for(
    rng: np.random.Generator,
    begin: int,
    end: int,
    rates: tuple[float, float],
    duration: Callable[[np.random.Generator], tuple[float, int]],
    horizon: int,
) -> list[tuple[int, int, int]]:
    """Alternating off/on spells in [begin, end): (start, end inclusive or NEVER, kind).

    A spell still running at ``end`` is open (NEVER) when ``end`` is the horizon of the
    simulation, and ends the day before otherwise (the person left or reached AOW age).
    """
    out: list[tuple[int, int, int]] = []
    day, last_end = begin, -(10**6)
    while True:
        rate = rates[1] if day - last_end < YEAR else rates[0]
        wait = rng.exponential(YEAR / rate)
        if day - last_end < YEAR and wait > YEAR - (day - last_end):
            # the raised hazard applies only in the year after an end
            day = int(last_end + YEAR)
            wait = rng.exponential(YEAR / rates[0])
        start = int(day + wait)
        if start >= end:
            return out
        length, kind = duration(rng)
        stop = start + int(length)
        if stop >= end:
            out.append((start, int(NEVER) if end >= horizon else end - 1, kind))
            return out
        out.append((start, stop, kind))
        day = last_end = stop + 1


def simulate_suite(
    rng: np.random.Generator, pop: Population, areas: Areas, t0: int, t_end: int
) -> tuple[Spells, np.ndarray]:
    """All spells of the three suites, and the low-income flag per household."""
    n_hh = len(pop.hh_type)
    head, size = _heads(pop)
    prof = np.array([_ARM_PROFILE[areas.buurt_profile[b]] for b in pop.hh_buurt])
    arm = rng.random(n_hh) < np.clip(_ARM_TYPE[pop.hh_type] * prof, 0, 0.9)
    hist = t0 - HISTORY_DAYS
    spells = Spells([], [], [], [], [], [])

    def bijstand_duration(r: np.random.Generator) -> tuple[float, int]:
        return r.lognormal(np.log(20 * MONTH), 0.8), 0

    def schuld_duration(r: np.random.Generator) -> tuple[float, int]:
        k = int(r.choice(len(_SCHULD_TYPES), p=[t[3] for t in _SCHULD_TYPES]))
        return r.uniform(_SCHULD_TYPES[k][1], _SCHULD_TYPES[k][2]) * MONTH, k

    for h in range(n_hh):
        p = int(head[h])
        if p < 0:
            continue
        begin, end = max(int(pop.start[p]), hist), min(int(pop.end[p]), t_end)
        if begin >= end:
            continue
        adult_from = int(pop.birth[p] + 18 * YEAR)
        aow_from = int(pop.birth[p] + 67 * YEAR)
        bij: list[tuple[int, int, int]] = []
        if arm[h]:
            lo, hi = max(begin, adult_from), min(end, aow_from)
            if lo < hi:
                bij = _spells_for(rng, lo, hi, _BIJSTAND_RATE, bijstand_duration, t_end)
            amount = 1250_00 if size[h] == 1 else 1780_00
            for s, e, _ in bij:
                code = "ALG" if rng.random() < 0.93 else "IOAW"
                cent = int(amount * rng.uniform(0.7, 1.05))
                spells.add(p, "participatiewet", code, s, e, cent)
        rates = (_SCHULD_RATE[0], _SCHULD_RATE[2]) if arm[h] else (_SCHULD_RATE[1], 0.15)
        lo = max(begin, adult_from)
        if lo < end:
            for s, e, k in _spells_for(rng, lo, end, rates, schuld_duration, t_end):
                spells.add(p, "schuldhulp", _SCHULD_TYPES[k][0], s, e, 0)
        if arm[h]:
            _minima(rng, spells, p, begin, end, t0, bool(bij), int(size[h]))
    return spells, arm


def _minima(
    rng: np.random.Generator,
    spells: Spells,
    p: int,
    begin: int,
    end: int,
    t0: int,
    on_bijstand: bool,
    size: int,
) -> None:
    """Yearly schemes with non-take-up, and one-off special assistance grants."""
    first_year, last_year = (_year(max(begin, t0 - HISTORY_DAYS)), _year(end - 1))
    for year in range(first_year, last_year + 1):
        jan1 = int(np.datetime64(f"{year}-01-01", "D").astype(np.int64))
        dec31 = int(np.datetime64(f"{year}-12-31", "D").astype(np.int64))
        lo, hi = max(jan1, begin), min(dec31, end - 1)
        if lo > hi:
            continue
        for code, (p_other, p_bij) in _TAKE_UP.items():
            if rng.random() >= (p_bij if on_bijstand else p_other):
                continue
            granted = lo + int(rng.integers(0, max(1, min(60, hi - lo + 1))))
            if code == "IIT":
                spells.add(p, "minima", code, granted, granted, 400_00 if size == 1 else 550_00)
            elif code == "CZV":
                spells.add(p, "minima", code, granted, hi, 1250)
            else:
                spells.add(p, "minima", code, granted, hi, 0)
        grants = int(rng.poisson(_BB_RATE * (hi - lo + 1) / YEAR))
        # Two grants of one kind on one day are one provision (the warehouse key says so).
        for day in sorted({lo + int(rng.integers(0, hi - lo + 1)) for _ in range(grants)}):
            spells.add(p, "minima", "BB", day, day, int(rng.lognormal(np.log(350_00), 0.6)))


def _year(day: int) -> int:
    """The calendar year of a day number (days since 1970-01-01)."""
    return int(np.datetime64(day, "D").astype("datetime64[Y]").astype(np.int64)) + 1970


def _dutch_date(days: np.ndarray) -> np.ndarray:
    s = iso(days)
    return np.array([f"{x[8:10]}-{x[5:7]}-{x[:4]}" if x else "" for x in s])


def _dutch_amount(cent: int) -> str:
    euros, rest = divmod(int(cent), 100)
    whole = f"{euros:,}".replace(",", ".")
    return f"{whole},{rest:02d}"


def _write_exports(
    folder: Path, gm: str, spells: Spells, bsn: np.ndarray, window_start: int
) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    person = np.array(spells.person, dtype=np.int64)
    start = np.array(spells.start, dtype=np.int64)
    eind = np.array(spells.eind, dtype=np.int64)
    keep = (eind >= window_start) & (start < NEVER)
    order = np.lexsort((person, start))
    order = order[keep[order]]
    files = {
        "participatiewet": (
            "Burgerservicenummer;Gemeente;Uitkeringssoort;Ingangsdatum;Einddatum;"
            "Netto bedrag per maand",
            ";",
        ),
        "schuldhulp": (
            "bsn_klant,gemeente_code,traject_type,datum_start_traject,datum_einde_traject",
            ",",
        ),
        "minima": ("BSN;Gemeentecode;Regeling;Datum toekenning;Datum einde;Bedrag (EUR)", ";"),
    }
    # Every date formatted once, as whole columns (a call per value cost seconds).
    iso_start, iso_eind = iso(start).tolist(), iso(eind).tolist()
    nl_start, nl_eind = _dutch_date(start).tolist(), _dutch_date(eind).tolist()
    rows = 0
    for wet, (header, sep) in files.items():
        sel = [i for i in order if spells.wet[i] == wet]
        lines = [header]
        for i in sel:
            if wet == "schuldhulp":
                cols = [bsn[spells.person[i]], gm, spells.code[i], iso_start[i], iso_eind[i]]
            else:
                amount = _dutch_amount(spells.cent[i]) if spells.cent[i] else ""
                cols = [bsn[spells.person[i]], gm, spells.code[i]]
                cols += [nl_start[i], nl_eind[i], amount]
            lines.append(sep.join(str(c) for c in cols))
        (folder / f"{wet}_{gm}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        rows += len(sel)
    return rows


def write_suite(
    root: Path,
    *,
    pop: Population,
    areas: Areas,
    alloc: Allocations,
    bsn: np.ndarray,
    t0: int,
    t_end: int,
    zaad: int,
    geo: Geography | None = None,
) -> int:
    """Write the suite exports, the synthetic CBS tables and ``waarheid/suite.json``; rows."""
    rng = np.random.default_rng([zaad, 0x5017E])
    spells, arm = simulate_suite(rng, pop, areas, t0, t_end)
    root = Path(root)
    rows = _write_exports(
        root / "bronnen" / "suite", areas.gemeentecode, spells, bsn, t0 - HISTORY_DAYS
    )
    period = Period.last_year(t_end)
    truth, cbs_tables = build_suite_truth(
        pop=pop,
        areas=areas,
        alloc=alloc,
        spells=spells,
        arm=arm,
        period=period,
        t_end=t_end,
        geo=geo,
    )
    for tabel, (titel, records) in cbs_tables.items():
        write_table(
            root / "cbs",
            tabel,
            records,
            titel=titel,
            synthetisch=True,
            bron=f"synthetisch (stuurdata.synth, zaad {zaad}); geen echte CBS-cijfers",
        )
    (root / "waarheid").mkdir(parents=True, exist_ok=True)
    with (root / "waarheid" / "suite.json").open("w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return rows


__all__ = [
    "KERNCIJFERS",
    "LAAG_INKOMEN",
    "WMO_GEMEENTEN",
    "Spells",
    "simulate_suite",
    "write_suite",
]
