"""The contract between readers and the loader.

A reader turns one source file into a stream of ``Unit`` (one message or one CSV row that
passed the reader's checks) and ``Rejection`` (one that did not). A unit carries rows for the
canonical tables, keyed by table name, with exactly the columns of ``warehouse.schema``
except ``lading_id`` (the loader adds lineage). Readers never touch the warehouse: duplicate
detection and checks against what is already stored happen in the loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Row = dict[str, object]


@dataclass(slots=True)
class SourceFile:
    """One file's bytes; ``name`` is what users see (``archive.zip!member`` for zips).

    ``name`` is never the file's own name (that may hold a BSN or a person's name) but its
    hash-based stand-in (``sources.files.safe_name``). ``error`` is set, and ``data`` empty,
    when the file could not be read: the loader quarantines it with that Dutch reason.
    """

    name: str
    data: bytes
    sha256: str
    error: str | None = None


@dataclass(slots=True)
class Unit:
    """One record that passed the door.

    ``key`` is its identity (``bericht_id`` for a message); re-reading a unit with a known
    key counts as a duplicate. ``kind`` says where the loader looks for known keys:
    ``bericht`` (the bericht table) or ``verblijf`` (identical residence period).
    """

    key: str
    kind: str
    position: str
    rows: dict[str, list[Row]] = field(default_factory=dict)
    afzender: str | None = None
    berichttype: str | None = None


@dataclass(slots=True)
class Rejection:
    """One record sent to quarantine, with a Dutch reason that names the place.

    ``message`` must never contain a BSN, name or address: pass it through
    ``privacy.bsn.scrub`` when it quotes source values.
    """

    position: str
    kind: str
    message: str
    afzender: str | None = None
    berichttype: str | None = None
    bericht_id: str | None = None
