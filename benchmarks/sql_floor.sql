-- The hand-written DuckDB floor for the indicators (benchmarks/README.md, issue 18).
--
-- Plain SQL over the canonical tables, written the way a careful analyst would: the
-- calendar and the person areas once, every fact of every family into one table, the
-- person-area join and the three area levels once, one aggregate pass. It computes a
-- representative set, both laws at once:
--   clienten_<wet>, clienten_per_1000_<wet> (residence rule; jeugd: under 23),
--   instroom_<wet>, wachttijd_verzoek_toewijzing_{mediaan,p90}_<wet>, kosten_per_client_<wet>
-- with the same teller, noemer, waarde, n and ladingen as compute_indicators (checked by
-- sql_floor.py). The rules are the ones in src/stuurdata/indicators/compute.py.

-- 1. Coverage: first claim month (else oldest message) to the newest message.
CREATE OR REPLACE TEMP TABLE f_cov AS
WITH d AS (
    SELECT dagtekening::DATE AS d, false AS claim FROM bericht
    UNION ALL SELECT dagtekening::DATE, false FROM toewijzing
    UNION ALL SELECT ontvangen::DATE, false FROM verzoek
    UNION ALL SELECT dagtekening::DATE, false FROM declaratie
    UNION ALL SELECT dagtekening_start::DATE, false FROM levering
    UNION ALL SELECT dagtekening_stop::DATE, false FROM levering
    UNION ALL SELECT periode_begin::DATE, true FROM declaratie
)
SELECT coalesce(date_trunc('month', min(d) FILTER (WHERE claim))::DATE,
                min(d) FILTER (WHERE NOT claim)) AS first,
       max(d) FILTER (WHERE NOT claim) AS last
FROM d;

-- 2. Calendar: every month, quarter and year overlapping the coverage, cut to it.
CREATE OR REPLACE TEMP TABLE f_cal AS
WITH s(periodesoort, maanden) AS (VALUES ('maand', 1), ('kwartaal', 3), ('jaar', 12)),
p AS (
    SELECT periodesoort, maanden, first, last,
           unnest(generate_series(
               date_trunc(CASE maanden WHEN 1 THEN 'month' WHEN 3 THEN 'quarter' ELSE 'year' END,
                          first)::TIMESTAMP,
               last::TIMESTAMP, to_months(maanden)))::DATE AS b
    FROM s, f_cov
)
SELECT periodesoort,
       CASE maanden WHEN 1 THEN strftime(b, '%Y-%m')
                    WHEN 3 THEN year(b) || '-K' || quarter(b)
                    ELSE year(b)::VARCHAR END AS periode,
       greatest(b, first) AS begin,
       least((b + to_months(maanden))::DATE, last + 1) AS eind,
       least((b + to_months(maanden))::DATE, last + 1) - 1 AS laatste_dag
FROM p;

-- 3. Person areas: per person with a fact and period, the residence with the latest van.
CREATE OR REPLACE TEMP TABLE f_areas AS
SELECT v.persoon_id, c.periodesoort, c.periode, v.gemeentecode AS res_gm, v.wijkcode AS wk,
       v.buurtcode AS bu, v.lading_id AS res_lading
FROM verblijf v
JOIN f_cal c ON v.van < c.eind AND coalesce(v.tot, DATE '9999-12-31') > c.begin
WHERE v.persoon_id IN (SELECT persoon_id FROM toewijzing UNION SELECT persoon_id FROM verzoek
                       UNION SELECT persoon_id FROM declaratie)
QUALIFY row_number() OVER (PARTITION BY v.persoon_id, c.periodesoort, c.periode
                           ORDER BY v.van DESC) = 1;

-- Allocations that were not withdrawn, with their allocation date and open end.
CREATE OR REPLACE TEMP TABLE f_alloc AS
SELECT *, coalesce(toewijzingsdatum, ingangsdatum) AS tdatum,
       coalesce(einddatum, DATE '9999-12-31') AS eind_open
FROM toewijzing
WHERE einddatum IS NULL OR einddatum >= ingangsdatum;

-- 4. Every fact of every family, one row per person, period and fact.
CREATE OR REPLACE TEMP TABLE f_facts AS
-- clients: an allocation overlapping the period (jong: under 23 on the reference day)
SELECT 'clienten' AS fam, t.wet, t.persoon_id, c.periodesoort, c.periode,
       t.gemeentecode AS fact_gm, NULL::DOUBLE AS dagen, NULL::BIGINT AS cent,
       t.lading_id AS l1, NULL::BIGINT AS l2,
       p.geboortemaand > c.laatste_dag - INTERVAL 23 YEAR AS jong
