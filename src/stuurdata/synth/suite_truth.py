"""Ground truth of the suite exports (``waarheid/suite.json``) and the synthetic CBS tables.

Computed from the simulation's own arrays, independently of the reader and the analyses, so
tests can check that ``stuurdata.analysis`` finds exactly what was put in. Structure::

    {
      "versie": 1,
      "periode": {"van": "YYYY-MM-DD", "tot": "YYYY-MM-DD"},        # tot exclusive
      "regels": {"participatiewet": int, "schuldhulp": int, "minima": int},  # in the period
      "stapeling": {
        "personen": {"wmo+minima": int, ...},      # combination -> persons (>= 1 domain)
        "huishoudens": {"...": int},
        "per_wijk": {"WK990101": {"personen": int, "personen_2_of_meer": int,
                                  "huishoudens": int, "huishoudens_2_of_meer": int}},
        "per_vierkant_500": {"E1505N4400": {"huishoudens": int,
                                            "huishoudens_2_of_meer": int}}},
      "bereik": {"peildatum": "YYYY-MM-DD", "cbs_periode": "YYYYJJ00",
                 "per_wijk": {"WK...": {"gebruikers": int, "rechthebbend_cbs": int,
                                        "rechthebbend_gebruikers": int}}},
      "terugval": {"eind_van": "...", "eind_tot": "...", "dagen": 365,
                   "participatiewet": {"beeindigd": int, "terug": int},
                   "schuldhulp": {...}}
    }

Definitions (the same as in ``stuurdata.analysis``): a person *has* a domain in the period
when an allocation (Wmo, Jeugd; withdrawn ones excluded) or a provision overlaps it; only
persons living in the municipality at some day of the period count. A person's area is that of
their latest residence in the period; a household's area that of its members' latest residence
in the period, and its CBS square (``per_vierkant_500``, only squares with a household with
>= 1 domain) that of the address of that residence. Reach: households with a minima provision
in the period by area (users), and the CBS-style count of low-income households living there
on the first day of the period (entitled). Relapse: persons whose spell ended in the 12 months
before the period, counted once at their first such end, who start a new spell of the same law
within 365 days.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from stuurdata.sources.cbs import KERNCIJFERS, LAAG_INKOMEN, WMO_GEMEENTEN, year_period
from stuurdata.synth.areas import Areas
from stuurdata.synth.brp import iso
from stuurdata.synth.care import Allocations
from stuurdata.synth.geography import Geography
from stuurdata.synth.population import NEVER, Population

if TYPE_CHECKING:
    from stuurdata.synth.suite import Spells

DOMAINS = ("wmo", "jeugd", "participatiewet", "schuldhulp", "minima")
RELAPSE_DAYS = 365


@dataclass(frozen=True, slots=True)
class Period:
    """A period [van, tot) in days since 1970-01-01."""

    van: int
    tot: int

    @classmethod
    def last_year(cls, t_end: int) -> Period:
        """The twelve months before ``t_end`` (a month start)."""
        end_m = np.datetime64(int(t_end), "D").astype("datetime64[M]")
        start = (end_m - 12).astype("datetime64[D]").astype(np.int64)
        return cls(int(start), int(t_end))

    def shifted_year(self) -> Period:
        """The twelve months before this period."""
        return Period.last_year(self.van)


def _iso(day: int) -> str:
    return str(iso(np.array([day]))[0])


def _person_buurt(pop: Population, persons: np.ndarray, period: Period) -> np.ndarray:
    """Buurt of each person's latest residence in the period."""
    h = pop.hh[persons]
    move = pop.hh_move[h]
    after = (move < period.tot) & (pop.end[persons] > np.maximum(move, period.van))
    return np.where(after, pop.hh_buurt2[h], pop.hh_buurt[h])


