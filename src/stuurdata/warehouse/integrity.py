"""Checks that need the warehouse: is a staged unit new, a duplicate, or a contradiction?

Readers judge each record alone; only here can a record be compared with what is already
stored. Identity: a message by ``bericht_id``; a BRP residence period, an area and a
boundary by their full content (a corrected BRP row with the same start is an update, not a
duplicate).

A message whose identity is known is a duplicate (``dubbel``) only when it says the same;
when its content differs (another dagtekening, other lines) it is a conflict: quarantined,
naming the differing fields and both files by their sha256 (never a file name), while the
version stored first stays. Within one load the first file in reading order (sorted paths)
is the one loaded; later conflicting copies are quarantined naming it.

A claim (323) is quarantined when any of its lines was claimed before (stored, or in an
earlier message of this load) under another message identification: counting it again
would double the declared cost.

A start or stop message for an allocation the municipality never sent is quarantined, but
only when the warehouse knows that municipality's allocations for that law at all:
otherwise there is nothing to check against (a warehouse fed only with provider messages,
or traffic addressed to another municipality) and the message is loaded as it is.
"""

from __future__ import annotations

import duckdb

from stuurdata.sources.records import Row
from stuurdata.warehouse import residences
from stuurdata.warehouse.schema import columns

_CLASSIFY = """
CREATE OR REPLACE TEMP TABLE stg_status AS
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY unit_key ORDER BY unit_seq) AS rn FROM stg_unit
),
existing AS (
    SELECT u.unit_seq FROM stg_unit u
    JOIN bericht b ON u.kind = 'bericht' AND b.bericht_id = u.unit_key
    UNION ALL
    SELECT s.unit_seq FROM stg_verblijf s
    JOIN stg_persoon sp USING (unit_seq)
    JOIN verblijf v ON v.persoon_id = s.persoon_id AND v.van = s.van
    JOIN persoon p ON p.persoon_id = s.persoon_id
    WHERE v.tot IS NOT DISTINCT FROM s.tot
      AND v.reden_einde IS NOT DISTINCT FROM s.reden_einde
      AND v.gemeentecode = s.gemeentecode
      AND v.wijkcode IS NOT DISTINCT FROM s.wijkcode
      AND v.buurtcode IS NOT DISTINCT FROM s.buurtcode
      AND v.vierkant IS NOT DISTINCT FROM s.vierkant
      AND v.huishouden_id IS NOT DISTINCT FROM s.huishouden_id
      AND p.bron = 'brp'
      AND p.geboortemaand IS NOT DISTINCT FROM sp.geboortemaand
      AND p.geslacht IS NOT DISTINCT FROM sp.geslacht
    UNION ALL
    SELECT s.unit_seq FROM stg_voorziening s
    JOIN voorziening v USING (wet, persoon_id, soort, start)
    WHERE v.eind IS NOT DISTINCT FROM s.eind
      AND v.bedrag_cent IS NOT DISTINCT FROM s.bedrag_cent
      AND v.gemeentecode IS NOT DISTINCT FROM s.gemeentecode
    UNION ALL
    SELECT s.unit_seq FROM stg_gebied s JOIN stg_unit u USING (unit_seq)
    JOIN gebied g ON g.gebiedscode = s.gebiedscode AND g.naam = s.naam AND g.niveau = s.niveau
    WHERE u.kind = 'gebied'
    UNION ALL
    -- a boundary is known when its geometry and (if it names one) its name are stored
    SELECT s.unit_seq FROM stg_grens s
    JOIN grens g ON g.gebiedscode = s.gebiedscode AND g.geometrie = s.geometrie
    WHERE NOT EXISTS (
        SELECT 1 FROM stg_gebied sg WHERE sg.unit_seq = s.unit_seq AND NOT EXISTS (
            SELECT 1 FROM gebied g2 WHERE g2.gebiedscode = sg.gebiedscode
              AND g2.naam = sg.naam AND g2.niveau = sg.niveau))
)
SELECT r.unit_seq, r.unit_key, r.lading_id, r.bestand, r.positie, r.afzender, r.berichttype,
       CASE WHEN r.rn > 1 OR e.unit_seq IS NOT NULL THEN 'dubbel' ELSE 'geladen' END AS status,
       NULL::VARCHAR AS reden, NULL::VARCHAR AS toewijzingnummers, NULL::VARCHAR AS soort
FROM ranked r LEFT JOIN (SELECT DISTINCT unit_seq FROM existing) e USING (unit_seq)
"""