FROM f_alloc t
JOIN f_cal c ON t.ingangsdatum < c.eind AND t.eind_open >= c.begin
LEFT JOIN persoon p ON p.persoon_id = t.persoon_id
UNION ALL
-- inflow: an allocation starting in the period, none of the law in the 365 days before
SELECT 'instroom', a.wet, a.persoon_id, c.periodesoort, c.periode, a.gemeentecode, NULL, NULL,
       a.lading_id, NULL, NULL
FROM f_alloc a
JOIN f_cal c ON a.ingangsdatum >= c.begin AND a.ingangsdatum < c.eind
WHERE NOT EXISTS (
    SELECT 1 FROM f_alloc b
    WHERE b.persoon_id = a.persoon_id AND b.wet = a.wet AND b.ingangsdatum < a.ingangsdatum
      AND b.eind_open >= a.ingangsdatum - INTERVAL 365 DAY)
UNION ALL
-- waiting time: a 315 request line to the first matching allocation on or after it
SELECT 'wachttijd', w.wet, w.persoon_id, c.periodesoort, c.periode, w.gemeentecode, w.dagen,
       NULL, w.l1, w.l2, NULL
FROM (
    SELECT v.wet, v.persoon_id, v.gemeentecode, t.tdatum AS dag,
           date_diff('day', v.ontvangen, t.tdatum)::DOUBLE AS dagen,
           v.lading_id AS l1, t.lading_id AS l2
    FROM verzoek v
    JOIN f_alloc t ON v.persoon_id = t.persoon_id AND v.wet = t.wet
        AND v.aanbieder = t.aanbieder
        AND v.productcategorie IS NOT DISTINCT FROM t.productcategorie
        AND t.tdatum >= v.ontvangen
    WHERE v.berichttype = '315'
    QUALIFY row_number() OVER (PARTITION BY v.bericht_id, v.regel
                               ORDER BY t.tdatum, t.toewijzing_id) = 1
) w
JOIN f_cal c ON w.dag >= c.begin AND w.dag < c.eind
UNION ALL
-- claims: by the period that contains periode_begin
SELECT 'kosten', d.wet, d.persoon_id, c.periodesoort, c.periode, d.gemeentecode, NULL,
       d.bedrag_cent, d.lading_id, NULL, NULL
FROM declaratie d
JOIN f_cal c ON d.periode_begin >= c.begin AND d.periode_begin < c.eind;

-- 5. Place once, then go down to one row per person before stacking the three levels.
-- A person has one residence per period (the door trims overlaps), so at the person level
-- each (family, law, period, area row) holds a person once: a distinct count becomes a
-- count, and lineage is deduplicated per buurt before it is rolled up.
CREATE OR REPLACE TEMP TABLE f_placed AS
SELECT f.*, coalesce(a.res_gm, f.fact_gm) AS gm, a.wk, a.bu, a.res_lading,
       a.res_gm IS NOT NULL AND (f.wet <> 'jeugd' OR coalesce(f.jong, false)) AS teller_1000
FROM f_facts f
LEFT JOIN f_areas a USING (persoon_id, periodesoort, periode);

CREATE OR REPLACE TEMP TABLE f_agg AS
WITH person AS (
    SELECT fam, wet, periodesoort, periode, gm, wk, bu, persoon_id,
           bool_or(teller_1000) AS teller_1000, count(*) AS aantal, sum(cent) AS cent
    FROM f_placed GROUP BY ALL
),
counts AS (
    SELECT fam, wet, niveau,
           CASE niveau WHEN 'gemeente' THEN gm WHEN 'wijk' THEN wk ELSE bu END AS gebiedscode,
           periodesoort, periode, count(*) AS n, sum(aantal) AS aantal, sum(cent) AS cent,
           count(*) FILTER (WHERE teller_1000) AS n_1000
    FROM (SELECT *, unnest(['gemeente', 'wijk', 'buurt']) AS niveau FROM person)
    WHERE gebiedscode IS NOT NULL
    GROUP BY ALL
),
lin_buurt AS (
    SELECT DISTINCT fam, wet, periodesoort, periode, gm, wk, bu, teller_1000, lading
    FROM (SELECT *, unnest([l1, l2, res_lading]) AS lading FROM f_placed)
    WHERE lading IS NOT NULL
),
lin AS (
    SELECT fam, wet, niveau,
           CASE niveau WHEN 'gemeente' THEN gm WHEN 'wijk' THEN wk ELSE bu END AS gebiedscode,
           periodesoort, periode, list(DISTINCT lading) AS lin,
           list(DISTINCT lading) FILTER (WHERE teller_1000) AS lin_1000
    FROM (SELECT *, unnest(['gemeente', 'wijk', 'buurt']) AS niveau FROM lin_buurt)
    WHERE gebiedscode IS NOT NULL
    GROUP BY ALL
),
waits AS (  -- quantiles need every wait, not one row per person
    SELECT wet, niveau,
           CASE niveau WHEN 'gemeente' THEN gm WHEN 'wijk' THEN wk ELSE bu END AS gebiedscode,
           periodesoort, periode, quantile_cont(dagen, 0.5) AS mediaan,
           quantile_cont(dagen, 0.9) AS p90
    FROM (SELECT *, unnest(['gemeente', 'wijk', 'buurt']) AS niveau FROM f_placed
          WHERE fam = 'wachttijd')
    WHERE gebiedscode IS NOT NULL
    GROUP BY ALL
)
SELECT c.*, l.lin, l.lin_1000, w.mediaan, w.p90
FROM counts c
JOIN lin l USING (fam, wet, niveau, gebiedscode, periodesoort, periode)
LEFT JOIN waits w
    ON c.fam = 'wachttijd'
    AND (w.wet, w.niveau, w.gebiedscode, w.periodesoort, w.periode)
        = (c.wet, c.niveau, c.gebiedscode, c.periodesoort, c.periode);

