"""stuurdata: data-driven steering for the social domain of Dutch municipalities.

The public API is small and stable; every CLI command is a thin wrapper over one of these.
Imports are lazy so that ``stuurdata --help`` does not pay for Ibis, Altair and friends.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "generate": "stuurdata.synth",
    "load_sources": "stuurdata.warehouse.load",
    "connect": "stuurdata.warehouse.load",
    "pseudonymiser": "stuurdata.privacy.keys",
    "compute_indicators": "stuurdata.indicators",
    "load_definitions": "stuurdata.indicators",
    "protect": "stuurdata.privacy.disclosure",
    "DisclosureRule": "stuurdata.privacy.disclosure",
    "publish": "stuurdata.pipeline",
    "write_indicators": "stuurdata.pipeline",
    "write_report": "stuurdata.pipeline",
    "run_demo": "stuurdata.demo",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'stuurdata' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
