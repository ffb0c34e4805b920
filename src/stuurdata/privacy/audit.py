"""The audit log, modelled on GEMMA Logging Verwerkingen: one record per processing.

Every load, computation, report, export and view appends a record: the processing activity,
purpose, legal basis, actor, role, time, sources, number of persons involved and the output
produced, and whether it was carried out, refused or failed. Records never hold a BSN or any
person data: only counts, names of sources and paths of outputs.

Tamper evidence: each record carries ``hash = sha256(previous hash + canonical JSON of the
record)``, so changing, deleting or reordering any record breaks the chain from there on.
Deleting the *last* records leaves a valid shorter chain, and appending a forged record with
a correctly computed hash leaves a valid longer one; to catch both, every append also writes
the head (sequence number, number of records and hash of the last record) to an anchor file
beside the warehouse (0600), and ``verify`` requires the chain to end exactly there. The
anchor is written twice per append: before the commit it also names the record about to be
committed (``volgend``), after it that record is the end, so a crash in between is no false
alarm. An append that finds the chain not ending at the anchor keeps that finding in the
anchor (``afwijkingen``), so a forged record stays reported after stuurdata appended behind
it. Whoever can rewrite both the store and the anchor can forge a history; only copying the
head elsewhere (print it, mail it to the privacy officer) defends against that, which is what
``head`` is for. A damaged or truncated store is reported by ``verify``, not raised.

Completeness: the audit store (SQLite/PostgreSQL) and the warehouse (DuckDB) are two
databases, so a load and its record cannot share one transaction. A load therefore writes
the id of its audit record into ``lading.verwerking_id`` inside its own transaction (a key
rotation into ``sleutelversie.verwerking_id``); ``missing`` finds the ids that have no
record (the process died between the warehouse commit and the append), ``verify`` reports
them, and ``recover_missing`` (run at the start of every processing) appends a record that
says it was recovered. Changes of a purpose or project are written in the same store
transaction as their record (``append(within=...)``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from stuurdata.errors import UserError
from stuurdata.privacy.store import audit_table, engine_for, store_url

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
    """Where the head of the chain is kept: beside the installation's store (one log for the
    whole installation, whichever warehouse a command names), else beside the warehouse."""
    from stuurdata.config import installation, settings

    inst = installation()
    if inst is not None and settings().beheer_url == inst.beheer_url:
        return inst.beheer.with_suffix(".audit-anker")
    return Path(pakhuis).with_suffix(".audit-anker")


def new_record(
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
    verwerking_id: str | None = None,
) -> AuditRecord:
    """A record not yet in the chain (``commit`` gives it its number and hash)."""
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
    if verwerking_id:
        record.verwerking_id = verwerking_id
    return record


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
    verwerking_id: str | None = None,
    within: Callable[[Connection], None] | None = None,
) -> AuditRecord:
    """Append one record to the chain (retried if another writer took the same number).

    ``within(conn)`` runs in the same store transaction before the record is inserted, so a
    change to the store (a purpose, a project) and its record commit together or not at all.
    ``verwerking_id`` links the record to what it records (``lading.verwerking_id``).
    """
    record = new_record(
        activiteit=activiteit,
        resultaat=resultaat,
        actor=actor,
        doel=doel,
        grondslag=grondslag,
        rol=rol,
        bronnen=bronnen,
        personen=personen,
        uitvoer=uitvoer,
        toelichting=toelichting,
        verwerking_id=verwerking_id,
    )
    commit(pakhuis, [record], url=url, within=within)
    return record


def commit(
    pakhuis: Path,
    batch: Sequence[AuditRecord],
    *,
    url: str | None = None,
    within: Callable[[Connection], None] | None = None,
) -> None:
    """Chain ``batch`` behind the head and insert it in one transaction (one anchor update).

    Each record still gets its own number and chained hash, exactly as one ``append`` each
    would: a batch only saves transactions and anchor writes (the dashboard's group commit,
    ``web.auditlog``). The anchor names the batch's last record as the next end before the
    commit, so a crash in between is no false alarm.
    """
    if not batch:
        return
    engine = engine_for(pakhuis, url)
    anchor = anchor_path(pakhuis)
    strict = _own_store(pakhuis, url)
    with _locked(anchor):
        state = _read_anchor(anchor) if strict else _Anchor(None)
        for _attempt in range(20):
            try:
                with engine.begin() as conn:
                    if within is not None:
                        within(conn)
                    head = conn.execute(
                        select(audit_table.c.volgnummer, audit_table.c.hash)
                        .order_by(audit_table.c.volgnummer.desc())
                        .limit(1)
                    ).first()
                    end = (int(head[0]), str(head[1])) if head else (0, GENESIS)
                    notes = _deviations(state, end, end[0] + 1) if strict else ()
                    last = end
                    rows = []
                    for record in batch:
                        record.volgnummer, record.vorige_hash = last[0] + 1, last[1]
                        row = asdict(record)
                        record.hash = row["hash"] = record_hash(row)
                        rows.append(row)
                        last = (record.volgnummer, record.hash)
                    conn.execute(audit_table.insert(), rows)
                    # Written before the commit, naming the last record as the next end: a
                    # crash between commit and the final anchor is then no false alarm.
                    _write_anchor(anchor, end, notes, last)
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - only under extreme contention
            raise UserError(
                "Het auditlog kon niet worden bijgewerkt (te veel gelijktijdige schrijvers)."
            )
        _write_anchor(anchor, last, notes)


@contextlib.contextmanager
def _locked(anchor: Path) -> Iterator[None]:
    """Serialise appenders on this machine, so the anchor always ends up at the real head.

    Without it two writers can commit n and n+1 and then write their anchors in the other
    order, leaving an anchor that is one record behind.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the database lock is all there is
        yield
        return
    lock = anchor.with_name(anchor.name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@dataclass
class _Anchor:
    """The anchor file: the chain's end, the end about to be committed, earlier findings."""

    end: tuple[int, str] | None  # None: no anchor file (a new log)
    volgend: tuple[int, str] | None = None
    afwijkingen: tuple[str, ...] = ()
    onleesbaar: bool = False

    def ends(self) -> set[tuple[int, str]]:
        """The chain ends that agree with the anchor."""
        found = {self.end} if self.end else set()
        return found | ({self.volgend} if self.volgend else set())


def _own_store(pakhuis: Path, url: str | None) -> bool:
    """Whether the store is this warehouse's own SQLite file (the anchor sees every append).

    A shared PostgreSQL store gets records from other machines, each with its own anchor,
    so there an anchor only vouches for the records it saw (see ``_check_anchor``).
    """
    return store_url(pakhuis, url).startswith("sqlite")


def _read_anchor(path: Path) -> _Anchor:
    if not path.exists():
        return _Anchor(None)
    try:
        data = json.loads(path.read_text())
        end = (int(data["volgnummer"]), str(data["hash"]))
        if int(data.get("aantal", end[0])) != end[0]:
            raise ValueError("aantal")
        nxt = data.get("volgend")
        volgend = (int(nxt["volgnummer"]), str(nxt["hash"])) if nxt else None
        notes = tuple(str(n) for n in data.get("afwijkingen", ()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return _Anchor(None, onleesbaar=True)
    return _Anchor(end, volgend, notes)


def _deviations(anchor: _Anchor, end: tuple[int, str], number: int) -> tuple[str, ...]:
    """The anchor's findings plus one if the chain did not end where the anchor says.

    Kept in every later anchor, so a record added outside stuurdata stays reported after
    stuurdata appended behind it (the chain itself would look whole from then on).
    """
    at = f"bij het toevoegen van record {number}"
    if anchor.onleesbaar:
        note = f"{at} was het anker onleesbaar"
    elif anchor.end is None:
        note = f"{at} ontbrak het anker" if end[0] else ""
    elif end not in anchor.ends():
        note = (
            f"{at} eindigde het log bij record {end[0]}, het anker bij record "
            f"{anchor.end[0]}: buiten stuurdata om toegevoegd, gewijzigd of verwijderd"
        )
    else:
        note = ""
    return (*anchor.afwijkingen, note) if note else anchor.afwijkingen


def _write_anchor(
    path: Path,
    end: tuple[int, str],
    afwijkingen: tuple[str, ...],
    volgend: tuple[int, str] | None = None,
) -> None:
    data: dict[str, object] = {"volgnummer": end[0], "aantal": end[0], "hash": end[1]}
    if volgend:
        data["volgend"] = {"volgnummer": volgend[0], "hash": volgend[1]}
    if afwijkingen:
        data["afwijkingen"] = list(afwijkingen)
    # One temporary file per writer: the dashboard appends from several threads at once.
    tmp = path.with_suffix(f"{path.suffix}.{os.getpid()}-{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
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
    """Recompute the chain and compare with the anchor: any edit, gap or swap is reported.

    Also reported, never raised: a store that cannot be read (damaged, truncated, not a
    database), and loads or rotations in the warehouse that have no record (``missing``).
    """
    problems: list[str] = []
    previous = GENESIS
    expected = 1
    try:
        rows = records(pakhuis, url=url)
    except (SQLAlchemyError, UserError, OSError) as exc:
        return Verification(0, [f"het beheerbestand is niet te lezen: {_kind(exc)}"])
    for record in rows:
        try:
            digest = record_hash(asdict(record))
        except (TypeError, ValueError):
            problems.append(f"record {record.volgnummer}: onleesbaar")
            continue
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
        if digest != record.hash:
            problems.append(f"record {record.volgnummer}: de inhoud is gewijzigd")
        previous = record.hash
        expected += 1
    problems.extend(_check_anchor(anchor_path(pakhuis), rows, _own_store(pakhuis, url)))
    problems.extend(
        f"{gap.soort} {gap.verwerking_id} staat in het pakhuis maar heeft geen auditrecord "
        "(afgebroken na het vastleggen; de volgende verwerking herstelt dit)"
        for gap in missing(pakhuis, rows)
    )
    return Verification(len(rows), problems)


def _kind(exc: BaseException) -> str:
    """What went wrong, without quoting the store's content."""
    if isinstance(exc, UserError):
        return "het bestand is beschadigd of geen database"
    return type(exc).__name__


def _check_anchor(path: Path, rows: list[AuditRecord], strict: bool = True) -> list[str]:
    """The chain must end at the anchor (``strict``), or only contain it (a shared store)."""
    anchor = _read_anchor(path)
    if anchor.onleesbaar:
        return ["het anker is onleesbaar"]
    if anchor.end is None:
        return (
            []
            if not rows
            else ["het anker ontbreekt: het einde van het log is niet te controleren"]
        )
    problems = [f"eerder gezien: {note}" for note in anchor.afwijkingen]
    last = (rows[-1].volgnummer, rows[-1].hash) if rows else (0, GENESIS)
    if last in anchor.ends():
        return problems
    number, digest = anchor.end
    if not strict:
        rows = [r for r in rows if r.volgnummer <= number]
    by_number = {r.volgnummer: r for r in rows}
    if number and number not in by_number:
        problems.append(
            f"het anker wijst naar record {number}, dat ontbreekt (einde van het log verwijderd)"
        )
    elif number and by_number[number].hash != digest:
        problems.append(f"record {number} komt niet overeen met het anker")
    after = [r.volgnummer for r in rows if r.volgnummer > number]
    if after:
        problems.append(
            f"na record {number}, het laatste volgens het anker, staan nog {len(after)} "
            f"record(s) ({', '.join(map(str, after[:5]))}): buiten stuurdata om toegevoegd"
        )
    if len(rows) != number:
        problems.append(f"het log telt {len(rows)} records, het anker {number}")
    return problems


@dataclass(frozen=True)
class Gap:
    """A processing recorded in the warehouse without its audit record."""

    soort: str  # "lading" or "sleutelrotatie"
    verwerking_id: str
    doel: str | None
    wie: str | None
    bronnen: tuple[str, ...]
    tijdstip: str


def missing(pakhuis: Path, rows: list[AuditRecord] | None = None) -> list[Gap]:
    """Loads and rotations the warehouse holds whose audit record is missing.

    Empty when the warehouse does not exist or cannot be opened now (locked by a running
    command, or opened with another configuration in this process): the next check finds
    them.
    """
    import duckdb

    pakhuis = Path(pakhuis)
    if not pakhuis.exists():
        return []
    try:
        con = duckdb.connect(str(pakhuis))
    except duckdb.Error:
        return []
    try:
        found = _gaps(con)
    except duckdb.Error:
        return []
    finally:
        con.close()
    if not found:
        return []
    known = {r.verwerking_id for r in (rows if rows is not None else records(pakhuis))}
    return [gap for gap in found if gap.verwerking_id not in known]


def _gaps(con: object) -> list[Gap]:
    tables = {
        (str(t), str(c))
        for t, c in con.execute(  # type: ignore[attr-defined]
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE column_name = 'verwerking_id'"
        ).fetchall()
    }
    gaps: list[Gap] = []
    if ("lading", "verwerking_id") in tables:
        for vid, doel, wie, bronnen, klaar in con.execute(  # type: ignore[attr-defined]
            "SELECT verwerking_id, any_value(doel), any_value(wie), list(DISTINCT bron), "
            "max(klaar) FROM lading WHERE verwerking_id IS NOT NULL GROUP BY verwerking_id "
            "ORDER BY max(klaar)"
        ).fetchall():
            gaps.append(Gap("lading", vid, doel, wie, tuple(sorted(bronnen)), str(klaar)))
    if ("sleutelversie", "verwerking_id") in tables:
        for vid, sinds in con.execute(  # type: ignore[attr-defined]
            "SELECT verwerking_id, sinds FROM sleutelversie WHERE verwerking_id IS NOT NULL "
            "ORDER BY sinds"
        ).fetchall():
            gaps.append(Gap("sleutelrotatie", vid, None, None, (), str(sinds)))
    return gaps


def recover_missing(pakhuis: Path, *, actor: str, url: str | None = None) -> list[AuditRecord]:
    """Append a record for every load or rotation that lacks one (see ``missing``).

    The record says it was recovered and when the processing happened; counts of persons
    are not known any more and stay empty.
    """
    try:
        gaps = missing(pakhuis, records(pakhuis, url=url))
    except (SQLAlchemyError, UserError):
        return []  # a damaged store: ``verify`` reports it
    out = []
    for gap in gaps:
        out.append(
            append(
                pakhuis,
                activiteit="inlezen" if gap.soort == "lading" else "sleutelrotatie",
                resultaat=UITGEVOERD,
                actor=gap.wie or actor,
                doel=gap.doel,
                bronnen=gap.bronnen,
                uitvoer=str(pakhuis),
                toelichting=(
                    f"hersteld: {gap.soort} van {gap.tijdstip[:19]} stond in het pakhuis zonder "
                    "auditrecord (het proces is afgebroken na het vastleggen)"
                ),
                url=url,
                verwerking_id=gap.verwerking_id,
            )
        )
    return out


def head(pakhuis: Path, *, url: str | None = None) -> tuple[int, str]:
    """Sequence number and hash of the last record, to copy somewhere outside the system."""
    with engine_for(pakhuis, url).connect() as conn:
        row = conn.execute(
            select(audit_table.c.volgnummer, audit_table.c.hash)
            .order_by(audit_table.c.volgnummer.desc())
            .limit(1)
        ).first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)
