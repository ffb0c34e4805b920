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
    # 12,000 inhabitants against 6,000 and 25,000: the snapshot has too few alike, so no
    # peers at all rather than unlike ones; the own figure stays, no national row (3 rows).
    assert peers["eenheid"].tolist() == ["GM9901"] and peers["rol"].tolist() == ["eigen"]
    assert "Te weinig gemeenten van vergelijkbare grootte" in note
    assert "geen landelijk cijfer" in note


def test_peers_are_the_nearest_in_size_and_urbanity_and_exclude_the_gemeente() -> None:
    sizes = [60_000, 6_000, 25_000, 55_000, 70_000, 48_000, 130_000, 58_000, 62_000]
    sted = [2, 2, 2, 2, 2, 4, 2, 5, 3]
    codes = [f"GM{1000 + i}" for i in range(len(sizes))]
    kern = pd.DataFrame({"Codering": codes, "AantalInwoners": sizes, "Stedelijkheid": sted})
    wmo = pd.DataFrame(
        {"Codering": codes, "WmoClienten": [s // 14 for s in sizes], "AantalInwoners": sizes}
    )
    peers, note = gemeente_peers("GM1000", kern, wmo)
    alike = set(peers.loc[peers["rol"] == "vergelijkbaar", "eenheid"])
    # 6,000 and 130,000 are more than a factor 2 away; stedelijkheid 4 and 5 too far.
    assert alike == {"GM1003", "GM1004", "GM1008"}
    assert "stedelijkheid" in note and "telt de eigen gemeente niet mee" in note
