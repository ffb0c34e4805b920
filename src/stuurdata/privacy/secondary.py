"""Secondary suppression: no suppressed cell can be recovered from the published ones.

Primary suppression (``disclosure.protect``) hides figures resting on fewer than 10 persons.
Where a table also publishes totals, a hidden cell could be recovered by subtraction: the
wijk total minus its published buurten. This module chooses additional (secondary) cells to
hide with the *hypercube method* (Repsilber; the GHMITER method of tau-argus): for every
primary cell it suppresses a set of cells that carries a direction ``d`` with
``A d = 0`` for every additive relation ``A`` of the table, so the hidden values can all move
by ``+t·d`` while every published cell and every total stays what it is. An attacker solving
the linear system (with non-negative counts) therefore finds an interval, never one value.

The model (see docs/privacy.md):

* A *family* is one indicator, or a per-category indicator together with its total
  (``clienten_per_categorie_wmo`` with ``clienten_wmo`` as the category total).
* A *group breakdown* (``clienten_naar_leeftijd_wmo``: every client in exactly one group,
  published for the gemeente only) is a one-dimensional table per gemeente and period whose
  total is the cell of ``clienten_wmo``. It is protected after the families, with the total
  as the families left it: a hidden total hides all its groups; otherwise one hidden group
  is never alone (the smallest other group joins it), so the attacker knows only their sum.
  Several breakdowns of one total never hide the total, so they cannot betray each other.
* Dimensions: area (gemeente > wijk > buurt, from the CBS codes: ``WK990101`` lies in
  ``GM9901``, ``BU99010101`` in ``WK990101``), time (year > quarter > month; only for amounts,
  which add up over time; persons counted once per period do not), category (total > codes).
* Every relation reads ``total = sum(parts) + rest``. The rest is real in this warehouse
  (clients without an address count only for the gemeente; a client in two categories counts
  twice). A rest of zero is treated as *known* (an attacker may assume exact additivity); a
  non-zero rest is an unpublished cell the attacker does not know.
* Rates publish counts of their own (``clienten_per_1000_wmo`` carries the teller of
  ``clienten_wmo``): a rate is suppressed wherever the count it shares is, so the same
  quantity is never hidden in one table and shown in another.

Only counts and amounts (``soort`` aantal and bedrag) form tables; medians and other day
statistics do not add up and keep primary suppression only.
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

ADDITIVE_KINDS = frozenset({"aantal", "bedrag"})
TIME_ADDITIVE_KINDS = frozenset({"bedrag"})
RATE_KINDS = frozenset({"per_1000", "percentage", "bedrag_per_client"})
REST = "~rest:"
_CANDIDATES = 4
# A primary cell's hypercube lets it move over at least this range, so an attacker who
# knows every published cell exactly still cannot pin it to within ±2 (a protection level,
# as tau-argus sets one). A cube that cannot is used only when no other fits.
PROTECTION = 5
_SHORT = 1e9
_QUARTER = re.compile(r"^(\d{4})-K([1-4])$")
_GROUP_ID = re.compile(r"_naar_[a-z]+")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def area_parent(code: str) -> str | None:
    """``BU99010101`` -> ``WK990101`` -> ``GM9901`` -> None (CBS code structure)."""
    if code.startswith("BU") and len(code) == 10:
        return "WK" + code[2:8]
    if code.startswith("WK") and len(code) == 8:
        return "GM" + code[2:6]
    return None


def period_parent(period: str) -> str | None:
    """``2024-05`` -> ``2024-K2`` -> ``2024`` -> None."""
    if m := _MONTH.match(period):
        return f"{m.group(1)}-K{(int(m.group(2)) - 1) // 3 + 1}"
    if m := _QUARTER.match(period):
        return m.group(1)
    return None


class Tree:
    """One dimension's hierarchy over the coordinates present, with a rest leaf per total."""

    def __init__(self, nodes: Iterable[str], parent_of: Callable[[str], str | None]) -> None:
        present = set(nodes)
        self.parent: dict[str, str | None] = {}
        self.children: dict[str, list[str]] = {n: [] for n in sorted(present)}
        for node in sorted(present):
            up = parent_of(node)
            self.parent[node] = up if up in present else None
            if self.parent[node] is not None:
                self.children[up].append(node)  # type: ignore[index]
        for node in sorted(present):
            if self.children[node]:
                rest = REST + node
                self.parent[rest] = node
                self.children[rest] = []
                self.children[node].append(rest)
        self.leaves = [n for n, ch in self.children.items() if not ch]
        self._chain: dict[str, list[str]] = {}
        self._vectors: dict[str, list[dict[str, int]]] = {}
        self._reach: dict[str, list[str]] = {}

    def chain(self, node: str) -> list[str]:
        """The node and its ancestors up to the root."""
        if node not in self._chain:
            out, cur = [node], self.parent[node]
            while cur is not None:
                out.append(cur)
                cur = self.parent[cur]
            self._chain[node] = out
        return self._chain[node]

    def real_children(self, node: str) -> list[str]:
        return [c for c in self.children[node] if not c.startswith(REST)]

    def vectors(self, x: str) -> list[dict[str, int]]:
        """Directions along this dimension that move ``x`` and keep every relation.

        ``chain(leaf)`` (a leaf under ``x`` and all its ancestors, all +1) and
        ``chain(leaf) - chain(other leaf outside x)``: in each relation ``total - parts``
        exactly as much goes in as comes out.
        """
        if x not in self._vectors:
            self._vectors[x] = self._make_vectors(x)
        return self._vectors[x]

    def reach(self, x: str) -> list[str]:
        """The nodes the directions of ``x`` touch (``vectors``), each once.

        A cube for ``x`` only asks about these cells; asking about every node of the tree
        instead costs as much per primary cell as the tree is large, which made a table of
        singleton roots (households per grid square: one root per square) quadratic.
        """
        if x not in self._reach:
            self._reach[x] = list(dict.fromkeys(n for vec in self.vectors(x) for n in vec))
        return self._reach[x]

    def _make_vectors(self, x: str) -> list[dict[str, int]]:
        if self.parent[x] is None and not self.children[x]:
            return [{x: 1}]
        below = [leaf for leaf in self.leaves if x in self.chain(leaf)]
        out: list[dict[str, int]] = []
        for leaf in below:
            mine = self.chain(leaf)
            out.append(dict.fromkeys(mine, 1))
            for other in self.leaves:
                theirs = self.chain(other)
                if x in theirs:
                    continue
                common = set(mine) & set(theirs)
                vec = {n: 1 for n in mine if n not in common}
                vec.update({n: -1 for n in theirs if n not in common})
                out.append(vec)
        return out