-- 6. Inhabitants on the reference day (all, and under 23): counted per buurt and lading
-- (one small aggregate, no distinct), then rolled up to the three levels.
CREATE OR REPLACE TEMP TABLE f_inw AS
WITH per_buurt AS (
    SELECT c.periodesoort, c.periode, v.gemeentecode AS gm, v.wijkcode AS wk,
           v.buurtcode AS bu, v.lading_id,
           coalesce(p.geboortemaand > c.laatste_dag - INTERVAL 23 YEAR, false) AS jong,
           count(*) AS inw
    FROM verblijf v
    JOIN f_cal c ON v.van <= c.laatste_dag AND coalesce(v.tot, DATE '9999-12-31') > c.laatste_dag
    LEFT JOIN persoon p ON p.persoon_id = v.persoon_id
    GROUP BY ALL
)
SELECT niveau, CASE niveau WHEN 'gemeente' THEN gm WHEN 'wijk' THEN wk ELSE bu END AS gebiedscode,
       periodesoort, periode, sum(inw) AS inw, sum(inw) FILTER (WHERE jong) AS jong,
       list(DISTINCT lading_id) AS lad, list(DISTINCT lading_id) FILTER (WHERE jong) AS lad_jong
FROM (SELECT *, unnest(['gemeente', 'wijk', 'buurt']) AS niveau FROM per_buurt)
WHERE CASE niveau WHEN 'gemeente' THEN gm WHEN 'wijk' THEN wk ELSE bu END IS NOT NULL
GROUP BY ALL;

-- 7. The indicator rows.
CREATE OR REPLACE TEMP TABLE f_result AS
WITH rows AS (
    SELECT 'clienten_' || wet AS indicator, niveau, gebiedscode, periodesoort, periode,
           n::DOUBLE AS teller, NULL::DOUBLE AS noemer, n::DOUBLE AS waarde, n, lin
    FROM f_agg WHERE fam = 'clienten'
    UNION ALL
    SELECT 'clienten_per_1000_' || g.wet, g.niveau, g.gebiedscode, g.periodesoort, g.periode,
           g.n_1000, nullif(CASE g.wet WHEN 'jeugd' THEN i.jong ELSE i.inw END, 0)::DOUBLE,
           1000.0 * g.n_1000
               / nullif(CASE g.wet WHEN 'jeugd' THEN i.jong ELSE i.inw END, 0)::DOUBLE,
           g.n_1000,
           list_distinct(list_concat(
               g.lin_1000,
               CASE WHEN nullif(CASE g.wet WHEN 'jeugd' THEN i.jong ELSE i.inw END, 0) IS NULL
                    THEN [] ELSE CASE g.wet WHEN 'jeugd' THEN i.lad_jong ELSE i.lad END END))
    FROM f_agg g
    LEFT JOIN f_inw i USING (niveau, gebiedscode, periodesoort, periode)
    WHERE g.fam = 'clienten' AND g.n_1000 > 0
    UNION ALL
    SELECT 'instroom_' || wet, niveau, gebiedscode, periodesoort, periode,
           n, NULL, n, n, lin
    FROM f_agg WHERE fam = 'instroom'
    UNION ALL
    SELECT 'wachttijd_verzoek_toewijzing_' || s.soort || '_' || wet, niveau, gebiedscode,
           periodesoort, periode, aantal, NULL, CASE s.soort WHEN 'mediaan' THEN mediaan ELSE p90 END,
           n, lin
    FROM f_agg, (VALUES ('mediaan'), ('p90')) s(soort) WHERE fam = 'wachttijd'
    UNION ALL
    SELECT 'kosten_per_client_' || wet, niveau, gebiedscode, periodesoort, periode,
           cent / 100.0, n, cent / 100.0 / n, n, lin
    FROM f_agg WHERE fam = 'kosten'
)
SELECT indicator, niveau, gebiedscode, periodesoort, periode, '' AS categorie,
       teller, noemer, waarde, n, array_to_string(list_sort(lin), ',') AS ladingen
FROM rows;
