"""The attack test: try to recover every suppressed cell from the published ones by LP.

For generated tables with totals (gemeente > wijk > buurt, year > quarter > month, total >
categories) the attacker knows every published cell exactly (not rounded: the worst case)
and every additive relation, with a non-negative unknown rest where the data has one. For
each suppressed cell, linprog finds its minimum and maximum; the interval must not collapse.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from stuurdata.privacy.disclosure import DisclosureRule, protect, protect_with_totals

KEYS = ["indicator", "gebiedscode", "periodesoort", "periode", "categorie"]


def _municipality(rng: np.random.Generator, wijken: int = 4, buurten: int = 4):
    areas = {"GM9901": None}
    for w in range(1, wijken + 1):
        wk = f"WK9901{w:02d}"
        areas[wk] = "GM9901"
        for b in range(1, buurten + 1):
            areas[f"BU9901{w:02d}{b:02d}"] = wk
    return areas


def _niveau(code: str) -> str:
    return {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}[code[:2]]


def _counts_frame(rng: np.random.Generator, *, categories: bool) -> pd.DataFrame:
    """Persons per buurt (and category), summed up; the gemeente also has homeless clients."""
    areas = _municipality(rng)
    cats = ["01", "02", "03"] if categories else [""]
    rows = []
    for period in ("2024", "2025"):
        leaf = {}
        for code in areas:
            if code.startswith("BU"):
                for cat in cats:
                    leaf[(code, cat)] = int(rng.choice([1, 2, 3, 5, 8, 12, 20, 40]))
        totals: dict[tuple[str, str], int] = {}
        for (code, cat), value in leaf.items():
            node = code
            while node is not None:
                totals[(node, cat)] = totals.get((node, cat), 0) + value
                node = areas[node]
        for cat in cats:
            totals[("GM9901", cat)] += int(rng.integers(0, 4))  # no address: gemeente only
        if categories:
            for code in areas:
                totals[(code, "")] = sum(totals[(code, c)] for c in cats)
            totals[("GM9901", "")] += 0
        for (code, cat), value in totals.items():
            ind = "clienten_per_categorie_wmo" if cat else "clienten_wmo"
            rows.append((ind, _niveau(code), code, "jaar", period, cat, value))
    return _frame(rows)


def _groups_frame(rng: np.random.Generator) -> pd.DataFrame:
    """Clients per buurt and age group; groups published for the gemeente only.

    Every client is in exactly one group (clients without an address in 'onbekend' at the
    gemeente), so the groups add up exactly to the total, which is published per buurt too.
    """
    areas = _municipality(rng, wijken=3, buurten=3)
    groups = ["18-64", "65-74", "75-84", "85+"]
    rows = []
    for period in ("2024", "2025"):
        totals: dict[tuple[str, str], int] = {}
        for code in areas:
            if not code.startswith("BU"):
                continue
            for g in groups:
                value = int(rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 40]))
                node = code
                while node is not None:
                    totals[(node, g)] = totals.get((node, g), 0) + value
                    node = areas[node]
        totals[("GM9901", "onbekend")] = int(rng.integers(1, 4))
        for (code, g), value in totals.items():
            if code.startswith("GM"):
                rows.append(
                    ("clienten_naar_leeftijd_wmo", _niveau(code), code, "jaar", period, g, value)
                )
        for code in areas:
            value = sum(v for (c, _g), v in totals.items() if c == code)
            rows.append(("clienten_wmo", _niveau(code), code, "jaar", period, "", value))
    return _frame(rows)


def _amounts_frame(rng: np.random.Generator) -> pd.DataFrame:
    """Amounts per buurt and month, summed to quarters, years, wijken and the gemeente."""
    areas = _municipality(rng, wijken=3, buurten=3)
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    leaf = {
        (code, m): (float(rng.integers(100, 5000)), int(rng.choice([2, 4, 9, 15, 30])))
        for code in areas
        if code.startswith("BU")
        for m in months
    }
    totals: dict[tuple[str, str], list[float]] = {}
    for (code, month), (amount, persons) in leaf.items():
        node = code
        while node is not None:
            for period, soort in (
                (month, "maand"),
                (f"2025-K{(int(month[5:]) - 1) // 3 + 1}", "kwartaal"),
                ("2025", "jaar"),
            ):
                cell = totals.setdefault((node, period, soort), [0.0, 0])
                cell[0] += amount
                cell[1] += persons
            node = areas[node]
    rows = [
        ("kosten_wmo", _niveau(code), code, soort, period, "", amount, persons)
        for (code, period, soort), (amount, persons) in totals.items()
    ]
    return _frame(rows, with_n=True)


def _frame(rows: list[tuple], with_n: bool = False) -> pd.DataFrame:
    cols = ["indicator", "niveau", "gebiedscode", "periodesoort", "periode", "categorie", "teller"]
    frame = pd.DataFrame(rows, columns=[*cols, "n"] if with_n else cols)
    if not with_n:
        frame["n"] = frame["teller"].astype("int64")
    frame["teller"] = frame["teller"].astype("float64")
    frame["waarde"] = frame["teller"]
    frame["noemer"] = np.nan
    frame["versie"] = 1
    return frame


SOORT = {
    "clienten_wmo": "aantal",
    "clienten_per_categorie_wmo": "aantal",
    "clienten_naar_leeftijd_wmo": "aantal",
    "kosten_wmo": "bedrag",
    "clienten_per_1000_wmo": "per_1000",
}


def _relations(frame: pd.DataFrame) -> list[tuple[int, list[int]]]:
    """(total row, part rows) for every additive relation, built from the codes.

    One relation per total *and dimension*: the gemeente is the sum of its wijken, and
    separately the sum of its categories.
    """
    index = {
        tuple(r): i for i, r in zip(frame.index, frame[KEYS].itertuples(index=False), strict=True)
    }
    rels: dict[tuple[int, str], list[int]] = {}
    for i, (ind, code, ps, period, cat) in zip(
        frame.index, frame[KEYS].itertuples(index=False), strict=True
    ):
        parents = []
        if code.startswith("BU"):
            parents.append(("gebied", (ind, "WK" + code[2:8], ps, period, cat)))
        elif code.startswith("WK"):
            parents.append(("gebied", (ind, "GM" + code[2:6], ps, period, cat)))
        if cat:
            total = re.sub(r"_per_categorie|_naar_[a-z]+", "", ind)
            parents.append(("categorie", (total, code, ps, period, "")))
        if ind == "kosten_wmo" and ps == "maand":
            quarter = f"{period[:4]}-K{(int(period[5:]) - 1) // 3 + 1}"
            parents.append(("tijd", (ind, code, "kwartaal", quarter, cat)))
        elif ind == "kosten_wmo" and ps == "kwartaal":
            parents.append(("tijd", (ind, code, "jaar", period[:4], cat)))
        for dim, key in parents:
            if key in index:
                rels.setdefault((index[key], dim), []).append(i)
    return [(total, parts) for (total, _dim), parts in rels.items()]


def attack(frame: pd.DataFrame, published: pd.DataFrame) -> dict[int, tuple[float, float]]:
    """Min and max of every suppressed cell given the published cells and the relations."""
    hidden = list(published.index[published["status"].eq("onderdrukt")])
    col = {i: k for k, i in enumerate(hidden)}
    true = frame["teller"].to_dict()
    relations = _relations(frame)
    n_vars = len(hidden) + len(relations)  # one rest variable per relation
    a_eq, b_eq, bounds = [], [], [(0, None)] * len(hidden)
    for r, (total, parts) in enumerate(relations):
        row = np.zeros(n_vars)
        rhs = 0.0
        for cell, coef in [(total, 1.0)] + [(p, -1.0) for p in parts]:
            if cell in col:
                row[col[cell]] += coef
            else:
                rhs -= coef * true[cell]
        rest = true[total] - sum(true[p] for p in parts)
        row[len(hidden) + r] = -1.0
        if abs(rest) < 1e-9:
            bounds = [*bounds, (0, 0)]  # exactly additive: the attacker may assume it
        else:
            bounds = [*bounds, (0, None) if rest > 0 else (None, 0)]
        a_eq.append(row)
        b_eq.append(rhs)
    out = {}
    for cell, k in col.items():
        c = np.zeros(n_vars)
        c[k] = 1.0
        lo = linprog(c, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
        hi = linprog(-c, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
        assert lo.status in (0, 3) and hi.status in (0, 3), "the true values must be feasible"
        out[cell] = (lo.fun if lo.status == 0 else -np.inf, -hi.fun if hi.status == 0 else np.inf)
    return out


def _assert_safe(frame: pd.DataFrame, published: pd.DataFrame) -> None:
    intervals = attack(frame, published)
    assert intervals, "the generated table must have suppressed cells"
    exact = {
        frame.loc[i, "gebiedscode"] + " " + str(frame.loc[i, "periode"]): (
            lo,
            hi,
            frame.loc[i, "teller"],
        )
        for i, (lo, hi) in intervals.items()
        if hi - lo < 1e-6
    }
    assert not exact, f"recovered exactly: {exact}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_area_hierarchy_cannot_be_attacked(seed):
    frame = _counts_frame(np.random.default_rng(seed), categories=False)
    _assert_safe(frame, protect_with_totals(frame, DisclosureRule(), SOORT))


@pytest.mark.parametrize("seed", [4, 5])
def test_area_by_category_cannot_be_attacked(seed):
    frame = _counts_frame(np.random.default_rng(seed), categories=True)
    _assert_safe(frame, protect_with_totals(frame, DisclosureRule(), SOORT))


@pytest.mark.parametrize("seed", [8, 9])
def test_groups_beside_a_finer_total_cannot_be_attacked(seed):
    frame = _groups_frame(np.random.default_rng(seed))
    _assert_safe(frame, protect_with_totals(frame, DisclosureRule(), SOORT))


@pytest.mark.parametrize("seed", [6, 7])
def test_area_by_time_amounts_cannot_be_attacked(seed):
    frame = _amounts_frame(np.random.default_rng(seed))
    _assert_safe(frame, protect_with_totals(frame, DisclosureRule(), SOORT))


def test_primary_suppression_alone_is_attackable():
    """The attack is real: without secondary suppression it recovers hidden cells."""
    frame = _counts_frame(np.random.default_rng(1), categories=False)
    published = protect(frame, DisclosureRule(), SOORT)
    intervals = attack(frame, published)
    assert any(hi - lo < 1e-6 for lo, hi in intervals.values())


def test_secondary_keeps_primary_and_changes_nothing_published():
    frame = _counts_frame(np.random.default_rng(2), categories=True)
    primary = protect(frame, DisclosureRule(), SOORT)
    full = protect_with_totals(frame, DisclosureRule(), SOORT)
    assert (full["status"].eq("onderdrukt") >= primary["status"].eq("onderdrukt")).all()
    shown = full["status"].ne("onderdrukt")
    pd.testing.assert_series_equal(full.loc[shown, "teller"], primary.loc[shown, "teller"])


def test_rates_follow_the_counts_they_share():
    frame = _counts_frame(np.random.default_rng(3), categories=False)
    rate = frame.assign(indicator="clienten_per_1000_wmo", noemer=1000.0 + frame["teller"])
    rate["waarde"] = rate["teller"] / rate["noemer"] * 1000
    both = pd.concat([frame, rate], ignore_index=True)
    out = protect_with_totals(both, DisclosureRule(), SOORT)
    counts = out[out["indicator"] == "clienten_wmo"].set_index(["gebiedscode", "periode"])["status"]
    rates = out[out["indicator"] == "clienten_per_1000_wmo"].set_index(["gebiedscode", "periode"])[
        "status"
    ]
    hidden = counts.eq("onderdrukt")
    assert rates[hidden.index[hidden]].eq("onderdrukt").all()


def test_the_pattern_is_reproducible():
    """Same frame, same suppression (no dependence on set or hash order)."""
    frame = _counts_frame(np.random.default_rng(5), categories=True)
    first = protect_with_totals(frame, DisclosureRule(), SOORT)["status"]
    reordered = frame.sample(frac=1.0, random_state=3)
    second = protect_with_totals(reordered, DisclosureRule(), SOORT)["status"].loc[frame.index]
    pd.testing.assert_series_equal(first, second)


@pytest.mark.parametrize("seed", [4, 5, 11])
def test_the_gemeente_total_is_never_hidden_for_another_cell(seed):
    """A small municipality keeps its headline: secondary cells are found below it."""
    frame = _counts_frame(np.random.default_rng(seed), categories=True)
    out = protect_with_totals(frame, DisclosureRule(), SOORT)
    root = (out["gebiedscode"] == "GM9901") & (out["categorie"] == "")
    assert root.sum() == 2
    assert out.loc[root, "status"].ne("onderdrukt").all()
    _assert_safe(frame, out)
