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
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from stuurdata.privacy.bsn import scrub
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources.brp import is_brp, read_brp
from stuurdata.sources.files import count_sources, iter_sources, list_files
from stuurdata.sources.gebieden import is_gebieden, read_gebieden
from stuurdata.sources.istandaarden import is_istandaarden, read_istandaarden
from stuurdata.sources.records import Rejection, Row, SourceFile, Unit
from stuurdata.warehouse import integrity, merge
from stuurdata.warehouse.schema import STAGED, columns, create_all
from stuurdata.warehouse.staging import Stager

Progress = Callable[[int, int, str], None]
_FLUSH_ROWS = 50_000


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


@dataclass
class LoadResult:
    """What a load did, per file and in total; read = loaded + quarantined + duplicate."""

    run_id: str
    bestanden: list[FileCount] = field(default_factory=list)

    def totaal(self, veld: str) -> int:
        """Sum of one count over all files."""
        return sum(getattr(f, veld) for f in self.bestanden)


def detect(file: SourceFile) -> str | None:
    """The source kind by content, never by file name."""
    if is_istandaarden(file.data):
        return "istandaarden"
    if is_brp(file.data):
        return "brp"
    if is_gebieden(file.data):
        return "gebieden"
    return None


def _read(kind: str | None, file: SourceFile, pseudo: Pseudonymiser) -> Iterator[Unit | Rejection]:
    if kind == "istandaarden":
        return read_istandaarden(file, pseudo)
    if kind == "brp":
        return read_brp(file, pseudo)
    if kind == "gebieden":
        return read_gebieden(file)
    return iter(
        [
            Rejection(
                "bestand",
                "onbekend_formaat",
                "Onbekend bestandsformaat: geen iWmo/iJw-bericht, BRP-extract of gebiedenlijst.",
            )
        ]
    )


def connect(pakhuis: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create) the warehouse file with all canonical tables present."""
    pakhuis = Path(pakhuis)
    pakhuis.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(pakhuis))
    create_all(con)
    return con


def _known_clean_file(con: duckdb.DuckDBPyConnection, sha256: str) -> int | None:
    """Records in an identical file loaded before without quarantine (re-reading adds nothing)."""
    row = con.execute(
        "SELECT gelezen FROM lading WHERE sha256 = ? AND gequarantaineerd = 0 "
        "ORDER BY lading_id DESC LIMIT 1",
        [sha256],
    ).fetchone()
    return None if row is None else int(row[0])


def load_sources(
    paths: Iterable[Path],
    pakhuis: Path,
    pseudo: Pseudonymiser,
    *,
    doel: str | None = None,
    wie: str | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load files, folders and zip archives into the warehouse in one transaction."""
    files = list_files(paths)
    total = count_sources(files)
    result = LoadResult(run_id=uuid.uuid4().hex)
    wie = wie or getpass.getuser()
    con = connect(pakhuis)
    try:
        con.execute("BEGIN TRANSACTION")
        stager = Stager(con)
        rejections: list[Row] = []
        started: dict[int, datetime] = {}
        counts: dict[int, FileCount] = {}
        next_id = int(con.execute("SELECT coalesce(max(lading_id), 0) FROM lading").fetchone()[0])  # type: ignore[index]
        for done, file in enumerate(iter_sources(files), start=1):
            next_id += 1
            lading_id = next_id
            started[lading_id] = datetime.now()
            kind = detect(file)
            count = counts[lading_id] = FileCount(file.name, kind or "onbekend", sha256=file.sha256)
            previous = _known_clean_file(con, file.sha256) if kind else None
            if previous is not None:
                count.gelezen = count.dubbel = previous
            else:
                for item in _read(kind, file, pseudo):
                    count.gelezen += 1
                    if isinstance(item, Unit):
                        stager.add(item, lading_id, file.name)
                    else:
                        rejections.append(_quarantine_row(item, lading_id, file.name))
                if stager.pending >= _FLUSH_ROWS:
                    stager.flush()
            if progress:
                progress(done, total, file.name)
        stager.flush()
        integrity.classify_units(con)
        rejections.extend(integrity.rejected_units(con))
        merge.merge_all(con)
        _write_quarantine(con, rejections)
        _write_lading(con, counts, started, result, doel, wie)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return result


def _quarantine_row(item: Rejection, lading_id: int, bestand: str) -> Row:
    return {
        "lading_id": lading_id,
        "bestand": bestand,
        "positie": item.position,
        "soort": item.kind,
        "melding": scrub(item.message),
        "afzender": item.afzender,
        "berichttype": item.berichttype,
        "bericht_id": item.bericht_id,
    }


def _write_quarantine(con: duckdb.DuckDBPyConnection, rows: list[Row]) -> None:
    if not rows:
        return
    cols = columns("quarantaine")
    batch = pa.Table.from_pylist(rows).select(cols)  # noqa: F841  (scanned by DuckDB by name)
    con.execute(f"INSERT INTO quarantaine ({', '.join(cols)}) SELECT * FROM batch")


def _write_lading(
    con: duckdb.DuckDBPyConnection,
    counts: dict[int, FileCount],
    started: dict[int, datetime],
    result: LoadResult,
    doel: str | None,
    wie: str,
) -> None:
    staged = dict(
        con.execute(
            "SELECT lading_id || ':' || status, count(*) FROM stg_status GROUP BY ALL"
        ).fetchall()
    )
    quarantined = dict(
        con.execute(
            "SELECT lading_id, count(*) FROM quarantaine WHERE lading_id >= ? GROUP BY lading_id",
            [min(counts, default=0)],
        ).fetchall()
    )
    now = datetime.now()
    for lading_id, count in counts.items():
        count.geladen = staged.get(f"{lading_id}:geladen", 0)
        count.dubbel += staged.get(f"{lading_id}:dubbel", 0)
        count.gequarantaineerd = quarantined.get(lading_id, 0)
        con.execute(
            "INSERT INTO lading VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                lading_id,
                result.run_id,
                count.bron,
                count.bestand,
                count.sha256,
                count.gelezen,
                count.geladen,
                count.gequarantaineerd,
                count.dubbel,
                doel,
                wie,
                started[lading_id],
                now,
            ],
        )
        result.bestanden.append(count)


__all__ = ["STAGED", "FileCount", "LoadResult", "connect", "detect", "load_sources"]
