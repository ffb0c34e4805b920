"""One address per day: overlapping residences of a person are trimmed at the door.

The BRP gives a person one address on any day, but an extract can still hold overlaps: an
old residence without ``datum_vertrek`` beside the new one, or a later delivery with only
the new address. Indicators must be able to trust that a person lives in one place, so the
rule is applied here, never in an indicator:

    **the later start wins**: a residence ends at the latest on the day the next residence
    of the same person starts (``tot = min(tot, next van)``, the end reason becomes
    ``vertrek``).

The rule runs twice per load. Before the duplicate check, on the staged rows (against the
stored and staged starts), so a re-delivered row compares with the trimmed row stored
earlier and still counts as a duplicate. After the merge, on the stored rows of the persons
in the load, because a new residence also shortens one stored before. Both are idempotent.
Zero-length and reversed residences never get here: the BRP reader quarantines them, and
trimming to a later start cannot make a new one.
"""

from __future__ import annotations

import logging

import duckdb

log = logging.getLogger("stuurdata")

_TRIM_STAGED = """
UPDATE stg_verblijf SET tot = n.next_van, reden_einde = 'vertrek'
FROM (
    SELECT s.unit_seq, s.van, min(o.van) AS next_van
    FROM stg_verblijf s
    JOIN (SELECT persoon_id, van FROM verblijf
          UNION SELECT persoon_id, van FROM stg_verblijf) o
      ON o.persoon_id = s.persoon_id AND o.van > s.van
    GROUP BY s.unit_seq, s.van
) n
WHERE stg_verblijf.unit_seq = n.unit_seq AND stg_verblijf.van = n.van
  AND (stg_verblijf.tot IS NULL OR stg_verblijf.tot > n.next_van)
"""

_TRIM_STORED = """
UPDATE verblijf SET tot = n.next_van, reden_einde = 'vertrek'
FROM (
    SELECT v.persoon_id, v.van, min(o.van) AS next_van
    FROM verblijf v
    JOIN verblijf o ON o.persoon_id = v.persoon_id AND o.van > v.van
    WHERE v.persoon_id IN (SELECT persoon_id FROM stg_verblijf)
    GROUP BY v.persoon_id, v.van
) n
WHERE verblijf.persoon_id = n.persoon_id AND verblijf.van = n.van
  AND (verblijf.tot IS NULL OR verblijf.tot > n.next_van)
"""


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def trim_staged(con: duckdb.DuckDBPyConnection) -> int:
    """Trim the staged residences to the next start; returns how many were shortened."""
    trimmed = _run(con, _TRIM_STAGED)
    if trimmed:
        log.info("verblijf: %d aangeleverde periode(s) ingekort tot de volgende vestiging", trimmed)
    return trimmed


def trim_stored(con: duckdb.DuckDBPyConnection) -> int:
    """Trim the stored residences of the persons in this load; returns how many changed."""
    trimmed = _run(con, _TRIM_STORED)
    if trimmed:
        log.info("verblijf: %d opgeslagen periode(s) ingekort tot de volgende vestiging", trimmed)
    return trimmed
