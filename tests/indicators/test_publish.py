"""Published figures are protected; the CSV has exactly the agreed columns."""

from __future__ import annotations

import pandas as pd
import pytest

from stuurdata.indicators.publish import CSV_COLUMNS, export_csv, published_indicators
from stuurdata.indicators.store import store_indicators
from stuurdata.privacy.disclosure import DisclosureRule


def test_published_default_rule_suppresses_small_warehouse(warehouse):
    frame = published_indicators(warehouse, ids=["clienten_wmo", "kosten_wmo"])
    assert (frame.status == "onderdrukt").all()  # a dozen persons: everything below 10
    assert frame.waarde.isna().all()


def test_published_with_low_threshold_and_csv(warehouse, tmp_path):
    rule = DisclosureRule(min_count=2, round_to=5)
    frame = published_indicators(warehouse, rule, ids=["clienten_per_categorie_wmo"])
    row = frame[
        (frame.periode == "2026-02") & (frame.niveau == "gemeente") & (frame.categorie == "04")
    ]
    assert row.iloc[0].teller == 0.0  # 2 rounded to a multiple of 5
    assert row.iloc[0].status == "afgerond"
    path = tmp_path / "uit.csv"
    export_csv(frame, path)
    back = pd.read_csv(path, dtype={"indicator": str})
    assert list(back.columns) == CSV_COLUMNS
    assert "clienten_per_categorie_wmo:04" in set(back.indicator)
    assert set(back.status) <= {"ok", "afgerond", "onderdrukt"}


def test_published_from_store(warehouse, computed):
    store_indicators(warehouse, computed[computed.indicator == "kosten_wmo"])
    frame = published_indicators(warehouse, DisclosureRule(min_count=1), ["kosten_wmo"], True)
    assert len(frame) == (computed.indicator == "kosten_wmo").sum()
    assert (
        frame[(frame.periode == "2026-01") & (frame.niveau == "gemeente")].waarde.iloc[0] == 125.0
    )


def test_export_refuses_unprotected(computed, tmp_path):
    with pytest.raises(ValueError, match="beveiligde"):
        export_csv(computed, tmp_path / "x.csv")
