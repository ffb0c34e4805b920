"""Key rotation without BSNs: the pseudonym becomes a chain of keyed steps.

The warehouse holds no BSN, so after a rotation it cannot recompute ``HMAC(new, bsn)``.
Instead a rotation adds a *link*: every stored pseudonym ``id`` becomes
``HMAC(link, "herpseudonimisering:" + id)[:32 hex]``, in every table that has a
``persoon_id`` or ``huishouden_id`` column, in one DuckDB transaction. The key file then
holds the base key and the links in order, and the pseudonymiser applies them in turn, so a
new load after the rotation produces exactly the re-keyed ids for the same BSN.

What this buys: a copy of the *old* key file (leaked, on a backup, with a former employee)
no longer links BSNs to the warehouse, because the stored ids now also depend on the new
link. What it cannot do: the current key file contains the old material as well, so whoever
holds the current file holds everything (as before the rotation).

The key file format (mode 0600), compatible with a key file from before any rotation::

    <base key, hex>
    herpseudonimisering <link 1, hex>
    herpseudonimisering <link 2, hex>

Crash safety: the new chain is first written to ``<key>.nieuw``; the warehouse transaction
records the new chain's fingerprint in ``sleutelversie``; only then is ``.nieuw`` renamed over
the key file. A crash in between is finished (or undone) by the next ``rotate`` call.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import struct
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from stuurdata.privacy.keys import (
    check_private,
    mismatch_message,
    record_fingerprint,
    stored_fingerprint,
)
from stuurdata.privacy.pseudonym import KEY_BYTES, REGIO_MARKER, KeyError_, Pseudonymiser
from stuurdata.warehouse.database import guarded, open_warehouse

LINK_WORD = "herpseudonimisering"
_MAGIC = b"stuurdata-keten-1\x00"


@dataclass(frozen=True)
class KeyChain:
    """The base key and the rotation links, oldest first."""

    base: bytes
    links: tuple[bytes, ...] = ()

    def encoded(self) -> bytes:
        """One byte string for ``Pseudonymiser(key)`` and reader processes.

        Without links it is the base key itself, so nothing changes for an unrotated key.
        """
        if not self.links:
            return self.base
        parts = [self.base, *self.links]
        return _MAGIC + b"".join(struct.pack(">H", len(p)) + p for p in parts)

    @classmethod
    def decode(cls, key: bytes) -> KeyChain:
        if not key.startswith(_MAGIC):
            return cls(key)
        parts, rest = [], key[len(_MAGIC) :]
        while rest:
            (size,) = struct.unpack(">H", rest[:2])
            parts.append(rest[2 : 2 + size])
            rest = rest[2 + size :]
        return cls(parts[0], tuple(parts[1:]))

    def rotated(self) -> KeyChain:
        return KeyChain(self.base, (*self.links, secrets.token_bytes(KEY_BYTES)))

    def fingerprint(self) -> str:
        """Identifies the chain without revealing it (stored in the warehouse)."""
        return chain_digest(self, "vingerafdruk")[:16]

    def text(self) -> str:
        lines = [self.base.hex()] + [f"{LINK_WORD} {link.hex()}" for link in self.links]
        return "\n".join(lines) + "\n"


def rekey_id(link: bytes, old: str) -> str:
    """One rotation step for one pseudonym."""
    return hmac.new(link, f"{LINK_WORD}:{old}".encode(), hashlib.sha256).hexdigest()[:32]


def chain_digest(chain: KeyChain, text: str) -> str:
    digest = hmac.new(chain.base, text.encode(), hashlib.sha256).hexdigest()[:32]
    for link in chain.links:
        digest = rekey_id(link, digest)
    return digest


class ChainPseudonymiser(Pseudonymiser):
    """A ``Pseudonymiser`` that applies the rotation links after the base HMAC.

    ``key`` is ``KeyChain.encoded()``; for an unrotated key the ids are exactly those of the
    plain ``Pseudonymiser``.
    """

    def __init__(self, key: bytes) -> None:
        super().__init__(key)
        self._chain = KeyChain.decode(key)

    def _hash(self, text: str) -> str:
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = chain_digest(self._chain, text)
        return cached


def pseudonymiser_from_key(key: bytes) -> Pseudonymiser:
    """What reader processes should build from the key bytes they are handed
    (``Pseudonymiser.handover``: the municipal key, with the regional key when set)."""
    key, _, regio = key.partition(REGIO_MARKER)
    pseudo = ChainPseudonymiser(key) if key.startswith(_MAGIC) else Pseudonymiser(key)
    pseudo.regio_key = regio or None
    return pseudo


def read_chain(path: Path) -> KeyChain:
    """The chain in an existing key file (``keys.create_key`` makes one; never done here).

    Refuses a missing, unreadable, malformed or group/other-readable file (``KeyError_``).
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise KeyError_(
            f"Sleutelbestand {path} ontbreekt. Geef de juiste sleutel op met --sleutel of "
            "STUURDATA_SLEUTEL, of zet hem terug uit de back-up."
        )
    check_private(path)
    try:
        lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
        base = bytes.fromhex(lines[0][0])
        links = []
        for words in lines[1:]:
            if len(words) != 2 or words[0] != LINK_WORD:
                raise ValueError(words[0] if words else "")
            links.append(bytes.fromhex(words[1]))
    except (OSError, ValueError, IndexError) as exc:
        raise KeyError_(f"Sleutelbestand {path} is niet leesbaar of geen geldige sleutel.") from exc
    if len(base) < 16:
        raise KeyError_(f"Sleutelbestand {path} bevat een te korte sleutel.")
    return KeyChain(base, tuple(links))


