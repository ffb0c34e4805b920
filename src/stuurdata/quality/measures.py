"""The measures of the ketenmonitor as set-based SQL over the canonical tables.

Each measure is one query over all providers and months at once that yields its
*population* (the cases the norm applies to) with a boolean ``fout`` per case, in one shape::

    maatregel, wet, aanbieder, maand, toewijzing_id, toewijzingnummer, persoon_id,
    datum, werkdagen, detail, fout  (and, where money is involved, bedrag_cent)

so counting (teller = cases with ``fout``, noemer = all cases) and the drill-down (the cases
with ``fout``) are the same rows. Working days come from the TEMP table ``kw_werkdag``
(see ``werkdagen.py``); ``kw_param`` holds ``peildatum`` (the day the data is judged on)
and ``vanaf`` (the first day of the observed window). Chain data is often contradictory:
every join is a LEFT JOIN or guarded by NULL checks, so odd rows become cases, not errors.
"""

from __future__ import annotations

from stuurdata.quality.registry import Maatregel

# Allocations with their effective end: the einddatum or, for an open-ended allocation, the
# day before a newer allocation for the same person, law, provider and product category
# started (it replaced this one). An allocation with an einddatum is not cut short by a
# newer one: parallel allocations for the same category exist (and are not a replacement).
BASE = """
CREATE OR REPLACE TEMP TABLE kw_toew AS
SELECT t.toewijzing_id, t.toewijzingnummer, t.wet, t.gemeentecode, t.persoon_id, t.aanbieder,
       t.productcategorie, t.toewijzingsdatum, t.ingangsdatum, t.einddatum, t.volume,
       t.eenheid, t.frequentie, t.budget_cent, t.reden_wijziging,
       coalesce(t.einddatum, CAST(lead(t.ingangsdatum) OVER (
           PARTITION BY t.persoon_id, t.wet, t.aanbieder, t.productcategorie
           ORDER BY t.ingangsdatum, t.toewijzing_id) - INTERVAL 1 DAY AS DATE)) AS eind_eff
FROM toewijzing t;

CREATE OR REPLACE TEMP TABLE kw_lev AS
SELECT toewijzing_id,
       min(start) AS eerste_start,
       min(dagtekening_start) AS eerste_dag_start,
       bool_and(stop IS NOT NULL) AS alles_gestopt,
       max(stop) AS laatste_stop,
       count(dagtekening_start) AS n_start
FROM levering GROUP BY toewijzing_id;
"""

# Expressions shared by the queries.
_MAAND = "CAST(date_trunc('month', {d}) AS DATE)"


def _m(expr: str) -> str:
    return _MAAND.format(d=expr)


def _start_ontbreekt(m: Maatregel) -> str:
    n = int(m.param("werkdagen"))
    return f"""
SELECT '{m.id}' AS maatregel, t.wet, t.aanbieder, {_m("greatest(d.dag, p.vanaf)")} AS maand,
       t.toewijzing_id, t.toewijzingnummer, t.persoon_id, t.ingangsdatum AS datum,
       CAST(pd.nr - i.nr AS INTEGER) AS werkdagen,
       'geen startbericht; ingangsdatum ' || strftime(t.ingangsdatum, '%d-%m-%Y') AS detail,
       coalesce(l.n_start, 0) = 0 AS fout
FROM kw_toew t CROSS JOIN kw_param p
JOIN kw_werkdag i ON i.dag = t.ingangsdatum
JOIN kw_werkdag d ON d.nr = i.nr + {n} AND d.werkdag
JOIN kw_werkdag pd ON pd.dag = p.peildatum
LEFT JOIN kw_lev l USING (toewijzing_id)
WHERE d.dag < p.peildatum AND coalesce(t.eind_eff, p.peildatum) >= p.vanaf
  AND (t.eind_eff IS NULL OR t.eind_eff >= t.ingangsdatum)
"""


