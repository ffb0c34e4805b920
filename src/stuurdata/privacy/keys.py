"""The pseudonymisation key: where it lives, how it is made, and whether it fits the warehouse.

The key file lives outside the warehouse directory (option, ``STUURDATA_SLEUTEL``, or the
user's config folder). The warehouse stores the key's *fingerprint* (``sleutelversie``):
16 hex digits of ``HMAC(key, "vingerafdruk")`` taken through the rotation chain, which
identifies the key without revealing it. Every load and every rotation compares the key it
is given with that fingerprint, because a wrong key does not fail by itself: it silently
gives every person a second pseudonym. So:

- a key that does not match the fingerprint is refused, and nothing is read;
- a missing key file is *not* recreated when the warehouse already has a key (a new key would
  be the same silent split); the user is told to put the right key back;
- a key file that group or others can read is refused (``chmod 600``);
- a warehouse without a fingerprint gets the fingerprint of the first key it is used with
  (a new warehouse, or one made before fingerprints existed: that first key is trusted).

Library functions for ``stuurdata init`` and other callers: ``create_key``, ``fingerprint``,
``key_fingerprint``, ``bind_warehouse`` (file level), ``bind_key`` and ``stored_fingerprint``
(connection level); ``pseudonymiser`` combines them.
"""

from __future__ import annotations

import os
import secrets
import stat
from datetime import datetime
from pathlib import Path

import duckdb

from stuurdata.config import settings
from stuurdata.privacy.pseudonym import KEY_BYTES, KeyError_, Pseudonymiser

FINGERPRINT_TABLE = "sleutelversie"
# The tables that hold pseudonyms: a warehouse with rows here has been keyed already.
_PSEUDONYM_TABLES = ("persoon", "verblijf", "verzoek", "toewijzing", "voorziening")


def key_path(sleutel: Path | None) -> Path:
    """The option wins, then ``STUURDATA_SLEUTEL``, then ``~/.config/stuurdata/sleutel.key``."""
    return Path(sleutel).expanduser() if sleutel else settings().sleutel.expanduser()


def fingerprint(key: bytes) -> str:
    """The fingerprint of key bytes (a plain key or an encoded rotation chain).

    Stored in the warehouse and shown in messages; it does not reveal the key.
    """
    from stuurdata.privacy.rotation import KeyChain

    return KeyChain.decode(key).fingerprint()


def create_key(path: Path) -> str:
    """Create a new key file at ``path`` (mode 0600, folder 0700) and return its fingerprint.

    Refuses (``KeyError_``) when the file exists: overwriting a key orphans every pseudonym
    made with it.
    """
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyError_(f"Sleutelbestand {path} bestaat al; het wordt niet overschreven.") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return fingerprint(key)


def check_private(path: Path) -> None:
    """Refuse a key file that group or others may read or write (POSIX permissions)."""
    if os.name != "posix":  # pragma: no cover - no mode bits on Windows
        return
    mode = stat.S_IMODE(Path(path).stat().st_mode)
    if mode & 0o077:
        raise KeyError_(
            f"Sleutelbestand {path} is ook voor anderen toegankelijk (rechten {mode:04o}). "
            f"Wie de sleutel heeft, kan pseudoniemen terugrekenen naar BSN's. Maak het "
            f"bestand alleen voor uzelf leesbaar met: chmod 600 {path}"
        )


def key_fingerprint(path: Path) -> str:
    """The fingerprint of the key (chain) in an existing key file."""
    from stuurdata.privacy.rotation import read_chain

    return read_chain(Path(path)).fingerprint()


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the key the warehouse was made with (the latest rotation), or None."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
        [FINGERPRINT_TABLE],
    ).fetchall()[0][0]
    if not exists:
        return None
    row = con.execute(
        f"SELECT vingerafdruk FROM {FINGERPRINT_TABLE} ORDER BY sinds DESC, rowid DESC LIMIT 1"
    ).fetchall()
    return str(row[0][0]) if row else None


def record_fingerprint(
    con: duckdb.DuckDBPyConnection, vingerafdruk: str, verwerking_id: str | None = None
) -> None:
    """Add a fingerprint row (first use, or a rotation inside its transaction).

    ``verwerking_id`` is the id of the rotation's audit record (``privacy.audit.missing``).
    """
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {FINGERPRINT_TABLE} "
        "(vingerafdruk VARCHAR NOT NULL, sinds TIMESTAMP NOT NULL, verwerking_id VARCHAR)"
    )
    con.execute(f"ALTER TABLE {FINGERPRINT_TABLE} ADD COLUMN IF NOT EXISTS verwerking_id VARCHAR")
    con.execute(
        f"INSERT INTO {FINGERPRINT_TABLE} (vingerafdruk, sinds, verwerking_id) VALUES (?, ?, ?)",
        [vingerafdruk, datetime.now(), verwerking_id],
    )


