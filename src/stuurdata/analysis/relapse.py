"""Relapse (terugval): how many whose spell ended come back within a year.

Unit: the person. Everyone whose schuldhulp trajectory or Participatiewet benefit (``wet``)
ended in the period is counted once, at their first end in it; they *return* when a new spell
of the same law starts within ``dagen`` days after that end. The period must end at least
``dagen`` days before the data does, or returns are missed. The interval is Wilson's for a
proportion.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from stuurdata.analysis.base import Periode, has_table

DEFINITIE = (
    "Terugval: van de personen van wie een {wet}-traject in de periode eindigde (eerste einde "
    "telt), het deel dat binnen {dagen} dagen een nieuw traject van dezelfde soort begon."
)


@dataclass(frozen=True, slots=True)
class Terugval:
    """Relapse figures of one law and period (internal, unprotected)."""

    wet: str
    periode: Periode
    dagen: int
    beeindigd: int
    terug: int

    @property
    def aandeel(self) -> float:
        """Share returning (NaN when nobody ended)."""
        return self.terug / self.beeindigd if self.beeindigd else math.nan

    def interval(self, z: float = 1.959964) -> tuple[float, float]:
        """Wilson score interval of the share."""
        return wilson(self.terug, self.beeindigd, z)


def wilson(k: float, n: float, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval of the share ``k / n`` (NaN when ``n`` is 0)."""
    if not n:
        return (math.nan, math.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def relapse(
    con: duckdb.DuckDBPyConnection,
    wet: str,
    periode: Periode,
    dagen: int = 365,
    gemeenten: Sequence[str] | None = None,
) -> Terugval:
    """Persons whose ``wet`` spell ended in ``periode`` and who returned within ``dagen``.

    ``gemeenten``: only persons who lived in one of them when their spell ended.
    """
    if not has_table(con, "voorziening"):
        return Terugval(wet, periode, dagen, 0, 0)
    where = ""
    if gemeenten is not None:
        where = (
            "AND EXISTS (SELECT 1 FROM verblijf r WHERE r.persoon_id = voorziening.persoon_id "
            "AND r.gemeentecode IN (SELECT unnest($gemeenten)) AND r.van <= voorziening.eind "
            "AND coalesce(r.tot, DATE '9999-12-31') > voorziening.eind)"
        )
    params: dict[str, object] = {"wet": wet, "van": periode.van, "tot": periode.tot}
    params["dagen"] = dagen
    if gemeenten is not None:
        params["gemeenten"] = list(gemeenten)
    row = con.execute(
        f"""
        WITH ended AS (
            SELECT persoon_id, min(eind) AS eind FROM voorziening
            WHERE wet = $wet AND eind >= $van AND eind < $tot {where} GROUP BY persoon_id
        )
        SELECT count(*), count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM voorziening v WHERE v.wet = $wet AND v.persoon_id = e.persoon_id
              AND v.start > e.eind AND v.start <= e.eind + $dagen::INTEGER))
        FROM ended e
        """,
        params,
    ).fetchall()[0]
    return Terugval(wet, periode, dagen, int(row[0]), int(row[1]))
