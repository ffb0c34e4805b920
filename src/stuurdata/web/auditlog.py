"""Group commit of the dashboard's audit records: many page views, one store transaction.

Every page view writes one audit record before its page is sent. Appending them one at a
time costs a store transaction and two anchor writes (with fsync) each, under one machine-wide
lock, so 50 users at once queue behind it. Here a view hands its record over and waits; the
first waiting thread takes every record handed over so far and commits them together
(``audit.commit``), the others find theirs committed. Nothing changes in what is logged or in
the tamper evidence: each record keeps its own number and chained hash, and no page is sent
before its record is committed (a failed commit fails every view in it).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stuurdata.privacy import audit


@dataclass
class _Entry:
    record: audit.AuditRecord
    done: bool = False
    error: BaseException | None = None


class GroupCommit:
    """``append`` with the signature of ``audit.append``, committed in groups."""

    def __init__(self) -> None:
        self._pending: dict[tuple[str, str | None], list[_Entry]] = {}
        self._queue = threading.Lock()
        self._writer = threading.Lock()

    def append(self, pakhuis: Path, *, url: str | None = None, **fields: Any) -> audit.AuditRecord:
        """Hand the record over and return once it is committed (or raise why not)."""
        entry = _Entry(audit.new_record(**fields))
        key = (str(pakhuis), url)
        with self._queue:
            self._pending.setdefault(key, []).append(entry)
        with self._writer:
            if not entry.done:
                with self._queue:
                    batch = self._pending.pop(key, [])
                try:
                    audit.commit(Path(pakhuis), [e.record for e in batch], url=url)
                except BaseException as exc:
                    for e in batch:
                        e.error = exc
                    raise
                finally:
                    for e in batch:
                        e.done = True
        if entry.error is not None:
            raise entry.error
        return entry.record
