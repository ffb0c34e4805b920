"""The published frames of the chapter "Integraal beeld", and what the analyses share.

The figures are computed by ``analysis`` (stacking, reach, relapse, peers), turned into
publication rows and protected once by ``publiceer`` (``publication.integraal``); an
``Integraal`` holds those *published* figures again in the shape the report's blocks lay out.
Nothing here protects anything.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from stuurdata.analysis.base import Periode
from stuurdata.sources.cbs import LAAG_INKOMEN, cache_dirs, cached_tables
from stuurdata.sources.cbs_columns import KWB_TABELLEN, newest_kwb


@dataclass
class Integraal:
    """Published results; ``meldingen`` says in Dutch what could not be computed and why.

    ``landelijk``: the national Wmo clients per 1,000 beside the peers (NaN when unknown).
    """

    periode: Periode
    combinaties: pd.DataFrame
    stapeling_wijk: pd.DataFrame
    bereik: pd.DataFrame
    terugval: pd.DataFrame
    trechter_wijk: pd.DataFrame
    definities: dict[str, str]
    meldingen: list[str] = field(default_factory=list)
    synthetisch_cbs: bool = False
    stapeling_vierkant: pd.DataFrame = field(default_factory=pd.DataFrame)
    gemeente: str = ""
    gemeenten: tuple[str, ...] = ()
    trechter_gemeente: pd.DataFrame = field(default_factory=pd.DataFrame)
    vergelijking: str = ""
    landelijk: float = math.nan


def municipalities(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Gemeenten with residents in the warehouse, most residence periods first."""
    rows = con.execute(
        "SELECT gemeentecode FROM verblijf GROUP BY 1 ORDER BY count(*) DESC, 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def low_income_table(gemeente: str, cbs_cache: Path | Sequence[Path] | None) -> str:
    """The CBS table with households near the social minimum per wijk for ``gemeente``:
    the synthetic snapshot only for GM99xx, else the newest real KWB table in the cache
    (the newest year's id when none is cached, so the message says what to fetch)."""
    if gemeente.startswith("GM99"):
        return LAAG_INKOMEN
    return newest_kwb(set(cached_tables(cache_dirs(cbs_cache)))) or KWB_TABELLEN[max(KWB_TABELLEN)]
