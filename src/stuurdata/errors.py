"""Problems the user can fix, as one Dutch sentence instead of a traceback.

A library function raises ``UserError`` (or a subclass) where it knows the file involved and
what to do about it; the command line prints the message and exits with code 1
(``cli_guard``). ``user_message`` also translates the few low-level errors that can reach a
command from anywhere (a locked or damaged DuckDB file, a damaged management store, a bad
``STUURDATA_*`` setting), so that no command shows a traceback for them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path


class UserError(Exception):
    """A problem the user can fix; ``str(exc)`` is the Dutch message to print."""


_LOCKED = "Could not set lock on file"
_DAMAGED = (
    "not a valid DuckDB database file",
    "Corrupt database file",
    "Could not read enough bytes",
    "database has been invalidated",
    "Failed to load metadata",
)
_STORE_DAMAGED = ("file is not a database", "database disk image is malformed", "malformed")


def private_files() -> None:
    """Make every file this process creates from now on private to the user (umask 077).

    The warehouse, its WAL file and its log are created by DuckDB and ``logging`` with the
    process umask; tightening the umask is the one way to make all of them 0600, including a
    WAL file DuckDB recreates later. Group and other bits are only ever removed.
    """
    if os.name != "posix":  # pragma: no cover - Windows has no umask bits to tighten
        return
    current = os.umask(0o077)
    os.umask(current | 0o077)


def warehouse_error(pakhuis: Path, exc: Exception) -> UserError | None:
    """The Dutch message for a DuckDB error when opening or reading ``pakhuis`` (or None)."""
    text = str(exc)
    if _LOCKED in text:
        return UserError(
            f"Het pakhuis {pakhuis} is in gebruik door een ander proces (bijvoorbeeld een "
            "inlezen of rapport dat nog loopt). Wacht tot dat klaar is en probeer het opnieuw."
        )
    if any(marker in text for marker in _DAMAGED):
        return UserError(
            f"Het pakhuis {pakhuis} is beschadigd of geen DuckDB-bestand. Er is niets gewijzigd. "
            "Zet een back-up van het pakhuis terug, of lees de bronbestanden opnieuw in een "
            "nieuw pakhuis in."
        )
    return None


def store_error(where: str, exc: Exception) -> UserError | None:
    """The Dutch message for a damaged management store (SQLite) at ``where`` (or None)."""
    text = str(exc)
    if any(marker in text for marker in _STORE_DAMAGED):
        return UserError(
            f"Het beheerbestand {where} (doelen, projecten en auditlog) is beschadigd of geen "
            "SQLite-database. Er is niets gewijzigd. Zet een back-up van dat bestand terug."
        )
    return None


def _settings_message(exc: Exception) -> str | None:
    errors = getattr(exc, "errors", None)
    if getattr(exc, "title", None) != "Settings" or not callable(errors):
        return None
    parts = []
    for error in errors():
        name = "STUURDATA_" + "_".join(str(p) for p in error.get("loc", ())).upper()
        value = error.get("input")
        context = error.get("ctx") or {}
        if "ge" in context:
            reason = f"moet minstens {context['ge']} zijn"
        elif str(error.get("type", "")).endswith("_parsing"):
            reason = "moet een geheel getal zijn"
        else:
            reason = "is ongeldig"
        parts.append(f"{name}={value!s} {reason}")
    return "Ongeldige instelling: " + "; ".join(parts) + ". Pas de omgevingsvariabele aan."


def user_message(exc: BaseException) -> str | None:
    """The Dutch message for an error a user can fix, or None for a real bug."""
    if isinstance(exc, UserError):
        return str(exc)
    if not isinstance(exc, Exception):
        return None
    settings = _settings_message(exc)
    if settings:
        return settings
    module = type(exc).__module__ or ""
    if _out_of_memory(module, str(exc)):
        cap = os.environ.get("STUURDATA_GEHEUGEN", "").strip()
        limit = f"STUURDATA_GEHEUGEN={cap}" if cap else "het geheugen van deze machine"
        return (
            f"Deze opdracht had meer werkgeheugen nodig dan {limit} toestaat en is gestopt. "
            "Verhoog STUURDATA_GEHEUGEN (bijvoorbeeld 4GB), of laat hem leeg zodat DuckDB "
            "zelf kiest, en start de opdracht opnieuw."
        )
    if module.startswith(("duckdb", "_duckdb")):
        match = re.search(r'file "([^"]+)"', str(exc))
        found = warehouse_error(Path(match.group(1) if match else "(onbekend)"), exc)
        return str(found) if found else None
    if module.startswith("sqlalchemy") or module.startswith("sqlite3"):
        found = store_error("van deze installatie", exc)
        return str(found) if found else None
    return None


def _out_of_memory(module: str, text: str) -> bool:
    """DuckDB's "Out of Memory Error", or Sail's (DataFusion's) "Resources exhausted" over
    Spark Connect: the cap of ``STUURDATA_GEHEUGEN`` reached where nothing could spill."""
    if module.startswith(("duckdb", "_duckdb")):
        return "Out of Memory Error" in text
    return module.startswith("pyspark") and "Resources exhausted" in text
