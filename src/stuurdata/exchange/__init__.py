"""The columnar exchange format: the canonical tables as Parquet, one folder per gemeente.

A region or the country is a set of such exports; Spark (``stuurdata.engine.spark``) and
DuckDB read them back. See docs/schaal.md.
"""

from stuurdata.exchange.parquet import (
    MANIFEST,
    ExportResult,
    export_parquet,
    open_export,
    read_manifest,
    verify_export,
)

__all__ = [
    "MANIFEST",
    "ExportResult",
    "export_parquet",
    "open_export",
    "read_manifest",
    "verify_export",
]
