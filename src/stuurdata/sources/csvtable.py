"""Shared handling of the delimited text files municipalities export (BRP, area lists).

Exports come from different suites: `;` or `,` separated, UTF-8 with or without BOM. One
place decides how such a file is opened, so every CSV reader accepts the same variants.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator


def decode(data: bytes) -> str | None:
    """The text of a UTF-8 file (BOM stripped), or None when it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def header_fields(data: bytes) -> list[str]:
    """Lower-cased names in the first line, for recognising a format by content."""
    text = decode(data[:4096])
    if text is None:
        # A cut in the middle of a multi-byte character: retry on whole lines only.
        text = decode(data[: data.find(b"\n", 0, 4096)]) if b"\n" in data[:4096] else None
    if not text:
        return []
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [f.strip().lower() for f in first.split(delimiter)]


def rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs with lower-cased, stripped keys and stripped values."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        row = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}
        if len(values) > len(header):
            row["__extra__"] = ";".join(values[len(header) :])
        yield reader.line_num, row