_UNKNOWN_ALLOCATION = """
WITH allocations AS (
    SELECT toewijzing_id, wet, gemeentecode FROM toewijzing
    UNION
    SELECT t.toewijzing_id, t.wet, t.gemeentecode FROM stg_toewijzing t
    JOIN stg_status s USING (unit_seq) WHERE s.status = 'geladen'
),
checked AS (SELECT DISTINCT wet, gemeentecode FROM allocations),
unknown AS (
    SELECT l.unit_seq,
           string_agg(DISTINCT split_part(l.toewijzing_id, ':', 3), ', '
                      ORDER BY split_part(l.toewijzing_id, ':', 3)) AS nummers,
           any_value(l.gemeentecode) AS gemeentecode
    FROM stg_levering l
    JOIN stg_status s USING (unit_seq)
    JOIN checked c ON c.wet = l.wet AND c.gemeentecode = l.gemeentecode
    WHERE s.status = 'geladen'
      AND l.toewijzing_id NOT IN (SELECT toewijzing_id FROM allocations)
    GROUP BY l.unit_seq
)
UPDATE stg_status SET status = 'quarantaine',
    toewijzingnummers = replace(unknown.nummers, ', ', ','),
    reden = 'Start- of stopbericht voor een onbekende toewijzing: ToewijzingNummer '
            || unknown.nummers || ' is nooit door gemeente ' || unknown.gemeentecode
            || ' toegewezen (geen toewijzingsbericht 301 in het pakhuis).'
FROM unknown WHERE stg_status.unit_seq = unknown.unit_seq
"""


# Columns of ``bericht`` that do not say what a message is: identity, lineage and the XSD
# patch version of the wire format (a resend under a newer XSD says the same).
_NOT_CONTENT = ("bericht_id", "bestand", "sha256", "status", "lading_id", "inhoud", "xsd_versie")
_REGELS = "regels (producten, declaratieregels of cliëntgegevens)"


def _differences(new: str, old: str) -> str:
    """SQL: the names of the fields in which message ``new`` differs from ``old``."""
    parts = [
        f"CASE WHEN {new}.{c} IS DISTINCT FROM {old}.{c} THEN '{c}' END"
        for c in columns("bericht")
        if c not in _NOT_CONTENT
    ]
    # A message stored by an older version has no fingerprint: its lines cannot be compared.
    parts.append(
        f"CASE WHEN {old}.inhoud IS NOT NULL AND {new}.inhoud IS DISTINCT FROM {old}.inhoud "
        f"THEN '{_REGELS}' END"
    )
    return f"concat_ws(', ', {', '.join(parts)})"


_CONFLICT = """
UPDATE stg_status SET status = 'quarantaine', soort = 'conflict',
    reden = 'Conflict: bericht ' || d.bericht_id || ' ' || d.waar || ' (bestand met sha256 '
            || left(d.eerder_sha, 12) || ') met andere inhoud. Verschillend: ' || d.verschil
            || '. Dit bestand (sha256 ' || left(d.sha, 12) || ') is niet geladen; '
            || d.blijft || '.'
FROM ({bron}) d
WHERE stg_status.unit_seq = d.unit_seq AND d.verschil <> ''
"""

# Against the stored version: it stays.
_STORED = """
    SELECT s.unit_seq, b.bericht_id, b.sha256 AS eerder_sha, s.sha256 AS sha,
           'staat al in het pakhuis sinds lading ' || CAST(b.lading_id AS VARCHAR) AS waar,
           'de eerder geladen versie blijft staan' AS blijft, {diff} AS verschil
    FROM stg_bericht s JOIN stg_unit u USING (unit_seq)
    JOIN bericht b ON u.kind = 'bericht' AND b.bericht_id = u.unit_key
"""

