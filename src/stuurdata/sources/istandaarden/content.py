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
from collections.abc import Callable
from operator import itemgetter

from stuurdata.sources.records import Row

Shape = tuple[Callable[[Row], tuple[object, ...]], str]
# (table, the row's keys in insertion order) -> (values in sorted key order, repr format)
_SHAPES: dict[tuple[str, tuple[str, ...]], Shape] = {}


def _values(keys: tuple[str, ...]) -> Callable[[Row], tuple[object, ...]]:
    """A row's values in the order of ``keys``, as one tuple (one C call per row)."""
    if len(keys) == 1:
        key = keys[0]
        return lambda row: (row[key],)
    return itemgetter(*keys)


def _shape(table: str, keys: tuple[str, ...]) -> Shape:
    shape = _SHAPES.get((table, keys))
    if shape is None:
        ordered = tuple(sorted(keys))
        # Keys are column names written in the readers (no "%" in them).
        template = "[" + ", ".join(f"({k!r}, %r)" for k in ordered) + "]"
        shape = _SHAPES[(table, keys)] = (_values(ordered), template)
    return shape


def fingerprint(rows: dict[str, list[Row]]) -> str:
    """sha256 over the rows of every table except ``bericht``, order as in the message."""
    parts: list[str] = []
    for table in sorted(t for t in rows if t != "bericht"):
        parts.append(table)
        for row in rows[table]:
            values, template = _shape(table, tuple(row))
            parts.append(template % values(row))
    return hashlib.sha256("".join(parts).encode()).hexdigest()


__all__ = ["fingerprint"]
