"""Maps of wijken and buurten from the publication's boundaries: choropleth and location.

Like every chart of the dashboard, a map is a Vega-Lite spec (``geoshape``) rendered to SVG
on the server with vl-convert: the page needs no JavaScript and loads nothing from
elsewhere. Each area carries an SVG ``<title>`` (its name and the published value), which
the browser shows on hover; the table beside the map holds the same figures for who cannot
see it. Areas without a figure (suppressed, or not published) are drawn with a grey hatch,
named "geen cijfer" in the legend. Values come from the publication, already protected;
nothing is computed or recovered here.
"""

from __future__ import annotations

import math
import re
from typing import Any

import altair as alt

from stuurdata.indicators.registry import Definition
from stuurdata.report.charts import FONT, WIDTH, to_svg
from stuurdata.report.format import SUPPRESSED

KLEUREN = ["#deebf7", "#9ecae1", "#4292c6", "#08306b"]  # light to dark: low to high
GEEN_CIJFER = "geen cijfer"
_HATCH_KEY = "#d9d9d8"  # a grey no other mark uses: replaced by the hatch pattern below
_HIGHLIGHT = "#e17000"
_MIN_HEIGHT, _MAX_HEIGHT = 220, 520
_MARK = re.compile(
    r'<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="geoshape"'
    r"([^>]*?)\s*/>"
)
_ROLES = re.compile(r'\s(?:role="graphics-[^"]*"|aria-roledescription="[^"]*"|aria-label="[^"]*")')


def features(pub_grenzen: dict[str, Any] | None, niveau: str) -> list[dict[str, Any]]:
    """The features of one level (wijk or buurt) in the publication's map."""
    if not pub_grenzen:
        return []
    return [
        f
        for f in pub_grenzen.get("features", [])
        if isinstance(f, dict) and (f.get("properties") or {}).get("niveau") == niveau
    ]


def _bounds(feats: list[dict[str, Any]]) -> tuple[float, float, float, float]:
    import shapely
    from shapely.geometry import shape

    return tuple(shapely.total_bounds([shape(f["geometry"]) for f in feats]))


def _height(feats: list[dict[str, Any]], width: int, top: int = _MAX_HEIGHT) -> int:
    """The map's height for its width, so a kilometre is as long across as up (the
    projection fits the town inside; a tall town gets at most ``top`` pixels)."""
    lon0, lat0, lon1, lat1 = _bounds(feats)
    across = max(lon1 - lon0, 1e-6) * math.cos(math.radians((lat0 + lat1) / 2))
    return int(min(top, max(_MIN_HEIGHT, width * (lat1 - lat0) / across)))


def _with(feature: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {**feature, "properties": {**feature["properties"], **props}}


def _svg(spec: dict[str, Any], prefix: str, label: str) -> str:
    """Render; each area's label becomes its hover title; grey "no figure" gets the hatch."""
    svg = to_svg(spec, prefix, label, marks=True)
    svg = _MARK.sub(lambda m: f"<path{m[2]}><title>{m[1]}</title></path>", svg)
    head, sep, body = svg.partition(">")
    body = _ROLES.sub("", body)  # one image, one label (the svg's); titles stay for hover
    pattern = (
        f'<defs><pattern id="{prefix}-arcering" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#eeeeee"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#8a8a8a" stroke-width="2"/></pattern></defs>'
    )
    body = body.replace(f'fill="{_HATCH_KEY}"', f'fill="url(#{prefix}-arcering)"')
    return head + sep + pattern + body


def choropleth_svg(
    grenzen: dict[str, Any] | None,
    niveau: str,
    values: dict[str, tuple[float | None, str]],
    d: Definition,
    prefix: str,
    label: str,
) -> str:
    """A map of the level's areas coloured by ``values`` (code -> (value or None, text)).

    Empty when the publication has no boundaries for this level. Areas without a value show
    hatched grey with "geen cijfer" (and "te weinig personen" when the text is ".").
    """
    feats = features(grenzen, niveau)
    if not feats:
        return ""
    shown, hidden = [], []
    for f in feats:
        value, text = values.get(f["properties"]["gebiedscode"], (None, ""))
        naam = f["properties"]["naam"]
        if value is None:
            why = " (te weinig personen)" if text == SUPPRESSED else ""
            hidden.append(_with(f, titel=f"{naam}: {GEEN_CIJFER}{why}", soort=GEEN_CIJFER))
        else:
            shown.append(_with(f, waarde=value, titel=f"{naam}: {text}"))
    width = WIDTH - 120  # room for the legend
    title = alt.Description("properties.titel:N")  # becomes each area's hover title
    layers: list[alt.Chart] = []
    if shown:
        top = max(float(f["properties"]["waarde"]) for f in shown)
        colour = alt.Color(
            "properties.waarde:Q",
            scale=alt.Scale(domain=[0, top or 1], range=KLEUREN),
            legend=alt.Legend(title=d.eenheid, orient="right", gradientLength=140),
        )
        layers.append(
            alt.Chart(alt.Data(values=shown))
            .mark_geoshape(stroke="white", strokeWidth=1.5)
            .encode(color=colour, description=title)
        )
    if hidden:
        grey = alt.Color(
            "properties.soort:N",
            scale=alt.Scale(domain=[GEEN_CIJFER], range=[_HATCH_KEY]),
            legend=alt.Legend(title=None, orient="right", symbolType="square", symbolSize=200),
        )
        layers.append(
            alt.Chart(alt.Data(values=hidden))
            .mark_geoshape(stroke="white", strokeWidth=1.5)
            .encode(color=grey, description=title)
        )
    chart = (
        alt.layer(*layers)
        .resolve_scale(color="independent")
        .project("mercator")
        .properties(width=width, height=_height(feats, width))
        .configure_view(stroke=None)
        .configure(font=FONT)
        .configure_legend(labelFontSize=12, titleFontSize=12)
    )
    return _svg(chart.to_dict(), prefix, label)


def location_svg(grenzen: dict[str, Any] | None, code: str, prefix: str, label: str) -> str:
    """Where one wijk or buurt lies among the others of its level; empty without a map."""
    niveau = "buurt" if code.startswith("BU") else "wijk"
    feats = features(grenzen, niveau)
    if not any(f["properties"]["gebiedscode"] == code for f in feats):
        return ""
    data = [_with(f, hier=f["properties"]["gebiedscode"] == code) for f in feats]
    width = 300
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_geoshape(stroke="white", strokeWidth=1)
        .encode(
            color=alt.condition(
                "datum.properties.hier", alt.value(_HIGHLIGHT), alt.value("#c6d3e1")
            ),
            description=alt.Description("properties.naam:N"),
        )
        .project("mercator")
        .properties(width=width, height=_height(feats, width, top=320))
        .configure_view(stroke=None)
        .configure(font=FONT)
    )
    return _svg(chart.to_dict(), prefix, label)