def _stop_ontbreekt(m: Maatregel) -> str:
    n = int(m.param("werkdagen"))
    return f"""
SELECT '{m.id}' AS maatregel, t.wet, t.aanbieder, {_m("d.dag")} AS maand,
       t.toewijzing_id, t.toewijzingnummer, t.persoon_id, t.eind_eff AS datum,
       CAST(pd.nr - e.nr AS INTEGER) AS werkdagen,
       'geen stopbericht; toewijzing afgelopen op ' || strftime(t.eind_eff, '%d-%m-%Y')
           AS detail,
       NOT l.alles_gestopt AS fout
FROM kw_toew t CROSS JOIN kw_param p
JOIN kw_lev l USING (toewijzing_id)
JOIN kw_werkdag e ON e.dag = t.eind_eff
JOIN kw_werkdag d ON d.nr = e.nr + {n} AND d.werkdag
JOIN kw_werkdag pd ON pd.dag = p.peildatum
WHERE d.dag < p.peildatum AND t.eind_eff >= p.vanaf AND l.n_start > 0
"""


def _start_laat(m: Maatregel) -> str:
    n = int(m.param("werkdagen"))
    # Retroactive allocation (OP271): the term runs from the allocation date when that came
    # after the start and before the start message (a later change 301 moves nothing).
    ref = (
        "CASE WHEN t.toewijzingsdatum > v.start AND t.toewijzingsdatum <= v.dagtekening_start "
        "THEN t.toewijzingsdatum ELSE v.start END"
    )
    return f"""
SELECT '{m.id}' AS maatregel, v.wet, v.aanbieder, {_m("x.ref")} AS maand,
       v.toewijzing_id, split_part(v.toewijzing_id, ':', 3) AS toewijzingnummer,
       v.persoon_id, v.dagtekening_start AS datum, CAST(b.nr - a.nr AS INTEGER) AS werkdagen,
       'startbericht ' || CAST(b.nr - a.nr AS VARCHAR) || ' werkdagen na '
           || strftime(x.ref, '%d-%m-%Y') AS detail,
       b.nr - a.nr > {n} AS fout
FROM levering v CROSS JOIN kw_param p
LEFT JOIN kw_toew t USING (toewijzing_id)
CROSS JOIN LATERAL (SELECT {ref} AS ref) x
JOIN kw_werkdag a ON a.dag = x.ref
JOIN kw_werkdag b ON b.dag = v.dagtekening_start
WHERE v.dagtekening_start IS NOT NULL AND x.ref >= p.vanaf AND x.ref <= p.peildatum
"""


def _stop_laat(m: Maatregel) -> str:
    n = int(m.param("werkdagen"))
    return f"""
SELECT '{m.id}' AS maatregel, v.wet, v.aanbieder, {_m("v.stop")} AS maand,
       v.toewijzing_id, split_part(v.toewijzing_id, ':', 3) AS toewijzingnummer,
       v.persoon_id, v.dagtekening_stop AS datum, CAST(b.nr - a.nr AS INTEGER) AS werkdagen,
       'stopbericht ' || CAST(b.nr - a.nr AS VARCHAR) || ' werkdagen na '
           || strftime(v.stop, '%d-%m-%Y') AS detail,
       b.nr - a.nr > {n} AS fout
FROM levering v CROSS JOIN kw_param p
JOIN kw_werkdag a ON a.dag = v.stop
JOIN kw_werkdag b ON b.dag = v.dagtekening_stop
WHERE v.dagtekening_stop IS NOT NULL AND v.stop >= p.vanaf AND v.stop <= p.peildatum
"""


