"""Reading many source files on all cores, in a stable order.

Parsing and validating XML is the bulk of a load and each file is independent, so files are
read in worker processes, a chunk of files at a time; each worker turns its units into Arrow
batches (``staging.BatchBuilder``) and results come back in input order, so that "the first
occurrence wins" means the same however many workers ran. Workers get the key bytes once and
never see the warehouse. The pool is forked before the warehouse is opened, so no database
threads are copied into the workers.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

import pyarrow as pa

from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.privacy.rotation import pseudonymiser_from_key
from stuurdata.sources.detect import UNKNOWN, detect, read_source
from stuurdata.sources.files import Listed, iter_sources
from stuurdata.sources.records import Rejection, Unit
from stuurdata.warehouse.staging import BatchBuilder

_CHUNK = 128
_SERIAL_BELOW = 256  # files; below this a pool costs more than it saves


@dataclass(slots=True)
class FileRead:
    """One file read: its kind, counts and rejections, or the record count if known."""

    name: str
    sha256: str
    kind: str
    units: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    known_count: int | None = None


@dataclass(slots=True)
class ChunkRead:
    """The files of one chunk and the Arrow batches of their units."""

    files: list[FileRead]
    batches: dict[str, pa.RecordBatch]
    units: int


_state: dict[str, object] = {}


def _init(key: bytes, known: dict[str, int], allowed: frozenset[str] | None = None) -> None:
    _state["pseudo"] = pseudonymiser_from_key(key)
    _state["known"] = known
    _state["allowed"] = allowed


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while one chunk is read.

    A chunk allocates hundreds of thousands of small containers (rows, tuples, element
    proxies) that reference counting frees; the collector's passes over them found nothing
    and cost ~6 % of the load's CPU. A chunk is bounded (``_CHUNK`` files), so any cycle it
    makes is collected at the next collection after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_chunk(paths: Sequence[Listed]) -> ChunkRead:
    with _no_cycle_collection():
        return _read_chunk_files(paths)


def _read_chunk_files(paths: Sequence[Listed]) -> ChunkRead:
    pseudo: Pseudonymiser = _state["pseudo"]  # type: ignore[assignment]
    known: dict[str, int] = _state["known"]  # type: ignore[assignment]
    allowed: frozenset[str] | None = _state.get("allowed")  # type: ignore[assignment]
    builder = BatchBuilder()
    files: list[FileRead] = []
    for index, source in enumerate(iter_sources(paths)):
        if source.error is not None:
            files.append(
                FileRead(
                    source.name,
                    source.sha256,
                    UNKNOWN,
                    rejections=[Rejection("bestand", "onleesbaar", source.error)],
                )
            )
            continue
        kind = detect(source)
        read = FileRead(source.name, source.sha256, kind)
        files.append(read)
        if kind != UNKNOWN and source.sha256 in known:
            read.known_count = known[source.sha256]
            continue
        if allowed is not None and kind != UNKNOWN and kind not in allowed:
            read.rejections.append(
                Rejection(
                    "bestand",
                    "doelbinding",
                    f"Bron '{kind}' valt buiten het doel van deze verwerking (toegestaan: "
                    f"{', '.join(sorted(allowed))}); het bestand is niet gelezen.",
                )
            )
            continue
        units: list[Unit] = []
        rejections: list[Rejection] = []
        try:
            for item in read_source(kind, source, pseudo):
                if isinstance(item, Unit):
                    units.append(item)
                else:
                    rejections.append(item)
        except Exception as exc:  # a reader bug must not abort the other files of the load
            units, rejections = [], [_crashed(exc)]
        for unit in units:
            builder.add(unit, index, source.name)
        read.units = len(units)
        read.rejections.extend(rejections)
    return ChunkRead(files, builder.batches(), builder.units)


def _crashed(exc: Exception) -> Rejection:
    """The whole file to quarantine when its reader failed unexpectedly.

    Only the kind of error is named: an exception's text may quote the file's contents.
    """
    return Rejection(
        "bestand",
        "onleesbaar",
        f"Bestand kon niet worden verwerkt door een fout in stuurdata ({type(exc).__name__}); "
        "meld dit aan de beheerder. De rest van de lading gaat door.",
    )


def _chunks(paths: Sequence[Listed]) -> Iterator[list[Listed]]:
    it = iter(paths)
    while chunk := list(islice(it, _CHUNK)):
        yield chunk


def default_workers() -> int:
    """``STUURDATA_WERKERS`` or the number of cores."""
    return int(os.environ.get("STUURDATA_WERKERS", "0")) or (os.cpu_count() or 1)


@contextmanager
def chunk_reader(
    paths: Sequence[Listed],
    key: bytes,
    known: dict[str, int],
    workers: int | None = None,
    allowed: frozenset[str] | None = None,
) -> Iterator[Iterator[ChunkRead]]:
    """Chunks of read files in input order (a zip archive's members follow each other).

    ``known`` maps sha256 of files loaded before without quarantine to their record count:
    such files are not parsed again; files of a kind outside ``allowed`` (the purpose's
    sources) are refused unread. Enter this context *before* opening the warehouse.
    """
    workers = workers or default_workers()
    if workers <= 1 or len(paths) < _SERIAL_BELOW:
        _init(key, known, allowed)
        yield (_read_chunk(chunk) for chunk in _chunks(paths))
        return
    # The loading process keeps per-file counts while it waits for the workers: the cyclic
    # collector is paused in it meanwhile (see ``_no_cycle_collection``). Its heap is frozen
    # before the fork, so a worker's collections never walk (and copy) the inherited
    # objects; workers collect between their chunks as usual (``_worker_init``).
    with _no_cycle_collection():
        gc.freeze()
        try:
            context = multiprocessing.get_context("fork")
            with context.Pool(workers, _worker_init, (key, known, allowed)) as pool:
                yield pool.imap(_read_chunk, _chunks(paths))
        finally:
            gc.unfreeze()


def _worker_init(key: bytes, known: dict[str, int], allowed: frozenset[str] | None) -> None:
    """A forked worker: the collector on (paused only within a chunk), then ``_init``."""
    gc.enable()
    _init(key, known, allowed)
