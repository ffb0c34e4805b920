"""Vega-Lite chart specs (built with Altair) and their rendering to inline SVG.

Charts are rendered to SVG at report time with vl-convert, so the HTML needs no JavaScript
and no network: it opens offline, prints cleanly, survives e-mail and intranet filters that
strip scripts, and stays small (a few kB per chart instead of ~1 MB of inlined Vega).
Suppressed values are left out of a series (the line breaks there); the table beside each
chart shows them as ".".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

PALETTE = ["#154273", "#e17000", "#39870c", "#007bc7", "#a90061", "#777c00"]
"""Every colour has at least 3:1 contrast with the white background (WCAG 1.4.11)."""
PAIRS = ["#154273", "#5a8fc7", "#b35a00", "#e17000"]
"""Median and 90th percentile of one phase share a hue, dark and lighter (still >= 3:1)."""
NOG_KLEUR = "#e17000"
"""The part of a bar still expected (3.2:1 against white and 3.2:1 against ``PALETTE[0]``,
the declared part below it, so the two parts are told apart without colour vision too)."""
# Arial (or its metric twin Liberation Sans) exists almost everywhere, so the label widths
# vl-convert measures match what the browser draws.
FONT = "Arial, Liberation Sans, Helvetica, sans-serif"
WIDTH = 470
HEIGHT = 210

_AXIS_FORMAT = {
    "aantal": ",.0f",
    "ratio": ",.1f",
    "dagen": ",.0f",
    "euro": "$,.0f",
    "procent": ",.1f",
}


@dataclass(frozen=True, slots=True)
class Point:
    """One value in a chart: x label (in order), series name, value (None when withheld)."""

    x: str
    reeks: str
    waarde: float | None


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(
            font=FONT, background="white", padding={"left": 28, "right": 12, "top": 6, "bottom": 4}
        )
        .configure_view(stroke=None)
        .configure_axis(
            labelColor="#333",
            titleColor="#333",
            gridColor="#e6e6e6",
            domainColor="#999",
            tickColor="#999",
            labelFontSize=11,
            titleFontSize=11,
            titleFontWeight="normal",
        )
        .configure_legend(orient="bottom", labelFontSize=11, title=None, symbolStrokeWidth=2)
    )


def _frame(points: list[Point]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Periode": [p.x for p in points],
            "Reeks": [p.reeks for p in points],
            "Waarde": [p.waarde for p in points],
        }
    )


def line_chart(
    points: list[Point],
    order: list[str],
    soort: str,
    y_title: str,
    colors: list[str] | None = None,
    norm: tuple[float, str] | None = None,
) -> dict[str, Any]:
    """A trend over periods, one line per series; gaps where values are withheld.

    ``norm`` (value, label) draws a dashed horizontal line, e.g. the 5-working-day norm.
    """
    data = _frame(points)
    series = list(dict.fromkeys(p.reeks for p in points))
    base = alt.Chart(data).encode(
        x=alt.X(
            "Periode:O", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)
        ),
        y=alt.Y("Waarde:Q", title=y_title, axis=alt.Axis(format=_AXIS_FORMAT[soort])),
        color=alt.Color(
            "Reeks:N",
            sort=series,
            scale=alt.Scale(domain=series, range=(colors or PALETTE)[: len(series)]),
            legend=alt.Legend(columns=2, labelLimit=320) if len(series) > 1 else None,
        ),
    )
    chart: Any = base.mark_line(
        point=alt.OverlayMarkDef(size=28, filled=True),
        strokeWidth=2,
        invalid="break-paths-show-domains",
    )
    if norm is not None:
        rule = alt.Chart(pd.DataFrame({"norm": [norm[0]], "tekst": [norm[1]]}))
        line = rule.mark_rule(color="#333", strokeDash=[4, 3], strokeWidth=1.5).encode(y="norm:Q")
        text = rule.mark_text(align="left", dx=4, dy=-6, fontSize=10, color="#333").encode(
            y="norm:Q", text="tekst:N", x=alt.value(0)
        )
        chart = alt.layer(chart, line, text)
    return _config(chart.properties(width=WIDTH, height=HEIGHT)).to_dict(validate=False)


def period_bar_chart(
    points: list[Point], order: list[str], soort: str, y_title: str
) -> dict[str, Any]:
    """Amounts per period as columns (costs): a total reads better as a bar than a line.

    A second series (the claims still expected, ``NOG_KLEUR``) stacks on top of the first
    (declared), with a white line between the parts and a legend, so the last bars are
    never read as a fall.
    """
    data = _frame(points)
    series = list(dict.fromkeys(p.reeks for p in points))
    colors = [PALETTE[0], NOG_KLEUR][: len(series)]
    data["Volgorde"] = data["Reeks"].map({s: i for i, s in enumerate(series)})
    chart = (
        alt.Chart(data)
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(
            color=alt.Color(
                "Reeks:N",
                sort=series,
                scale=alt.Scale(domain=series, range=colors),
                legend=alt.Legend() if len(series) > 1 else None,
            ),
            order=alt.Order("Volgorde:Q", sort="ascending"),
            x=alt.X(
                "Periode:O",
                sort=order,
                title=None,
                axis=alt.Axis(labelAngle=0, labelOverlap=True),
            ),
            y=alt.Y("Waarde:Q", title=y_title, axis=alt.Axis(format=_AXIS_FORMAT[soort])),
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    return _config(chart).to_dict(validate=False)


def category_bar_chart(
    points: list[Point], soort: str, x_title: str, sort: list[str] | None = None
) -> dict[str, Any]:
    """Horizontal bars per category, largest first (or in the order ``sort`` gives)."""
    data = _frame(points).rename(columns={"Periode": "Categorie"})
    height = max(60, 22 * len(data))
    chart = (
        alt.Chart(data)
        .mark_bar(color=PALETTE[0], cornerRadiusTopRight=2, cornerRadiusBottomRight=2)
        .encode(
            y=alt.Y(
                "Categorie:N",
                sort=sort if sort is not None else "-x",
                title=None,
                axis=alt.Axis(labelLimit=330, labelFontSize=11),
            ),
            x=alt.X("Waarde:Q", title=x_title, axis=alt.Axis(format=_AXIS_FORMAT[soort])),
        )
        .properties(width=WIDTH + 60, height=height)
    )
    return _config(chart).to_dict(validate=False)


_LONG_DECIMALS = re.compile(r"(\d\.\d{2})\d+")
_GEOMETRY = re.compile(r'\b(d|transform|x|y|x1|x2|y1|y2|width|height|r|cx|cy|points)="([^"]*)"')
_IDS = re.compile(r'\bid="([^"]+)"')
_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')


def _round_geometry(match: re.Match[str]) -> str:
    """Cut coordinates to two decimals; text and labels are left alone."""
    return f'{match[1]}="{_LONG_DECIMALS.sub(_keep_two, match[2])}"'


def _keep_two(match: re.Match[str]) -> str:
    return match[1]


def to_svg(spec: dict[str, Any], prefix: str, label: str, *, marks: bool = False) -> str:
    """Render a spec to SVG text for inlining, with Dutch number and date formats.

    ``marks`` keeps Vega's roles and labels on the marks, for a caller that turns them into
    something else (the map makes each area's label its hover title).

    Coordinates are cut to two decimals (smaller file, and no long digit runs that look
    like identifiers), and any element ids get a per-chart prefix so several inline SVGs
    in one page cannot clash.
    """
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(spec, format_locale="nl-NL", time_format_locale="nl-NL")
    svg = _GEOMETRY.sub(_round_geometry, svg)
    for found in set(_IDS.findall(svg)):
        svg = svg.replace(f'id="{found}"', f'id="{prefix}-{found}"')
        svg = svg.replace(f"url(#{found})", f"url(#{prefix}-{found})")
        svg = svg.replace(f'href="#{found}"', f'href="#{prefix}-{found}"')
    # One accessible name for the whole chart (the table beside it holds the figures);
    # Vega's own roles on marks and axes would ask for a name per mark.
    if not marks:
        svg = _ARIA.sub("", svg)
    label = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)
    return svg
