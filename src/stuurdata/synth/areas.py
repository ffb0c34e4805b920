"""Wijken and buurten of the synthetic municipality, each with a social profile.

Areas are not interchangeable in a real municipality: an ageing village core has many elderly
living alone, a new-build wijk is full of young families, a deprived wijk has more single
parents and more use of Wmo and youth care. The profile of a buurt drives who lives there
(household mix) and how much care they use, so area indicators show real contrasts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Profile -> (household-type weight multipliers, Wmo multiplier, Jeugd multiplier).
# Household types: see population.HOUSEHOLD_TYPES.
PROFILES: dict[str, tuple[dict[str, float], float, float]] = {
    "gemengd": ({}, 1.0, 1.0),
    "vergrijsd": (
        {"single_old": 2.2, "couple_old": 1.8, "family": 0.6, "single_young": 0.5},
        1.1,
        0.9,
    ),
    "gezinnen": (
        {"family": 2.2, "couple_young": 1.6, "single_old": 0.35, "couple_old": 0.5},
        0.8,
        0.9,
    ),
    "kwetsbaar": (
        {"single_young": 1.3, "single_mid": 1.7, "single_parent": 2.4, "single_old": 1.2},
        1.7,
        1.9,
    ),
    "centrum": (
        {"single_young": 2.6, "couple_young": 1.6, "family": 0.5, "single_parent": 0.8},
        1.0,
        1.0,
    ),
}

# Wijk names with the profile they suggest; used in this order, cycling with a suffix.
_WIJKEN: list[tuple[str, str]] = [
    ("Centrum", "centrum"),
    ("Oude Dorp", "vergrijsd"),
    ("De Vliert", "kwetsbaar"),
    ("Meerhoven", "gezinnen"),
    ("Kerkebuurt", "gemengd"),
    ("Schildersbuurt", "kwetsbaar"),
    ("Waterrijk", "gezinnen"),
    ("Bloemendaal", "gemengd"),
    ("Hoogveld", "vergrijsd"),
    ("Stationskwartier", "centrum"),
    ("De Brink", "gemengd"),
    ("Nieuwland", "gezinnen"),
    ("Zuiderpark", "kwetsbaar"),
    ("Buitengebied", "vergrijsd"),
    ("Molenwijk", "gemengd"),
]

_BUURTEN: list[str] = [
    "Molenkwartier",
    "Kerkplein",
    "Lindehof",
    "Vogelzang",
    "Beukenlaan",
    "Rozengaarde",
    "Havenkade",
    "Dijkzicht",
    "Eikenhorst",
    "Zonnewijzer",
    "Weverstraat",
    "Populierenhof",
    "Oranjepark",
    "Bakkersveld",
    "Kastanjehof",
    "Smidsbuurt",
    "Gildehof",
    "Wilgenweide",
    "Sterrenburg",
    "Klaverveld",
    "Esdoornhof",
    "Torenzicht",
    "Vissershaven",
    "Heidebloem",
    "Prinsenhof",
    "Schuttersveld",
    "Vlinderhof",
    "Brugzicht",
    "Lisdodde",
    "Koningshof",
    "Akkerland",
    "Zeilmakers",
    "Elzenhof",
    "Pastoorsweide",
    "Hazelaar",
    "Rietkraag",
    "Goudsbloem",
    "Meidoorn",
    "Veldhoeve",
    "Wagenmakers",
    "Ooievaarsnest",
    "Kamperfoelie",
    "Raadhuisplein",
    "Lijsterbes",
    "Boterbloem",
    "Spoorzicht",
    "Kruidenhof",
    "Notengaard",
    "Walnotenhof",
    "IJsvogel",
    "Zwanenhof",
    "Zandbergen",
    "Hooiberg",
    "Korenbloem",
    "Slotzicht",
    "Mariahoeve",
    "Blauwe Reiger",
    "Watermolen",
    "Vijverhof",
    "Wingerd",
]

_STRAAT_DELEN = [
    "Linden",
    "Eiken",
    "Beuken",
    "Kerk",
    "Molen",
    "School",
    "Dorps",
    "Heren",
    "Vogel",
    "Bloem",
    "Haven",
    "Dijk",
    "Markt",
    "Berken",
    "Wilgen",
    "Park",
]
_STRAAT_SOORT = ["straat", "laan", "weg", "hof", "plein", "singel"]


@dataclass(frozen=True, slots=True)
class Areas:
    """All areas, indexed by buurt; wijk-level data by wijk index."""

    gemeentecode: str
    naam: str
    wijk_codes: list[str]
    wijk_names: list[str]
    buurt_codes: list[str]
    buurt_names: list[str]
    buurt_wijk: np.ndarray  # wijk index per buurt
    buurt_profile: list[str]
    buurt_pc4: np.ndarray  # 4-digit postcode area per buurt
    buurt_street: list[str]

    def profile_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Wmo and Jeugd care multipliers per buurt."""
        wmo = np.array([PROFILES[p][1] for p in self.buurt_profile])
        jgd = np.array([PROFILES[p][2] for p in self.buurt_profile])
        return wmo, jgd