def _antwoord_laat(m: Maatregel) -> str:
    n = int(m.param("werkdagen"))
    weken = int(m.param("weken_onderzoek"))
    # The answer to a request (315) is the allocation (301) or a rejection (319, WJ760 code
    # 1); a 319 'aanvraag in onderzoek' (code 2) sent in time turns the norm into `weken`
    # weeks (OP274). A 319 answers by the provider's reference of the requested product.
    return f"""
WITH antwoord319 AS (
    SELECT b.wet, b.gemeentecode, b.aanbieder, b.retour_identificatie AS referentie,
           min(b.dagtekening) FILTER (WHERE b.verzoek_antwoord = '2') AS onderzoek,
           min(b.dagtekening) FILTER (WHERE b.verzoek_antwoord = '1') AS afgewezen
    FROM bericht b
    WHERE b.berichttype = '319' AND b.retour_identificatie IS NOT NULL
    GROUP BY ALL
),
paar AS (
    SELECT r.wet, r.aanbieder, r.persoon_id, r.ontvangen, t.toewijzing_id,
           t.toewijzingnummer, t.toewijzingsdatum, t.reden_wijziging,
           CASE WHEN o.onderzoek >= r.ontvangen THEN o.onderzoek END AS gemeld,
           CASE WHEN o.afgewezen >= r.ontvangen THEN o.afgewezen END AS afgewezen,
           row_number() OVER (PARTITION BY r.bericht_id, r.regel
                              ORDER BY t.ingangsdatum, t.toewijzingsdatum) AS rn
    FROM verzoek r CROSS JOIN kw_param p
    LEFT JOIN kw_toew t ON t.persoon_id = r.persoon_id AND t.wet = r.wet
        AND t.aanbieder = r.aanbieder
        AND t.productcategorie IS NOT DISTINCT FROM r.productcategorie
        AND t.toewijzingsdatum >= r.ontvangen
    LEFT JOIN antwoord319 o ON o.referentie = r.referentie AND o.wet = r.wet
        AND o.gemeentecode = r.gemeentecode AND o.aanbieder = r.aanbieder
    WHERE r.berichttype = '315' AND r.ontvangen >= p.vanaf AND r.ontvangen <= p.peildatum
),
beantwoord AS (
    SELECT *, coalesce(toewijzingsdatum, afgewezen) AS antwoord FROM paar
    WHERE rn = 1 AND reden_wijziging IS NULL
      AND coalesce(toewijzingsdatum, afgewezen) IS NOT NULL
)
SELECT '{m.id}' AS maatregel, x.wet, x.aanbieder, {_m("x.ontvangen")} AS maand,
       x.toewijzing_id, x.toewijzingnummer, x.persoon_id, x.antwoord AS datum,
       CAST(b.nr - a.nr AS INTEGER) AS werkdagen,
       CASE WHEN x.toewijzingsdatum IS NULL THEN 'afgewezen (319) na ('
            WHEN x.antwoord > x.ontvangen + INTERVAL {weken} WEEK
            THEN 'toewijzing na meer dan {weken} weken (' ELSE 'toewijzing na (' END
           || CAST(b.nr - a.nr AS VARCHAR) || ' werkdagen)'
           || CASE WHEN g.nr - a.nr <= {n} THEN '; in onderzoek gemeld' ELSE '' END AS detail,
       CASE WHEN g.nr - a.nr <= {n}
            THEN x.antwoord > x.ontvangen + INTERVAL {weken} WEEK
            ELSE b.nr - a.nr > {n} END AS fout
FROM beantwoord x
JOIN kw_werkdag a ON a.dag = x.ontvangen
JOIN kw_werkdag b ON b.dag = x.antwoord
LEFT JOIN kw_werkdag g ON g.dag = x.gemeld
"""