# Within one load, against the first occurrence in reading order: it is the one loaded.
_SAME_LOAD = """
    WITH f AS (
        SELECT s.*, u.unit_key,
               row_number() OVER (PARTITION BY u.unit_key ORDER BY unit_seq) AS rn
        FROM stg_bericht s JOIN stg_unit u USING (unit_seq)
        WHERE u.kind = 'bericht' AND u.unit_key NOT IN (SELECT bericht_id FROM bericht)
    )
    SELECT a.unit_seq, a.unit_key AS bericht_id, b.sha256 AS eerder_sha, a.sha256 AS sha,
           'komt in deze inleesronde al voor' AS waar,
           'het eerst gelezen bestand is geladen' AS blijft, {diff} AS verschil
    FROM f a JOIN f b ON a.unit_key = b.unit_key AND b.rn = 1 AND a.rn > 1
"""

# A claim line is one service for one period: the same ReferentieNummer, allocation, period
# and debit/credit from the same provider is the same line, whatever message carries it.
_LINE = (
    "wet, gemeentecode, aanbieder, referentienummer, toewijzing_id, periode_begin, "
    "periode_eind, teken"
)
_RESENT_CLAIMS = f"""
WITH lines AS (
    SELECT d.unit_seq, d.wet, d.gemeentecode, d.aanbieder, d.referentienummer, d.toewijzing_id,
           d.periode_begin, d.periode_eind, sign(d.bedrag_cent) AS teken
    FROM stg_declaratie d JOIN stg_status s USING (unit_seq) WHERE s.status = 'geladen'
),
stored AS (
    SELECT DISTINCT wet, gemeentecode, aanbieder, referentienummer, toewijzing_id,
           periode_begin, periode_eind, sign(bedrag_cent) AS teken
    FROM declaratie
),
marked AS (
    SELECT l.unit_seq,
           st.wet IS NOT NULL
           OR min(l.unit_seq) OVER (PARTITION BY {", ".join("l." + c for c in _LINE.split(", "))})
              < l.unit_seq AS bekend
    FROM lines l LEFT JOIN stored st USING ({_LINE})
),
per_unit AS (
    SELECT unit_seq, count(*) AS n, count(*) FILTER (WHERE bekend) AS bekend
    FROM marked GROUP BY unit_seq HAVING count(*) FILTER (WHERE bekend) > 0
)
UPDATE stg_status SET status = 'quarantaine',
    reden = 'Declaratie bevat ' || CASE WHEN p.bekend = p.n THEN 'alleen prestaties'
                                        ELSE p.bekend || ' van de ' || p.n || ' prestaties' END
            || ' die al eerder zijn gedeclareerd (zelfde ReferentieNummer, toewijzing, periode '
            || 'en debet/credit van deze aanbieder), onder een andere berichtidentificatie. '
            || 'De declaratie is niet meegeteld; vraag de aanbieder om een correctie.'
FROM per_unit p WHERE stg_status.unit_seq = p.unit_seq
"""


def classify_units(con: duckdb.DuckDBPyConnection) -> None:
    """Give every staged unit a status in ``stg_status``: geladen, dubbel or quarantaine."""
    residences.trim_staged(con)  # before the duplicate check: stored rows are trimmed too
    con.execute(_CLASSIFY)
    con.execute(_CONFLICT.format(bron=_STORED.format(diff=_differences("s", "b"))))
    con.execute(_CONFLICT.format(bron=_SAME_LOAD.format(diff=_differences("a", "b"))))
    con.execute(_UNKNOWN_ALLOCATION)
    con.execute(_RESENT_CLAIMS)


def rejected_units(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Quarantine rows for the units ``classify_units`` refused."""
    cur = con.execute(
        "SELECT lading_id, bestand, positie, coalesce(soort, 'bedrijfsregel') AS soort, "
        "reden AS melding, "
        "afzender, berichttype, unit_key AS bericht_id, toewijzingnummers FROM stg_status "
        "WHERE status = 'quarantaine' ORDER BY unit_seq"
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
