"""Stored values keep their version; recomputing replaces the same indicator+versie."""

from __future__ import annotations

import pandas as pd

from stuurdata.indicators.store import read_indicators, store_indicators


def count(con, indicator, versie):
    return con.execute(
        "SELECT count(*) FROM indicatorwaarde WHERE indicator = ? AND versie = ?",
        [indicator, versie],
    ).fetchall()[0][0]


def test_store_replaces_same_version_keeps_others(warehouse, computed):
    part = computed[computed.indicator == "clienten_wmo"]
    store_indicators(warehouse, part)
    assert count(warehouse, "clienten_wmo", 1) == len(part)

    newer = part.assign(versie=2, waarde=part.waarde + 1)
    store_indicators(warehouse, newer)
    store_indicators(warehouse, part)  # recompute version 1: replaced, not doubled
    assert count(warehouse, "clienten_wmo", 1) == len(part)
    assert count(warehouse, "clienten_wmo", 2) == len(part)

    current = read_indicators(warehouse, ["clienten_wmo"], {"clienten_wmo": 1})
    expected = part.sort_values(list(current.columns[:7])).reset_index(drop=True)
    pd.testing.assert_frame_equal(current, expected)


def test_read_without_table(warehouse):
    assert read_indicators(warehouse).empty


def test_a_store_from_before_volledig_grows_the_column(warehouse, computed):
    from stuurdata.indicators.store import DDL

    warehouse.execute(DDL.replace("    volledig BOOLEAN,\n", ""))  # the table as it was
    assert read_indicators(warehouse).empty
    part = computed[computed.indicator == "clienten_wmo"]
    store_indicators(warehouse, part)
    stored = read_indicators(warehouse, ["clienten_wmo"])
    assert stored.volledig.tolist() == part.sort_values(list(stored.columns[:7])).volledig.tolist()
    assert set(stored.volledig) == {True, False}  # January and February whole; March cut