def _overdeclaratie(m: Maatregel) -> str:
    marge = m.param("marge")
    # Allocated volume for the days a line claims: per day, week or month pro rata; a total
    # (frequentie 6) once for the whole allocation; otherwise per year. A claimed unit cannot
    # be split, so each line's share is rounded up to whole units. Credit lines count
    # negative; lines outside the allocation are left to `buiten_periode`. With a budget
    # the amount is compared with the budget instead. ``bedrag_cent`` is the over-claimed
    # amount (the euros above the allocation), the contract manager's euro impact.
    return f"""
WITH regel AS (
    SELECT d.toewijzing_id, d.periode_begin,
           sign(d.bedrag_cent) * coalesce(d.volume, 0) AS volume,
           d.bedrag_cent,
           ceil(coalesce(t.volume, 0) * CASE t.frequentie
               WHEN '1' THEN datediff('day', d.periode_begin, d.periode_eind) + 1
               WHEN '2' THEN (datediff('day', d.periode_begin, d.periode_eind) + 1) / 7.0
               WHEN '4' THEN (datediff('day', d.periode_begin, d.periode_eind) + 1)
                             / day(last_day(d.periode_begin))
               WHEN '6' THEN 0
               ELSE (datediff('day', d.periode_begin, d.periode_eind) + 1) / 365.0
           END - 1e-9) AS toegewezen
    FROM declaratie d JOIN kw_toew t USING (toewijzing_id)
    LEFT JOIN kw_lev l USING (toewijzing_id)
    WHERE NOT coalesce(d.periode_begin < t.ingangsdatum OR d.periode_eind > t.eind_eff
                       OR (l.alles_gestopt AND d.periode_begin > l.laatste_stop), FALSE)
),
per AS (
    SELECT t.toewijzing_id, any_value(t.wet) AS wet, any_value(t.aanbieder) AS aanbieder,
           any_value(t.persoon_id) AS persoon_id,
           any_value(t.toewijzingnummer) AS toewijzingnummer,
           max(r.periode_begin) AS laatste,
           sum(r.volume) AS gedeclareerd,
           sum(r.bedrag_cent) AS bedrag,
           any_value(t.budget_cent) AS budget,
           CASE WHEN any_value(t.frequentie) = '6' THEN any_value(coalesce(t.volume, 0))
                ELSE sum(r.toegewezen) END AS toegewezen
    FROM regel r JOIN kw_toew t USING (toewijzing_id)
    GROUP BY t.toewijzing_id
)
SELECT '{m.id}' AS maatregel, x.wet, x.aanbieder, {_m("x.laatste")} AS maand,
       x.toewijzing_id, x.toewijzingnummer, x.persoon_id, x.laatste AS datum,
       NULL::INTEGER AS werkdagen,
       CASE WHEN x.budget IS NOT NULL
            THEN 'gedeclareerd ' || CAST(round(x.bedrag / 100.0, 2) AS VARCHAR)
                 || ' euro, budget ' || CAST(round(x.budget / 100.0, 2) AS VARCHAR) || ' euro'
            ELSE 'gedeclareerd ' || CAST(x.gedeclareerd AS VARCHAR) || ', toegewezen '
                 || CAST(round(x.toegewezen, 1) AS VARCHAR)
       END AS detail,
       -- the euros above the allocation: over a budget the excess amount, else the
       -- claimed amount's share that lies above the allocated volume
       CAST(round(CASE WHEN x.budget IS NOT NULL THEN greatest(x.bedrag - x.budget, 0)
            WHEN x.gedeclareerd > 0 AND x.gedeclareerd > x.toegewezen
            THEN x.bedrag * (x.gedeclareerd - x.toegewezen) / x.gedeclareerd
            ELSE 0 END) AS BIGINT) AS bedrag_cent,
       CASE WHEN x.budget IS NOT NULL THEN x.bedrag > x.budget * (1 + {marge})
            ELSE x.gedeclareerd > x.toegewezen * (1 + {marge}) END AS fout
FROM per x CROSS JOIN kw_param p
WHERE x.laatste >= p.vanaf AND x.laatste <= p.peildatum
"""


def _buiten_periode(m: Maatregel) -> str:
    return f"""
SELECT '{m.id}' AS maatregel, d.wet, d.aanbieder, {_m("d.periode_begin")} AS maand,
       d.toewijzing_id, split_part(d.toewijzing_id, ':', 3) AS toewijzingnummer,
       d.persoon_id, d.periode_begin AS datum, NULL::INTEGER AS werkdagen,
       'gedeclareerd over ' || strftime(d.periode_begin, '%d-%m-%Y') || ' t/m '
           || strftime(d.periode_eind, '%d-%m-%Y') || '; toewijzing '
           || strftime(t.ingangsdatum, '%d-%m-%Y') || ' t/m '
           || coalesce(strftime(t.eind_eff, '%d-%m-%Y'), 'open')
           || CASE WHEN l.alles_gestopt THEN '; levering gestopt '
                   || strftime(l.laatste_stop, '%d-%m-%Y') ELSE '' END AS detail,
       d.bedrag_cent,
       coalesce(d.periode_begin < t.ingangsdatum OR d.periode_eind > t.eind_eff
                OR (l.alles_gestopt AND d.periode_begin > l.laatste_stop), FALSE) AS fout
FROM declaratie d CROSS JOIN kw_param p
JOIN kw_toew t USING (toewijzing_id)
LEFT JOIN kw_lev l USING (toewijzing_id)
WHERE d.bedrag_cent >= 0 AND d.periode_begin >= p.vanaf AND d.periode_begin <= p.peildatum
"""


