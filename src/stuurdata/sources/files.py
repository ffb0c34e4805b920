"""Turn the paths a user names (files, folders, zip archives) into source files.

Folders are walked recursively in sorted order and zip archives are opened member by member,
so one `inlezen` call can take a month's inbox as it was delivered. Bytes are read lazily
and one file (or member) at a time: a large municipality's traffic does not fit in memory.

Three rules make this the door's first line:

* **Nothing is skipped without a word.** A file that cannot be read (gone since it was
  listed, no read permission, a dangling link, a damaged or encrypted zip member, a zip
  bomb) becomes a ``SourceFile`` with an ``error``: the loader quarantines it with that
  Dutch reason and goes on. A folder that cannot be entered or is a symbolic link (never
  followed: links can loop or point outside the inbox) is reported the same way.
* **Bounded reading.** A file or zip member larger than ``MAX_BYTES``, or a member that
  expands more than ``MAX_RATIO`` times its compressed size, is refused after reading at
  most ``MAX_BYTES + 1`` bytes, and an archive stops unpacking after ``MAX_ARCHIVE`` times
  ``MAX_BYTES`` in total (its further members are refused): a small zip cannot fill the
  memory or keep the load busy for hours.
* **No file name is kept.** A name like ``client_999901825.xml`` or ``Jansen, Piet
  1952-03-14.xml`` is personal data. ``SourceFile.name`` is the first 16 hex characters of
  the file's sha256 plus a plain extension (``3fa2c9d01b7e44a1.xml``), for a zip member
  ``<archive>.zip!<member>.xml``; find the original with ``sha256sum``.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from stuurdata.sources.records import SourceFile

# Real exports stay far below these: a BRP extract of a large city is ~100 MB, and XML or
# CSV compresses 5-30 times. A zip bomb expands 1000 times or more.
MAX_BYTES = 512 << 20  # per file or zip member
MAX_RATIO = 200  # uncompressed / compressed size of a zip member
MAX_ARCHIVE = 4  # an archive unpacks to at most this many times MAX_BYTES in total
_RATIO_FLOOR = 1 << 20  # small members may compress extremely well (a 200 kB empty list)
_CHUNK = 1 << 20
_EXTENSION = re.compile(r"\.[a-z0-9]{1,5}")
_PLAIN: dict[str, str] = {}  # extension -> itself when plain, else ""
_ZIP_MAGIC = b"PK\x03\x04"
_SUPPORTED = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)


class SourcePathError(Exception):
    """A named path does not exist; the message is Dutch for the user."""


@dataclass(frozen=True, slots=True)
class Listed:
    """One entry of a listing: a path to read, or a folder that could not be walked."""

    path: Path
    problem: str | None = None  # Dutch reason when the entry itself is the problem
    number: int = 0  # position in the whole listing, to name an entry that cannot be read


def _is_hidden(name: str) -> bool:
    return any(part.startswith(".") for part in name.split("/") if part not in (".", ".."))


def _walk(folder: Path) -> list[Listed]:
    """Files below ``folder`` (hidden ones skipped), with every folder it could not enter."""
    found: list[Listed] = []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename) if error.filename else folder
        found.append(Listed(where, "Map kon niet worden gelezen (geen toegang of verdwenen)."))

    for root, dirs, names in os.walk(folder, onerror=unreadable):
        kept = []
        for d in sorted(dirs):
            if d.startswith("."):
                continue
            full = os.path.join(root, d)
            if os.path.islink(full):
                found.append(
                    Listed(Path(full), "Map is een snelkoppeling (symbolische link); niet gevolgd.")
                )
            else:
                kept.append(d)
        dirs[:] = kept
        found.extend(Listed(Path(root, n)) for n in names if not n.startswith("."))
    return sorted(found, key=lambda e: str(e.path))


def _expand(path: Path) -> list[Listed]:
    if path.is_dir():
        return _walk(path)
    if path.is_file():
        return [Listed(path)]
    raise SourcePathError(f"Pad bestaat niet: {path}")


def list_files(paths: Iterable[Path]) -> list[Listed]:
    """All entries below the given paths (zip archives count as one entry each)."""
    found = [f for p in paths for f in _expand(Path(p))]
    return [Listed(f.path, f.problem, number) for number, f in enumerate(found, 1)]


def _members(zf: zipfile.ZipFile) -> list[tuple[int, zipfile.ZipInfo]]:
    """(position in the archive, entry) of the files to read, sorted by name.

    Entries are kept by position, not by name: an archive may hold two members with the
    same name, and each must be read once.
    """
    entries = [
        (i, info)
        for i, info in enumerate(zf.infolist(), 1)
        if not info.is_dir() and not _is_hidden(info.filename)
    ]
    return sorted(entries, key=lambda e: (e[1].filename, e[0]))


def _open_zip(path: Path) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None


def is_zip(path: Path) -> bool:
    """A zip archive to unpack (cheap: the magic number first); Excel files are read whole."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return False
    try:
        # O_NONBLOCK and the S_ISREG check: opening a FIFO would otherwise block.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode) or os.pread(fd, 4, 0) != _ZIP_MAGIC:
            return False
    except OSError:
        return False
    finally:
        os.close(fd)
    return zipfile.is_zipfile(path)