def area_counts(inwoners: int) -> tuple[int, int]:
    """Number of wijken and buurten for a size: 12 and ~55 at 60,000, scaling sub-linearly."""
    scale = max(inwoners, 1000) / 60_000
    wijken = int(np.clip(round(12 * scale**0.5), 3, 99))
    buurten = int(np.clip(round(55 * scale**0.6), wijken * 2, wijken * 9))
    return wijken, buurten


def make_areas(rng: np.random.Generator, gemeentecode: str, naam: str, inwoners: int) -> Areas:
    """Draw wijken and buurten with names, profiles and postcodes."""
    n_wijk, n_buurt = area_counts(inwoners)
    digits = gemeentecode[2:]
    wijk_names, wijk_profiles = [], []
    for i in range(n_wijk):
        name, profile = _WIJKEN[i % len(_WIJKEN)]
        if i >= len(_WIJKEN):
            name = f"{name} {['Noord', 'Zuid', 'Oost', 'West'][(i // len(_WIJKEN) - 1) % 4]}"
            if i >= 5 * len(_WIJKEN):
                name = f"{name} {i // len(_WIJKEN)}"
        wijk_names.append(name)
        wijk_profiles.append(profile)
    # Every wijk gets at least two buurten; the rest are spread with unequal sizes.
    per_wijk = np.full(n_wijk, 2)
    extra = rng.multinomial(n_buurt - 2 * n_wijk, rng.dirichlet(np.full(n_wijk, 3.0)))
    per_wijk += extra
    buurt_wijk = np.repeat(np.arange(n_wijk), per_wijk)
    buurt_codes, buurt_names, buurt_profile, streets = [], [], [], []
    for b, w in enumerate(buurt_wijk):
        local = int(b - np.searchsorted(buurt_wijk, w))
        buurt_codes.append(f"BU{digits}{w + 1:02d}{local + 1:02d}")
        name = _BUURTEN[b % len(_BUURTEN)]
        if b >= len(_BUURTEN):
            name = f"{name} {b // len(_BUURTEN) + 1}"
        buurt_names.append(name)
        # Most buurten follow their wijk; some differ (a new-build pocket, a flat estate).
        prof = wijk_profiles[w]
        if rng.random() < 0.2:
            prof = str(rng.choice(list(PROFILES)))
        buurt_profile.append(prof)
        streets.append(
            (_STRAAT_DELEN[b % len(_STRAAT_DELEN)] + _STRAAT_SOORT[(b // 16) % 6]).capitalize()
        )
    wijk_codes = [f"WK{digits}{w + 1:02d}" for w in range(n_wijk)]
    return Areas(
        gemeentecode=gemeentecode,
        naam=naam,
        wijk_codes=wijk_codes,
        wijk_names=wijk_names,
        buurt_codes=buurt_codes,
        buurt_names=buurt_names,
        buurt_wijk=buurt_wijk,
        buurt_profile=buurt_profile,
        buurt_pc4=7100 + np.arange(n_buurt) % 2800,
        buurt_street=streets,
    )


def gebieden_rows(areas: Areas) -> list[tuple[str, str, str]]:
    """Rows of gebieden.csv: the gemeente, then each wijk followed by its buurten."""
    rows = [(areas.gemeentecode, areas.naam, "gemeente")]
    for w, (code, name) in enumerate(zip(areas.wijk_codes, areas.wijk_names, strict=True)):
        rows.append((code, name, "wijk"))
        for b in np.flatnonzero(areas.buurt_wijk == w):
            rows.append((areas.buurt_codes[b], areas.buurt_names[b], "buurt"))
    return rows
