"""Turn the paths a user names (files, folders, zip archives) into source files.

Folders are walked recursively in sorted order and zip archives are opened member by member,
so one `inlezen` call can take a month's inbox as it was delivered. Bytes are read lazily: a
large municipality's traffic does not fit in memory at once.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from stuurdata.sources.records import SourceFile


class SourcePathError(Exception):
    """A named path does not exist; the message is Dutch for the user."""


def _is_hidden(path: Path) -> bool:
    return any(part.startswith(".") for part in path.parts if part not in (".", ".."))


def _walk(folder: Path) -> list[str]:
    """Files below ``folder`` as strings, hidden files and folders skipped (fast for 10^6)."""
    found: list[str] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(os.path.join(root, n) for n in names if not n.startswith("."))
    return found


def _expand(path: Path) -> Iterator[Path]:
    if path.is_dir():
        yield from map(Path, sorted(_walk(path)))
    elif path.is_file():
        yield path
    else:
        raise SourcePathError(f"Pad bestaat niet: {path}")


def list_files(paths: Iterable[Path]) -> list[Path]:
    """All files below the given paths (zip archives count as one entry each)."""
    return [f for p in paths for f in _expand(Path(p))]


def _members(zf: zipfile.ZipFile) -> list[str]:
    return sorted(n for n in zf.namelist() if not n.endswith("/") and not _is_hidden(Path(n)))


def zip_members(path: Path) -> list[str]:
    """Names of the files inside a zip archive, sorted, hidden entries skipped."""
    with zipfile.ZipFile(path) as zf:
        return _members(zf)


def is_zip(path: Path) -> bool:
    """A zip archive, by its magic number (cheap: reads four bytes)."""
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04" and zipfile.is_zipfile(path)


def _is_archive(path: Path, data: bytes) -> bool:
    """A zip archive to unpack; Excel files are zips too but are read as one file."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return False
    return data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(data))


def count_sources(files: Iterable[Path]) -> int:
    """How many source files a load will read, for progress (zip members counted)."""
    return sum(
        len(zip_members(f)) if f.suffix.lower() == ".zip" and is_zip(f) else 1 for f in files
    )


def _source(name: str, data: bytes) -> SourceFile:
    return SourceFile(name=name, data=data, sha256=hashlib.sha256(data).hexdigest())


def iter_sources(files: Iterable[Path]) -> Iterator[SourceFile]:
    """Yield each file's bytes; members of a zip appear as ``archive.zip!member``."""
    for path in files:
        data = path.read_bytes()
        if _is_archive(path, data):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for member in _members(zf):
                    yield _source(f"{path}!{member}", zf.read(member))
        else:
            yield _source(str(path), data)
