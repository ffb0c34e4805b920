"""The chain-quality measures on DuckDB and on Spark: the same cases, the same scores.

One Ibis expression per measure runs on both engines. A generated municipality with the
generator's injected faults (late and missing messages, over-claims, rejected messages,
quarantined ones) gives every measure cases with and without ``fout``. Sail runs in every
test run, real Apache Spark 4.0 (JVM) under the ``spark_jvm`` marker.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from stuurdata.engine.spark import spark_engine
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.quality import load_measures, run_monitor
from stuurdata.quality.measures import CASE_COLUMNS
from stuurdata.quality.monitor import cases, window
from stuurdata.synth import generate
from stuurdata.warehouse.load import connect, load_sources

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


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), ignore_index=True)


@pytest.mark.slow
@pytest.mark.parametrize("url", ENGINES)
def test_every_measure_is_the_same_on_spark(tmp_path: Path, url: str | None) -> None:
    generate(tmp_path / "synth", inwoners=3000, maanden=12, zaad=3, tot=date(2026, 10, 1))
    pakhuis = tmp_path / "pakhuis.duckdb"
    load_sources([tmp_path / "synth" / "bronnen"], pakhuis, Pseudonymiser(b"k" * 32), workers=1)
    measures = load_measures()
    con = connect(pakhuis)
    try:
        duck = run_monitor(con)
        duck_cases = cases(con, measures, duck.vanaf, duck.peildatum).to_pandas()
        with spark_engine(con=con, url=url) as engine:
            assert window(engine) == (duck.vanaf, duck.peildatum)
            spark = run_monitor(engine)
            spark_cases = cases(engine, measures, duck.vanaf, duck.peildatum).to_pandas()
    finally:
        con.close()
    assert list(spark_cases.columns) == list(CASE_COLUMNS)
    # (almost) every measure has a population, many deviations: the comparison is not vacuous
    assert len(set(duck_cases["maatregel"])) >= len(measures) - 1
    assert duck_cases["fout"].sum() > 50 and (~duck_cases["fout"]).sum() > 1000
    pd.testing.assert_frame_equal(_sorted(spark_cases), _sorted(duck_cases))
    for name in ("scores", "oordeel", "bevindingen", "leeftijd", "retour"):
        pd.testing.assert_frame_equal(
            getattr(spark, name).reset_index(drop=True),
            getattr(duck, name).reset_index(drop=True),
            check_exact=False,
            rtol=0,
            atol=1e-9,
        )
