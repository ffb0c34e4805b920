"""Indicators: definitions as data (YAML), computed with Ibis, published only protected."""

from __future__ import annotations

from stuurdata.indicators.compute import compute_indicators
from stuurdata.indicators.publish import export_csv
from stuurdata.indicators.registry import Definition, load_definitions
from stuurdata.indicators.store import read_indicators, store_indicators

__all__ = [
    "Definition",
    "compute_indicators",
    "export_csv",
    "load_definitions",
    "read_indicators",
    "store_indicators",
]
