"""The population: households, persons and their births, deaths and moves over the window.

Everything is vectorised with numpy (one array per attribute, dates as days since
1970-01-01) so a million inhabitants take seconds. Households are drawn by type (single
young/middle/old, couples, families, single parents) with a mix that depends on the buurt
profile; the resulting age pyramid is close to the Dutch one. Within the window people die
(Gompertz hazard), are born (to partnered women 20-44), leave the municipality (whole
households, and young adults on their own), move within it (whole households, at most once)
and arrive (households cloned from the existing mix, so newcomers look like residents).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stuurdata.synth.areas import PROFILES, Areas

NEVER = np.int64(10**6)  # a day far after any window (year 4707)
YEAR = 365.25

HOUSEHOLD_TYPES = [
    "single_young",
    "single_mid",
    "single_old",
    "couple_young",
    "couple_old",
    "family",
    "single_parent",
]
_BASE_TYPE_WEIGHTS = np.array([0.12, 0.15, 0.13, 0.07, 0.23, 0.23, 0.07])
# Yearly rates per household type: leaving the municipality, moving within it.
_EMIGRATION = np.array([0.12, 0.05, 0.02, 0.10, 0.025, 0.045, 0.06])
_INTERNAL_MOVE = np.array([0.08, 0.04, 0.02, 0.08, 0.03, 0.05, 0.05])

# Dutch age pyramid 2024, share per 5-year group 0-4 ... 95-99 (CBS, rounded).
_PYRAMID_5Y = np.array(
    [
        5.0,
        5.3,
        5.6,
        6.0,
        6.5,
        6.8,
        6.6,
        6.2,
        6.0,
        6.0,
        6.9,
        7.0,
        6.6,
        5.8,
        5.3,
        4.5,
        2.8,
        1.6,
        0.7,
        0.2,
    ]
)
PYRAMID = np.repeat(_PYRAMID_5Y / 5, 5)  # per single year 0..99


@dataclass(slots=True)
class Population:
    """Persons (index p) and households (index h); dates in days since 1970-01-01.

    A household lives at address 1 in ``buurt`` from ``settle`` until ``move`` (NEVER when
    it does not move), then at address 2 in ``buurt2`` until ``emigrate``. A person lives in
    their household from ``start`` until ``end``; ``end_reason`` is 0 (still there),
    1 (death) or 2 (left the municipality).
    """

    birth: np.ndarray
    sex: np.ndarray  # 0 man, 1 vrouw, 2 onbekend
    hh: np.ndarray
    start: np.ndarray
    end: np.ndarray
    end_reason: np.ndarray
    initial: np.ndarray  # bool: lived here at the start of the window
    hh_type: np.ndarray
    hh_buurt: np.ndarray
    hh_addr: np.ndarray
    hh_settle: np.ndarray
    hh_move: np.ndarray
    hh_buurt2: np.ndarray
    hh_addr2: np.ndarray
    hh_emigrate: np.ndarray

    @property
    def n(self) -> int:
        return len(self.birth)

    def buurt_at(self, day: np.ndarray, person: np.ndarray) -> np.ndarray:
        """Buurt of each person on the given day (their household's address then)."""
        h = self.hh[person]
        return np.where(day >= self.hh_move[h], self.hh_buurt2[h], self.hh_buurt[h])


def _ages(rng: np.random.Generator, n: int, lo: int, hi: int, tilt: float = 0.0) -> np.ndarray:
    """Ages (in years, with fraction) from the pyramid restricted to [lo, hi], tilted older."""
    w = PYRAMID[lo : hi + 1] * (1 + tilt * (np.arange(lo, hi + 1) - lo) / 15)
    age = rng.choice(np.arange(lo, hi + 1), size=n, p=w / w.sum())
    return age + rng.random(n)


def _draw_households(
    rng: np.random.Generator, areas: Areas, n_target: int
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Household type and buurt, and per household its members' ages, sexes and roles."""
    n_buurt = len(areas.buurt_codes)
    buurt_size = rng.gamma(4.0, 1.0, n_buurt)
    mult = np.ones((n_buurt, len(HOUSEHOLD_TYPES)))
    for b, prof in enumerate(areas.buurt_profile):
        for t, m in PROFILES[prof][0].items():
            mult[b, HOUSEHOLD_TYPES.index(t)] = m
    n_hh = int(n_target / 2.1 * 1.15) + 10
    buurt = rng.choice(n_buurt, size=n_hh, p=buurt_size / buurt_size.sum())
    w = _BASE_TYPE_WEIGHTS * mult[buurt]
    cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
    htype = (rng.random(n_hh)[:, None] > cum).sum(axis=1)
    ages: list[np.ndarray] = []
    sexes: list[np.ndarray] = []
    roles: list[np.ndarray] = []
    # Draw per type in bulk, then assemble members per household.
    per_type: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
    for type_index, name in enumerate(HOUSEHOLD_TYPES):
        k = int((htype == type_index).sum())
        per_type[type_index] = _members(rng, name, k)
    cursor = dict.fromkeys(range(len(HOUSEHOLD_TYPES)), 0)
    total = 0
    for i, t in enumerate(htype):
        a, s, r = per_type[int(t)][cursor[int(t)]]
        cursor[int(t)] += 1
        ages.append(a)
        sexes.append(s)
        roles.append(r)
        total += len(a)
        if total >= n_target:
            return htype[: i + 1], buurt[: i + 1], ages, sexes, roles
    return htype, buurt, ages, sexes, roles


def _members(
    rng: np.random.Generator, name: str, k: int
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Members (ages, sexes, roles 0=adult 1=child) of ``k`` households of one type."""
    out = []
    if name.startswith("single"):
        single: dict[str, tuple[int, int, float, float]] = {
            "single_young": (19, 34, 0.0, 0.5),
            "single_mid": (35, 64, 0.8, 0.45),
            "single_old": (65, 99, 0.9, 0.68),
            "single_parent": (26, 56, 0.0, 0.82),
        }
        lo, hi, tilt, p_v = single[name]
        age = _ages(rng, k, lo, hi, tilt)
        sex = (rng.random(k) < p_v).astype(np.int8)
        for i in range(k):
            a, s = [age[i]], [sex[i]]
            if name == "single_parent":
                eldest = float(_ages(rng, 1, 2, 21)[0])
                a = [max(eldest + rng.normal(30.0, 5.0), 19.0)]
                kids = _kids(rng, eldest, 1 + int(rng.random() < 0.45))
                a += kids
                s += list((rng.random(len(kids)) < 0.49).astype(np.int8))
            out.append(_pack(a, s, 1))
        return out
    if name in ("couple_young", "couple_old"):
        lo, hi = (22, 34) if name == "couple_young" else (50, 95)
        tilt = 0.0 if name == "couple_young" else 0.3
        age_v = _ages(rng, k, lo, hi, tilt)
        age_m = np.clip(age_v + rng.normal(2.0, 3.0, k), 18, 101)
        same = rng.random(k) < 0.04
        for i in range(k):
            s2 = 1 if same[i] and rng.random() < 0.5 else 0
            out.append(_pack([age_v[i], age_m[i]], [1, s2], 2))
        return out
    # family: two parents and one to four children; the eldest child's age drives the rest.
    oldest = _ages(rng, k, 0, 21)
    mother = np.clip(oldest + rng.normal(30.5, 4.0, k), 20, 62)
    father = np.clip(mother + rng.normal(2.0, 3.0, k), 20, 70)
    n_kids = rng.choice([1, 2, 3, 4], size=k, p=[0.36, 0.45, 0.15, 0.04])
    for i in range(k):
        kids = _kids(rng, oldest[i], int(n_kids[i]))
        sexes = [1, 0, *list((rng.random(len(kids)) < 0.49).astype(np.int8))]
        out.append(_pack([mother[i], father[i], *kids], sexes, 2))
    return out


def _kids(rng: np.random.Generator, eldest: float, n: int) -> list[float]:
    """The eldest child and up to n-1 younger siblings, born 1.5 to 6 years apart."""
    kids = [eldest]
    for _ in range(n - 1):
        nxt = kids[-1] - rng.uniform(1.5, 6.0)
        if nxt < 0:
            break
        kids.append(nxt)
    return kids


def _pack(ages: list[float], sexes: list[int], n_adults: int) -> tuple:
    roles = np.zeros(len(ages), dtype=np.int8)
    roles[n_adults:] = 1
    return np.array(ages), np.array(sexes, dtype=np.int8), roles


def make_population(
    rng: np.random.Generator, areas: Areas, inwoners: int, t0: int, t_end: int
) -> Population:
    """Draw the population living there on day ``t0`` and simulate it until ``t_end``."""
    htype, hbuurt, ages_l, sexes_l, roles_l = _draw_households(rng, areas, inwoners)
    sizes = np.array([len(a) for a in ages_l])
    hh = np.repeat(np.arange(len(htype)), sizes)
    age = np.concatenate(ages_l)
    sex = np.concatenate(sexes_l)
    role = np.concatenate(roles_l)
    sex[(role == 0) & (rng.random(len(sex)) < 0.0005)] = 2
    birth = (t0 - age * YEAR).astype(np.int64)
    n_hh, n = len(htype), len(age)
    years = (t_end - t0) / YEAR

    # Households: when they settled here, whether they move within or leave the municipality.
    head_age = age[np.concatenate([[0], np.cumsum(sizes)[:-1]])]
    settled_years = rng.uniform(0, np.clip(head_age - 18, 0.5, 40))
    hh_settle = (t0 - settled_years * YEAR).astype(np.int64)
    hh_emigrate = _event(rng, _EMIGRATION[htype], t0, t_end)
    hh_move = _event(rng, _INTERNAL_MOVE[htype], t0, t_end)
    hh_move[hh_move >= hh_emigrate] = NEVER
    hh_buurt2 = hbuurt.copy()
    moving = hh_move < NEVER
    hh_buurt2[moving] = rng.integers(0, len(areas.buurt_codes), int(moving.sum()))

    # Persons: deaths, young adults leaving on their own.
    mid_age = age + years / 2
    hazard = np.where(mid_age < 1, 0.003, np.exp(-12.9 + 0.124 * mid_age) + 0.0003)
    death = _event(rng, hazard, t0, t_end)
    adult_day = np.maximum(t0, birth + int(18 * YEAR))
    leave_rate = np.where((role == 1) & (age < 27), 0.16, 0.0)
    leave = _event(rng, leave_rate, adult_day, t_end)
    leave[leave < adult_day] = NEVER

    # Births to women 20-44 living with a partner (and a few single women).
    partnered = np.isin(htype[hh], [3, 4, 5])
    f_rate = 0.28 * np.exp(-(((mid_age - 31.5) / 5.5) ** 2))
    f_rate *= np.where(partnered, 1.0, 0.08) * ((sex == 1) & (role == 0))
    birth_day = _event(rng, f_rate, t0, t_end)
    mother_end = np.minimum(np.minimum(death, leave), hh_emigrate[hh])
    mothers = np.flatnonzero(birth_day < mother_end)
    nb = len(mothers)

    start = np.maximum(birth, hh_settle[hh])
    end = np.minimum(np.minimum(death, leave), hh_emigrate[hh])
    reason = np.where(end >= NEVER, 0, np.where(death <= np.minimum(leave, hh_emigrate[hh]), 1, 2))
    # Newborns live with their mother's household from birth.
    nb_birth = birth_day[mothers]
    nb_hh = hh[mothers]
    nb_death = _event(rng, np.full(nb, 0.003), nb_birth, t_end)
    nb_end = np.minimum(nb_death, hh_emigrate[nb_hh])
    nb_reason = np.where(nb_end >= NEVER, 0, np.where(nb_death <= hh_emigrate[nb_hh], 1, 2))

    # Newcomers: whole households cloned from the mix, with new persons, settling in window.
    outflow = int((reason > 0).sum()) + int((nb_reason > 0).sum())
    target_end = inwoners * (1 + 0.004 * years)
    need = max(0, int(target_end - (n - outflow + nb)))
    w_in = _EMIGRATION[htype] * sizes
    templates = rng.choice(n_hh, size=max(1, int(need / 2.0) + 5), p=w_in / w_in.sum())
    keep = np.cumsum(sizes[templates]) <= max(need, 1)
    templates = templates[keep] if keep.any() else templates[:1]
    arrive = rng.integers(t0, t_end, len(templates)).astype(np.int64)
    new_hh = n_hh + np.arange(len(templates))
    t_sizes = sizes[templates]
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    t_first = np.concatenate([[0], np.cumsum(t_sizes)[:-1]])
    member_src = np.repeat(offsets[templates], t_sizes) + (
        np.arange(int(t_sizes.sum())) - np.repeat(t_first, t_sizes)
    )
    im_hh = np.repeat(new_hh, t_sizes)
    im_arrive = np.repeat(arrive, t_sizes)
    im_birth = birth[member_src] + (im_arrive - t0) + rng.integers(-400, 400, len(member_src))
    im_birth = np.minimum(im_birth, im_arrive)

    all_birth = np.concatenate([birth, nb_birth, im_birth])
    all_sex = np.concatenate([sex, (rng.random(nb) < 0.49).astype(np.int8), sex[member_src]])
    return Population(
        birth=all_birth,
        sex=all_sex,
        hh=np.concatenate([hh, nb_hh, im_hh]),
        start=np.concatenate([start, nb_birth, im_arrive]),
        end=np.concatenate([end, nb_end, np.full(len(im_hh), NEVER)]),
        end_reason=np.concatenate([reason, nb_reason, np.zeros(len(im_hh), dtype=np.int64)]),
        initial=np.concatenate([np.ones(n, bool), np.zeros(nb + len(im_hh), bool)]),
        hh_type=np.concatenate([htype, htype[templates]]),
        hh_buurt=np.concatenate([hbuurt, hbuurt[templates]]),
        hh_addr=np.arange(n_hh + len(templates)),
        hh_settle=np.concatenate([hh_settle, arrive]),
        hh_move=np.concatenate([hh_move, np.full(len(templates), NEVER)]),
        hh_buurt2=np.concatenate([hh_buurt2, hbuurt[templates]]),
        hh_addr2=np.arange(n_hh + len(templates)) + n_hh + len(templates),
        hh_emigrate=np.concatenate([hh_emigrate, np.full(len(templates), NEVER)]),
    )


def _event(
    rng: np.random.Generator, rate: np.ndarray, frm: np.ndarray | int, t_end: int
) -> np.ndarray:
    """Day of a Poisson event with yearly ``rate`` after ``frm``; NEVER if not before t_end."""
    rate = np.asarray(rate, dtype=float)
    wait = rng.exponential(1.0, rate.shape) / np.maximum(rate, 1e-12) * YEAR
    day = np.asarray(frm) + np.minimum(wait, 1e6).astype(np.int64)
    return np.where(day < t_end, day, NEVER).astype(np.int64)


def address_strings(pop: Population, areas: Areas) -> tuple[np.ndarray, np.ndarray]:
    """Postcode and house number per address id (two ids per household: before/after move)."""
    n_hh = len(pop.hh_type)
    buurt = np.concatenate([pop.hh_buurt, pop.hh_buurt2])
    ids = np.concatenate([pop.hh_addr, pop.hh_addr2])
    order = np.argsort(ids)
    buurt = buurt[order]
    # Number addresses within each buurt: rank of the id among the buurt's ids.
    rank = np.zeros(2 * n_hh, dtype=np.int64)
    idx = np.argsort(buurt, kind="stable")
    counts = np.bincount(buurt, minlength=len(areas.buurt_codes))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank[idx] = np.arange(2 * n_hh) - np.repeat(starts, counts)
    letters = np.array([chr(65 + i) for i in range(26)])
    pair = rank // 80
    pc = (
        areas.buurt_pc4[buurt].astype(str).astype(object)
        + letters[(pair // 26) % 26].astype(object)
        + letters[pair % 26].astype(object)
    )
    return pc.astype(str), (rank % 80 + 1)