def category_parent(code: str) -> str | None:
    """A category lies in the total (category ``""``)."""
    return None if code == "" else ""


@functools.lru_cache(maxsize=1024)
def _tree(nodes: frozenset[str], parent_of: Callable[[str], str | None]) -> Tree:
    """One shared tree per set of coordinates: the tables of every period have the same areas,
    and a tree's directions (``Tree.vectors``) are costly to make and depend on nothing else."""
    return Tree(nodes, parent_of)


@dataclass
class Table:
    """The cells of one family in one slice, indexed by coordinates along its dimensions."""

    trees: list[Tree]
    cells: dict[tuple[str, ...], tuple[int, float]]
    suppressed: set[tuple[str, ...]] = field(default_factory=set)
    _values: dict[tuple[str, ...], float] = field(default_factory=dict)
    _rest: dict[tuple[str, ...], bool] = field(default_factory=dict)
    _usable: dict[tuple[str, ...], bool] = field(default_factory=dict)

    def value(self, coords: tuple[str, ...]) -> float:
        """The true value, also of rest cells (total minus its real parts)."""
        if coords in self._values:
            return self._values[coords]
        result = None
        for d, c in enumerate(coords):
            if c.startswith(REST):
                total = c[len(REST) :]
                result = self.value((*coords[:d], total, *coords[d + 1 :]))
                for child in self.trees[d].real_children(total):
                    result -= self.value((*coords[:d], child, *coords[d + 1 :]))
                break
        if result is None:
            cell = self.cells.get(coords)
            result = cell[1] if cell else 0.0
        self._values[coords] = result
        return result

    def is_rest(self, coords: tuple[str, ...]) -> bool:
        flag = self._rest.get(coords)
        if flag is None:
            flag = self._rest[coords] = any(c[:1] == "~" for c in coords)
        return flag

    def is_root(self, coords: tuple[str, ...]) -> bool:
        """The grand total (e.g. the gemeente over all categories)."""
        return all(t.parent.get(c, "") is None for t, c in zip(self.trees, coords, strict=True))

    def usable(self, coords: tuple[str, ...]) -> bool:
        """A cell a direction may move: a published row, or a rest that is not zero.

        The grand total is never hidden to protect something else: a small municipality
        would lose its headline figure, and moving leaves against each other protects
        them just as well (the grand total stays fixed).
        """
        flag = self._usable.get(coords)
        if flag is None:
            rest = self.is_rest(coords)
            flag = abs(self.value(coords)) > 1e-9 if rest else coords in self.cells
            if flag and self.is_root(coords) and coords not in self.suppressed:
                flag = False
            self._usable[coords] = flag
        return flag

    def cost(self, coords: tuple[str, ...]) -> float:
        if coords in self.suppressed or self.is_rest(coords):
            return 0.0
        return abs(self.value(coords)) + 1.0


