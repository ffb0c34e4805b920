"""The publication's long contract: one row per published figure, named columns.

Every output reads this table (the report, CLI exports, later the dashboard), so a figure is
computed once and shown the same everywhere. The indicator frame of ``compute_indicators``
maps onto it one to one (``indicator`` becomes ``maat``); ``ondergrens``/``bovengrens`` hold
an interval where a figure has one (forecasts), ``bronnen`` the canonical tables the figure
was computed from, ``ladingen`` the load runs (lineage).

The CSV is for Excel users in the Netherlands: ``;`` as separator, decimal comma, UTF-8 with
BOM, and the names of areas and categories beside their codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from stuurdata.report.categories import category_name

COLUMNS = [
    "maat",
    "versie",
    "niveau",
    "gebiedscode",
    "periodesoort",
    "periode",
    "categorie",
    "teller",
    "noemer",
    "waarde",
    "n",
    "ondergrens",
    "bovengrens",
    "eenheid",
    "status",
    "volledig",
    "bronnen",
    "ladingen",
]
# The Excel CSV: names beside their codes, without the lineage (load ids mean nothing there).
_NAMES = {"gebiedscode": "gebiedsnaam", "categorie": "categorienaam"}
CSV_COLUMNS = [n for c in COLUMNS if c != "ladingen" for n in (c, _NAMES.get(c)) if n]
_OWN = ("eenheid", "bronnen")
NUMERIC = ("teller", "noemer", "waarde", "ondergrens", "bovengrens")


def from_indicators(protected: pd.DataFrame, definitions: Mapping[str, Any]) -> pd.DataFrame:
    """The contract rows of a protected indicator frame (``status`` set by ``privacy``)."""
    if "status" not in protected.columns:
        raise ValueError("Alleen beveiligde cijfers horen in een publicatie (eerst beschermen).")
    out = protected.rename(columns={"indicator": "maat"}).copy()
    out["categorie"] = out["categorie"].fillna("").astype("str")
    # Rows without a definition (the forecast chapter) bring their unit, sources and interval.
    given = {c: out[c] if c in out.columns else pd.Series("", index=out.index) for c in _OWN}
    out["eenheid"] = out["maat"].map(lambda m: _attr(definitions.get(m), "eenheid"))
    out["eenheid"] = out["eenheid"].fillna(given["eenheid"]).fillna("")
    defined = out["maat"].map(lambda m: ",".join(_attr(definitions.get(m), "bronnen") or ()))
    out["bronnen"] = defined.where(defined != "", given["bronnen"].fillna(""))
    for column in ("ondergrens", "bovengrens"):
        if column not in out.columns:
            out[column] = float("nan")
    if "ladingen" not in out.columns:
        out["ladingen"] = ""
    out["ladingen"] = out["ladingen"].map(_lineage)
    # Does the data cover the whole period (a year that starts before the data does not)?
    known = out["volledig"] if "volledig" in out.columns else pd.Series(True, index=out.index)
    out["volledig"] = known.fillna(True).astype(bool)
    out["n"] = pd.to_numeric(out["n"], errors="coerce").astype("Int64")
    out["versie"] = pd.to_numeric(out["versie"], errors="coerce").astype("Int64")
    for column in NUMERIC:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    for column in ("maat", "niveau", "gebiedscode", "periodesoort", "periode", "status"):
        out[column] = out[column].astype("str")
    return out[COLUMNS].reset_index(drop=True)


def as_indicator_frame(cijfers: pd.DataFrame) -> pd.DataFrame:
    """The indicators of the contract in the indicator frame's names (for the report's
    lookups); the chain monitor's rows (``maat`` ketenkwaliteit...) have their own views."""
    indicators = ~cijfers["maat"].astype("str").str.startswith("ketenkwaliteit")
    return cijfers[indicators].rename(columns={"maat": "indicator"})


def _attr(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def _lineage(value: Any) -> str:
    """Load runs as one comma-separated string (stored lists become text in CSV too)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, str):
        return value
    try:
        return ",".join(str(v) for v in value)
    except TypeError:
        return str(value)


def excel_csv(cijfers: pd.DataFrame, names: Mapping[str, str]) -> bytes:
    """The Excel-friendly CSV: ``;``, decimal comma, UTF-8 with BOM, names beside codes.

    Takes the contract or any part of its columns (the dashboard's downloads); counts that
    are whole numbers are written without ",0".
    """
    out = cijfers.copy()
    out["gebiedsnaam"] = out["gebiedscode"].map(lambda c: names.get(str(c), "")).fillna("")
    out["categorienaam"] = [
        _category_label(str(m), str(c)) for m, c in zip(out["maat"], out["categorie"], strict=True)
    ]
    for column in ("teller", "noemer", "n"):
        values = pd.to_numeric(out[column], errors="coerce").dropna()
        if (values == values.round()).all():
            out[column] = pd.to_numeric(out[column], errors="coerce").round().astype("Int64")
    if "volledig" in out.columns:
        out["volledig"] = out["volledig"].map({True: "ja", False: "nee"}).fillna("")
    columns = [c for c in CSV_COLUMNS if c in out.columns]
    text = out[columns].to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return "\ufeff".encode() + text.encode("utf-8")


def write_csv(cijfers: pd.DataFrame, path: Path, names: Mapping[str, str]) -> None:
    """``excel_csv`` into ``path``."""
    Path(path).write_bytes(excel_csv(cijfers, names))


def _category_label(maat: str, categorie: str) -> str:
    if not categorie:
        return ""
    if "_per_categorie_" in maat:
        return category_name(maat.rsplit("_", 1)[-1], categorie)
    return categorie  # groups (age, sex, household) are their own names
