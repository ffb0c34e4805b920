"""Merging staged, accepted units into the canonical tables.

Each table has one rule, applied in SQL over the whole load at once:
- ``bericht``, ``verzoek``, ``declaratie``: append (their identity is new by construction);
- ``persoon``: BRP data wins over what a message says; a message fills a person unknown so far;
- ``verblijf``, ``gebied``, ``grens``, ``voorziening``: the latest row for the same key replaces the
  stored one (a re-export with an end date updates the provision); overlapping residences
  of a person are then trimmed (``residences.py``: the later start wins);
- ``toewijzing``: one row per allocation, the 301 with the latest dagtekening wins (a
  municipality re-sends a 301 to change or end an allocation);
- ``levering``: a start (305) and a stop (307) for the same allocation and start date form
  one delivery period, whichever arrives first.
"""

from __future__ import annotations

import duckdb

from stuurdata.warehouse import residences
from stuurdata.warehouse.schema import columns

_OK = "(SELECT unit_seq FROM stg_status WHERE status = 'geladen')"


def _latest(table: str, key: str, order: str) -> str:
    cols = ", ".join(columns(table))
    return (
        f"SELECT {cols} FROM stg_{table} WHERE unit_seq IN {_OK} "
        f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY {order}) = 1"
    )


def _update_all(table: str, key: tuple[str, ...]) -> str:
    return ", ".join(f"{c} = excluded.{c}" for c in columns(table) if c not in key)


def _append(con: duckdb.DuckDBPyConnection, table: str) -> None:
    cols = ", ".join(columns(table))
    con.execute(
        f"INSERT INTO {table} ({cols}) SELECT {cols} FROM stg_{table} WHERE unit_seq IN {_OK}"
    )


def _persoon(con: duckdb.DuckDBPyConnection) -> None:
    cols = ", ".join(columns("persoon"))
    order = "(bron = 'brp') DESC, (geboortemaand IS NOT NULL) DESC, unit_seq DESC"
    con.execute(
        f"INSERT INTO persoon ({cols}) {_latest('persoon', 'persoon_id', order)} "
        f"ON CONFLICT (persoon_id) DO UPDATE SET {_update_all('persoon', ('persoon_id',))} "
        "WHERE excluded.bron = 'brp' OR (persoon.bron <> 'brp' AND persoon.geboortemaand IS NULL "
        "AND excluded.geboortemaand IS NOT NULL)"
    )
    # A person stored before the region's key was set gets the regional pseudonym when a
    # later load knows it (privacy/regio.py); without a regional key this changes nothing.
    con.execute(
        "UPDATE persoon SET regio_persoon_id = s.regio_persoon_id FROM (SELECT persoon_id, "
        "any_value(regio_persoon_id) AS regio_persoon_id FROM stg_persoon WHERE "
        f"regio_persoon_id IS NOT NULL AND unit_seq IN {_OK} GROUP BY persoon_id) AS s "
        "WHERE persoon.persoon_id = s.persoon_id AND persoon.regio_persoon_id IS NULL"
    )


def _replace(con: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...]) -> None:
    cols = ", ".join(columns(table))
    con.execute(
        f"INSERT INTO {table} ({cols}) {_latest(table, ', '.join(key), 'unit_seq DESC')} "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {_update_all(table, key)}"
    )


def _toewijzing(con: duckdb.DuckDBPyConnection) -> None:
    """The latest 301 wins, but the allocation keeps the date it was first made.

    A change (a new 301 with the same number) carries the change date; waiting times and
    the response norm are about the first allocation, so the earliest ``toewijzingsdatum``
    and the first message's dagtekening survive every later version.
    """
    cols = columns("toewijzing")
    first = ("toewijzingsdatum", "eerste_dagtekening")
    picked = ", ".join(c for c in cols if c not in first)
    latest = f"""
        SELECT {picked},
               min(toewijzingsdatum) OVER w AS toewijzingsdatum,
               min(coalesce(eerste_dagtekening, dagtekening)) OVER w AS eerste_dagtekening
        FROM stg_toewijzing WHERE unit_seq IN {_OK}
        WINDOW w AS (PARTITION BY toewijzing_id)
        QUALIFY row_number() OVER (PARTITION BY toewijzing_id
                                   ORDER BY dagtekening DESC, unit_seq DESC) = 1
    """
    newer = "excluded.dagtekening >= toewijzing.dagtekening"
    updates = [
        f"{c} = CASE WHEN {newer} THEN excluded.{c} ELSE toewijzing.{c} END"
        for c in cols
        if c not in (*first, "toewijzing_id")
    ]
    updates += [f"{c} = least(toewijzing.{c}, excluded.{c})" for c in first]
    con.execute(
        f"INSERT INTO toewijzing ({picked}, {', '.join(first)}) {latest} "
        f"ON CONFLICT (toewijzing_id) DO UPDATE SET {', '.join(updates)}"
    )


_LEVERING = f"""
INSERT INTO levering ({{cols}})
WITH s AS (SELECT * FROM stg_levering WHERE unit_seq IN {_OK}),
starts AS (
    SELECT * FROM s WHERE bericht_id_start IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY toewijzing_id, start
                               ORDER BY dagtekening_start DESC, unit_seq DESC) = 1
),
stops AS (
    SELECT * FROM s WHERE bericht_id_stop IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY toewijzing_id, start
                               ORDER BY dagtekening_stop DESC, unit_seq DESC) = 1
)
SELECT coalesce(a.toewijzing_id, o.toewijzing_id), coalesce(a.wet, o.wet),
       coalesce(a.gemeentecode, o.gemeentecode), coalesce(a.persoon_id, o.persoon_id),
       coalesce(a.aanbieder, o.aanbieder), coalesce(a.start, o.start),
       o.stop, o.reden_beeindiging, a.dagtekening_start, o.dagtekening_stop,
       a.bericht_id_start, o.bericht_id_stop,
       coalesce(greatest(a.lading_id, o.lading_id), a.lading_id, o.lading_id)
FROM starts a FULL OUTER JOIN stops o
  ON a.toewijzing_id = o.toewijzing_id AND a.start = o.start
ON CONFLICT (toewijzing_id, start) DO UPDATE SET
    stop = coalesce(excluded.stop, levering.stop),
    reden_beeindiging = coalesce(excluded.reden_beeindiging, levering.reden_beeindiging),
    dagtekening_stop = coalesce(excluded.dagtekening_stop, levering.dagtekening_stop),
    bericht_id_stop = coalesce(excluded.bericht_id_stop, levering.bericht_id_stop),
    dagtekening_start = coalesce(excluded.dagtekening_start, levering.dagtekening_start),
    bericht_id_start = coalesce(excluded.bericht_id_start, levering.bericht_id_start),
    lading_id = excluded.lading_id
"""


def merge_all(con: duckdb.DuckDBPyConnection) -> None:
    """Apply every table's merge rule for the units marked ``geladen``."""
    _append(con, "bericht")
    _persoon(con)
    _replace(con, "verblijf", ("persoon_id", "van"))
    residences.trim_stored(con)
    _replace(con, "gebied", ("gebiedscode",))
    _replace(con, "grens", ("gebiedscode",))
    _append(con, "verzoek")
    _toewijzing(con)
    con.execute(_LEVERING.format(cols=", ".join(columns("levering"))))
    _append(con, "declaratie")
    _replace(con, "voorziening", ("wet", "persoon_id", "soort", "start"))
