"""Which computed figures go into a publication, and in which shape.

Only figures an output shows are published: a figure nobody sees still takes part in
secondary suppression and can drag shown figures into hiding (a clients-per-category table
per wijk, shown nowhere, hid every wijk's client count). And a tiny group must not hide a big
one: ``onbekend`` is kept only inside the total, an age group too small to show in some
period is merged with its neighbour (``18-22`` and ``23+`` become ``18+``) and a too-small
household type joins ``overig``, in every period, so the table keeps the same rows over time.
"""

from __future__ import annotations

import re

import pandas as pd

from stuurdata.indicators.groups import ONBEKEND
from stuurdata.privacy.purposes import NIVEAUS

# Figures the report shows per wijk and buurt (its "Per wijk en buurt" tables); everything
# else is shown for the gemeente only.
AREA_BASES = (
    "clienten",
    "clienten_per_1000",
    "instroom",
    "uitstroom",
    "actieve_toewijzingen",
    "wachttijd_verzoek_toewijzing_mediaan",
    "wachttijd_toewijzing_start_mediaan",
    "kosten",
    "kosten_per_client",
)
OVERIG = "overig"
_LAW = re.compile(r"_(wmo|jeugd)$")
_GROUP = re.compile(r"^clienten(_per_1000)?_naar_([a-z]+)_(wmo|jeugd)$")
_AGE = re.compile(r"^(\d+)(?:-(\d+)|\+)$")


def base_of(indicator: str) -> str:
    """``clienten_per_1000_wmo`` -> ``clienten_per_1000``."""
    return _LAW.sub("", indicator)


def shown(frame: pd.DataFrame, niveau: str = "buurt") -> pd.DataFrame:
    """The rows an output shows: every figure for the gemeente, area tables per wijk/buurt.

    ``niveau`` is the most detailed level the purpose allows; finer rows are left out.
    """
    level = frame["niveau"].astype("str")
    allowed = set(NIVEAUS[: NIVEAUS.index(niveau) + 1])
    area = level.isin(["wijk", "buurt"])
    bases = frame["indicator"].astype("str").map(base_of)
    no_category = frame["categorie"].fillna("").astype("str").eq("")
    keep = level.isin(allowed) & (~area | (bases.isin(AREA_BASES) & no_category))
    return frame[keep]


def merge_small_groups(frame: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Group breakdowns without tiny groups: ``onbekend`` left out, small ages merged.

    Decided per law and grouping on the client counts, and applied to the counts and the
    rates per 1,000 alike, so both tables have the same rows.
    """
    ids = frame["indicator"].astype("str")
    groups = ids.str.match(_GROUP)
    if not groups.any():
        return frame
    rest, parts = frame[~groups], frame[groups]
    parts = parts[parts["categorie"].astype("str") != ONBEKEND]
    out = [rest]
    keys = ids[groups].map(lambda i: _GROUP.match(i).groups()[1:])  # type: ignore[union-attr]
    for groep, wet in sorted(set(keys)):
        counts = parts[parts["indicator"] == f"clienten_naar_{groep}_{wet}"]
        mapping = (
            _age_merges(counts, min_count)
            if groep == "leeftijd"
            else _into_overig(counts, min_count)
        )
        for indicator in (f"clienten_naar_{groep}_{wet}", f"clienten_per_1000_naar_{groep}_{wet}"):
            rows = parts[parts["indicator"] == indicator]
            out.append(_apply(rows, mapping, per_1000="_per_1000_" in indicator))
    return pd.concat(out, ignore_index=True)


def _age_merges(counts: pd.DataFrame, min_count: int) -> dict[str, str]:
    """Label -> merged label, for age groups too small in some period of the table."""
    labels = sorted(
        {c for c in counts["categorie"].astype("str") if _AGE.match(c)},
        key=lambda c: int(_AGE.match(c).group(1)),  # type: ignore[union-attr]
    )
    blocks = [[label] for label in labels]
    by = counts.assign(categorie=counts["categorie"].astype("str"))

    def smallest(block: list[str]) -> float:
        sub = by[by["categorie"].isin(block)]
        if sub.empty:
            return float("inf")
        n = pd.to_numeric(sub["n"], errors="coerce").fillna(0)
        return float(n.groupby([sub["gebiedscode"], sub["periode"]]).sum().min())

    while len(blocks) > 1:
        sizes = [smallest(b) for b in blocks]
        i = min(range(len(blocks)), key=lambda k: sizes[k])
        if sizes[i] >= min_count:
            break
        j = i - 1 if i == len(blocks) - 1 else (i + 1 if i == 0 else _smaller(sizes, i))
        lo, hi = sorted((i, j))
        blocks[lo : hi + 1] = [blocks[lo] + blocks[hi]]
    mapping: dict[str, str] = {}
    for block in blocks:
        if len(block) > 1:
            merged = _span(block[0], block[-1])
            mapping.update({label: merged for label in block})
    return mapping


def _into_overig(counts: pd.DataFrame, min_count: int) -> dict[str, str]:
    """Label -> ``overig`` for a category too small in some period (households)."""
    labels = set(counts["categorie"].astype(str))
    if OVERIG not in labels:
        return {}
    n = pd.to_numeric(counts["n"], errors="coerce").fillna(0)
    smallest = n.groupby(counts["categorie"].astype(str)).min()
    return {c: OVERIG for c, v in smallest.items() if v < min_count and c != OVERIG}


def _smaller(sizes: list[float], i: int) -> int:
    return i - 1 if sizes[i - 1] <= sizes[i + 1] else i + 1


def _span(first: str, last: str) -> str:
    low = _AGE.match(first).group(1)  # type: ignore[union-attr]
    m = _AGE.match(last)
    return f"{low}+" if m is None or m.group(2) is None else f"{low}-{m.group(2)}"


def _apply(rows: pd.DataFrame, mapping: dict[str, str], *, per_1000: bool) -> pd.DataFrame:
    if not mapping or rows.empty:
        return rows
    rows = rows.assign(categorie=rows["categorie"].astype("str").replace(mapping))
    keys = ["indicator", "versie", "niveau", "gebiedscode", "periodesoort", "periode", "categorie"]
    summed = rows.groupby(keys, as_index=False, sort=False).agg(
        teller=("teller", "sum"),
        noemer=("noemer", lambda s: s.sum(min_count=1)),
        n=("n", "sum"),
        ladingen=("ladingen", "first"),
        **({"volledig": ("volledig", "all")} if "volledig" in rows.columns else {}),
    )
    if per_1000:
        summed["waarde"] = 1000 * summed["teller"] / summed["noemer"]
    else:
        summed["waarde"] = summed["teller"]
    return summed[list(rows.columns)]
