"""The hand-written SQL floor (benchmarks/sql_floor.sql) gives the library's figures exactly.

The floor is only a fair yardstick when it computes the same thing: same rows, teller,
noemer, waarde, n and lineage for every indicator of its set.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

from sql_floor import IDS, differences, run


def test_floor_equals_the_library(warehouse_file, computed):
    con = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        floor = run(con)
    finally:
        con.close()
    ours = computed[computed["indicator"].isin(IDS)]
    assert set(floor["indicator"]) == set(IDS)  # every indicator of the set has rows here
    assert differences(ours, floor) == 0


def test_differences_sees_a_changed_value(warehouse_file, computed):
    con = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        floor = run(con)
    finally:
        con.close()
    ours = computed[computed["indicator"].isin(IDS)]
    changed = floor.copy()
    changed.loc[changed.index[0], "waarde"] = changed["waarde"].iloc[0] + 1
    assert differences(ours, changed) == 1
    assert differences(ours, changed.iloc[1:]) == 1  # a missing row counts too
