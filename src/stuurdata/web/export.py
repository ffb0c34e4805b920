"""Tables as Parquet and as Excel-friendly CSV: ``;`` between fields, decimal comma, UTF-8 with BOM.

Dutch Excel opens such a file with a double click and reads the numbers as numbers. Only
published rows are written, with the area name beside the code and without lineage
columns (load ids say nothing to a reader and nothing about a person).
"""

from __future__ import annotations

import io

import pandas as pd

from stuurdata.web.publicatie import WebPublicatie

KOLOMMEN = [
    "maat",
    "versie",
    "niveau",
    "gebiedscode",
    "gebiedsnaam",
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
]


def _named(pub: WebPublicatie, rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.copy()
    out["gebiedsnaam"] = out["gebiedscode"].map(lambda c: pub.namen.get(str(c), ""))
    return out[KOLOMMEN]


def to_parquet(pub: WebPublicatie, rows: pd.DataFrame) -> bytes:
    """The rows as Parquet (typed columns, for analysts' tools), names beside codes."""
    buffer = io.BytesIO()
    _named(pub, rows).to_parquet(buffer, index=False)
    return buffer.getvalue()


def to_csv(pub: WebPublicatie, rows: pd.DataFrame) -> bytes:
    """The rows as CSV bytes (BOM first) in the contract's order, names beside codes."""
    out = _named(pub, rows)
    for column in ("teller", "noemer", "n"):
        values = out[column].dropna()
        if (values == values.round()).all():  # counts as whole numbers, not "55,0"
            out[column] = out[column].round().astype("Int64")
    text = out.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return "\ufeff".encode() + text.encode("utf-8")


def filename(*parts: str) -> str:
    """A safe download name from codes (letters, digits, '-' and '_' only)."""
    safe = ["".join(ch for ch in p if ch.isalnum() or ch in "-_") for p in parts if p]
    return "_".join(["stuurdata", *safe]) + ".csv"