def _write_private(path: Path, content: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@dataclass
class RotationResult:
    """What a rotation changed (counts only)."""

    pseudoniemen: int
    tabellen: list[str]
    vingerafdruk: str


def _pending(path: Path) -> Path:
    return path.with_name(path.name + ".nieuw")


def finish_pending(pakhuis: Path, sleutel: Path) -> None:
    """Complete or undo a rotation that was interrupted between its two steps."""
    pending = _pending(Path(sleutel))
    if not pending.exists():
        return
    new = read_chain(pending)
    con = open_warehouse(pakhuis, create=False)
    try:
        committed = guarded(pakhuis, lambda: stored_fingerprint(con)) == new.fingerprint()
    finally:
        con.close()
    if committed:
        os.replace(pending, sleutel)
    else:
        pending.unlink()


def rotate(pakhuis: Path, sleutel: Path, *, verwerking_id: str | None = None) -> RotationResult:
    """Re-key every pseudonym in the warehouse in one transaction, then switch the key file.

    The old key must match the fingerprint stored in the warehouse (``keys``); a missing key
    file or a missing warehouse is refused, never created. ``verwerking_id`` (the id of the
    audit record the caller appends afterwards) is stored in the same transaction, so a
    rotation whose record never got written is found (``privacy.audit.missing``).
    """
    pakhuis, sleutel = Path(pakhuis), Path(sleutel).expanduser()
    finish_pending(pakhuis, sleutel)
    old = read_chain(sleutel)
    new = old.rotated()
    link = new.links[-1]
    con = open_warehouse(pakhuis, create=False)
    try:
        current = guarded(pakhuis, lambda: stored_fingerprint(con))
        if current is not None and current != old.fingerprint():
            raise KeyError_(mismatch_message(pakhuis, sleutel, current, old.fingerprint()))
        _write_private(_pending(sleutel), new.text())
        targets = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE column_name IN ('persoon_id', 'huishouden_id') AND table_schema = 'main' "
            "ORDER BY table_name, column_name"
        ).fetchall()
        con.execute("BEGIN TRANSACTION")
        ids: set[str] = set()
        for table, column in targets:
            rows = con.execute(
                f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
            )
            ids.update(r[0] for r in rows.fetchall())
        mapping = pa.table(  # noqa: F841 - read by DuckDB below
            {"oud": list(ids), "nieuw": [rekey_id(link, i) for i in ids]}
        )
        con.execute("CREATE TEMP TABLE herpseudo AS SELECT * FROM mapping")
        for table, column in targets:
            con.execute(
                f'UPDATE "{table}" SET "{column}" = h.nieuw FROM herpseudo h '
                f'WHERE "{table}"."{column}" = h.oud'
            )
        record_fingerprint(con, new.fingerprint(), verwerking_id)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        _pending(sleutel).unlink(missing_ok=True)
        raise
    finally:
        con.close()
    os.replace(_pending(sleutel), sleutel)
    return RotationResult(len(ids), sorted({t for t, _ in targets}), new.fingerprint())
