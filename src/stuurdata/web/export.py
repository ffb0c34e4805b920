"""Tables as Parquet and as Excel-friendly CSV: ``;`` between fields, decimal comma, UTF-8 with BOM.

Dutch Excel opens such a file with a double click and reads the numbers as numbers. Only
published rows are written, with the area name beside the code and without lineage
columns (load ids say nothing to a reader and nothing about a person).
"""

from __future__ import annotations

import io

import pandas as pd

from stuurdata.publication.contract import CSV_COLUMNS, excel_csv
from stuurdata.web.publicatie import WebPublicatie


def _named(pub: WebPublicatie, rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.copy()
    out["gebiedsnaam"] = out["gebiedscode"].map(lambda c: pub.namen.get(str(c), ""))
    return out[[c for c in CSV_COLUMNS if c in out.columns]]


def to_parquet(pub: WebPublicatie, rows: pd.DataFrame) -> bytes:
    """The rows as Parquet (typed columns, for analysts' tools), names beside codes."""
    buffer = io.BytesIO()
    _named(pub, rows).to_parquet(buffer, index=False)
    return buffer.getvalue()


def to_csv(pub: WebPublicatie, rows: pd.DataFrame) -> bytes:
    """The rows as the publication's Excel-friendly CSV (``contract.excel_csv``)."""
    return excel_csv(rows, pub.namen)


def filename(*parts: str) -> str:
    """A safe download name from codes (letters, digits, '-' and '_' only)."""
    safe = ["".join(ch for ch in p if ch.isalnum() or ch in "-_") for p in parts if p]
    return "_".join(["stuurdata", *safe]) + ".csv"
