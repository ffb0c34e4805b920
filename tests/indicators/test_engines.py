"""The same definitions on DuckDB and on Spark give the same figures.

The full indicator set of the hand-made warehouse (every value known by hand, see
conftest.py) is computed on Spark and compared with DuckDB: same rows, same types, values
equal to 1e-9. Sail (a Spark Connect server in Rust, no JVM) runs in every test run; real
Apache Spark 4.0 (local mode, Java 17) runs under the ``spark_jvm`` marker.
"""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from stuurdata.engine.spark import spark_engine
from stuurdata.indicators.compute import compute_indicators, data_coverage


def _on_spark(warehouse_file, url: str | None) -> tuple[pd.DataFrame, tuple]:
    con = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        with spark_engine(con=con, url=url) as engine:
            return compute_indicators(engine), data_coverage(engine)
    finally:
        con.close()


def _assert_same(duck: pd.DataFrame, spark: pd.DataFrame) -> None:
    assert len(duck) > 300
    assert list(spark.dtypes) == list(duck.dtypes)
    pd.testing.assert_frame_equal(spark, duck, check_exact=False, rtol=0, atol=1e-9)


@pytest.mark.slow
def test_every_indicator_is_the_same_on_sail(warehouse_file, computed):
    spark, coverage = _on_spark(warehouse_file, None)
    con = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        assert coverage == data_coverage(con)
    finally:
        con.close()
    _assert_same(computed, spark)


@pytest.mark.slow
@pytest.mark.spark_jvm
@pytest.mark.skipif(shutil.which("java") is None, reason="Java 17 ontbreekt (openjdk-17-jre)")
def test_every_indicator_is_the_same_on_apache_spark(warehouse_file, computed):
    spark, _ = _on_spark(warehouse_file, "local")
    _assert_same(computed, spark)