def _zonder_toewijzing(m: Maatregel) -> str:
    # Known (municipality, law) pairs: only there can "never allocated" be judged.
    return f"""
WITH bekend AS (SELECT DISTINCT wet, gemeentecode FROM toewijzing),
regels AS (
    SELECT d.wet, d.aanbieder, {_m("d.dagtekening")} AS maand, d.toewijzing_id,
           split_part(d.toewijzing_id, ':', 3) AS toewijzingnummer, d.persoon_id,
           d.dagtekening AS datum,
           'declaratieregel (323) voor een onbekende toewijzing' AS detail,
           t.toewijzing_id IS NULL AS fout
    FROM declaratie d JOIN bekend b ON b.wet = d.wet AND b.gemeentecode = d.gemeentecode
    LEFT JOIN toewijzing t USING (toewijzing_id)
    UNION ALL
    SELECT v.wet, v.aanbieder, {_m("coalesce(v.dagtekening_start, v.dagtekening_stop)")},
           v.toewijzing_id, split_part(v.toewijzing_id, ':', 3), v.persoon_id,
           coalesce(v.dagtekening_start, v.dagtekening_stop), '', FALSE
    FROM levering v
    UNION ALL
    SELECT coalesce(b.wet, CASE WHEN q.bericht_id LIKE 'ijw:%' THEN 'jeugd' ELSE 'wmo' END),
           q.afzender, {_m("least(CAST(l.gestart AS DATE), p.peildatum)")},
           NULL, unnest(string_split(q.toewijzingnummers, ',')),
           NULL, CAST(l.gestart AS DATE),
           'start-/stopbericht (' || coalesce(q.berichttype, '?')
               || ') geweigerd: toewijzing nooit verstuurd',
           TRUE
    FROM quarantaine q CROSS JOIN kw_param p
    LEFT JOIN lading l USING (lading_id)
    LEFT JOIN (SELECT DISTINCT standaard, CASE standaard WHEN 'ijw' THEN 'jeugd'
               ELSE 'wmo' END AS wet FROM bericht) b
           ON q.bericht_id LIKE b.standaard || ':%'
    WHERE q.toewijzingnummers IS NOT NULL AND q.afzender IS NOT NULL
)
SELECT '{m.id}' AS maatregel, r.wet, r.aanbieder, r.maand, r.toewijzing_id,
       r.toewijzingnummer, r.persoon_id, r.datum, NULL::INTEGER AS werkdagen, r.detail, r.fout
FROM regels r CROSS JOIN kw_param p
WHERE r.maand >= p.vanaf AND r.maand <= p.peildatum
"""


def _credit_zonder_debet(m: Maatregel) -> str:
    return f"""
SELECT '{m.id}' AS maatregel, c.wet, c.aanbieder, {_m("c.dagtekening")} AS maand,
       c.toewijzing_id, split_part(c.toewijzing_id, ':', 3) AS toewijzingnummer,
       c.persoon_id, c.dagtekening AS datum, NULL::INTEGER AS werkdagen,
       'creditregel ' || coalesce(c.referentienummer, '?') || ' verwijst naar '
           || coalesce(c.vorig_referentienummer, 'niets') AS detail,
       c.bedrag_cent,
       NOT EXISTS (SELECT 1 FROM declaratie d
                   WHERE d.bedrag_cent >= 0 AND d.aanbieder = c.aanbieder AND d.wet = c.wet
                     AND d.referentienummer = c.vorig_referentienummer) AS fout
FROM declaratie c CROSS JOIN kw_param p
WHERE c.bedrag_cent < 0 AND c.dagtekening >= p.vanaf AND c.dagtekening <= p.peildatum
"""


