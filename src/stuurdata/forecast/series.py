"""Read what the forecasts need from the warehouse, as small aggregated frames.

Everything is aggregated in DuckDB (SQL over the canonical tables) and leaves as counts
per month, area, age and sex; no row about a person leaves this module. The area of a
person at a date is the ``verblijf`` that covers it; persons without one are counted under
``wijkcode = 'onbekend'`` so that municipal totals stay complete.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

ONBEKEND = "onbekend"
MAX_LEEFTIJD = 100


def valuation_month(con: duckdb.DuckDBPyConnection) -> date | None:
    """The month of the newest claim (its dagtekening): what is known is known up to here."""
    row = con.execute("SELECT max(dagtekening) FROM declaratie").fetchall()
    if not row or row[0][0] is None:
        row = con.execute("SELECT max(dagtekening) FROM bericht").fetchall()
    if not row or row[0][0] is None:
        return None
    d = row[0][0]
    return date(d.year, d.month, 1)


def first_month(con: duckdb.DuckDBPyConnection) -> date | None:
    """The first service month with a claim."""
    row = con.execute(
        "SELECT CAST(min(date_trunc('month', periode_begin)) AS DATE) FROM declaratie"
    ).fetchall()
    return None if not row or row[0][0] is None else row[0][0]


def claim_lags(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Claimed euros per law, product category, service month and delay in months."""
    return con.execute(
        """
        SELECT wet, coalesce(productcategorie, '00') AS productcategorie,
               CAST(date_trunc('month', periode_begin) AS DATE) AS dienstmaand,
               date_diff('month', date_trunc('month', periode_begin),
                         date_trunc('month', dagtekening)) AS vertraging,
               sum(bedrag_cent) / 100.0 AS bedrag
        FROM declaratie GROUP BY ALL
        """
    ).df()


_MONTHS = """
    WITH maanden AS (
        SELECT CAST(m AS DATE) AS maand, CAST(m + INTERVAL 1 MONTH AS DATE) AS volgende
        FROM range(CAST(? AS DATE), CAST(? AS DATE) + INTERVAL 1 DAY, INTERVAL 1 MONTH) t(m)
    )
"""


def monthly_population(con: duckdb.DuckDBPyConnection, first: date, last: date) -> pd.DataFrame:
    """Inhabitants on the first day of each month per wijk, age (0..100) and sex."""
    return con.execute(
        _MONTHS
        + f"""
        SELECT m.maand, coalesce(v.wijkcode, '{ONBEKEND}') AS wijkcode,
               least(greatest(date_diff('year', p.geboortemaand, m.maand), 0),
                     {MAX_LEEFTIJD}) AS leeftijd,
               coalesce(p.geslacht, '0') AS geslacht, count(*) AS inwoners
        FROM maanden m JOIN verblijf v ON v.van <= m.maand AND (v.tot IS NULL OR v.tot > m.maand)
        JOIN persoon p USING (persoon_id)
        WHERE p.geboortemaand IS NOT NULL
        GROUP BY ALL
        """,
        [first, last],
    ).df()


def monthly_clients(con: duckdb.DuckDBPyConnection, first: date, last: date) -> pd.DataFrame:
    """Persons with an allocation running in the month, per law, wijk, age and sex.

    The wijk and age are those on the first day of the month (or of the allocation, when
    it starts later in the month).
    """
    return con.execute(
        _MONTHS
        + f"""
        , actief AS (
            SELECT DISTINCT m.maand, t.wet, t.persoon_id,
                   greatest(m.maand, t.ingangsdatum) AS peil
            FROM maanden m JOIN toewijzing t
              ON t.ingangsdatum < m.volgende
             AND (t.einddatum IS NULL OR t.einddatum >= m.maand)
        ), een AS (
            SELECT maand, wet, persoon_id, min(peil) AS peil FROM actief GROUP BY ALL
        )
        SELECT e.maand, e.wet, coalesce(v.wijkcode, '{ONBEKEND}') AS wijkcode,
               least(greatest(coalesce(date_diff('year', p.geboortemaand, e.peil), 40), 0),
                     {MAX_LEEFTIJD}) AS leeftijd,
               coalesce(p.geslacht, '0') AS geslacht, count(*) AS clienten
        FROM een e LEFT JOIN persoon p USING (persoon_id)
        LEFT JOIN verblijf v ON v.persoon_id = e.persoon_id AND v.van <= e.peil
             AND (v.tot IS NULL OR v.tot > e.peil)
        GROUP BY ALL
        """,
        [first, last],
    ).df()


