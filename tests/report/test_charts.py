"""Chart colours: every series stays visible against the white background."""

from __future__ import annotations

import pytest

from stuurdata.report.charts import PAIRS, PALETTE, Point, line_chart, to_svg


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", sorted({*PALETTE, *PAIRS}))
def test_every_chart_colour_has_3_to_1_contrast_with_white(colour):
    assert 1.05 / (_luminance(colour) + 0.05) >= 3.0


def test_a_chart_has_one_accessible_name_and_no_roles_inside():
    points = [Point("jan", "A", 1.0), Point("feb", "A", 2.0), Point("jan", "B", 3.0)]
    svg = to_svg(line_chart(points, ["jan", "feb"], "aantal", "aantal"), "t", "Twee reeksen")
    assert svg.startswith('<svg role="img" aria-label="Twee reeksen"')
    assert svg.count("role=") == 1 and svg.count("aria-") == 1
