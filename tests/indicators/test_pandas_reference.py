"""The plain-pandas reference (benchmarks/) and the Ibis computation agree exactly."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

from pandas_reference import reference_indicators


@pytest.mark.slow  # the pandas loop takes ~5 s even on this tiny warehouse
def test_reference_equals_ibis(warehouse_file, computed):
    con = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        reference = reference_indicators(con)
    finally:
        con.close()
    assert len(computed) > 250
    pd.testing.assert_frame_equal(computed, reference, check_exact=False, rtol=1e-12)


def test_reference_subset(warehouse):
    frame = reference_indicators(warehouse, ["instroom_wmo"])
    assert set(frame.indicator) == {"instroom_wmo"}
