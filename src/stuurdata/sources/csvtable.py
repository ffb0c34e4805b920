"""The one reader of delimited text files municipalities export (BRP, suite exports, areas).

Exports come from different suites: `;` or `,` separated, UTF-8 with or without BOM, line
ends LF, CRLF or CR alone. One place decides how such a file is read, so every CSV reader
accepts the same variants and has the same guarantee: **one physical line is one record**.
A quoting error (a stray ``"``), a field over ``MAX_FIELD`` characters or a NUL byte makes
that one line a ``BadLine`` with a Dutch reason; the next line is read as if nothing
happened. A general CSV parser would let one stray quote swallow every following line into
a single field (and then quote it all in an error message); a quoted field spanning lines is
therefore not supported, which no known suite export uses.

Reasons never quote the contents of a line: they name the line and what is wrong.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass

from stuurdata.privacy.bsn import scrub

MAX_FIELD = 128 * 1024  # characters in one line; no legitimate record comes near
_LINES = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that is not a record of the table, with the Dutch reason."""

    line: int
    reason: str


def decode(data: bytes) -> str | None:
    """The text of a UTF-8 file (BOM stripped), or None when it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _delimiter(first: str) -> str:
    return ";" if first.count(";") >= first.count(",") else ","


def _first_line(text: str) -> str:
    match = _LINES.search(text)
    return text[: match.start()] if match else text


def header_fields(data: bytes) -> list[str]:
    """Lower-cased names in the first line, for recognising a format by content."""
    text = decode(data[:4096])
    if text is None:
        # A cut in the middle of a multi-byte character: retry on whole lines only.
        cut = max(data.rfind(b"\n", 0, 4096), data.rfind(b"\r", 0, 4096))
        text = decode(data[:cut]) if cut > 0 else None
    if not text:
        return []
    first = _first_line(text)
    return [f.strip().strip('"').strip().lower() for f in first.split(_delimiter(first))]


def _split(line: str, delimiter: str) -> list[str] | str:
    """The fields of one line, or a Dutch reason why the line is not a record."""
    if len(line) > MAX_FIELD:
        return f"de regel is langer dan {MAX_FIELD // 1024} kB"
    if '"' not in line and "\x00" not in line:
        return line.split(delimiter)
    try:
        fields = next(csv.reader([line], delimiter=delimiter, strict=True), [])
    except csv.Error:
        if "\x00" in line:
            return "de regel bevat een NUL-teken (geen tekstbestand?)"
        return (
            'aanhalingstekens kloppen niet (een veld met " moet helemaal tussen '
            'aanhalingstekens staan, een " erin verdubbeld)'
        )
    return fields


def rows(text: str) -> Iterator[tuple[int, dict[str, str]] | BadLine]:
    """(line number, row) pairs with lower-cased, stripped keys and values, or ``BadLine``.

    Empty lines are skipped. A row with more fields than the header carries the extra
    fields under ``__extra__`` (the readers refuse it). A header that names a column twice
    makes every data line a ``BadLine``: which of the two columns holds the value is a
    guess, and a guess about a BSN gives a person the wrong pseudonym.
    """
    lines = _LINES.split(text)
    if not lines:
        return
    delimiter = _delimiter(lines[0])
    parsed = _split(lines[0], delimiter)
    problem: str | None = None
    header: list[str] = []
    if isinstance(parsed, str):
        problem = f"kopregel onleesbaar: {parsed}"
    else:
        header = [h.strip().lower() for h in parsed]
        twice = sorted({h for h in header if h and header.count(h) > 1})
        if twice:
            names = scrub(", ".join(twice))
            problem = f"kolom {names} staat meer dan één keer in de kopregel"
    seen = False
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        seen = True
        if problem is not None:
            yield BadLine(number, problem)
            continue
        values = _split(line, delimiter)
        if isinstance(values, str):
            yield BadLine(number, values)
            continue
        if not "".join(values).strip():  # only separators and blanks
            continue
        if len(values) == len(header):
            row = dict(zip(header, map(str.strip, values), strict=True))
        else:
            row = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}
        if len(values) > len(header):
            row["__extra__"] = "1"
        yield number, row
    if problem is not None and not seen:
        yield BadLine(1, problem)
