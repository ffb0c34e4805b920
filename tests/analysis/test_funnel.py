"""Funnel limits and the Kitagawa decomposition, checked against hand computations."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from stuurdata.analysis import funnel, gemeente_peers
from stuurdata.analysis.reach import ratio_interval
from stuurdata.sources.cbs import KERNCIJFERS, SNAPSHOT_DIR, WMO_GEMEENTEN, load_table


def test_small_areas_are_not_flagged_for_noise_but_large_deviations_are() -> None:
    frame = pd.DataFrame(
        {
            "eenheid": ["klein", "groot_hoog", "gemiddeld", "groot_laag"],
            "teller": [4, 1200, 700, 500],
            "noemer": [20, 10_000, 10_000, 10_000],
        }
    )
    out = funnel(frame, doel=0.07).set_index("eenheid")
    # 4/20 = 200 per 1,000 is far above 70, but with 20 people that is within chance at 99.8%.
    se = math.sqrt(0.07 * 0.93 / 20)
    assert out.loc["klein", "bovengrens_998"] == pytest.approx((0.07 + 3.090232 * se) * 1000)
    assert out.loc["klein", "oordeel"] == "mogelijk hoger"
    assert out.loc["groot_hoog", "oordeel"] == "duidelijk hoger"
    assert out.loc["gemiddeld", "oordeel"] == "binnen toevalsmarge"
    assert out.loc["groot_laag", "oordeel"] == "duidelijk lager"


def test_pooled_target_is_total_over_total() -> None:
    out = funnel(pd.DataFrame({"eenheid": ["a", "b"], "teller": [10, 30], "noemer": [100, 300]}))
    assert out["doel"].iloc[0] == pytest.approx(100.0)


def test_reach_interval_widens_for_small_counts() -> None:
    lo_s, hi_s = ratio_interval(5, 8)
    lo_b, hi_b = ratio_interval(500, 800)
    assert lo_s < 5 / 8 < hi_s and lo_b < 0.625 < hi_b
    assert hi_s - lo_s > 5 * (hi_b - lo_b)


def test_peers_come_from_the_synthetic_snapshot() -> None:
    kwb = load_table(KERNCIJFERS, SNAPSHOT_DIR).data
    wmo = load_table(WMO_GEMEENTEN, SNAPSHOT_DIR).data
    peers, note = gemeente_peers("GM9901", kwb, wmo)
    assert set(peers["eenheid"]) == {"GM9901", "GM9902", "GM9903"}
    assert "Te weinig gemeenten" in note
