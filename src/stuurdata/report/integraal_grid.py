"""Block "Stapeling per vierkant" of the chapter "Integraal beeld": a grid map of 500 m squares.

CBS grid squares form a regular grid on the RD New plane, so the map needs no geometry
files: each square is a rectangle from its code (``E1455N4360`` is x 145.5-146.0 km,
y 436.0-436.5 km). The colour is the share of households with help from two or more domains;
squares whose share is withheld by disclosure control are drawn grey. The figures arrive
protected (rows of ``publication.integraal``, protected by ``publiceer``); the 100 m squares
are only counted in the note, because almost all of them hold too few households to show anything.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from stuurdata.analysis.integraal import Integraal
from stuurdata.analysis.stacking import DEFINITIE_VIERKANT
from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.report.charts import WIDTH, _config
from stuurdata.report.format import fmt_number
from stuurdata.report.integraal_parts import column, fmt_count, fmt_pct
from stuurdata.report.model import Block, Chart, Table, TableRow
from stuurdata.sources.vierkant import hoek

GRIJS = "#d9d9d9"
KLEUREN = ["#fee6ce", "#f9a55a", "#e17000", "#8c3a00"]
_MIN_CELL, _MAX_CELL = 12, 56  # pixels per 500 m square
_MAX_HEIGHT = 560  # pixels: a tall town is drawn smaller rather than longer than a page
_TEXT_CELL = 26  # from this size on the share is printed in the square


def cell_pixels(data: pd.DataFrame) -> int:
    """Pixels per 500 m square: as large as fits the report's width and a page, within limits."""
    cols = round((float(data["X"].max()) - float(data["X"].min())) / 0.5) + 1
    rows = round((float(data["Y"].max()) - float(data["Y"].min())) / 0.5) + 1
    fits = min((WIDTH - 40) // cols, _MAX_HEIGHT // rows)
    return max(_MIN_CELL, min(_MAX_CELL, fits))


def grid_chart(data: pd.DataFrame, legend_title: str) -> dict[str, Any]:
    """Rectangles per square (``X``, ``Y``: lower-left corner in km; ``Aandeel``: %, or NaN).

    Published squares are coloured by ``Aandeel`` on a sequential scale; withheld ones grey.
    The plot keeps the map's proportions: one kilometre is as long across as up.
    """
    size = 0.5
    x_lo, x_hi = float(data["X"].min()), float(data["X"].max()) + size
    y_lo, y_hi = float(data["Y"].min()), float(data["Y"].max()) + size
    cols, rows = round((x_hi - x_lo) / size), round((y_hi - y_lo) / size)
    cell = cell_pixels(data)
    data = data.assign(X2=data["X"] + size, Y2=data["Y"] + size).round(
        {"X": 1, "Y": 1, "X2": 1, "Y2": 1, "Aandeel": 1}
    )
    axis = alt.Axis(format=",.1f", tickMinStep=0.5, grid=False, labelFontSize=10)
    x = alt.X("X:Q", scale=alt.Scale(domain=[x_lo, x_hi], nice=False, zero=False), axis=axis)
    y = alt.Y("Y:Q", scale=alt.Scale(domain=[y_lo, y_hi], nice=False, zero=False), axis=axis)
    x = x.title("km oost (RD)")
    y = y.title("km noord (RD)")
    top = max(50.0, math.ceil(float(data["Aandeel"].max(skipna=True) or 0) / 10) * 10)
    shown = data[data["Aandeel"].notna()]
    hidden = data[data["Aandeel"].isna()]
    layers: list[alt.Chart] = []
    if not hidden.empty:
        layers.append(
            alt.Chart(hidden)
            .mark_rect(color=GRIJS, stroke="white", strokeWidth=1)
            .encode(x=x, x2="X2:Q", y=y, y2="Y2:Q")
        )
    colour = alt.Color(
        "Aandeel:Q",
        scale=alt.Scale(domain=[0, top], range=KLEUREN, clamp=True),
        legend=alt.Legend(title=legend_title, orient="right", format=",.0f", gradientLength=120),
    )
    base = alt.Chart(shown).encode(x=x, y=y)
    layers.append(
        base.mark_rect(stroke="white", strokeWidth=1).encode(
            x2="X2:Q", y2="Y2:Q", color=colour, tooltip=["Vierkant:N", "Aandeel:Q"]
        )
    )
    if cell >= _TEXT_CELL:
        centred = shown.assign(XM=shown["X"] + size / 2, YM=shown["Y"] + size / 2)
        layers.append(
            alt.Chart(centred)
            .mark_text(fontSize=10)
            .encode(
                x="XM:Q",
                y="YM:Q",
                text=alt.Text("Aandeel:Q", format=",.0f"),
                color=alt.condition(
                    f"datum.Aandeel > {top * 0.55}", alt.value("white"), alt.value("#222")
                ),
            )
        )
    chart = alt.layer(*layers).properties(width=cell * cols, height=cell * rows)
    return _config(chart).configure_legend(orient="right").to_dict(validate=False)


def _table_rows(frame: pd.DataFrame) -> tuple[TableRow, ...]:
    return tuple(
        TableRow(
            r.vierkant,
            (fmt_count(r.met_voorziening), fmt_count(r.teller), fmt_pct(r.waarde)),
        )
        for r in frame.sort_values("vierkant").itertuples()
    )


def grid_block(result: Integraal, rule: DisclosureRule) -> Block | None:
    """The grid map of stacking per 500 m square; None when no residence has a square."""
    frame = result.stapeling_vierkant
    if frame.empty or "grootte" not in frame.columns:
        return None
    squares = frame[frame["grootte"] == 500]
    small = frame[frame["grootte"] == 100]
    cols = (
        column(
            "Huishoudens met een voorziening",
            "Huishoudens met minstens één voorziening uit de vijf domeinen.",
        ),
        column("Met 2 of meer domeinen"),
        column("Aandeel met 2 of meer domeinen", DEFINITIE_VIERKANT),
    )
    titel = "Stapeling per vierkant van 500 meter"
    small_note = (
        f"Per vierkant van 100 meter is het aandeel in {fmt_number(small['waarde'].notna().sum())} "
        f"van de {fmt_number(len(small))} bewoonde vierkanten te tonen: in de andere wonen te "
        "weinig huishoudens met hulp. Dat is bedoeld, daarom staat hier de kaart per 500 meter."
    )
    inleiding = (
        "Waar in de gemeente wonen huishoudens die hulp krijgen uit meerdere domeinen? De kaart "
        "deelt de gemeente op in de vierkanten van het CBS en kleurt elk vierkant naar het "
        "aandeel huishoudens met hulp uit twee of meer domeinen. Het aandeel wordt alleen "
        f"getoond als zowel de huishoudens met twee of meer domeinen als die met één domein "
        f"minstens {rule.min_count} zijn."
    )
    published = squares[squares["waarde"].notna()]
    if published.empty:
        return Block(
            "integraal-vierkant",
            titel,
            inleiding=inleiding + " In geen enkel vierkant zijn genoeg huishoudens om een "
            "aandeel te tonen. " + small_note,
        )
    corners = [hoek(c) for c in squares["vierkant"]]
    data = pd.DataFrame(
        {
            "Vierkant": squares["vierkant"].to_numpy(),
            "X": [x / 1000 for x, _ in corners],
            "Y": [y / 1000 for _, y in corners],
            "Aandeel": squares["waarde"].astype("float64").to_numpy(),
        }
    )
    hidden = len(squares) - len(published)
    note = (
        f"Grijs: te weinig huishoudens om het aandeel te tonen ({hidden} van de "
        f"{len(squares)} vierkanten). "
        * bool(hidden)
        + "Het getal in een vierkant is het percentage. " * (cell_pixels(data) >= _TEXT_CELL)
        + small_note
    )
    chart = Chart(
        "integraal-vierkant",
        f"Aandeel huishoudens met hulp uit 2 of meer domeinen per vierkant van 500 m, "
        f"{result.periode.label()}",
        grid_chart(data, "% met 2+ domeinen"),
        Table(None, "Vierkant (CBS-code)", cols, _table_rows(squares)),
        (column("Aandeel met 2 of meer domeinen", DEFINITIE_VIERKANT),),
        note,
    )
    return Block("integraal-vierkant", titel, inleiding=inleiding, grafieken=(chart,))


__all__ = ["grid_block", "grid_chart"]