def build_suite_truth(
    *,
    pop: Population,
    areas: Areas,
    alloc: Allocations,
    spells: Spells,
    arm: np.ndarray,
    period: Period,
    t_end: int,
    geo: Geography | None = None,
) -> tuple[dict[str, Any], dict[str, tuple[str, list[dict[str, Any]]]]]:
    """The truth dict and the synthetic CBS tables (id -> (title, records))."""
    resident = (pop.start < period.tot) & (pop.end > period.van)
    domains = np.zeros((pop.n, len(DOMAINS)), bool)
    eff_end = np.where(alloc.d301w < t_end, alloc.stop, alloc.einde)
    active = (alloc.ingang < period.tot) & (eff_end >= period.van) & (alloc.d301 < t_end)
    active &= eff_end >= alloc.ingang
    for law in (0, 1):
        domains[alloc.person[active & (alloc.law == law)], law] = True
    s_person = np.array(spells.person, dtype=np.int64)
    s_start = np.array(spells.start, dtype=np.int64)
    s_eind = np.array(spells.eind, dtype=np.int64)
    s_wet = np.array(spells.wet)
    overlap = (s_start < period.tot) & (s_eind >= period.van)
    regels = {w: int((overlap & (s_wet == w)).sum()) for w in DOMAINS[2:]}
    for k, w in enumerate(DOMAINS[2:], start=2):
        domains[s_person[overlap & (s_wet == w)], k] = True
    domains[~resident] = False

    persons = np.flatnonzero(resident)
    buurt = _person_buurt(pop, persons, period)
    wijk_of = np.array(areas.wijk_codes)[areas.buurt_wijk]
    labels = np.array(
        ["+".join(d for d, on in zip(DOMAINS, row, strict=True) if on) for row in domains]
    )

    # Households: union of members' domains; area of the latest residence of any member.
    hh = pop.hh[persons]
    hh_dom = np.zeros((len(pop.hh_type), len(DOMAINS)), bool)
    np.logical_or.at(hh_dom, hh, domains[persons])
    moved = (pop.hh_move[hh] < period.tot) & (
        pop.end[persons] > np.maximum(pop.hh_move[hh], period.van)
    )
    hh_after = np.zeros(len(pop.hh_type), bool)
    np.logical_or.at(hh_after, hh, moved)
    hh_res = np.unique(hh)
    hh_buurt = np.where(hh_after[hh_res], pop.hh_buurt2[hh_res], pop.hh_buurt[hh_res])
    hh_labels = np.array(
        ["+".join(d for d, on in zip(DOMAINS, row, strict=True) if on) for row in hh_dom[hh_res]]
    )

    per_wijk: dict[str, dict[str, int]] = {
        w: {"personen": 0, "personen_2_of_meer": 0, "huishoudens": 0, "huishoudens_2_of_meer": 0}
        for w in areas.wijk_codes
    }
    n_dom = domains[persons].sum(axis=1)
    for w, k in zip(wijk_of[buurt], n_dom, strict=True):
        if k:
            per_wijk[w]["personen"] += 1
            per_wijk[w]["personen_2_of_meer"] += int(k >= 2)
    hh_n = hh_dom[hh_res].sum(axis=1)
    for w, k in zip(wijk_of[hh_buurt], hh_n, strict=True):
        if k:
            per_wijk[w]["huishoudens"] += 1
            per_wijk[w]["huishoudens_2_of_meer"] += int(k >= 2)

    stapeling: dict[str, Any] = {
        "personen": dict(sorted(Counter(labels[persons][n_dom > 0].tolist()).items())),
        "huishoudens": dict(sorted(Counter(hh_labels[hh_n > 0].tolist()).items())),
        "per_wijk": per_wijk,
    }
    if geo is not None:
        hh_addr = np.where(hh_after[hh_res], pop.hh_addr2[hh_res], pop.hh_addr[hh_res])
        stapeling["per_vierkant_500"] = _per_square(geo.codes(hh_addr, 500), hh_n)

    # Reach: users by household area in the period; entitled households on the first day.
    users_by_wijk = Counter(wijk_of[hh_buurt[hh_dom[hh_res, 4]]].tolist())
    present = (pop.start <= period.van) & (pop.end > period.van)
    hh_present = np.zeros(len(pop.hh_type), bool)
    hh_present[pop.hh[present]] = True
    hh_ids = np.flatnonzero(hh_present)
    b0 = np.where(pop.hh_move[hh_ids] <= period.van, pop.hh_buurt2[hh_ids], pop.hh_buurt[hh_ids])
    w0 = wijk_of[b0]
    entitled = arm[hh_ids]
    entitled_users = entitled & hh_dom[hh_ids, 4]
    bereik = {
        w: {
            "gebruikers": int(users_by_wijk.get(w, 0)),
            "rechthebbend_cbs": int((entitled & (w0 == w)).sum()),
            "rechthebbend_gebruikers": int((entitled_users & (w0 == w)).sum()),
        }
        for w in areas.wijk_codes
    }

    before = period.shifted_year()
    terugval: dict[str, Any] = {
        "eind_van": _iso(before.van),
        "eind_tot": _iso(before.tot),
        "dagen": RELAPSE_DAYS,
    }
    for w in ("participatiewet", "schuldhulp"):
        sel = s_wet == w
        ended = sel & (s_eind >= before.van) & (s_eind < before.tot) & (s_eind < NEVER)
        first_end: dict[int, int] = {}
        for p, e in zip(s_person[ended], s_eind[ended], strict=True):
            first_end[int(p)] = min(first_end.get(int(p), int(e)), int(e))
        starts: dict[int, list[int]] = {}
        for p, s in zip(s_person[sel], s_start[sel], strict=True):
            starts.setdefault(int(p), []).append(int(s))
        back = sum(
            any(e < s <= e + RELAPSE_DAYS for s in starts.get(p, [])) for p, e in first_end.items()
        )
        terugval[w] = {"beeindigd": len(first_end), "terug": int(back)}

    truth = {
        "versie": 1,
        "periode": {"van": _iso(period.van), "tot": _iso(period.tot)},
        "regels": regels,
        "stapeling": stapeling,
        "bereik": {
            "peildatum": _iso(period.van),
            "cbs_periode": year_period(int(_iso(period.van)[:4])),
            "per_wijk": bereik,
        },
        "terugval": terugval,
    }
    return truth, _cbs_tables(pop, areas, alloc, active, arm, period, hh_ids, w0)


