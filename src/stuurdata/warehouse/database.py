"""Opening the warehouse file: private when created, a Dutch message when locked or damaged.

Every path that opens the DuckDB file for writing goes through ``open_warehouse`` (loading,
rotation, the CLI's ``_warehouse``), so a second process holding the lock, or a damaged
file, stops the command with one Dutch sentence naming the file instead of a traceback.

``STUURDATA_GEHEUGEN`` (e.g. ``6GB``) caps DuckDB's memory for every connection opened here:
DuckDB's own default is 80 % of the machine's memory, too much on a server shared with other
work or for a very large gemeente; above the cap DuckDB spills to a temporary folder beside
the warehouse instead of growing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from stuurdata.errors import UserError, private_files, warehouse_error

T = TypeVar("T")

GEHEUGEN_ENV = "STUURDATA_GEHEUGEN"
_AMOUNT = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)", re.IGNORECASE)


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
    limit = memory_limit()
    con = guarded(pakhuis, lambda: duckdb.connect(str(pakhuis), read_only=read_only))
    if limit:
        con.execute(f"SET memory_limit = '{limit}'")
    return con


def memory_limit() -> str | None:
    """``STUURDATA_GEHEUGEN`` checked (an amount with a unit, e.g. ``6GB``), or None if unset."""
    value = os.environ.get(GEHEUGEN_ENV, "").strip()
    if not value:
        return None
    if not _AMOUNT.fullmatch(value):
        raise UserError(
            f"{GEHEUGEN_ENV}={value!r} is geen hoeveelheid geheugen. "
            "Geef een getal met een eenheid, bijvoorbeeld 6GB of 500MB."
        )
    return value


def guarded(pakhuis: Path, step: Callable[[], T]) -> T:
    """Run one step on the warehouse, turning a lock or damage into a Dutch ``UserError``."""
    try:
        return step()
    except duckdb.Error as exc:
        found = warehouse_error(Path(pakhuis), exc)
        if found is None:
            raise
        raise found from exc