def monthly_costs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Claimed euros, units and distinct clients per service month, law, category, wijk, age."""
    return con.execute(
        f"""
        WITH d AS (
            SELECT wet, coalesce(productcategorie, '00') AS productcategorie, persoon_id,
                   CAST(date_trunc('month', periode_begin) AS DATE) AS maand,
                   bedrag_cent, volume
            FROM declaratie
        )
        SELECT d.maand, d.wet, d.productcategorie,
               coalesce(v.wijkcode, '{ONBEKEND}') AS wijkcode,
               least(greatest(coalesce(date_diff('year', p.geboortemaand, d.maand), 40), 0),
                     {MAX_LEEFTIJD}) AS leeftijd,
               sum(d.bedrag_cent) / 100.0 AS bedrag,
               sum(d.volume) AS volume,
               count(DISTINCT d.persoon_id) AS clienten
        FROM d LEFT JOIN verblijf v ON v.persoon_id = d.persoon_id AND v.van <= d.maand
             AND (v.tot IS NULL OR v.tot > d.maand)
        LEFT JOIN persoon p ON p.persoon_id = d.persoon_id
        GROUP BY ALL
        """
    ).df()


def demographic_events(con: duckdb.DuckDBPyConnection, first: date, last: date) -> pd.DataFrame:
    """Births, deaths, arrivals and departures between ``first`` and ``last`` (exclusive).

    One row per (soort, wijkcode, leeftijd, geslacht) with ``aantal``. An arrival is the
    start of a residence that is not a birth; a departure the end of a residence for a
    reason other than death.
    """
    return con.execute(
        f"""
        WITH v AS (
            SELECT v.*, p.geboortemaand, coalesce(p.geslacht, '0') AS geslacht
            FROM verblijf v JOIN persoon p USING (persoon_id)
            WHERE p.geboortemaand IS NOT NULL
        ), e AS (
            SELECT CASE WHEN date_trunc('month', van) <= geboortemaand + INTERVAL 1 MONTH
                        THEN 'geboorte' ELSE 'vestiging' END AS soort,
                   wijkcode, van AS datum, geboortemaand, geslacht
            FROM v WHERE van >= ? AND van < ?
            UNION ALL
            SELECT CASE WHEN reden_einde = 'overlijden' THEN 'sterfte' ELSE 'vertrek' END,
                   wijkcode, tot, geboortemaand, geslacht
            FROM v WHERE tot >= ? AND tot < ?
        )
        SELECT soort, coalesce(wijkcode, '{ONBEKEND}') AS wijkcode,
               least(greatest(date_diff('year', geboortemaand, datum), 0),
                     {MAX_LEEFTIJD}) AS leeftijd,
               geslacht, count(*) AS aantal
        FROM e GROUP BY ALL
        """,
        [first, last, first, last],
    ).df()


def area_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Area code -> name, and the municipality code (niveau gemeente) under key ''."""
    rows = con.execute("SELECT gebiedscode, naam, niveau FROM gebied").fetchall()
    names = {code: naam for code, naam, _ in rows}
    gm = [code for code, _, niveau in rows if niveau == "gemeente"]
    if not gm:
        found = con.execute("SELECT min(gemeentecode) FROM verblijf").fetchall()
        gm = [found[0][0] or "GM0000"]
    names[""] = gm[0]
    return names
