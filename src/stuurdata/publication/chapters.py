"""Chapters that are not yet rows of the contract, stored as data beside it.

"Datakwaliteit", "Prognose en budget" and "Integraal beeld" are still computed and
protected by their own modules (with the publication's rule and scope); the publication
keeps their finished, protected content (the report model's dataclasses) so the report
renders without the warehouse. The codec is JSON with an allow-list of classes: a
publication folder never makes the reader import or run anything else.
"""

from __future__ import annotations

import dataclasses
import importlib
from datetime import date, datetime
from typing import Any

_ALLOWED = (
    "stuurdata.report.model",
    "stuurdata.report.meta",
    "stuurdata.report.kwaliteit",
    "stuurdata.report.aanbieders",
)
_TYPE = "__type__"


def encode(value: Any) -> Any:
    """A JSON-able tree of dataclasses, tuples, dicts, dates and plain values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        if cls.__module__ not in _ALLOWED:
            raise TypeError(f"{cls.__module__}.{cls.__name__} is not a storable chapter part")
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {_TYPE: f"{cls.__module__}:{cls.__name__}", **fields}
    if isinstance(value, datetime):
        return {_TYPE: "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {_TYPE: "date", "v": value.isoformat()}
    if isinstance(value, tuple):
        return {_TYPE: "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if _TYPE in value:
            raise TypeError(f"a dict with a {_TYPE!r} key cannot be stored")
        return {str(k): encode(v) for k, v in value.items()}
    if hasattr(value, "item") and not isinstance(value, str | int | float | bool):
        value = value.item()  # numpy scalars in chart specs
    if isinstance(value, float):
        # Chart data carries what the chart shows; two decimals is more than any chart needs
        # and keeps long digit runs (which look like identifiers) out of the file.
        return round(value, 2)
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"{type(value).__name__} cannot be stored in a publication")


def decode(value: Any) -> Any:
    """The inverse of ``encode``; only allow-listed classes are rebuilt."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get(_TYPE)
    if kind is None:
        return {k: decode(v) for k, v in value.items()}
    if kind == "datetime":
        return datetime.fromisoformat(value["v"])
    if kind == "date":
        return date.fromisoformat(value["v"])
    if kind == "tuple":
        return tuple(decode(v) for v in value["v"])
    module, _, name = str(kind).partition(":")
    if module not in _ALLOWED:
        raise ValueError(f"onbekend onderdeel in de publicatie: {kind}")
    cls: Any = getattr(importlib.import_module(module), name, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"onbekend onderdeel in de publicatie: {kind}")
    return cls(**{k: decode(v) for k, v in value.items() if k != _TYPE})