def has_pseudonyms(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse already holds pseudonymised rows (so it has a key, known or not)."""
    present = {
        str(r[0])
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }
    return any(
        con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {t} LIMIT 1)").fetchall()[0][0]
        for t in _PSEUDONYM_TABLES
        if t in present
    )


def mismatch_message(pakhuis: Path, path: Path | None, stored: str, given: str) -> str:
    """The Dutch refusal for a key that does not belong to the warehouse."""
    sleutel = f"De sleutel {path}" if path else "Deze sleutel"
    return (
        f"{sleutel} hoort niet bij dit pakhuis ({pakhuis}). Het pakhuis is gemaakt met de "
        f"sleutel met vingerafdruk {stored}; deze sleutel heeft vingerafdruk {given}. Met een "
        "andere sleutel krijgt iedereen een tweede pseudoniem, daarom is er niets gewijzigd. "
        "Geef de juiste sleutel op met --sleutel of STUURDATA_SLEUTEL, of zet hem terug uit "
        "de back-up."
    )


def bind_key(con: duckdb.DuckDBPyConnection, key: bytes, pakhuis: Path) -> str:
    """Check ``key`` against the warehouse's fingerprint; record it on first use.

    Raises ``KeyError_`` (Dutch) when the warehouse was made with another key. Returns the
    fingerprint. Call it on every connection that is about to write pseudonyms.
    """
    given = fingerprint(key)
    stored = stored_fingerprint(con)
    if stored is None:
        record_fingerprint(con, given)
    elif stored != given:
        raise KeyError_(mismatch_message(pakhuis, None, stored, given))
    return given


def _warehouse_state(pakhuis: Path) -> tuple[str | None, bool]:
    """(stored fingerprint, holds pseudonyms) of an existing warehouse file."""
    from stuurdata.warehouse.database import guarded, open_warehouse

    con = open_warehouse(pakhuis, create=False)
    try:
        return guarded(pakhuis, lambda: (stored_fingerprint(con), has_pseudonyms(con)))
    finally:
        con.close()


def bind_warehouse(pakhuis: Path, sleutel: Path) -> str:
    """Record the key file's fingerprint in the warehouse (made if missing), or check it.

    For ``stuurdata init`` and scripts that prepare an installation: afterwards every load
    and rotation on ``pakhuis`` accepts only this key. Returns the fingerprint; raises
    ``KeyError_`` (Dutch) when the warehouse already belongs to another key.
    """
    from stuurdata.privacy.rotation import read_chain
    from stuurdata.warehouse.load import connect

    key = read_chain(Path(sleutel)).encoded()
    con = connect(pakhuis)
    try:
        return bind_key(con, key, Path(pakhuis))
    finally:
        con.close()


def pseudonymiser(sleutel: Path | None = None, pakhuis: Path | None = None) -> Pseudonymiser:
    """A pseudonymiser with the installation's key, checked against ``pakhuis`` when given.

    Without a key file one is created (0600), unless ``pakhuis`` already has a key: then the
    missing file is an error, not a reason for a new key. A key that does not match the
    warehouse's fingerprint, or that others can read, is refused (``KeyError_``, Dutch).
    The key file may hold rotation links (``privacy.rotation``); they are applied in order.
    With ``pakhuis``, the region's shared key is added when the installation has one
    (``privacy.regio``: only under the ``regio-koppeling`` purpose).
    """
    from stuurdata.privacy.rotation import pseudonymiser_from_key, read_chain

    path = key_path(sleutel)
    stored, keyed = (None, False)
    if pakhuis is not None and Path(pakhuis).exists():
        stored, keyed = _warehouse_state(Path(pakhuis))
    if not path.exists():
        if stored or keyed:
            known = f" (vingerafdruk {stored})" if stored else ""
            raise KeyError_(
                f"Sleutelbestand {path} ontbreekt, maar pakhuis {pakhuis} is al met een "
                f"sleutel gemaakt{known}. Er wordt geen nieuwe sleutel gemaakt: dan kreeg "
                "iedereen een tweede pseudoniem. Zet de sleutel terug uit de back-up, of geef "
                "de juiste op met --sleutel of STUURDATA_SLEUTEL."
            )
        create_key(path)
    chain = read_chain(path)
    if stored is not None and stored != chain.fingerprint():
        raise KeyError_(mismatch_message(Path(pakhuis or ""), path, stored, chain.fingerprint()))
    pseudo = pseudonymiser_from_key(chain.encoded())
    if pakhuis is not None:  # the region's key, only under its own purpose
        from stuurdata.privacy.regio import regio_key

        pseudo.regio_key = regio_key(Path(pakhuis), chain.encoded())
    return pseudo
