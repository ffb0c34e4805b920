"""Chain-ladder and Mack on triangles with a known answer."""

from __future__ import annotations

import numpy as np
import pytest

from stuurdata.forecast.chainladder import mack, project, triangle_from_lags

# Taylor & Ashe (1983), the "GenIns" triangle; Mack (1993) gives the published figures.
GENINS = [
    [357848, 1124788, 1735330, 2218270, 2745596, 3319994, 3466336, 3606286, 3833515, 3901463],
    [352118, 1236139, 2170033, 3353322, 3799067, 4120063, 4647867, 4914039, 5339085],
    [290507, 1292306, 2218525, 3235179, 3985995, 4132918, 4628910, 4909315],
    [310608, 1418858, 2195047, 3757447, 4029929, 4381982, 4588268],
    [443160, 1136350, 2128333, 2897821, 3402672, 3873311],
    [396132, 1333217, 2180715, 2985752, 3691712],
    [440832, 1288463, 2419861, 3483130],
    [359480, 1421128, 2864498],
    [376686, 1363294],
    [344014],
]


def _square(rows: list[list[float]]) -> np.ndarray:
    tri = np.full((len(rows), len(rows)), np.nan)
    for i, r in enumerate(rows):
        tri[i, : len(r)] = r
    return tri


def test_mack_reproduces_published_genins_figures():
    res = mack(_square(GENINS))
    assert res.reserve_totaal == pytest.approx(18_680_856, abs=1)
    assert res.se_totaal == pytest.approx(2_447_095, abs=2)
    assert res.se[1:4] == pytest.approx([75_535, 121_699, 133_549], abs=1)
    assert res.se[-1] == pytest.approx(1_363_155, abs=2)


def test_exact_development_pattern_is_recovered():
    # Every month doubles from delay 0 to 1 and grows 25% from 1 to 2: ultimate = 2.5 x first.
    first = np.array([100.0, 200.0, 300.0])
    tri = _square([[100, 200, 250], [200, 400], [300]])
    res = mack(tri)
    assert res.factoren == pytest.approx([2.0, 1.25])
    assert res.ultimate == pytest.approx(2.5 * first)
    assert res.reserve_totaal == pytest.approx(0 + 100 + 450)
    assert res.se == pytest.approx([0, 0, 0], abs=1e-9)


def test_empty_first_column_uses_bornhuetter_ferguson_with_prior():
    # Providers never claim in the service month: column 0 is all zero.
    rows = [[0, 80, 100], [0, 80, 100], [0, 80], [0]]
    tri = np.full((4, 3), np.nan)
    for i, r in enumerate(rows):
        tri[i, : len(r)] = r
    prior = np.array([100.0, 100.0, 100.0, 120.0])
    res = project(tri, prior)
    assert res.methode[-1] == "bf"
    assert res.ontwikkeld[-1] == 0
    assert res.ultimate[-1] == pytest.approx(120.0)  # nothing seen: the prior
    assert res.ultimate[2] == pytest.approx(100.0)  # chain-ladder: 80 x 1.25
    assert res.se[-1] > 0


def test_triangle_from_lags_hides_the_future():
    tri = triangle_from_lags(
        np.array([0, 0, 1, 1, 2]),
        np.array([1, 2, 1, 5, 0]),
        np.array([10.0, 5.0, 7.0, 1.0, 3.0]),
        rows=3,
        max_lag=3,
    )
    assert np.allclose(tri[0, :3], [0, 10, 15])
    assert np.isnan(tri[1, 2]) and np.isnan(tri[2, 1])
    assert tri[2, 0] == 3.0
