"""The grid map of stacking per 500 m square in the chapter "Integraal beeld"."""

from __future__ import annotations

from datetime import date

import pandas as pd

from stuurdata.analysis.base import Periode
from stuurdata.analysis.integraal import Integraal
from stuurdata.analysis.stacking import DEFINITIE_VIERKANT, Stapeling
from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.report.charts import to_svg
from stuurdata.report.integraal_grid import GRIJS, grid_block

from helpers import published_squares

PERIODE = Periode(date(2025, 1, 1), date(2026, 1, 1))


def _result(rows: list[tuple[int, str, int, int]], rule: DisclosureRule) -> Integraal:
    frame = pd.DataFrame(rows, columns=["grootte", "vierkant", "met_voorziening", "twee_of_meer"])
    frame["totaal"] = frame["met_voorziening"] * 3
    frame["aandeel_twee_of_meer"] = 100 * frame["twee_of_meer"] / frame["met_voorziening"]
    internal = Stapeling(PERIODE, pd.DataFrame(), pd.DataFrame(), frame)
    empty = pd.DataFrame()
    return Integraal(
        PERIODE,
        empty,
        empty,
        empty,
        empty,
        empty,
        {},
        stapeling_vierkant=published_squares(internal, rule),
    )


ROWS = [
    (500, "E1500N4400", 203, 61),
    (500, "E1505N4400", 120, 50),
    (500, "E1500N4405", 90, 14),
    (500, "E1505N4405", 16, 3),  # withheld: grey on the map
    (100, "E1500N4400", 30, 11),
    (100, "E1501N4400", 6, 2),
    (100, "E1505N4405", 16, 3),
]


def test_the_grid_map_shows_published_squares_and_greys_the_rest() -> None:
    rule = DisclosureRule()
    block = grid_block(_result(ROWS, rule), rule)
    assert block is not None and block.id == "integraal-vierkant"
    (chart,) = block.grafieken
    assert [r.label for r in chart.tabel.rijen] == [
        "E1500N4400",
        "E1500N4405",
        "E1505N4400",
        "E1505N4405",
    ]
    assert chart.tabel.rijen[-1].cellen == ("15", ".", ".")
    # the share rests on the rounded counts beside it (60 / 205), so it reveals no more
    assert chart.tabel.rijen[0].cellen == ("205", "60", "29,3%")
    assert chart.definities[0].definitie == DEFINITIE_VIERKANT
    # The note says why almost nothing is shown per 100 m: 1 of the 3 small squares.
    assert "1 van de 3 bewoonde vierkanten" in (chart.toelichting or "")
    assert "Grijs" in (chart.toelichting or "")
    layers = chart.spec["layer"]
    assert [layer["mark"]["type"] for layer in layers][:2] == ["rect", "rect"]
    svg = to_svg(chart.spec, chart.id, chart.titel)
    assert svg.startswith("<svg") and GRIJS in svg
    assert svg.count("<path") >= 4  # the four squares (and the legend, axes)


def test_nothing_to_show_gives_text_and_no_map() -> None:
    rule = DisclosureRule(min_count=1000)
    block = grid_block(_result(ROWS, rule), rule)
    assert block is not None and not block.grafieken
    assert "In geen enkel vierkant" in (block.inleiding or "")


def test_no_block_without_coordinates() -> None:
    rule = DisclosureRule()
    assert grid_block(_result([], rule), rule) is None
    empty = pd.DataFrame()
    legacy = Integraal(PERIODE, empty, empty, empty, empty, empty, {})
    assert grid_block(legacy, rule) is None
