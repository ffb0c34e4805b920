"""Shared definitions of the cross-domain analyses: the period and who has what in it.

Definitions (shown beside every figure in the report):

* A person *has* a domain in a period when an allocation (``toewijzing``; Wmo, Jeugd; withdrawn
  allocations with einddatum before ingangsdatum excluded) or a provision (``voorziening``;
  Participatiewet, schuldhulp, minima) overlaps the period.
* Only persons who lived in the municipality on some day of the period count. A person's area
  is that of their latest residence in the period; a household's area is that of the latest
  residence of any member in the period (households move as a whole).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

DOMAINS = ("wmo", "jeugd", "participatiewet", "schuldhulp", "minima")
DOMAIN_LABELS = {
    "wmo": "Wmo",
    "jeugd": "Jeugd",
    "participatiewet": "Participatiewet",
    "schuldhulp": "Schuldhulp",
    "minima": "Minimaregelingen",
}


@dataclass(frozen=True, slots=True)
class Periode:
    """A period ``[van, tot)``: ``tot`` is the first day after it."""

    van: date
    tot: date

    def label(self) -> str:
        """Dutch label, e.g. ``1-1-2025 t/m 31-12-2025``."""
        last = date.fromordinal(self.tot.toordinal() - 1)
        first = f"{self.van.day}-{self.van.month}-{self.van.year}"
        return f"{first} t/m {last.day}-{last.month}-{last.year}"


def _month_back(d: date, months: int) -> date:
    total = d.year * 12 + d.month - 1 - months
    return date(total // 12, total % 12 + 1, 1)


def last_year(tot: date) -> Periode:
    """The twelve months before ``tot`` (a first day of a month)."""
    return Periode(_month_back(tot, 12), tot)


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether a table exists (``voorziening`` is absent in warehouses without suite data)."""
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return bool(rows[0][0])


def data_end(con: duckdb.DuckDBPyConnection) -> date | None:
    """First day of the month after the latest message or provision start in the warehouse."""
    parts = ["SELECT max(dagtekening) AS d FROM bericht"]
    if has_table(con, "voorziening"):
        parts.append("SELECT max(start) FROM voorziening")
    rows = con.execute(f"SELECT max(d) FROM ({' UNION ALL '.join(parts)})").fetchall()
    last = rows[0][0]
    if last is None:
        return None
    return _month_back(date(last.year, last.month, 1), -1)


def _provisions_sql(con: duckdb.DuckDBPyConnection) -> str:
    care = (
        "SELECT persoon_id, wet AS domein FROM toewijzing WHERE wet IN ('wmo', 'jeugd') "
        "AND ingangsdatum < $tot AND coalesce(einddatum, DATE '9999-12-31') >= $van "
        "AND (einddatum IS NULL OR einddatum >= ingangsdatum)"
    )
    if not has_table(con, "voorziening"):
        return care
    return (
        care + " UNION SELECT persoon_id, wet FROM voorziening "
        "WHERE start < $tot AND coalesce(eind, DATE '9999-12-31') >= $van"
    )


def person_domains(
    con: duckdb.DuckDBPyConnection, periode: Periode, gemeenten: Sequence[str] | None = None
) -> pd.DataFrame:
    """One row per resident person in the period with a flag per domain and their areas.

    ``gemeenten``: only persons whose latest residence in the period lies in one of them (a
    region warehouse holds several; a publication is about one, or an explicit region).

    Columns: persoon_id, huishouden_id, gemeentecode, wijkcode, buurtcode, laatste_van,
    hh_wijkcode, hh_buurtcode, and one boolean column per domain in ``DOMAINS``.
    """
    flags = ", ".join(f"bool_or(p.domein = '{d}') AS {d}" for d in DOMAINS)
    sql = f"""
    WITH res AS (
        SELECT persoon_id,
               arg_max(huishouden_id, van) AS huishouden_id,
               arg_max(gemeentecode, van) AS gemeentecode,
               arg_max(wijkcode, van) AS wijkcode,
               arg_max(buurtcode, van) AS buurtcode,
               max(van) AS laatste_van
        FROM verblijf
        WHERE van < $tot AND coalesce(tot, DATE '9999-12-31') > $van
        GROUP BY persoon_id
    ),
    hh AS (
        SELECT huishouden_id, arg_max(wijkcode, laatste_van) AS hh_wijkcode,
               arg_max(buurtcode, laatste_van) AS hh_buurtcode
        FROM res WHERE huishouden_id IS NOT NULL GROUP BY huishouden_id
    ),
    p AS ({_provisions_sql(con)})
    SELECT r.*, coalesce(h.hh_wijkcode, r.wijkcode) AS hh_wijkcode,
           coalesce(h.hh_buurtcode, r.buurtcode) AS hh_buurtcode, {flags}
    FROM res r LEFT JOIN hh h USING (huishouden_id) LEFT JOIN p USING (persoon_id)
    GROUP BY ALL
    """
    frame = con.execute(sql, {"van": periode.van, "tot": periode.tot}).df()
    for d in DOMAINS:
        frame[d] = frame[d].fillna(False).astype(bool)
    # A person without a household number is a household of one.
    frame["huishouden_id"] = frame["huishouden_id"].fillna("persoon:" + frame["persoon_id"])
    if gemeenten is not None:
        frame = frame[frame["gemeentecode"].isin(list(gemeenten))].reset_index(drop=True)
    return frame


def combination(frame: pd.DataFrame) -> pd.Series:
    """The combination label per row (``wmo+minima``, domains in ``DOMAINS`` order); "" for none."""
    parts = [frame[d].map({True: d, False: ""}).tolist() for d in DOMAINS]
    labels = ["+".join(x for x in row if x) for row in zip(*parts, strict=True)]
    return pd.Series(labels, index=frame.index, dtype="str")