def _per_square(codes: np.ndarray, n_domains: np.ndarray) -> dict[str, dict[str, int]]:
    """Households with >= 1 and >= 2 domains per square, for squares with at least one."""
    out: dict[str, dict[str, int]] = {}
    for code, k in zip(codes.tolist(), n_domains.tolist(), strict=True):
        if k:
            cell = out.setdefault(code, {"huishoudens": 0, "huishoudens_2_of_meer": 0})
            cell["huishoudens"] += 1
            cell["huishoudens_2_of_meer"] += int(k >= 2)
    return dict(sorted(out.items()))


def _stedelijkheid(inwoners: int) -> int:
    """A synthetic urbanity class (1 very strongly urban .. 5 not urban) from the size."""
    return 2 if inwoners >= 100_000 else 3 if inwoners >= 40_000 else 4 if inwoners >= 10_000 else 5


def _cbs_tables(
    pop: Population,
    areas: Areas,
    alloc: Allocations,
    active: np.ndarray,
    arm: np.ndarray,
    period: Period,
    hh_ids: np.ndarray,
    w0: np.ndarray,
) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """KWB-, low-income- and GMSD-style tables for this municipality (all synthetic)."""
    per = year_period(int(_iso(period.van)[:4]))
    present = (pop.start <= period.van) & (pop.end > period.van)
    wijk_of = np.array(areas.wijk_codes)[areas.buurt_wijk]
    h = pop.hh[present]
    b = np.where(pop.hh_move[h] <= period.van, pop.hh_buurt2[h], pop.hh_buurt[h])
    inw_w = Counter(wijk_of[b].tolist())
    gm, inw = areas.gemeentecode, int(present.sum())
    kwb = [
        {
            "Codering": gm,
            "SoortRegio": "Gemeente",
            "Naam": areas.naam,
            "Perioden": per,
            "AantalInwoners": inw,
            "HuishoudensTotaal": len(hh_ids),
            "Stedelijkheid": _stedelijkheid(inw),
        }
    ]
    low = [
        {
            "Codering": gm,
            "SoortRegio": "Gemeente",
            "Perioden": per,
            "HuishoudensTotaal": len(hh_ids),
            "HuishoudensTot110ProcentSociaalMinimum": None,
            "HuishoudensTot120ProcentSociaalMinimum": int(arm[hh_ids].sum()),
        }
    ]
    for w, name in zip(areas.wijk_codes, areas.wijk_names, strict=True):
        in_w = w0 == w
        kwb.append(
            {
                "Codering": w,
                "SoortRegio": "Wijk",
                "Naam": name,
                "Perioden": per,
                "AantalInwoners": int(inw_w.get(w, 0)),
                "HuishoudensTotaal": int(in_w.sum()),
                "Stedelijkheid": None,
            }
        )
        low.append(
            {
                "Codering": w,
                "SoortRegio": "Wijk",
                "Perioden": per,
                "HuishoudensTotaal": int(in_w.sum()),
                "HuishoudensTot110ProcentSociaalMinimum": None,
                "HuishoudensTot120ProcentSociaalMinimum": int((arm[hh_ids] & in_w).sum()),
            }
        )
    wmo = [
        {
            "Codering": gm,
            "Perioden": per,
            "WmoClienten": len(np.unique(alloc.person[active & (alloc.law == 0)])),
            "AantalInwoners": inw,
        }
    ]
    note = " (SYNTHETISCH, geen CBS-cijfers)"
    return {
        KERNCIJFERS: ("Kerncijfers wijken en buurten" + note, kwb),
        LAAG_INKOMEN: ("Huishoudens met een laag inkomen per wijk" + note, low),
        WMO_GEMEENTEN: ("Wmo-cliënten per gemeente (GMSD-opzet)" + note, wmo),
    }