def _stil(m: Maatregel) -> str:
    maanden = int(m.param("maanden"))
    # The service periods claimed should cover the delivery from its start (or the window's)
    # to its end (or the peildatum). A stretch of more than `maanden` months that no claim
    # line covers is silence: in the middle (a hole that never got claimed) or at the end
    # (nothing claimed lately although care runs). Claim lag of one month stays below it.
    return f"""
WITH eerste_decl AS (
    SELECT toewijzing_id, min(periode_begin) AS eerste FROM declaratie GROUP BY toewijzing_id
),
actief AS (
    SELECT t.toewijzing_id, t.wet, t.aanbieder, t.persoon_id, t.toewijzingnummer,
           greatest(coalesce(l.eerste_start, e.eerste), p.vanaf) AS van,
           least(CASE WHEN l.alles_gestopt THEN least(l.laatste_stop, t.eind_eff)
                      ELSE t.eind_eff END, p.peildatum) AS tot
    FROM kw_toew t CROSS JOIN kw_param p
    LEFT JOIN kw_lev l USING (toewijzing_id)
    LEFT JOIN eerste_decl e USING (toewijzing_id)
    WHERE coalesce(l.eerste_start, e.eerste) IS NOT NULL
),
stuk AS (
    SELECT a.toewijzing_id, a.van AS begin, CAST(a.van - INTERVAL 1 DAY AS DATE) AS eind
    FROM actief a WHERE a.van < a.tot
    UNION ALL
    SELECT a.toewijzing_id, CAST(a.tot + INTERVAL 1 DAY AS DATE), a.tot
    FROM actief a WHERE a.van < a.tot
    UNION ALL
    SELECT a.toewijzing_id, d.periode_begin, d.periode_eind FROM actief a
    JOIN declaratie d USING (toewijzing_id)
    WHERE d.bedrag_cent >= 0 AND d.periode_eind >= a.van AND d.periode_begin <= a.tot
),
gat AS (
    SELECT toewijzing_id, begin,
           max(eind) OVER (PARTITION BY toewijzing_id ORDER BY begin, eind
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS gedekt
    FROM stuk
),
grootste AS (
    SELECT toewijzing_id, arg_max(gedekt, begin - gedekt) AS gedekt,
           arg_max(begin, begin - gedekt) AS volgende
    FROM gat WHERE gedekt IS NOT NULL GROUP BY toewijzing_id
)
SELECT '{m.id}' AS maatregel, a.wet, a.aanbieder,
       {_m("least(CAST(g.gedekt + INTERVAL {maanden} MONTH AS DATE), a.tot)")} AS maand,
       a.toewijzing_id, a.toewijzingnummer, a.persoon_id, g.gedekt AS datum,
       NULL::INTEGER AS werkdagen,
       'niets gedeclareerd over ' || strftime(CAST(g.gedekt + INTERVAL 1 DAY AS DATE),
           '%d-%m-%Y') || ' t/m ' || strftime(CAST(g.volgende - INTERVAL 1 DAY AS DATE),
           '%d-%m-%Y') AS detail,
       CAST(g.gedekt + INTERVAL {maanden} MONTH AS DATE) < g.volgende - 1 AS fout
FROM actief a JOIN grootste g USING (toewijzing_id)
""".replace("{maanden}", str(maanden))


def _vulgraad(m: Maatregel) -> str:
    return f"""
SELECT '{m.id}' AS maatregel, r.wet, r.aanbieder, {_m("r.ontvangen")} AS maand,
       NULL AS toewijzing_id, r.toewijzingnummer, r.persoon_id, r.ontvangen AS datum,
       NULL::INTEGER AS werkdagen, 'verzoek om toewijzing zonder verwijzer (COD327)' AS detail,
       r.verwijzer_type IS NULL OR trim(r.verwijzer_type) = '' AS fout
FROM verzoek r CROSS JOIN kw_param p
WHERE r.berichttype = '315' AND r.ontvangen >= p.vanaf AND r.ontvangen <= p.peildatum
UNION ALL
SELECT '{m.id}', v.wet, v.aanbieder, {_m("v.dagtekening_stop")}, v.toewijzing_id,
       split_part(v.toewijzing_id, ':', 3), v.persoon_id, v.dagtekening_stop, NULL,
       'stopbericht zonder reden beëindiging',
       v.reden_beeindiging IS NULL OR trim(v.reden_beeindiging) = ''
FROM levering v CROSS JOIN kw_param p
WHERE v.dagtekening_stop IS NOT NULL AND v.dagtekening_stop >= p.vanaf
  AND v.dagtekening_stop <= p.peildatum
"""


