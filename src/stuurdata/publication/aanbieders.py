"""Cost per client per provider, protected inside ``publiceer`` under the publication's rule.

``analysis.providers.provider_costs`` computes the funnel (unprotected); this is the step
that makes it publishable, so no module outside ``publication/`` calls the disclosure
functions for the chain-quality chapter. The funnel's rows (index, effective number of
clients, limits per law) are not yet rows of the contract: the protected frame becomes the
report's block (``report.aanbieders.provider_block``), stored with the publication.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stuurdata.analysis.providers import COLUMNS, Aanbiederskosten
from stuurdata.privacy.disclosure import DisclosureRule, protect, round_count
from stuurdata.privacy.rule import configured_rule

PUBLISHED = [c for c in COLUMNS if c != "bedrag_cent"] + ["status"]
_DERIVED = [
    "kosten_per_client",
    "verwacht_per_client",
    "index",
    "n_eff",
    "ondergrens_95",
    "bovengrens_95",
    "ondergrens_998",
    "bovengrens_998",
]


def publish_providers(result: Aanbiederskosten, rule: DisclosureRule | None = None) -> pd.DataFrame:
    """A disclosure-controlled copy of ``result.rijen``.

    Providers (or provider-category rows) with fewer than ``rule.min_count`` clients are
    suppressed: cost per client, index, limits and verdict emptied, ``status`` onderdrukt.
    Client counts and effective numbers are rounded. Amounts are left out (an exact amount
    beside an exact cost per client would give the unrounded number of clients), and so are
    per-row limits at an exact ``n_eff``; ``doel`` and ``sd`` per law draw the lines.
    A provider's total row is the sum of its category rows, so when exactly one category row
    of a published provider is suppressed, its smallest other category row is suppressed too
    (secondary suppression: otherwise subtraction would give it back).
    """
    rule = rule or configured_rule()
    rows = result.rijen
    frame = pd.DataFrame(
        {
            "indicator": "kosten_per_client",
            "teller": rows["bedrag_cent"],
            "noemer": rows["clienten"],
            "waarde": rows["kosten_per_client"],
            "n": rows["clienten"],
            "soort": "bedrag_per_client",
        }
    )
    protected = protect(frame, rule)
    out = rows.copy()
    hidden = protected["status"].eq("onderdrukt").to_numpy(dtype=bool, copy=True)
    hidden |= _secondary(rows, hidden)
    out["status"] = np.where(hidden, "onderdrukt", protected["status"])
    out["clienten"] = round_count(rows["clienten"].astype("float64"), rule.round_to)
    out["n_eff"] = round_count(rows["n_eff"].astype("float64"), rule.round_to)
    out.loc[hidden, [*_DERIVED, "clienten"]] = np.nan
    out["oordeel"] = out["oordeel"].astype("object")
    out.loc[hidden, "oordeel"] = None
    for c in ("ondergrens_95", "bovengrens_95", "ondergrens_998", "bovengrens_998"):
        out[c] = np.nan
    return out[PUBLISHED].reset_index(drop=True)


def _secondary(rows: pd.DataFrame, hidden: np.ndarray) -> np.ndarray:
    extra = np.zeros(len(rows), bool)
    is_cat = rows["niveau"].eq("categorie").to_numpy()
    tops = rows[rows["niveau"].eq("aanbieder").to_numpy() & ~hidden]
    for wet, agb in zip(tops["wet"], tops["aanbieder"], strict=True):
        mine = is_cat & rows["wet"].eq(wet).to_numpy() & rows["aanbieder"].eq(agb).to_numpy()
        if (mine & hidden).sum() != 1:
            continue
        open_ = np.flatnonzero(mine & ~hidden)
        if len(open_):
            smallest = open_[np.argmin(rows["clienten"].to_numpy()[open_])]
            extra[smallest] = True
    return extra
