"""A fingerprint of what a message says, to tell a duplicate from a conflict.

Two messages with the same identity (standard, message code, sender, identification) are
the same message sent twice when they say the same, and a conflict when they do not (the
sender reused an identification, or a file was edited). The ``bericht`` columns are compared
one by one in SQL so the differing fields can be named; everything else the message yields
(product and claim lines, clients) is compared through this fingerprint. File name, file
hash and whitespace do not count: only the extracted values do.

The value is stored (``bericht.inhoud``) and compared with messages loaded by earlier
versions, so its definition is fixed: sha256 over, per table in name order, the table name
and then ``repr(sorted(row.items()))`` of each row. It is computed here with one format
string per row shape (the same text, made in one C call instead of a sort, a list of
tuples and its repr per row) and one hash over the joined text.
"""

from __future__ import annotations

import hashlib

from stuurdata.sources.records import Row

# (table, the row's keys in insertion order) -> (keys sorted, format string of the repr)
_SHAPES: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, ...], str]] = {}


def _shape(table: str, keys: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    shape = _SHAPES.get((table, keys))
    if shape is None:
        ordered = tuple(sorted(keys))
        # Keys are column names written in the readers (no "%" in them).
        template = "[" + ", ".join(f"({k!r}, %r)" for k in ordered) + "]"
        shape = _SHAPES[(table, keys)] = (ordered, template)
    return shape


def fingerprint(rows: dict[str, list[Row]]) -> str:
    """sha256 over the rows of every table except ``bericht``, order as in the message."""
    parts: list[str] = []
    for table in sorted(t for t in rows if t != "bericht"):
        parts.append(table)
        for row in rows[table]:
            ordered, template = _shape(table, tuple(row))
            parts.append(template % tuple([row[k] for k in ordered]))
    return hashlib.sha256("".join(parts).encode()).hexdigest()


__all__ = ["fingerprint"]