def _cube_cells(vectors: list[dict[str, int]]) -> dict[tuple[str, ...], int]:
    cells: dict[tuple[str, ...], int] = {(): 1}
    for vec in vectors:
        cells = {(*c, n): s * t for c, s in cells.items() for n, t in vec.items()}
    return cells


def _movable(table: Table, cube: dict[tuple[str, ...], int]) -> bool:
    """Some direction ±d keeps every real count at or above zero (rests are free)."""
    for tau in (1, -1):
        if all(
            table.is_rest(c) or sign * tau > 0 or table.value(c) > 0 for c, sign in cube.items()
        ):
            return True
    return False


def _best_cube(table: Table, p: tuple[str, ...]) -> dict[tuple[str, ...], int] | None:
    per_dim: list[list[dict[str, int]]] = []
    for d, tree in enumerate(table.trees):
        # Whether each cell of the slice may move and what it costs, once per cell rather
        # than once per direction it lies in (``usable`` depends on nothing that changes
        # while a table is protected; ``cost`` not while one cube is chosen).
        head, tail = p[:d], p[d + 1 :]
        usable = {n: table.usable((*head, n, *tail)) for n in tree.reach(p[d])}
        price = {n: table.cost((*head, n, *tail)) for n, ok in usable.items() if ok}
        scored = []
        for vec in tree.vectors(p[d]):
            if all(usable[n] for n in vec):
                scored.append((sum(price[n] for n in vec), len(vec), vec))
        scored.sort(key=lambda s: (s[0], s[1]))
        per_dim.append([s[2] for s in scored[:_CANDIDATES]])
    best: tuple[float, dict[tuple[str, ...], int]] | None = None
    for vectors in itertools.product(*per_dim):
        cube = _cube_cells(list(vectors))
        cost = 0.0
        for c in cube:
            if not table.usable(c):
                cost = np.inf
                break
            cost += table.cost(c)
            if best is not None and cost >= best[0]:
                break
        if np.isfinite(cost) and _width(table, cube) < PROTECTION:
            cost += _SHORT
        if (best is None or cost < best[0]) and np.isfinite(cost) and _movable(table, cube):
            best = (cost, cube)
    return best[1] if best else None


def _width(table: Table, cube: dict[tuple[str, ...], int]) -> float:
    """How far the cube's cells can move together, all staying at or above zero.

    Moving by ``t`` raises the cells of one sign and lowers the others, so the range is
    the smallest value on the plus side plus the smallest on the minus side.
    """
    plus = [abs(table.value(c)) for c, sign in cube.items() if sign > 0]
    minus = [abs(table.value(c)) for c, sign in cube.items() if sign < 0]
    return (min(plus) if plus else np.inf) + (min(minus) if minus else np.inf)


def protect_table(table: Table, primary: Iterable[tuple[str, ...]]) -> None:
    """Add to ``table.suppressed`` a hypercube around every primary cell not yet covered."""
    covered: set[tuple[str, ...]] = set()
    # Deterministic order (largest first, then by code): the same frame always gets the same
    # pattern, so a published figure can be reproduced.
    order = sorted(set(primary), key=lambda c: (-abs(table.value(c)), c))
    table.suppressed |= set(order)
    for p in order:
        if p in covered and table.value(p) >= PROTECTION:
            continue  # a large cell moved along with another's cube moves far enough
        cube = _best_cube(table, p)
        if cube is None:
            # No hypercube fits: hide the whole slice but its grand total. The hidden cells
            # can then move against each other with the grand total fixed: no exact recovery.
            rest = {c for c in table.cells if not table.is_root(c) or c in table.suppressed}
            table.suppressed |= rest
            covered |= rest
            continue
        real = {c for c in cube if not table.is_rest(c)}
        table.suppressed |= real
        covered |= real


