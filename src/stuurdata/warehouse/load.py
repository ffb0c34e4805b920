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
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources.files import count_sources, list_files
from stuurdata.sources.records import Rejection, Row
from stuurdata.warehouse import integrity, merge
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
    """Open (or create) the warehouse file with all canonical tables present."""
    pakhuis = Path(pakhuis)
    pakhuis.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(pakhuis))
    create_all(con)
    return con


def _known_clean_files(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Files loaded before without quarantine: sha256 -> records (re-reading adds nothing)."""
    rows = con.execute(
        "SELECT sha256, arg_max(gelezen, lading_id) FROM lading "
        "WHERE gequarantaineerd = 0 AND bron <> 'onbekend' GROUP BY sha256"
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
) -> LoadResult:
    """Load files, folders and zip archives into the warehouse in one transaction.

    ``workers`` reader processes (default: ``STUURDATA_WERKERS`` or the number of cores).
    ``bronnen`` limits the source kinds (a purpose's sources): other files are quarantined
    unread, with the reason.
    """
    files = list_files(paths)
    total = count_sources(files)
    result = LoadResult(run_id=uuid.uuid4().hex)
    con = connect(pakhuis)
    known = _known_clean_files(con)
    con.close()
    allowed = frozenset(bronnen) if bronnen is not None else None
    with chunk_reader(files, pseudo.key, known, workers, allowed) as chunks:
        _load(chunks, total, pakhuis, result, doel, wie or getpass.getuser(), progress)
    return result


def _load(
    chunks: Iterator[ChunkRead],
    total: int,
    pakhuis: Path,
    result: LoadResult,
    doel: str | None,
    wie: str,
    progress: Progress | None,
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
                rejections.extend(_quarantine_row(r, lading_id, file.name) for r in file.rejections)
            done += len(chunk.files)
            if progress:
                progress(done, total, chunk.files[-1].name if chunk.files else "")
        stager.flush()
        integrity.classify_units(con)
        rejections.extend(integrity.rejected_units(con))
        result.personen = _persons_loaded(con)
        merge.merge_all(con)
        _write_quarantine(con, rejections)
        _write_lading(con, counts, result, doel, wie)
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


def _quarantine_row(item: Rejection, lading_id: int, bestand: str) -> Row:
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
    }


def _write_quarantine(con: duckdb.DuckDBPyConnection, rows: list[Row]) -> None:
    if not rows:
        return
    batch = pa.Table.from_pylist(rows, schema=arrow_schema("quarantaine"))  # noqa: F841
    con.execute("INSERT INTO quarantaine BY NAME SELECT * FROM batch")


def _write_lading(
    con: duckdb.DuckDBPyConnection,
    counts: dict[int, FileCount],
    result: LoadResult,
    doel: str | None,
    wie: str,
) -> None:
    """One lading row per file, with the counts SQL decided for its staged units."""
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
    rows = []
    for lading_id, count in counts.items():
        count.geladen = staged.get((lading_id, "geladen"), 0)
        count.dubbel += staged.get((lading_id, "dubbel"), 0)
        count.gequarantaineerd = quarantined.get(lading_id, 0)
        rows.append(
            {
                "lading_id": lading_id,
                "run_id": result.run_id,
                "bron": count.bron,
                "bestand": count.bestand,
                "sha256": count.sha256,
                "gelezen": count.gelezen,
                "geladen": count.geladen,
                "gequarantaineerd": count.gequarantaineerd,
                "dubbel": count.dubbel,
                "doel": doel,
                "wie": wie,
                "gestart": count.gestart,
                "klaar": now,
            }
        )
        result.bestanden.append(count)
    if rows:
        batch = pa.Table.from_pylist(rows, schema=arrow_schema("lading"))  # noqa: F841
        con.execute("INSERT INTO lading BY NAME SELECT * FROM batch")


__all__ = ["FileCount", "LoadResult", "connect", "load_sources"]