# Message types a provider starts itself (not answers): its sign of life.
AANBIEDER_BERICHTEN = "('305', '307', '315', '317', '323')"


def _quarantaine(m: Maatregel) -> str:
    return f"""
SELECT '{m.id}' AS maatregel, b.wet, b.aanbieder, {_m("b.dagtekening")} AS maand,
       NULL AS toewijzing_id, NULL AS toewijzingnummer, NULL AS persoon_id,
       b.dagtekening AS datum, NULL::INTEGER AS werkdagen, '' AS detail, FALSE AS fout
FROM bericht b CROSS JOIN kw_param p
WHERE b.afzender = b.aanbieder AND b.berichttype IN {AANBIEDER_BERICHTEN}
  AND b.dagtekening >= p.vanaf AND b.dagtekening <= p.peildatum
UNION ALL
SELECT '{m.id}', CASE WHEN q.bericht_id LIKE 'ijw:%' THEN 'jeugd'
                      WHEN q.bericht_id LIKE 'iwmo:%' THEN 'wmo' ELSE 'onbekend' END,
       q.afzender, {_m("least(CAST(l.gestart AS DATE), p.peildatum)")}, NULL, NULL, NULL,
       CAST(l.gestart AS DATE), NULL,
       q.soort || coalesce(' ' || q.berichttype, '') || ': ' || q.melding, TRUE
FROM quarantaine q CROSS JOIN kw_param p
LEFT JOIN lading l USING (lading_id)
WHERE q.afzender IS NOT NULL AND NOT regexp_matches(q.afzender, '^(GM)?[0-9]{{4}}$')
"""


def _codes(m: Maatregel, name: str) -> str:
    """A comma-separated parameter as an SQL list of string literals."""
    return ", ".join(f"'{c.strip()}'" for c in str(m.parameters[name]).split(","))


def _retourcode(m: Maatregel) -> str:
    """Return messages on one party's messages; ``fout`` when any code is a rejection."""
    goed = _codes(m, "goed")
    return f"""
SELECT '{m.id}' AS maatregel, b.wet, b.aanbieder, b.gemeentecode,
       {_m("b.dagtekening")} AS maand,
       NULL AS toewijzing_id, NULL AS toewijzingnummer, NULL AS persoon_id,
       b.dagtekening AS datum, NULL::INTEGER AS werkdagen,
       b.berichttype || ' op ' || coalesce(b.retour_identificatie, '?') || ': retourcode(s) '
           || coalesce(b.retourcodes, 'geen') AS detail,
       coalesce(len(list_filter(string_split(b.retourcodes, ','),
                                lambda c: trim(c) NOT IN ({goed}))) > 0, FALSE) AS fout
FROM bericht b CROSS JOIN kw_param p
WHERE b.berichttype IN ({_codes(m, "typen")}) AND b.aanbieder IS NOT NULL
  AND b.dagtekening >= p.vanaf AND b.dagtekening <= p.peildatum
"""


def _retour_laat(m: Maatregel) -> str:
    """OP090: working days from the answered message's dagtekening to the return's."""
    n = int(m.param("werkdagen"))
    return f"""
SELECT '{m.id}' AS maatregel, b.wet, b.aanbieder, b.gemeentecode,
       {_m("b.dagtekening")} AS maand,
       NULL AS toewijzing_id, NULL AS toewijzingnummer, NULL AS persoon_id,
       b.dagtekening AS datum, CAST(z.nr - o.nr AS INTEGER) AS werkdagen,
       b.berichttype || ' op ' || coalesce(b.retour_identificatie, '?') || ' van '
           || strftime(b.dagtekening_retour, '%d-%m-%Y') || ': na '
           || CAST(z.nr - o.nr AS VARCHAR) || ' werkdagen' AS detail,
       z.nr - o.nr > {n} AS fout
FROM bericht b CROSS JOIN kw_param p
JOIN kw_werkdag o ON o.dag = b.dagtekening_retour
JOIN kw_werkdag z ON z.dag = b.dagtekening
WHERE b.berichttype IN ({_codes(m, "typen")}) AND b.aanbieder IS NOT NULL
  AND b.dagtekening >= p.vanaf AND b.dagtekening <= p.peildatum
"""


