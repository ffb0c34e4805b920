"""Stacking on DuckDB and on Spark (Sail) gives the same figures: one Ibis expression each."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from stuurdata.analysis import Periode, stacking
from stuurdata.analysis.base import person_domains
from stuurdata.engine.spark import spark_engine

PERIODE = Periode(pd.Timestamp("2025-01-01").date(), pd.Timestamp("2026-01-01").date())


@pytest.mark.slow
def test_stacking_is_the_same_on_sail(town) -> None:
    con = duckdb.connect(str(town[1]), read_only=True)
    try:
        duck = stacking(con, PERIODE)
        duck_persons = person_domains(con, PERIODE)
        with spark_engine(con=con) as engine:
            spark = stacking(engine, PERIODE)
            spark_persons = person_domains(engine, PERIODE)
    finally:
        con.close()
    assert len(duck.combinaties) > 5 and len(duck.per_wijk) > 4
    assert duck_persons["wmo"].any() and duck_persons["minima"].any()
    pd.testing.assert_frame_equal(spark_persons, duck_persons)
    for name in ("combinaties", "per_wijk", "per_vierkant"):
        pd.testing.assert_frame_equal(
            getattr(spark, name), getattr(duck, name), check_exact=False, rtol=0, atol=1e-9
        )