def count_sources(entries: Iterable[Listed]) -> int:
    """How many source files a load will read, for progress (zip members counted)."""
    total = 0
    for entry in entries:
        zf = _open_zip(entry.path) if entry.problem is None and is_zip(entry.path) else None
        if zf is None:
            total += 1
            continue
        with zf:
            total += len(_members(zf)) or 1
    return total


def safe_name(sha256: str, original: str) -> str:
    """The stored name of a file: its content hash and a plain extension, nothing personal."""
    return sha256[:16] + _plain_suffix(original)


def _plain_suffix(original: str) -> str:
    """The name's extension (as ``Path.suffix``), lower case, if plain; else nothing."""
    name = original.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""
    plain = _PLAIN.get(suffix)
    if plain is None:
        plain = _PLAIN[suffix] = suffix if _EXTENSION.fullmatch(suffix) else ""
    return plain


def _source(name: str, data: bytes) -> SourceFile:
    sha = hashlib.sha256(data).hexdigest()
    return SourceFile(name=safe_name(sha, name), data=data, sha256=sha)


def _failed(name: str, error: str) -> SourceFile:
    return SourceFile(name=name, data=b"", sha256="", error=error)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "Bestand bestaat niet (meer): verwijderd na het opsommen, of een verbroken link."
    if isinstance(exc, PermissionError):
        return "Bestand kon niet worden gelezen: geen leesrechten."
    if isinstance(exc, IsADirectoryError):
        return "Dit is een map, geen bestand."
    return f"Bestand kon niet worden gelezen (systeemfout {exc.errno or 'onbekend'})."


def _read_file(path: Path) -> bytes | str | None:
    """The bytes of a plain file, or a Dutch reason why not (too large, unreadable).

    None when the file is a zip archive to unpack (as ``is_zip``): the magic number is
    checked on the descriptor that reads the file, so a plain file is opened only once.
    Plain ``os`` calls on the descriptor, sized by ``fstat``: a buffered ``read`` of
    ``MAX_BYTES`` allocates that much for every small message.
    """
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                return _os_reason(IsADirectoryError())
            if not stat.S_ISREG(info.st_mode):
                return "Geen gewoon bestand (een apparaat, pijp of socket); niet gelezen."
            if os.pread(fd, 4, 0) == _ZIP_MAGIC and path.suffix.lower() not in (".xlsx", ".xlsm"):
                with open(fd, "rb", closefd=False) as fh:
                    if zipfile.is_zipfile(fh):
                        return None
            data = _read_all(fd, info.st_size)
        finally:
            os.close(fd)
    except OSError as exc:
        return _os_reason(exc)
    if len(data) > MAX_BYTES:
        return f"Bestand is groter dan {MAX_BYTES >> 20} MB; niet gelezen."
    return data


