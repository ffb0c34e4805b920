"""Opening the warehouse file: private when created, a Dutch message when locked or damaged.

Every path that opens the DuckDB file for writing goes through ``open_warehouse`` (loading,
rotation, the CLI's ``_warehouse``), so a second process holding the lock, or a damaged
file, stops the command with one Dutch sentence naming the file instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from stuurdata.errors import UserError, private_files, warehouse_error

T = TypeVar("T")


def open_warehouse(
    pakhuis: Path, *, read_only: bool = False, create: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open ``pakhuis``; a new file (and its WAL) is created 0600.

    ``create=False`` refuses a missing file instead of making an empty warehouse (rotation,
    key checks: an empty warehouse there would hide a wrong path).
    """
    pakhuis = Path(pakhuis)
    if not create and not pakhuis.exists():
        raise UserError(f"Pakhuis {pakhuis} bestaat niet. Controleer --pakhuis.")
    if not pakhuis.exists():
        pakhuis.parent.mkdir(parents=True, exist_ok=True)
    private_files()
    return guarded(pakhuis, lambda: duckdb.connect(str(pakhuis), read_only=read_only))


def guarded(pakhuis: Path, step: Callable[[], T]) -> T:
    """Run one step on the warehouse, turning a lock or damage into a Dutch ``UserError``."""
    try:
        return step()
    except duckdb.Error as exc:
        found = warehouse_error(Path(pakhuis), exc)
        if found is None:
            raise
        raise found from exc
