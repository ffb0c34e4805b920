"""The audit log, modelled on GEMMA Logging Verwerkingen: one record per processing.

Every load, computation, report, export and view appends a record: the processing activity,
purpose, legal basis, actor, role, time, sources, number of persons involved and the output
produced, and whether it was carried out, refused or failed. Records never hold a BSN or any
person data: only counts, names of sources and paths of outputs.

Tamper evidence: each record carries ``hash = sha256(previous hash + canonical JSON of the
record)``, so changing, deleting or reordering any record breaks the chain from there on.
Deleting the *last* records leaves a valid shorter chain; to catch that, every append also
writes the head (sequence number and hash) to an anchor file beside the warehouse, and
``verify`` compares. Whoever can rewrite both the store and the anchor can forge a history;
only copying the head elsewhere (print it, mail it to the privacy officer) defends against
that, which is what ``head`` is for.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from stuurdata.privacy.store import audit_table, engine_for

GENESIS = "0" * 64
UITGEVOERD = "uitgevoerd"
GEWEIGERD = "geweigerd"
MISLUKT = "mislukt"
_HASHED = (
    "volgnummer",
    "verwerking_id",
    "tijdstip",
    "activiteit",
    "resultaat",
    "doel",
    "grondslag",
    "actor",
    "rol",
    "bronnen",
    "personen",
    "uitvoer",
    "toelichting",
    "vorige_hash",
)


@dataclass
class AuditRecord:
    """One processing as logged; ``bronnen`` is a JSON list in text form (hashed as stored)."""

    activiteit: str
    resultaat: str
    actor: str
    doel: str | None = None
    grondslag: str | None = None
    rol: str | None = None
    bronnen: str = "[]"
    personen: int | None = None
    uitvoer: str | None = None
    toelichting: str | None = None
    tijdstip: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    verwerking_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    volgnummer: int = 0
    vorige_hash: str = GENESIS
    hash: str = ""


def record_hash(row: dict[str, object]) -> str:
    """The chained hash of one record (all fields but the hash itself)."""
    payload = json.dumps(
        {k: row[k] for k in _HASHED}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def anchor_path(pakhuis: Path) -> Path:
    """Where the head of the chain is kept, beside the warehouse."""
    return Path(pakhuis).with_suffix(".audit-anker")


def append(
    pakhuis: Path,
    *,
    activiteit: str,
    resultaat: str,
    actor: str,
    doel: str | None = None,
    grondslag: str | None = None,
    rol: str | None = None,
    bronnen: Sequence[str] = (),
    personen: int | None = None,
    uitvoer: str | None = None,
    toelichting: str | None = None,
    url: str | None = None,
) -> AuditRecord:
    """Append one record to the chain (retried if another writer took the same number)."""
    record = AuditRecord(
        activiteit=activiteit,
        resultaat=resultaat,
        actor=actor,
        doel=doel,
        grondslag=grondslag,
        rol=rol,
        bronnen=json.dumps(sorted(set(bronnen)), ensure_ascii=False),
        personen=None if personen is None else int(personen),
        uitvoer=uitvoer,
        toelichting=toelichting,
    )
    engine = engine_for(pakhuis, url)
    for _attempt in range(20):
        try:
            with engine.begin() as conn:
                head = conn.execute(
                    select(audit_table.c.volgnummer, audit_table.c.hash)
                    .order_by(audit_table.c.volgnummer.desc())
                    .limit(1)
                ).first()
                record.volgnummer = (head[0] + 1) if head else 1
                record.vorige_hash = head[1] if head else GENESIS
                row = asdict(record)
                record.hash = row["hash"] = record_hash(row)
                conn.execute(audit_table.insert().values(**row))
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - only under extreme contention
        raise RuntimeError(
            "Het auditlog kon niet worden bijgewerkt (te veel gelijktijdige schrijvers)."
        )
    _write_anchor(anchor_path(pakhuis), record.volgnummer, record.hash)
    return record


def _write_anchor(path: Path, volgnummer: int, digest: str) -> None:
    # One temporary file per writer: the dashboard appends from several threads at once.
    tmp = path.with_suffix(f"{path.suffix}.{os.getpid()}-{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"volgnummer": volgnummer, "hash": digest}, fh)
    os.replace(tmp, path)


def records(
    pakhuis: Path,
    *,
    doel: str | None = None,
    activiteit: str | None = None,
    actor: str | None = None,
    resultaat: str | None = None,
    vanaf: str | None = None,
    tot: str | None = None,
    url: str | None = None,
) -> list[AuditRecord]:
    """Records in chain order, filtered (``vanaf``/``tot`` compare ISO timestamps)."""
    query = select(audit_table).order_by(audit_table.c.volgnummer)
    for column, value in (
        (audit_table.c.doel, doel),
        (audit_table.c.activiteit, activiteit),
        (audit_table.c.actor, actor),
        (audit_table.c.resultaat, resultaat),
    ):
        if value is not None:
            query = query.where(column == value)
    if vanaf:
        query = query.where(audit_table.c.tijdstip >= vanaf)
    if tot:
        query = query.where(audit_table.c.tijdstip < tot)
    with engine_for(pakhuis, url).connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [AuditRecord(**dict(row)) for row in rows]


@dataclass
class Verification:
    """Outcome of checking the chain: ``ok`` and the problems found, in Dutch."""

    aantal: int
    problemen: list[str]

    @property
    def ok(self) -> bool:
        return not self.problemen


def verify(pakhuis: Path, *, url: str | None = None) -> Verification:
    """Recompute the chain and compare with the anchor: any edit, gap or swap is reported."""
    problems: list[str] = []
    previous = GENESIS
    expected = 1
    rows = records(pakhuis, url=url)
    for record in rows:
        row = asdict(record)
        if record.volgnummer != expected:
            problems.append(
                f"record {record.volgnummer}: volgnummer verwacht {expected} "
                "(record verwijderd of toegevoegd)"
            )
            expected = record.volgnummer
        if record.vorige_hash != previous:
            problems.append(
                f"record {record.volgnummer}: de keten is verbroken (volgorde of verwijdering)"
            )
        if record_hash(row) != record.hash:
            problems.append(f"record {record.volgnummer}: de inhoud is gewijzigd")
        previous = record.hash
        expected += 1
    problems.extend(_check_anchor(anchor_path(pakhuis), rows))
    return Verification(len(rows), problems)


def _check_anchor(path: Path, rows: list[AuditRecord]) -> list[str]:
    if not path.exists():
        return (
            []
            if not rows
            else ["het anker ontbreekt: het einde van het log is niet te controleren"]
        )
    try:
        anchor = json.loads(path.read_text())
        number, digest = int(anchor["volgnummer"]), str(anchor["hash"])
    except (OSError, ValueError, KeyError, TypeError):
        return ["het anker is onleesbaar"]
    by_number = {r.volgnummer: r for r in rows}
    if number not in by_number:
        return [
            f"het anker wijst naar record {number}, dat ontbreekt (einde van het log verwijderd)"
        ]
    if by_number[number].hash != digest:
        return [f"record {number} komt niet overeen met het anker"]
    return []


def head(pakhuis: Path, *, url: str | None = None) -> tuple[int, str]:
    """Sequence number and hash of the last record, to copy somewhere outside the system."""
    with engine_for(pakhuis, url).connect() as conn:
        row = conn.execute(
            select(audit_table.c.volgnummer, audit_table.c.hash)
            .order_by(audit_table.c.volgnummer.desc())
            .limit(1)
        ).first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)