def _leveringsgat(m: Maatregel) -> str:
    kans = m.param("kans")
    # Claims go out in monthly batches, so a small provider can miss a calendar month in
    # normal traffic. A silent stretch is flagged when it is improbable given the
    # provider's own rhythm: with on average `ritme` messages a month, a run of k silent
    # months has chance exp(-ritme * k) under a Poisson model; below `kans` it is a gap. A
    # busy provider is flagged after one silent month, a small one after several. The
    # first window month is skipped (its claims only arrive the month after).
    return f"""
WITH maanden AS (
    SELECT CAST(range AS DATE) AS maand
    FROM kw_param p, range(CAST(p.vanaf + INTERVAL 1 MONTH AS DATE), {_m("p.peildatum")},
                           INTERVAL 1 MONTH)
),
actief AS (
    SELECT DISTINCT v.wet, v.aanbieder, mm.maand
    FROM levering v JOIN kw_toew t USING (toewijzing_id)
    JOIN maanden mm ON v.start <= last_day(mm.maand)
        AND coalesce(v.stop, t.eind_eff, DATE '9999-12-31') >= mm.maand
),
post AS (
    SELECT wet, aanbieder, {_m("dagtekening")} AS maand, count(*) AS berichten
    FROM bericht WHERE afzender = aanbieder AND berichttype IN {AANBIEDER_BERICHTEN}
    GROUP BY ALL
),
reeks AS (
    SELECT a.wet, a.aanbieder, a.maand, p.maand IS NULL AS stil,
           avg(coalesce(p.berichten, 0)) OVER (PARTITION BY a.wet, a.aanbieder) AS ritme,
           sum(CASE WHEN p.maand IS NULL THEN 0 ELSE 1 END) OVER (
               PARTITION BY a.wet, a.aanbieder ORDER BY a.maand) AS groep
    FROM actief a LEFT JOIN post p USING (wet, aanbieder, maand)
),
lengte AS (
    SELECT *, sum(CAST(stil AS INTEGER)) OVER (
               PARTITION BY wet, aanbieder, groep ORDER BY maand) AS stille_maanden
    FROM reeks
)
SELECT '{m.id}' AS maatregel, s.wet, s.aanbieder, s.maand, NULL AS toewijzing_id,
       NULL AS toewijzingnummer, NULL AS persoon_id, s.maand AS datum,
       NULL::INTEGER AS werkdagen,
       'geen enkel bericht in ' || strftime(s.maand, '%m-%Y') || ' (' ||
           CAST(s.stille_maanden AS VARCHAR) || ' maand(en) stil; gewoonlijk '
           || CAST(round(s.ritme, 1) AS VARCHAR) || ' berichten per maand)' AS detail,
       s.stil AND exp(-s.ritme * s.stille_maanden) < {kans} AS fout
FROM lengte s
"""


QUERIES = {
    "start_ontbreekt": _start_ontbreekt,
    "zonder_toewijzing": _zonder_toewijzing,
    "stop_ontbreekt": _stop_ontbreekt,
    "start_laat": _start_laat,
    "stop_laat": _stop_laat,
    "antwoord_laat": _antwoord_laat,
    "overdeclaratie": _overdeclaratie,
    "buiten_periode": _buiten_periode,
    "credit_zonder_debet": _credit_zonder_debet,
    "stil": _stil,
    "vulgraad": _vulgraad,
    "quarantaine": _quarantaine,
    "retourcode": _retourcode,
    "retourcode_gemeente": _retourcode,
    "retour_laat": _retour_laat,
    "retour_laat_aanbieder": _retour_laat,
    "leveringsgat": _leveringsgat,
}


def measure_sql(m: Maatregel) -> str:
    """The population query of one registered measure."""
    return QUERIES[m.id](m)
