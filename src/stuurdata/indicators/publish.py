"""Published (protected) indicator values and the CSV export.

Everything that leaves the platform goes through ``privacy.disclosure.protect``; this
module is the door for indicator figures. ``export_csv`` refuses a frame without a
``status`` column, so an unprotected frame cannot be exported by mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from stuurdata.indicators.compute import compute_indicators, select_definitions
from stuurdata.indicators.store import read_indicators
from stuurdata.privacy.disclosure import DisclosureRule, protect

CSV_COLUMNS = [
    "indicator",
    "versie",
    "niveau",
    "gebiedscode",
    "periodesoort",
    "periode",
    "teller",
    "noemer",
    "waarde",
    "status",
]


def published_indicators(
    con: duckdb.DuckDBPyConnection,
    rule: DisclosureRule = DisclosureRule(),  # noqa: B008 (frozen, so a safe default)
    ids: Sequence[str] | None = None,
    from_store: bool = False,
) -> pd.DataFrame:
    """Protected indicator values: computed now, or (``from_store``) read from the store.

    From the store only values of the current definition versions are used.
    """
    definitions = select_definitions(ids)
    if from_store:
        frame = read_indicators(
            con, [d.id for d in definitions], {d.id: d.versie for d in definitions}
        )
    else:
        frame = compute_indicators(con, [d.id for d in definitions])
    return protect(frame, rule, {d.id: d.soort for d in definitions})


def export_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write the protected long table as CSV (UTF-8, comma, empty = no value).

    Indicators with a category (``clienten_per_categorie_*``) get it in the id column:
    ``clienten_per_categorie_wmo:02``.
    """
    if "status" not in frame.columns:
        raise ValueError("Alleen beveiligde cijfers kunnen worden geëxporteerd (eerst protect).")
    out = frame.copy()
    if "categorie" in out.columns:
        has = out["categorie"].fillna("").astype("str") != ""
        out.loc[has, "indicator"] = out.loc[has, "indicator"] + ":" + out.loc[has, "categorie"]
    out[CSV_COLUMNS].to_csv(Path(path), index=False, encoding="utf-8", float_format="%.10g")
