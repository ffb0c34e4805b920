"""The engineer's long CSV of indicator values.

Figures are protected by the publication (``publication.protect_indicators``) before they
get here; ``export_csv`` refuses a frame without a ``status`` column, so an unprotected
frame cannot be exported by mistake.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

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
