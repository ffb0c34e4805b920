"""Shared definitions of the cross-domain analyses: the period and who has what in it.

Definitions (shown beside every figure in the report):

* A person *has* a domain in a period when an allocation (``toewijzing``; Wmo, Jeugd; withdrawn
  allocations with einddatum before ingangsdatum excluded) or a provision (``voorziening``;
  Participatiewet, schuldhulp, minima) overlaps the period.
* Only persons who lived in the municipality on some day of the period count. A person's area
  is that of their latest residence in the period; a household's area is that of the latest
  residence of any member in the period (households move as a whole).
* In a region's pooled data a person is their regional pseudonym where the door wrote one
  (``persoon.regio_persoon_id``, ``privacy/regio.py``): a person who moved between members
  is one person, counted in the gemeente of their latest residence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd

from stuurdata.engine.base import Engine, as_engine

OPEN_END = date(9999, 12, 31)
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


def _overlaps(begin: ir.DateValue, end: ir.DateValue, periode: Periode) -> ir.BooleanValue:
    """``[begin, end]`` (end NULL = open, inclusive) overlaps ``[van, tot)``."""
    return (begin < periode.tot) & (end.fill_null(OPEN_END) >= periode.van)


_LINKED = ("verblijf", "toewijzing", "voorziening")


def by_region_person(tables: dict[str, ir.Table]) -> dict[str, ir.Table]:
    """``tables`` with ``persoon_id`` replaced by ``regio_persoon_id`` where it is known.

    Each member's key gives a person another ``persoon_id``; the regional pseudonym is the
    same in every member, so pooled data counts a person who moved within the region once.
    Within one warehouse the two are one to one, so nothing changes there; without a
    regional key the column is NULL and every ``persoon_id`` stays.
    """
    p = tables["persoon"]
    if "regio_persoon_id" not in p.columns:
        return tables
    keys = p.filter(p.regio_persoon_id.notnull()).select("persoon_id", "regio_persoon_id")
    out = dict(tables)
    for name in _LINKED:
        if name not in tables:
            continue
        t = tables[name]
        j = t.left_join(keys, t.persoon_id == keys.persoon_id)
        out[name] = j.select(
            *[
                j.regio_persoon_id.fill_null(t.persoon_id).name(c) if c == "persoon_id" else t[c]
                for c in t.columns
            ]
        )
    return out


def provisions(tables: dict[str, ir.Table], periode: Periode) -> ir.Table:
    """Distinct (persoon_id, domein) with an allocation or provision overlapping the period."""
    t = tables["toewijzing"]
    care = t.filter(
        t.wet.isin(["wmo", "jeugd"]),
        _overlaps(t.ingangsdatum, t.einddatum, periode),
        t.einddatum.isnull() | (t.einddatum >= t.ingangsdatum),
    ).select("persoon_id", domein=t.wet)
    if "voorziening" not in tables:
        return care.distinct()
    v = tables["voorziening"]
    other = v.filter(_overlaps(v.start, v.eind, periode)).select("persoon_id", domein=v.wet)
    return ibis.union(care, other, distinct=True)


def residents(tables: dict[str, ir.Table], periode: Periode) -> ir.Table:
    """Per person living in the municipality in the period: the latest residence's fields.

    ``huishouden_id`` and the area codes are the latest *known* ones (a residence without a
    household number does not erase the household); ``laatste_van`` is the latest start.
    """
    v = tables["verblijf"]
    v = v.filter(v.van < periode.tot, v.tot.fill_null(OPEN_END) > periode.van)

    def latest(column: str) -> ir.Value:
        return v[column].argmax(v.van, where=v[column].notnull())

    return v.group_by("persoon_id").aggregate(
        huishouden_id=latest("huishouden_id"),
        gemeentecode=latest("gemeentecode"),
        wijkcode=latest("wijkcode"),
        buurtcode=latest("buurtcode"),
        laatste_van=v.van.max(),
    )


def _household_latest(known: ir.Table, column: str) -> ir.Table:
    """Per household the ``column`` of the member who moved in last (among known values).

    Members who moved in on the same day may live in different areas in the data; the
    greatest code then wins, so DuckDB and Spark (and two runs) pick the same one, where an
    ``argmax`` picks any of the tied rows."""
    k = known.filter(known[column].notnull())
    rank = ibis.row_number().over(
        group_by=k.huishouden_id, order_by=[ibis.desc(k.laatste_van), ibis.desc(k[column])]
    )
    return k.mutate(_rn=rank).filter(lambda r: r._rn == 0).select("huishouden_id", column)


def person_domains_expr(
    tables: dict[str, ir.Table], periode: Periode, gemeenten: Sequence[str] | None = None
) -> ir.Table:
    """``person_domains`` as one Ibis expression (runs on any engine, see ``engine``)."""
    tables = by_region_person(tables)
    res = residents(tables, periode)
    if gemeenten is not None:
        res = res.filter(res.gemeentecode.isin(list(gemeenten)))
    known = res.filter(res.huishouden_id.notnull())
    hh = (
        known.select("huishouden_id")
        .distinct()
        .left_join(_household_latest(known, "wijkcode"), "huishouden_id")
        .left_join(_household_latest(known, "buurtcode"), "huishouden_id")
    )
    hh = hh.select("huishouden_id", hh_wijkcode=hh.wijkcode, hh_buurtcode=hh.buurtcode)
    p = provisions(tables, periode)
    flags = p.group_by("persoon_id").aggregate(**{d: (p.domein == d).any() for d in DOMAINS})
    j = res.left_join(hh, "huishouden_id").left_join(flags, "persoon_id")
    return j.select(
        persoon_id=j.persoon_id,
        huishouden_id=j.huishouden_id.fill_null("persoon:" + j.persoon_id),
        gemeentecode=j.gemeentecode,
        wijkcode=j.wijkcode,
        buurtcode=j.buurtcode,
        laatste_van=j.laatste_van,
        hh_wijkcode=j.hh_wijkcode.fill_null(j.wijkcode),
        hh_buurtcode=j.hh_buurtcode.fill_null(j.buurtcode),
        **{d: j[d].fill_null(False) for d in DOMAINS},
    )


def person_domains(
    con: duckdb.DuckDBPyConnection | Engine,
    periode: Periode,
    gemeenten: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per resident person in the period with a flag per domain and their areas.

    ``gemeenten``: only persons whose latest residence in the period lies in one of them (a
    region warehouse holds several; a publication is about one, or an explicit region).

    Columns: persoon_id, huishouden_id (a person without a household number is a household
    of one, ``persoon:<id>``), gemeentecode, wijkcode, buurtcode, laatste_van, hh_wijkcode,
    hh_buurtcode, and one boolean column per domain in ``DOMAINS``. ``con`` is a warehouse
    or any engine (DuckDB, Spark): the same expression runs on either.
    """
    engine = as_engine(con)
    frame = engine.execute(person_domains_expr(engine.tables, periode, gemeenten)).to_pandas()
    for d in DOMAINS:
        frame[d] = frame[d].astype(bool)
    return frame.sort_values("persoon_id", ignore_index=True)


def combination(frame: pd.DataFrame) -> pd.Series:
    """The combination label per row (``wmo+minima``, domains in ``DOMAINS`` order); "" for none."""
    parts = [frame[d].map({True: d, False: ""}).tolist() for d in DOMAINS]
    labels = ["+".join(x for x in row if x) for row in zip(*parts, strict=True)]
    return pd.Series(labels, index=frame.index, dtype="str")
