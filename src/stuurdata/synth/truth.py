"""The ground truth (``waarheid/waarheid.json``) of a synthetic municipality.

It lets tests check what the platform finds against what was put in. It never holds a BSN:
allocations are keyed by ``toewijzingnummer``, providers by AGB code. Structure (version 1)::

    {
      "versie": 1,
      "gemeente": {"code": "GM9901", "naam": "Demostad", "inwoners_begin": int,
                   "inwoners_eind": int},
      "venster": {"eerste_maand": "YYYY-MM", "laatste_maand": "YYYY-MM", "maanden": int,
                  "zaad": int},
      "aanbieders": [{"agb": "98...", "naam": str, "wetten": ["wmo"|"jeugd"],
                      "productcategorieen": ["01", ...],
                      "fouten": {"start_laat": {"aandeel": 0.5, "dagen_min": 8, "dagen_max": 45},
                                 "stop_laat": {...}, "start_ontbreekt": {"aandeel": 0.3},
                                 "stop_ontbreekt": {...}, "overdeclaratie": {"aandeel": 0.3,
                                 "factor_min": 1.15, "factor_max": 1.5},
                                 "buiten_periode": {"aandeel": 0.25}},   # only injected kinds
                      "stille_maanden": ["YYYY-MM", "YYYY-MM"],  # no message at all
                      "trage_declaraties": bool}],              # heavier claim-lag tail
      "toewijzingen": {"<toewijzingnummer>": {"wet": "wmo", "aanbieder": "<agb>",
                       "productcategorie": "01",
                       "fouten": [{"soort": "start_laat", "dagen": 23},
                                  {"soort": "start_ontbreekt"}, {"soort": "stop_laat",
                                  "dagen": 40}, {"soort": "stop_ontbreekt"},
                                  {"soort": "overdeclaratie", "factor": 1.3},
                                  {"soort": "buiten_periode", "maand": "YYYY-MM"}]}},
      "totalen": {
        "inwoners_1_juli": {"YYYY": int}, "jeugd_0_17_1_juli": {"YYYY": int},
        "clienten_per_jaar": {"wmo": {"YYYY": int}, "jeugd": {"YYYY": int}},
        "gedeclareerd_per_jaar": {"wmo": {"YYYY": cents}, "jeugd": {...}},
        "declaratie_compleet": [{"wet": "wmo", "productcategorie": "01", "maand": "YYYY-MM",
                                 "bedrag_cent": int, "ontvangen_cent": int}],
        "wmo_clienten_per_1000_naar_leeftijd": {"0-17": float, ..., "80+": float}
      },
      "berichten": {"WMO301": int, ...}
    }

Definitions: a faulty allocation is listed only when the fault shows in the window (the
expected start or stop message falls in it, or it has claim lines in it). Clients per year are
the distinct persons with an allocation whose period (ingangsdatum to einddatum) overlaps the
part of that year inside the window. "gedeclareerd" counts claim lines received by the end of
the window, by the year of the service month; "declaratie_compleet" holds every service month
of the window with the full amount (``bedrag_cent``, including claims that arrive after the
window) and the amount received by the end of the window (``ontvangen_cent``). Clean
providers also send a natural share of late start/stop messages (about 15% over 5 days);
those are not listed as faults.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stuurdata.synth.areas import Areas
from stuurdata.synth.brp import iso
from stuurdata.synth.care import FOUT_BITS, Allocations
from stuurdata.synth.catalog import LAW_NAMES, PRODUCTS, Provider
from stuurdata.synth.claims import ClaimLines
from stuurdata.synth.population import YEAR, Population

_AGE_BANDS = (
    (0, 18, "0-17"),
    (18, 30, "18-29"),
    (30, 40, "30-39"),
    (40, 65, "40-64"),
    (65, 80, "65-79"),
    (80, 200, "80+"),
)


def _month(day: int) -> str:
    return str(iso(np.array([day]))[0])[:7]


def build_truth(
    *,
    areas: Areas,
    pop: Population,
    providers: list[Provider],
    alloc: Allocations,
    claims: ClaimLines,
    month_starts: np.ndarray,
    maanden: int,
    zaad: int,
    t0: int,
    t_end: int,
    berichten: dict[str, int],
) -> dict[str, Any]:
    """Assemble the ground truth as plain JSON-able data."""
    living = lambda day: (pop.start <= day) & (pop.end > day)  # noqa: E731
    truth: dict[str, Any] = {
        "versie": 1,
        "gemeente": {
            "code": areas.gemeentecode,
            "naam": areas.naam,
            "inwoners_begin": int(living(t0).sum()),
            "inwoners_eind": int(living(t_end).sum()),
        },
        "venster": {
            "eerste_maand": _month(t0),
            "laatste_maand": _month(t_end - 1),
            "maanden": maanden,
            "zaad": zaad,
        },
        "aanbieders": [
            {
                "agb": p.agb,
                "naam": p.naam,
                "wetten": [LAW_NAMES[w] for w in p.wetten],
                "productcategorieen": [PRODUCTS[j].categorie for j in p.producten],
                "fouten": p.fouten,
                "stille_maanden": [_month(int(month_starts[m])) for m in p.stil],
                "trage_declaraties": p.traag,
            }
            for p in sorted(providers, key=lambda q: q.agb)
        ],
        "toewijzingen": _faults(providers, alloc, claims, month_starts, t0, t_end),
        "totalen": _totals(pop, alloc, claims, month_starts, maanden, t0, t_end),
        "berichten": dict(sorted(berichten.items())),
    }
    return truth


def _faults(
    providers: list[Provider],
    alloc: Allocations,
    claims: ClaimLines,
    month_starts: np.ndarray,
    t0: int,
    t_end: int,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    in_window = lambda d: (d >= t0) & (d < t_end)  # noqa: E731
    has_lines = np.zeros(len(alloc), bool)
    received = claims.dagtekening < t_end
    has_lines[claims.alloc[received]] = True
    buiten_month = {
        int(a): int(m)
        for a, m in zip(
            claims.alloc[claims.buiten & received],
            claims.month[claims.buiten & received],
            strict=True,
        )
    }
    for i in (int(j) for j in np.flatnonzero(alloc.fout)):
        f = int(alloc.fout[i])
        items: list[dict[str, Any]] = []
        start, stop = int(alloc.start[i]), int(alloc.stop[i])
        if f & FOUT_BITS["start_ontbreekt"] and in_window(start):
            items.append({"soort": "start_ontbreekt"})
        elif f & FOUT_BITS["start_laat"] and in_window(start):
            items.append({"soort": "start_laat", "dagen": int(alloc.lag305[i])})
        if f & FOUT_BITS["stop_ontbreekt"] and in_window(stop + 1):
            items.append({"soort": "stop_ontbreekt"})
        elif f & FOUT_BITS["stop_laat"] and in_window(stop + 1):
            items.append({"soort": "stop_laat", "dagen": int(alloc.lag307[i])})
        if f & FOUT_BITS["overdeclaratie"] and has_lines[i]:
            items.append({"soort": "overdeclaratie", "factor": round(float(alloc.over[i]), 3)})
        if f & FOUT_BITS["buiten_periode"] and i in buiten_month:
            items.append(
                {"soort": "buiten_periode", "maand": _month(int(month_starts[buiten_month[i]]))}
            )
        if items:
            out[str(int(alloc.nummer[i]))] = {
                "wet": LAW_NAMES[int(alloc.law[i])],
                "aanbieder": providers[int(alloc.provider[i])].agb,
                "productcategorie": PRODUCTS[int(alloc.product[i])].categorie,
                "fouten": items,
            }
    return out


def _totals(
    pop: Population,
    alloc: Allocations,
    claims: ClaimLines,
    month_starts: np.ndarray,
    maanden: int,
    t0: int,
    t_end: int,
) -> dict[str, Any]:
    years = sorted({_month(int(d))[:4] for d in month_starts[:maanden]})
    inw, jeugd = {}, {}
    clients: dict[str, dict[str, int]] = {"wmo": {}, "jeugd": {}}
    amounts: dict[str, dict[str, int]] = {"wmo": {}, "jeugd": {}}
    received = claims.dagtekening < t_end
    claim_law = alloc.law[claims.alloc]
    # An allocation ended early by a change 301 (sent within the window) ends on the stop day.
    effective_end = np.where(alloc.d301w < t_end, alloc.stop, alloc.einde)
    claim_year = np.array([_month(int(d))[:4] for d in month_starts[:maanden]])[claims.month]
    for y in years:
        jan1 = max(int(np.datetime64(f"{y}-01-01", "D").astype(np.int64)), t0)
        dec31 = min(int(np.datetime64(f"{y}-12-31", "D").astype(np.int64)), t_end - 1)
        jul1 = int(np.datetime64(f"{y}-07-01", "D").astype(np.int64))
        alive = (pop.start <= jul1) & (pop.end > jul1)
        inw[y] = int(alive.sum())
        jeugd[y] = int((alive & (jul1 - pop.birth < 18 * YEAR)).sum())
        active = (alloc.ingang <= dec31) & (effective_end >= jan1) & (alloc.d301 <= dec31)
        for law, name in enumerate(LAW_NAMES):
            clients[name][y] = len(np.unique(alloc.person[active & (alloc.law == law)]))
            sel = received & (claim_law == law) & (claim_year == y)
            amounts[name][y] = int(claims.bedrag[sel].sum())
    # Complete claim amount per law, product category and service month.
    cat = np.array([int(p.categorie) for p in PRODUCTS])[alloc.product[claims.alloc]]
    key = (claim_law * 100 + cat) * 1000 + claims.month
    uniq, inv = np.unique(key, return_inverse=True)
    full = np.bincount(inv, weights=claims.bedrag)
    got = np.bincount(inv, weights=np.where(received, claims.bedrag, 0))
    compleet = [
        {
            "wet": LAW_NAMES[int(k // 100_000)],
            "productcategorie": f"{int(k // 1000 % 100):02d}",
            "maand": _month(int(month_starts[int(k % 1000)])),
            "bedrag_cent": round(f),
            "ontvangen_cent": round(g),
        }
        for k, f, g in zip(uniq, full, got, strict=True)
    ]
    # Wmo clients per 1,000 inhabitants by age band, in the last window year.
    y = years[-1]
    jul1 = int(np.datetime64(f"{y}-07-01", "D").astype(np.int64))
    jan1 = max(int(np.datetime64(f"{y}-01-01", "D").astype(np.int64)), t0)
    alive = (pop.start <= jul1) & (pop.end > jul1)
    age = (jul1 - pop.birth) / YEAR
    active = (alloc.law == 0) & (alloc.ingang < t_end) & (effective_end >= jan1)
    users = np.zeros(pop.n, bool)
    users[alloc.person[active]] = True
    per_age = {}
    for lo, hi, label in _AGE_BANDS:
        band = alive & (age >= lo) & (age < hi)
        per_age[label] = round(1000 * float((users & band).sum()) / max(int(band.sum()), 1), 1)
    return {
        "inwoners_1_juli": inw,
        "jeugd_0_17_1_juli": jeugd,
        "clienten_per_jaar": clients,
        "gedeclareerd_per_jaar": amounts,
        "declaratie_compleet": compleet,
        "wmo_clienten_per_1000_naar_leeftijd": per_age,
    }
