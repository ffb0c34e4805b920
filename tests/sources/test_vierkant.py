"""CBS grid-square codes: the square named is the one that contains the point."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stuurdata.sources.vierkant import hoek, is_vierkant, vierkant_500, vierkant_code

xs = st.floats(min_value=0.0, max_value=300_000.0, allow_nan=False)
ys = st.floats(min_value=300_000.0, max_value=630_000.0, allow_nan=False)


def test_the_cbs_example_and_the_edges() -> None:
    assert vierkant_code(120_550.0, 448_750.0) == "E1205N4487"
    assert vierkant_code(120_550.0, 448_750.0, 500) == "E1205N4485"
    # The west and south edges belong to the square, the east and north edges to the next.
    assert vierkant_code(120_500.0, 448_700.0) == "E1205N4487"
    assert vierkant_code(120_599.999, 448_799.999) == "E1205N4487"
    assert vierkant_code(120_600.0, 448_800.0) == "E1206N4488"
    assert vierkant_code(120_999.9, 448_999.9, 500) == "E1205N4485"
    assert vierkant_code(121_000.0, 449_000.0, 500) == "E1210N4490"
    assert vierkant_code(0.0, 300_000.0) == "E0000N3000"  # zero padded


@pytest.mark.parametrize(
    ("x", "y"),
    [(-1.0, 450_000.0), (300_000.1, 450_000.0), (150_000.0, 299_999.0), (150_000.0, 7e5)],
)
def test_points_outside_the_netherlands_are_refused(x: float, y: float) -> None:
    with pytest.raises(ValueError, match="buiten"):
        vierkant_code(x, y)


def test_only_100_and_500_metres() -> None:
    with pytest.raises(ValueError):
        vierkant_code(150_000.0, 450_000.0, 200)


@given(xs, ys)
def test_the_square_contains_the_point(x: float, y: float) -> None:
    code = vierkant_code(x, y)
    assert is_vierkant(code)
    x0, y0 = hoek(code)
    assert x0 <= x < x0 + 100 and y0 <= y < y0 + 100


@given(xs, ys)
def test_the_500_m_square_contains_the_100_m_square(x: float, y: float) -> None:
    code500 = vierkant_code(x, y, 500)
    assert vierkant_500(vierkant_code(x, y)) == code500
    x5, y5 = hoek(code500)
    assert x5 % 500 == 0 and y5 % 500 == 0
    assert x5 <= x < x5 + 500 and y5 <= y < y5 + 500


def test_malformed_codes() -> None:
    assert not is_vierkant("E120N4487") and not is_vierkant(None)
    with pytest.raises(ValueError):
        hoek("N4487E1205")
