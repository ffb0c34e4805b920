"""Disclosure control: the one function every figure passes before it leaves the platform.

CBS convention (the default rule): a figure resting on fewer than ``min_count`` persons is
suppressed together with everything derived from it; other counts are rounded to a
multiple of ``round_to``. Rates (per 1,000, shares, cost per client) are computed again from
the *rounded* counts they rest on: a rate from unrounded counts, published beside its
rounded teller and noemer, gives the exact count back (the integers within ±2 of the
rounded count that reproduce the rate are, in practice, just one). Day statistics
(medians) do not reveal a count and are published as computed; amounts in euros are never
rounded but are suppressed like counts.

The input is the long indicator frame (``indicator, teller, noemer, waarde, n, ...``);
``n`` is the number of persons behind the figure. Suppressed rows keep their place (so a
reader sees *that* there is a figure, shown as "."), with ``teller``, ``noemer``,
``waarde`` and ``n`` emptied and ``status='onderdrukt'``. Protection is idempotent and
never undone: a row that arrives suppressed (status or an empty ``n``) stays suppressed.

``protect`` is primary suppression only; ``protect_with_totals`` adds secondary suppression
(``privacy.secondary``) so that no suppressed cell can be recovered by subtracting published
cells from a published total. Publications use the latter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

ONDERDRUKT = "onderdrukt"
AFGEROND = "afgerond"
OK = "ok"

# Which columns hold a count of persons or cases, per kind of indicator; only these are
# rounded. ``waarde`` is a count only for plain counts; for rates and day statistics it is
# derived from the unrounded counts and kept as computed.
COUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "aantal": ("teller", "waarde"),
    "per_1000": ("teller", "noemer"),
    "percentage": ("teller", "noemer"),
    "dagen": ("teller",),
    "bedrag": (),
    "bedrag_per_client": ("noemer",),
}
# An unknown kind: every value is treated as a count (rounding too much is safe, too
# little is not).
ONBEKEND = "onbekend"
# Rates recomputed from their published (rounded) teller and noemer, with their factor.
RATE_FACTORS: dict[str, float] = {"per_1000": 1000.0, "percentage": 100.0, "bedrag_per_client": 1.0}
RATE_DECIMALS = 2
UNKNOWN_COLUMNS = ("teller", "noemer", "waarde")
VALUE_COLUMNS = ("teller", "noemer", "waarde")


@dataclass(frozen=True)
class DisclosureRule:
    """Suppress figures resting on fewer than ``min_count`` persons; round counts."""

    min_count: int = 10
    round_to: int = 5

    def __post_init__(self) -> None:
        if self.min_count < 1:
            raise ValueError("min_count moet minstens 1 zijn")
        if self.round_to < 1:
            raise ValueError("round_to moet minstens 1 zijn")


def round_count(values: pd.Series, round_to: int) -> pd.Series:
    """Round to the nearest multiple of ``round_to`` (halves up), NaN stays NaN."""
    if round_to == 1:
        return values.round()
    return np.floor(values / round_to + 0.5) * round_to


def protect(
    frame: pd.DataFrame,
    rule: DisclosureRule = DisclosureRule(),
    soort: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A protected copy of ``frame`` with a ``status`` column (ok/afgerond/onderdrukt).

    ``soort`` maps indicator id -> kind (``aantal``, ``per_1000``, ``dagen``, ``bedrag``,
    ``bedrag_per_client``). Without it, a ``soort`` column in the frame is used; rows of an
    unknown kind get teller, noemer and waarde all rounded as counts.
    """
    out = frame.copy()
    for column in VALUE_COLUMNS:
        out[column] = out[column].astype("float64")
    n = pd.to_numeric(out["n"], errors="coerce").astype("float64")
    kinds = _kinds(out, soort)

    suppressed = n.isna() | (n < rule.min_count)
    if "status" in out.columns:
        suppressed |= out["status"].astype("str").eq(ONDERDRUKT).to_numpy()
    changed = pd.Series(False, index=out.index)
    for kind, columns in _kinds_to_columns(kinds).items():
        rows = (kinds == kind) & ~suppressed
        for column in columns:
            before = out.loc[rows, column]
            after = round_count(before, rule.round_to)
            changed.loc[rows] = changed.loc[rows] | ~(before.isna() | (before == after))
            out.loc[rows, column] = after
    teller, noemer = out["teller"], out["noemer"]
    for kind, factor in RATE_FACTORS.items():
        rows = (kinds == kind) & ~suppressed & teller.notna() & noemer.gt(0)
        out.loc[rows, "waarde"] = (factor * teller[rows] / noemer[rows]).round(RATE_DECIMALS)
    rounded_n = round_count(n, rule.round_to)
    changed |= ~suppressed & (rounded_n != n)

    out.loc[suppressed, list(VALUE_COLUMNS)] = np.nan
    out["n"] = rounded_n.where(~suppressed).astype("Int64")
    status = np.where(suppressed, ONDERDRUKT, np.where(changed, AFGEROND, OK))
    if "status" in frame.columns:
        status = np.where(
            (status == OK) & frame["status"].astype("str").eq(AFGEROND), AFGEROND, status
        )
    out["status"] = pd.Series(status, index=out.index, dtype="str")
    return out


def _kinds(frame: pd.DataFrame, soort: Mapping[str, str] | None) -> pd.Series:
    if soort is not None:
        return frame["indicator"].map(dict(soort)).fillna(ONBEKEND).astype("str")
    if "soort" in frame.columns:
        return frame["soort"].fillna(ONBEKEND).astype("str")
    return pd.Series(ONBEKEND, index=frame.index, dtype="str")


def _kinds_to_columns(kinds: pd.Series) -> dict[str, tuple[str, ...]]:
    return {kind: COUNT_COLUMNS.get(kind, UNKNOWN_COLUMNS) for kind in kinds.unique()}


def protect_with_totals(
    frame: pd.DataFrame,
    rule: DisclosureRule = DisclosureRule(),
    soort: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """``protect`` plus secondary suppression, so no hidden cell follows from the totals.

    This is the function every publication should use (``protect`` alone leaves a hidden
    buurt recoverable from its wijk total); see ``privacy.secondary`` for the method.
    """
    from stuurdata.privacy.secondary import secondary_mask, suppression_kinds

    primary = protect(frame, rule, soort)["status"].eq(ONDERDRUKT)
    extra = secondary_mask(frame, primary, suppression_kinds(frame, soort))
    if not extra.any():
        return protect(frame, rule, soort)
    marked = frame.copy()
    before = (
        marked["status"].astype("str")
        if "status" in marked.columns
        else pd.Series("", index=marked.index, dtype="str")
    )
    marked["status"] = before.where(~extra, ONDERDRUKT)
    return protect(marked, rule, soort)