def _read_all(fd: int, size: int) -> bytes:
    """At most ``MAX_BYTES + 1`` bytes from the start (a file may grow after ``fstat``)."""
    want = min(size, MAX_BYTES) + 1
    first = os.pread(fd, want, 0)
    if len(first) < want:
        return first
    parts, got = [first], len(first)
    while got <= MAX_BYTES and (chunk := os.pread(fd, min(_CHUNK, MAX_BYTES + 1 - got), got)):
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | str:
    """The bytes of one zip member, or a Dutch reason (damaged, encrypted, a zip bomb)."""
    if info.flag_bits & 0x1:
        return "Zip-onderdeel is versleuteld (wachtwoord); niet gelezen."
    if info.compress_type not in _SUPPORTED:
        return f"Zip-onderdeel gebruikt een onbekende compressiemethode ({info.compress_type})."
    limit = MAX_BYTES
    if info.compress_size:
        limit = min(limit, max(info.compress_size * MAX_RATIO, _RATIO_FLOOR))
    parts: list[bytes] = []
    size = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(min(_CHUNK, limit + 1 - size)):
                parts.append(chunk)
                size += len(chunk)
                if size > limit:
                    return (
                        "Zip-onderdeel pakt uit tot meer dan "
                        + (
                            f"{MAX_BYTES >> 20} MB"
                            if limit == MAX_BYTES
                            else f"{MAX_RATIO} keer zijn ingepakte grootte"
                        )
                        + " (mogelijk een zip-bom); niet gelezen."
                    )
    except zipfile.BadZipFile:
        return "Zip-onderdeel is beschadigd (controlegetal klopt niet of kop is kapot)."
    except (zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError, OSError):
        return "Zip-onderdeel is beschadigd en kan niet worden uitgepakt."
    return b"".join(parts)


def iter_sources(entries: Iterable[Listed]) -> Iterator[SourceFile]:
    """Yield each file's bytes, or its failure; members of a zip as ``archive.zip!member``."""
    for entry in entries:
        number = entry.number
        if entry.problem is not None:
            yield _failed(f"map-{number}", entry.problem)
            continue
        data = _read_file(entry.path)
        if isinstance(data, str):
            yield _failed(f"bestand-{number}{safe_name('', entry.path.name)}", data)
            continue
        if data is not None:
            yield _source(entry.path.name, data)
            continue
        zf = _open_zip(entry.path)
        if zf is None:
            yield _failed(f"archief-{number}.zip", "Zip-archief is beschadigd; niet gelezen.")
            continue
        with zf:
            yield from _zip_sources(entry.path, zf)


def _archive_name(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return "archief.zip"
    return safe_name(digest.hexdigest(), path.name)


def _zip_sources(path: Path, zf: zipfile.ZipFile) -> Iterator[SourceFile]:
    archive = _archive_name(path)
    members = _members(zf)
    if not members:
        yield _failed(archive, "Zip-archief bevat geen bestanden.")
    unpacked = 0
    for position, info in members:
        if unpacked > MAX_ARCHIVE * MAX_BYTES:
            data: bytes | str = (
                f"Zip-archief pakt in totaal uit tot meer dan {MAX_ARCHIVE * MAX_BYTES >> 20} MB "
                "(mogelijk een zip-bom); dit onderdeel is niet gelezen."
            )
        else:
            data = _read_member(zf, info)
            unpacked += len(data) if isinstance(data, bytes) else 0
        if isinstance(data, str):
            yield _failed(f"{archive}!onderdeel-{position}{safe_name('', info.filename)}", data)
        else:
            source = _source(info.filename, data)
            source.name = f"{archive}!{source.name}"
            yield source


def locate(stored: str, paths: Iterable[Path]) -> list[str]:
    """The original files behind a stored name (``3fa2c9d01b7e44a1.xml``, or
    ``archive!member``), searched below ``paths``: for a data steward who must open a
    quarantined file. Runs on the steward's own machine; nothing is stored or logged.
    """
    archive, _, member = stored.partition("!")
    wanted = archive.split(".")[0]
    found: list[str] = []
    for entry in list_files(paths):
        if entry.problem is not None or _archive_name(entry.path).split(".")[0] != wanted:
            continue
        if not member:
            found.append(str(entry.path))
            continue
        zf = _open_zip(entry.path)
        if zf is None:
            continue
        with zf:
            for _, info in _members(zf):
                data = _read_member(zf, info)
                if isinstance(data, bytes) and _source(info.filename, data).name == member:
                    found.append(f"{entry.path}!{info.filename}")
    return found
