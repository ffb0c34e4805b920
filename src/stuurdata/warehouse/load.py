"""Loading source files into the datapakhuis: one transaction per call, every record counted.

The flow of one ``load_sources`` call:

1. readers turn each file into Units and Rejections (``sources/``); Units are staged in
   temporary tables in batches, so memory stays bounded however large the inbox;
2. in SQL, each staged unit gets a status: ``dubbel`` (its identity is already stored, or
   appeared earlier in this call), ``quarantaine`` (it contradicts what is stored, see
   ``integrity``) or ``geladen``;
3. loaded units are merged into the canonical tables (allocations by latest dagtekening,
   start and stop messages into one delivery period, BRP over message data for persons);
4. one ``lading`` row per file with read = loaded + quarantined + duplicate, and the
   quarantine rows, then COMMIT. A crash anywhere before the commit leaves the warehouse
   exactly as it was, so the load can simply be run again.
"""

from __future__ import annotations

import contextlib
import getpass
import re
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from stuurdata.privacy.bsn import safe_code, scrub
from stuurdata.privacy.keys import bind_key
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources.files import count_sources, list_files
from stuurdata.sources.records import Rejection, Row
from stuurdata.warehouse import integrity, merge
from stuurdata.warehouse.database import guarded, open_warehouse
from stuurdata.warehouse.reading import ChunkRead, chunk_reader
from stuurdata.warehouse.schema import create_all
from stuurdata.warehouse.staging import Stager, arrow_schema

Progress = Callable[[int, int, str], None]
_BERICHTTYPE = re.compile(r"[0-9]{3}")


@dataclass
class FileCount:
    """The accounting of one file in one load."""

    bestand: str
    bron: str
    gelezen: int = 0
    geladen: int = 0
    gequarantaineerd: int = 0
    dubbel: int = 0
    sha256: str = ""
    gestart: datetime = field(default_factory=datetime.now)


@dataclass
class LoadResult:
    """What a load did, per file and in total; read = loaded + quarantined + duplicate."""

    run_id: str
    bestanden: list[FileCount] = field(default_factory=list)
    personen: int = 0  # distinct persons in the records loaded (for the audit log)

    def totaal(self, veld: str) -> int:
        """Sum of one count over all files."""
        return sum(getattr(f, veld) for f in self.bestanden)


def connect(pakhuis: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create, 0600) the warehouse file with all canonical tables present.

    A locked or damaged file raises a Dutch ``UserError`` (``warehouse.database``).
    """
    con = open_warehouse(pakhuis)
    try:
        guarded(pakhuis, lambda: create_all(con))
    except BaseException:
        con.close()
        raise
    return con


def _known_clean_files(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Files never quarantined in any load: sha256 -> records (re-reading adds nothing).

    A file with quarantine is read again: what the warehouse holds may have changed (the
    allocation a start message needs has arrived); its unchanged quarantine rows are then
    counted as duplicates (``_write_quarantine``).
    """
    rows = con.execute(
        "SELECT sha256, arg_max(gelezen, lading_id) FROM lading "
        "WHERE bron <> 'onbekend' GROUP BY sha256 HAVING max(gequarantaineerd) = 0"
    ).fetchall()
    return {sha: int(n) for sha, n in rows}


def load_sources(
    paths: Iterable[Path],
    pakhuis: Path,
    pseudo: Pseudonymiser,
    *,
    doel: str | None = None,
    wie: str | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    bronnen: Collection[str] | None = None,
    verwerking_id: str | None = None,
) -> LoadResult:
    """Load files, folders and zip archives into the warehouse in one transaction.

    ``workers`` reader processes (default: ``STUURDATA_WERKERS`` or the number of cores).
    ``bronnen`` limits the source kinds (a purpose's sources): other files are quarantined
    unread, with the reason. The key (``pseudo``) must be the warehouse's: its fingerprint
    is recorded on first use and a different key is refused before anything is read
    (``privacy.keys.bind_key``). ``verwerking_id`` (the audit record's id, from
    ``privacy.governance.Verwerking``) is stored with every ``lading`` row in the same
    transaction, so a load whose record never got written is found later.
    """
    files = list_files(paths)
    total = count_sources(files) if progress else 0  # a second open of every file
    result = LoadResult(run_id=uuid.uuid4().hex)
    con = connect(pakhuis)
    try:
        bind_key(con, pseudo.key, Path(pakhuis))  # a wrong key would split every person
        known = _known_clean_files(con)
    finally:
        con.close()
    allowed = frozenset(bronnen) if bronnen is not None else None
    with chunk_reader(files, pseudo.handover, known, workers, allowed) as chunks:
        who = wie or getpass.getuser()
        _load(chunks, total, pakhuis, result, doel, who, progress, verwerking_id)
    return result


def _load(
    chunks: Iterator[ChunkRead],
    total: int,
    pakhuis: Path,
    result: LoadResult,
    doel: str | None,
    wie: str,
    progress: Progress | None,
    verwerking_id: str | None,
) -> None:
    con = connect(pakhuis)
    try:
        con.execute("BEGIN TRANSACTION")
        stager = Stager(con)
        rejections: list[Row] = []
        counts: dict[int, FileCount] = {}
        last_id = con.execute("SELECT coalesce(max(lading_id), 0) FROM lading").fetchone()
        lading_id = int(last_id[0]) if last_id else 0
        done = 0
        for chunk in chunks:
            stager.insert(chunk.batches, chunk.units, first_lading=lading_id + 1)
            for file in chunk.files:
                lading_id += 1
                count = counts[lading_id] = FileCount(file.name, file.kind, sha256=file.sha256)
                if file.known_count is not None:
                    count.gelezen = count.dubbel = file.known_count
                count.gelezen += file.units + len(file.rejections)
                rejections.extend(
                    _quarantine_row(r, lading_id, file.name, file.sha256) for r in file.rejections
                )
            done += len(chunk.files)
            if progress:
                progress(done, total, chunk.files[-1].name if chunk.files else "")
        stager.flush()
        integrity.classify_units(con)
        for row in integrity.rejected_units(con):
            row["sha256"] = counts[int(str(row["lading_id"]))].sha256
            row["melding"] = scrub(str(row["melding"]))
            rejections.append(row)
        result.personen = _persons_loaded(con)
        merge.merge_all(con)
        repeated = _write_quarantine(con, rejections)
        _write_lading(con, counts, result, doel, wie, repeated, verwerking_id)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        con.close()