@dataclass(frozen=True)
class _Family:
    name: str
    kind: str
    members: tuple[str, ...]  # indicator ids; the first is the category total if any


def _families(frame: pd.DataFrame, kinds: pd.Series) -> list[_Family]:
    present = dict(zip(frame["indicator"], kinds, strict=True))
    out: list[_Family] = []
    taken: set[str] = set()
    for indicator, kind in sorted(present.items()):
        if kind not in ADDITIVE_KINDS or "_per_categorie" not in indicator:
            continue
        total = indicator.replace("_per_categorie", "")
        members = (total, indicator) if present.get(total) == kind else (indicator,)
        out.append(_Family(indicator, kind, members))
        taken |= set(members)
    for indicator, kind in sorted(present.items()):
        if kind in ADDITIVE_KINDS and indicator not in taken and not _GROUP_ID.search(indicator):
            out.append(_Family(indicator, kind, (indicator,)))
    return out


def _tables(family: _Family, rows: pd.DataFrame) -> Iterable[tuple[Table, list[tuple[str, ...]]]]:
    """The tables of one family and the coordinates of their primary cells."""
    in_time = family.kind in TIME_ADDITIVE_KINDS
    with_cat = rows["categorie"].astype("str").ne("").any()
    slice_cols = [] if in_time else ["periodesoort", "periode"]
    groups = rows.groupby(slice_cols, sort=False) if slice_cols else [((), rows)]
    for _key, part in groups:
        dims: list[tuple[str, Callable[[str], str | None]]] = [("gebiedscode", area_parent)]
        if in_time:
            dims.append(("periode", period_parent))
        if with_cat:
            dims.append(("categorie", category_parent))
        coords = list(zip(*(part[col].astype("str") for col, _ in dims), strict=True))
        trees = [_tree(frozenset(c[d] for c in coords), up) for d, (_, up) in enumerate(dims)]
        values = part["teller"].astype("float64").fillna(0.0).to_numpy()
        cells = {c: (int(i), float(v)) for c, i, v in zip(coords, part.index, values, strict=True)}
        primary = [c for c, flag in zip(coords, part["_primair"], strict=True) if flag]
        if primary:
            yield Table(trees, cells), primary


_JOBS: list[tuple[Table, list[tuple[str, ...]]]] = []
_PARALLEL_FROM = 64  # tables; below this a process pool costs more than it saves


def _protect_job(i: int) -> list[int]:
    table, prim = _JOBS[i]
    protect_table(table, prim)
    return [table.cells[c][0] for c in table.suppressed if c in table.cells]


def _run_jobs(jobs: list[tuple[Table, list[tuple[str, ...]]]]) -> Iterator[list[int]]:
    """Protect every table; independent tables go to all cores (results are the same).

    Workers are forked and read the jobs from module state, so nothing is pickled but the
    row numbers that come back; the parent is idle meanwhile.
    """
    global _JOBS
    _JOBS = jobs
    try:
        workers = os.cpu_count() or 1
        if workers < 2 or len(jobs) < _PARALLEL_FROM:
            yield from map(_protect_job, range(len(jobs)))
            return
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap_unordered(_protect_job, range(len(jobs)), chunksize=4)
    finally:
        _JOBS = []


def secondary_mask(frame: pd.DataFrame, primary: pd.Series, kinds: pd.Series) -> pd.Series:
    """Rows to suppress on top of ``primary`` (a boolean Series on ``frame.index``).

    ``kinds`` holds each row's ``soort``. ``frame`` is the *unprotected* indicator frame.
    """
    work = frame.assign(_primair=primary.to_numpy(), _soort=kinds.to_numpy())
    if "categorie" not in work.columns:
        work["categorie"] = ""
    work["categorie"] = work["categorie"].fillna("").astype("str")
    out = pd.Series(False, index=frame.index)
    jobs: list[tuple[Table, list[tuple[str, ...]]]] = []
    for family in _families(work, work["_soort"]):
        rows = work[work["indicator"].isin(family.members)]
        if family.members[0] != family.name:  # the total joins as category ""
            total = rows["indicator"] == family.members[0]
            rows = rows[~total | rows["categorie"].eq("")]
        jobs.extend(_tables(family, rows))
    rows = [i for index in _run_jobs(jobs) for i in index]
    if rows:
        out.loc[rows] = True  # one assignment: one per table cost more than the tables
    out |= _group_mask(work, out | primary.to_numpy())
    out &= ~primary.to_numpy()
    return out | _linked_rates(work, out | primary)


