"""A fingerprint of what a message says, to tell a duplicate from a conflict.

Two messages with the same identity (standard, message code, sender, identification) are
the same message sent twice when they say the same, and a conflict when they do not (the
sender reused an identification, or a file was edited). The ``bericht`` columns are compared
one by one in SQL so the differing fields can be named; everything else the message yields
(product and claim lines, clients) is compared through this fingerprint. File name, file
hash and whitespace do not count: only the extracted values do.
"""

from __future__ import annotations

import hashlib

from stuurdata.sources.records import Row


def fingerprint(rows: dict[str, list[Row]]) -> str:
    """sha256 over the rows of every table except ``bericht``, order as in the message."""
    digest = hashlib.sha256()
    for table in sorted(t for t in rows if t != "bericht"):
        digest.update(table.encode())
        for row in rows[table]:
            digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


__all__ = ["fingerprint"]