def _persons_loaded(con: duckdb.DuckDBPyConnection) -> int:
    """Distinct persons among the units this load accepted."""
    row = con.execute(
        "SELECT count(DISTINCT persoon_id) FROM (SELECT persoon_id, unit_seq FROM stg_persoon "
        "UNION ALL SELECT persoon_id, unit_seq FROM stg_voorziening) "
        "WHERE unit_seq IN (SELECT unit_seq FROM stg_status WHERE status = 'geladen')"
    ).fetchall()
    return int(row[0][0])


def _quarantine_row(item: Rejection, lading_id: int, bestand: str, sha256: str) -> Row:
    """The stored form of a rejection: every text scrubbed, a sender only when it is a code.

    Readers already scrub what they quote; this is the last line, so a reader that forgets
    cannot put a BSN (in any notation) or a spreadsheet formula in the warehouse.
    """
    return {
        "lading_id": lading_id,
        "bestand": bestand,
        "positie": scrub(item.position),
        "soort": item.kind,
        "melding": scrub(item.message),
        "afzender": safe_code(item.afzender),
        "berichttype": item.berichttype if _BERICHTTYPE.fullmatch(item.berichttype or "") else None,
        "bericht_id": scrub(item.bericht_id) if item.bericht_id else None,
        "sha256": sha256,
    }


_NEW_QUARANTINE = """
SELECT * FROM batch b
WHERE NOT EXISTS (
    SELECT 1 FROM quarantaine q
    WHERE q.sha256 = b.sha256 AND q.positie = b.positie AND q.soort = b.soort
      AND q.melding = b.melding)
QUALIFY row_number() OVER (PARTITION BY sha256, positie, soort, melding ORDER BY lading_id) = 1
"""


def _write_quarantine(con: duckdb.DuckDBPyConnection, rows: list[Row]) -> dict[int, int]:
    """Append the quarantine rows that are new; return, per lading, how many were repeats.

    A rejection with the same file content (sha256), place, kind and reason as one stored
    before (or earlier in this load) is the same finding read again: it adds no row and
    counts as a duplicate, so reading a folder twice leaves the quarantine as it was.
    """
    if not rows:
        return {}
    batch = pa.Table.from_pylist(rows, schema=arrow_schema("quarantaine"))  # noqa: F841
    new = con.execute(f"SELECT lading_id, count(*) FROM ({_NEW_QUARANTINE}) GROUP BY ALL")
    kept = {int(lading): int(n) for lading, n in new.fetchall()}
    con.execute(f"INSERT INTO quarantaine BY NAME {_NEW_QUARANTINE}")
    offered: dict[int, int] = {}
    for row in rows:
        lading = int(str(row["lading_id"]))
        offered[lading] = offered.get(lading, 0) + 1
    return {lading: n - kept.get(lading, 0) for lading, n in offered.items()}


def _write_lading(
    con: duckdb.DuckDBPyConnection,
    counts: dict[int, FileCount],
    result: LoadResult,
    doel: str | None,
    wie: str,
    repeated: dict[int, int],
    verwerking_id: str | None,
) -> None:
    """One lading row per file, with the counts SQL decided for its staged units; a
    repeated quarantine finding counts as a duplicate."""
    staged = {
        (lading_id, status): n
        for lading_id, status, n in con.execute(
            "SELECT lading_id, status, count(*) FROM stg_status GROUP BY ALL"
        ).fetchall()
    }
    quarantined = dict(
        con.execute(
            "SELECT lading_id, count(*) FROM quarantaine WHERE lading_id >= ? GROUP BY lading_id",
            [min(counts, default=0)],
        ).fetchall()
    )
    now = datetime.now()
    columns: dict[str, list[object]] = {name: [] for name in arrow_schema("lading").names}
    fixed = {
        "run_id": result.run_id,
        "doel": doel,
        "wie": wie,
        "klaar": now,
        "verwerking_id": verwerking_id,
    }
    for lading_id, count in counts.items():
        count.geladen = staged.get((lading_id, "geladen"), 0)
        count.dubbel += staged.get((lading_id, "dubbel"), 0) + repeated.get(lading_id, 0)
        count.gequarantaineerd = quarantined.get(lading_id, 0)
        row = {
            "lading_id": lading_id,
            "bron": count.bron,
            "bestand": count.bestand,
            "sha256": count.sha256,
            "gelezen": count.gelezen,
            "geladen": count.geladen,
            "gequarantaineerd": count.gequarantaineerd,
            "dubbel": count.dubbel,
            "gestart": count.gestart,
            **fixed,
        }
        for name, values in columns.items():
            values.append(row.get(name))
        result.bestanden.append(count)
    if counts:
        # Built column by column: one file per row, so a large inbox has many rows.
        batch = pa.table(columns, schema=arrow_schema("lading"))  # noqa: F841
        con.execute("INSERT INTO lading BY NAME SELECT * FROM batch")


__all__ = ["FileCount", "LoadResult", "connect", "load_sources"]