def _group_mask(work: pd.DataFrame, hidden: pd.Series) -> pd.Series:
    """Secondary cells of the group breakdowns, given what is ``hidden`` already."""
    out = pd.Series(False, index=work.index)
    keys = ["gebiedscode", "periodesoort", "periode"]
    groups = work[work["indicator"].str.contains(_GROUP_ID) & work["_soort"].isin(ADDITIVE_KINDS)]
    for indicator, rows in groups.groupby("indicator"):
        if set(rows["niveau"]) - {"gemeente"}:
            raise ValueError(f"{indicator}: groepen worden alleen per gemeente gepubliceerd")
        total_id = _GROUP_ID.sub("", str(indicator), count=1)
        totals = work[(work["indicator"] == total_id) & work["categorie"].eq("")]
        total_hidden = {
            tuple(k): bool(h)
            for k, h in zip(totals[keys].itertuples(index=False), hidden[totals.index], strict=True)
        }
        for key, part in rows.groupby(keys):
            # No published total (absent or hidden): every group hides with it.
            if total_hidden.get(tuple(key), True):
                out.loc[part.index] = True
                continue
            shut = hidden[part.index]
            if shut.sum() == 1:
                others = part[~shut & (part["teller"].fillna(0) > 0)]
                if others.empty:
                    out.loc[part.index] = True
                else:
                    out.loc[others["teller"].idxmin()] = True
    return out


def _linked_rates(work: pd.DataFrame, hidden: pd.Series) -> pd.Series:
    """Rates whose teller or noemer equals, cell for cell, the count of a table that is hidden.

    The link is found from the values (every common cell equal), so a new rate indicator is
    covered without a code change; and from the names for a rate per 1,000 and its count
    (``clienten_per_1000_wmo`` and ``clienten_wmo``), whose tellers differ by the clients
    without an address in the area but would still give the hidden count away closely.
    """
    keys = ["niveau", "gebiedscode", "periodesoort", "periode", "categorie"]
    out = np.zeros(len(work), dtype=bool)
    # Cells and indicators as numbers, so each join below carries no strings.
    cell = work.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    ids, names = pd.factorize(work["indicator"].astype("str"))
    is_base = work["_soort"].isin(ADDITIVE_KINDS).to_numpy()
    base = pd.DataFrame(
        {
            "_cel": cell[is_base],
            "_basis_id": ids[is_base],
            "_basis": _floats(work["teller"])[is_base],
            "_verborgen": np.asarray(hidden, dtype=bool)[is_base],
        }
    )
    teller, noemer = _floats(work["teller"]), _floats(work["noemer"])
    code = {str(name): i for i, name in enumerate(names)}
    is_rate = work["_soort"].isin(RATE_KINDS).to_numpy()
    for rate_id in np.unique(ids[is_rate]):
        rows = np.flatnonzero(is_rate & (ids == rate_id))
        joined = pd.DataFrame(
            {"_cel": cell[rows], "_rij": rows, "_t": teller[rows], "_n": noemer[rows]}
        ).merge(base, on="_cel")
        if joined.empty or not joined["_verborgen"].any():
            continue
        right = joined["_basis"].to_numpy()
        pair = joined["_basis_id"]
        # Linked by name (a rate per 1,000 and its count), or every common cell of the
        # teller or of the noemer equal to the count (np.allclose per pair of indicators).
        linked = (
            pair.eq(code.get(str(names[rate_id]).replace("_per_1000", ""), -1))
            | pd.Series(np.isclose(joined["_t"].to_numpy(), right)).groupby(pair).transform("all")
            | pd.Series(np.isclose(joined["_n"].to_numpy(), right)).groupby(pair).transform("all")
        )
        out[joined.loc[linked & joined["_verborgen"], "_rij"].to_numpy()] = True
    return pd.Series(out, index=work.index)


def _floats(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column).to_numpy(dtype="float64", na_value=np.nan)


def suppression_kinds(frame: pd.DataFrame, soort: Mapping[str, str] | None) -> pd.Series:
    """Each row's kind (``soort``), from the mapping or a ``soort`` column."""
    if soort is not None:
        return frame["indicator"].map(dict(soort)).fillna("onbekend").astype("str")
    if "soort" in frame.columns:
        return frame["soort"].fillna("onbekend").astype("str")
    return pd.Series("onbekend", index=frame.index, dtype="str")
