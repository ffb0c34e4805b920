"""Products, providers and the age profile of care use.

Product categories, units (WJ756), frequencies (WMO757) and end reasons come from the
official code lists. Tariffs and durations are typical Dutch contract values (2024 price
level). The age profile of use follows the CPB spending per inhabitant by single year of age
(``referentie/cpb-uitgaven-per-leeftijd-2022.csv``): incidence by age is proportional to that
curve raised to a power a bit above one, because the young use fewer but costlier products.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

WMO, JEUGD = 0, 1
LAW_NAMES = ("wmo", "jeugd")


@dataclass(frozen=True, slots=True)
class Product:
    """One product: what is allocated, how it is measured and billed, how long it lasts."""

    law: int
    categorie: str
    code: str
    naam: str
    eenheid: str  # WJ756
    frequentie: str  # WMO757: 1 dag, 2 week, 4 maand, 6 totaal
    volume: tuple[int, int]  # allocated volume per frequency period, inclusive range
    tarief_cent: int  # per unit
    duur_mediaan: float  # months of care need (lognormal median)
    geldigheid: int  # months an allocation is valid before a new one is needed
    wacht: tuple[int, int]  # days from ingangsdatum to actual start
    # Relative weight per age band (Wmo: 0-17, 18-26, 27-64, 65-79, 80+;
    # Jeugd: 0-3, 4-11, 12-17, 18+).
    leeftijd: tuple[float, ...]


PRODUCTS: list[Product] = [
    Product(
        WMO,
        "01",
        "01A01",
        "Hulp bij het huishouden",
        "04",
        "2",
        (2, 4),
        3200,
        36,
        36,
        (3, 14),
        (0, 0.02, 0.2, 0.38, 0.42),
    ),
    Product(
        WMO,
        "02",
        "02A01",
        "Begeleiding individueel",
        "04",
        "2",
        (2, 5),
        6200,
        12,
        12,
        (3, 21),
        (0.3, 0.45, 0.3, 0.08, 0.05),
    ),
    Product(
        WMO,
        "03",
        "03A01",
        "Persoonlijke verzorging",
        "04",
        "2",
        (2, 5),
        5600,
        6,
        6,
        (2, 10),
        (0.05, 0.03, 0.03, 0.02, 0.02),
    ),
    Product(
        WMO,
        "04",
        "04A01",
        "Kortdurend verblijf",
        "14",
        "4",
        (2, 6),
        14500,
        8,
        12,
        (7, 30),
        (0.05, 0, 0.01, 0.02, 0.03),
    ),
    Product(
        WMO,
        "07",
        "07A01",
        "Dagbesteding",
        "16",
        "2",
        (2, 6),
        4600,
        18,
        12,
        (5, 30),
        (0.1, 0.18, 0.12, 0.08, 0.06),
    ),
    Product(
        WMO,
        "08",
        "08A01",
        "Vervoersdienst",
        "82",
        "4",
        (4, 12),
        1500,
        24,
        60,
        (3, 14),
        (0.1, 0.04, 0.08, 0.18, 0.22),
    ),
    Product(
        WMO,
        "11",
        "11A01",
        "Rolstoel (huur)",
        "82",
        "4",
        (1, 1),
        6500,
        36,
        60,
        (14, 45),
        (0.15, 0.01, 0.04, 0.07, 0.08),
    ),
    Product(
        WMO,
        "13",
        "13A01",
        "Woonvoorziening",
        "83",
        "6",
        (1500, 14000),
        100,
        1,
        3,
        (20, 70),
        (0.15, 0.01, 0.04, 0.08, 0.07),
    ),
    Product(
        WMO,
        "14",
        "14A01",
        "Scootmobiel (huur)",
        "82",
        "4",
        (1, 1),
        9000,
        30,
        60,
        (14, 45),
        (0.05, 0.01, 0.03, 0.07, 0.07),
    ),
    Product(
        WMO,
        "15",
        "15A01",
        "Beschermd wonen",
        "14",
        "1",
        (1, 1),
        11500,
        24,
        24,
        (7, 60),
        (0, 0.22, 0.12, 0.01, 0),
    ),
    Product(
        WMO,
        "16",
        "16A01",
        "Maatschappelijke opvang",
        "14",
        "1",
        (1, 1),
        9000,
        4,
        6,
        (0, 3),
        (0, 0.03, 0.03, 0, 0),
    ),
    Product(
        JEUGD,
        "45",
        "45A01",
        "Jeugdhulp ambulant",
        "04",
        "4",
        (6, 16),
        9600,
        8,
        6,
        (7, 45),
        (0.65, 0.55, 0.42, 0.45),
    ),
    Product(
        JEUGD,
        "54",
        "54A01",
        "Jeugd-ggz behandeling",
        "01",
        "4",
        (240, 720),
        185,
        9,
        12,
        (14, 90),
        (0.1, 0.25, 0.25, 0.2),
    ),
    Product(
        JEUGD,
        "41",
        "41A01",
        "Dagbehandeling",
        "16",
        "2",
        (2, 6),
        9200,
        10,
        12,
        (14, 60),
        (0.12, 0.08, 0.03, 0),
    ),
    Product(
        JEUGD,
        "43",
        "43A01",
        "Verblijf met behandeling",
        "14",
        "1",
        (1, 1),
        30000,
        10,
        12,
        (7, 60),
        (0.01, 0.03, 0.08, 0.1),
    ),
    Product(
        JEUGD,
        "44",
        "44A01",
        "Pleegzorg",
        "14",
        "1",
        (1, 1),
        6500,
        18,
        12,
        (7, 45),
        (0.05, 0.04, 0.05, 0.15),
    ),
    Product(
        JEUGD,
        "46",
        "46A01",
        "Crisisopvang jeugd",
        "14",
        "1",
        (1, 1),
        35000,
        0.8,
        1,
        (0, 1),
        (0.01, 0.01, 0.03, 0),
    ),
    Product(
        JEUGD,
        "47",
        "47A01",
        "Jeugdreclassering",
        "82",
        "4",
        (1, 1),
        150000,
        9,
        12,
        (0, 10),
        (0, 0, 0.06, 0.05),
    ),
    Product(
        JEUGD,
        "48",
        "48A01",
        "Jeugdbescherming",
        "82",
        "4",
        (1, 1),
        180000,
        15,
        12,
        (0, 10),
        (0.06, 0.04, 0.08, 0.05),
    ),
]

# End reasons (WMO588 / JZ588): planned end, client stops, in agreement, other provider,
# other domain; death, moved away.
REDEN_PLAN = ("19", "31")
REDEN_OVERIG = (("21", "23", "38", "39"), ("32", "34", "38", "39"))
REDEN_OVERIG_P = (0.2, 0.35, 0.2, 0.25)
REDEN_OVERLIJDEN = "02"
REDEN_VERHUIZING = ("31", "35")
REDEN_18 = "39"


def age_band(law: int, age: np.ndarray) -> np.ndarray:
    """Index of the age band used in ``Product.leeftijd``."""
    edges = [18, 27, 65, 80] if law == WMO else [4, 12, 18]
    return np.searchsorted(np.array(edges), age, side="right")


def cpb_profile() -> tuple[np.ndarray, np.ndarray]:
    """CPB spending per inhabitant by age 0..99 for Wmo and Jeugd (euros, 2022)."""
    text = (
        resources.files("stuurdata.synth")
        .joinpath("referentie/cpb-uitgaven-per-leeftijd-2022.csv")
        .read_text(encoding="utf-8")
    )
    rows = list(csv.DictReader(text.splitlines()))
    wmo = np.zeros(100)
    jgd = np.zeros(100)
    for r in rows:
        a = int(r["leeftijd"])
        if a < 100:
            wmo[a] = float(r["wmo"])
            jgd[a] = float(r["jeugd"])
    return wmo, jgd


@dataclass(slots=True)
class Provider:
    """A care provider and its data discipline (the faults it injects)."""

    agb: str
    naam: str
    wetten: list[int]
    producten: list[int]  # indices into PRODUCTS
    gewicht: float
    fouten: dict[str, dict[str, float]] = field(default_factory=dict)
    stil: list[int] = field(default_factory=list)  # month indices without any message
    traag: bool = False  # claims arrive with a heavier tail


_ROLES: list[tuple[str, list[str], list[str]]] = [
    # (name stem, product categories, names)
    (
        "hh",
        ["01"],
        [
            "Thuiszorg De Linde",
            "Huishoudhulp Samen",
            "Zorgkracht Thuis",
            "Schoon & Zorg",
            "Thuishulp Het Anker",
            "Buurtzorg Huishouden Oost",
        ],
    ),
    (
        "begeleiding",
        ["02", "03", "07"],
        [
            "Zorggroep Het Baken",
            "Stichting De Bron",
            "Begeleid Verder",
            "Dagcentrum De Kroon",
            "Stichting Perspectief",
            "Zorgboerderij De Hoeve",
        ],
    ),
    (
        "hulpmiddelen",
        ["11", "13", "14"],
        ["Hulpmiddelencentrum Mobiel", "Revalidatietechniek Oost"],
    ),
    ("vervoer", ["08"], ["Regiotaxi Samen Onderweg"]),
    (
        "verblijf",
        ["04", "15", "16"],
        ["Beschermd Wonen De Haven", "Stichting Onderdak", "Logeerhuis De Wilg"],
    ),
    (
        "jeugd_amb",
        ["45"],
        [
            "Jeugdhulp Kompas",
            "Gezinsbegeleiding Samen Sterk",
            "Jeugdteam Plus",
            "Opvoedhulp De Horizon",
            "KindKracht",
        ],
    ),
    (
        "jeugd_ggz",
        ["54", "45"],
        ["Jeugd-GGZ De Brug", "Praktijk Kind & Brein", "GGZ Jong Centraal"],
    ),
    ("jeugd_verblijf", ["41", "43", "44", "46"], ["Jeugdzorg Het Nest", "Pleegzorg Thuisbasis"]),
    ("gi", ["47", "48"], ["Gecertificeerde Instelling Jeugdbescherming Regio"]),
    ("breed", ["02", "07", "45"], ["Zorgcooperatie Breed", "Welzijn & Zorg Samen"]),
]


def make_providers(rng: np.random.Generator, inwoners: int, maanden: int) -> list[Provider]:
    """20-40 providers (more for larger municipalities), a few with bad data discipline."""
    n = int(np.clip(round(24 * (max(inwoners, 1000) / 60_000) ** 0.2), 20, 40))
    cat_index = {p.categorie: i for i, p in enumerate(PRODUCTS)}
    # Every role gets at least one provider; the rest go to the big roles.
    roles = list(range(len(_ROLES)))
    extra = rng.choice([0, 1, 1, 0, 5, 6, 1, 4, 9], size=n - len(roles))
    roles += [int(r) for r in extra]
    roles.sort()
    used: dict[int, int] = {}
    providers = []
    agbs = rng.choice(900_000, size=n, replace=False) + 98_100_000
    for i, r in enumerate(roles):
        _stem, cats, names = _ROLES[r]
        k = used.get(r, 0)
        used[r] = k + 1
        name = names[k % len(names)] + ("" if k < len(names) else f" {k // len(names) + 1}")
        prods = [cat_index[c] for c in cats]
        laws = sorted({PRODUCTS[j].law for j in prods})
        providers.append(
            Provider(
                agb=str(agbs[i]),
                naam=name,
                wetten=laws,
                producten=prods,
                gewicht=float(rng.lognormal(0, 0.8)),
            )
        )
    _inject_faults(rng, providers, maanden)
    return providers


def _inject_faults(rng: np.random.Generator, providers: list[Provider], maanden: int) -> None:
    """Give a few providers poor data discipline; the rest stay clean."""
    order = [int(i) for i in rng.permutation(len(providers))]
    plan = [
        ("start_laat", {"aandeel": 0.5, "dagen_min": 8, "dagen_max": 45}),
        ("stop_laat", {"aandeel": 0.5, "dagen_min": 8, "dagen_max": 60}),
        ("start_laat", {"aandeel": 0.3, "dagen_min": 8, "dagen_max": 30}),
        ("start_ontbreekt", {"aandeel": 0.3}),
        ("stop_ontbreekt", {"aandeel": 0.35}),
        ("overdeclaratie", {"aandeel": 0.3, "factor_min": 1.15, "factor_max": 1.5}),
        ("overdeclaratie", {"aandeel": 0.2, "factor_min": 1.1, "factor_max": 1.3}),
        ("buiten_periode", {"aandeel": 0.25}),
    ]
    for slot, (kind, params) in zip(order, plan, strict=False):
        providers[slot].fouten[kind] = params
    silent = providers[order[len(plan)]]
    first = int(rng.integers(maanden // 3, max(maanden // 3 + 1, 2 * maanden // 3)))
    silent.stil = [first, first + 1]
    for slot in order[len(plan) + 1 : len(plan) + 3]:
        providers[slot].traag = True
