"""The publication: every figure computed once, protected once, shown the same everywhere.

``publiceer`` (``publication.publish``) is the one step between the warehouse and every
output; ``write_publication``/``read_publication`` (``publication.store``) keep it on disk
as ``cijfers.parquet``, ``cijfers.csv`` and ``publicatie.json``. ``Scope``
(``publication.scope``) is the gemeente and the end of the data, decided once.

Imports are lazy: the report reads publications, and the publication builds on report
chapters, so neither may import the other at module load.
"""

from __future__ import annotations

import importlib
from typing import Any

_API = {
    "Publicatie": "stuurdata.publication.publish",
    "publiceer": "stuurdata.publication.publish",
    "Scope": "stuurdata.publication.scope",
    "ScopeError": "stuurdata.publication.scope",
    "decide_scope": "stuurdata.publication.scope",
    "read_publication": "stuurdata.publication.store",
    "write_publication": "stuurdata.publication.store",
}

__all__ = list(_API)


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'stuurdata.publication' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
