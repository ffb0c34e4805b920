"""Stacking on DuckDB and on Spark gives the same figures: one Ibis expression each.

Sail in every test run; real Apache Spark 4.0 (JVM) under the ``spark_jvm`` marker.
"""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from stuurdata.analysis import Periode, stacking
from stuurdata.analysis.base import person_domains
from stuurdata.engine.spark import spark_engine

PERIODE = Periode(pd.Timestamp("2025-01-01").date(), pd.Timestamp("2026-01-01").date())
# Sail in every run; real Apache Spark 4.0 (local mode, Java 17) under the spark_jvm marker
ENGINES = [
    pytest.param(None, id="sail"),
    pytest.param(
        "local",
        id="apache_spark",
        marks=[
            pytest.mark.spark_jvm,
            pytest.mark.skipif(shutil.which("java") is None, reason="Java 17 ontbreekt"),
        ],
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("url", ENGINES)
def test_stacking_is_the_same_on_spark(town, url: str | None) -> None:
    con = duckdb.connect(str(town[1]), read_only=True)
    try:
        duck = stacking(con, PERIODE)
        duck_persons = person_domains(con, PERIODE)
        with spark_engine(con=con, url=url) as engine:
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
