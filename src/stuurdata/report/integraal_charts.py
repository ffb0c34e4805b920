"""Vega-Lite specs (Altair) for the chapter "Integraal beeld": UpSet, dot-and-whisker, funnel.

They take already protected figures only: suppressed values are simply absent from the data
(the table beside each chart shows them as "."). Rendering to inline SVG is done by
``report.charts.to_svg`` like every other chart, so the report stays free of JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from stuurdata.report.charts import PALETTE, WIDTH, _config

GRIJS = "#d9d9d9"
OORDEEL_KLEUR = {
    "duidelijk hoger": PALETTE[4],
    "mogelijk hoger": PALETTE[1],
    "binnen toevalsmarge": PALETTE[0],
    "mogelijk lager": PALETTE[3],
    "duidelijk lager": PALETTE[2],
}


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """One decimal: the SVG's aria-labels carry the data values, and long digit runs there
    would look like identifiers (and claim a precision the figures do not have)."""
    return frame.round({c: 1 for c in frame.columns if pd.api.types.is_float_dtype(frame[c])})


def upset_chart(combos: pd.DataFrame, domeinen: Sequence[str], y_title: str) -> dict[str, Any]:
    """Bars of combination sizes above a dot matrix of the domains in each combination.

    ``combos`` has ``Combinatie`` (label, in the order to show), ``Aantal`` and one boolean
    column per name in ``domeinen``. The matrix is how an UpSet plot reads: a filled dot
    means the domain is part of the combination, a line joins the dots of one combination.
    """
    order = list(combos["Combinatie"])
    x = alt.X("Combinatie:N", sort=order, axis=None, title=None)
    width = max(240, min(WIDTH + 90, 34 * len(order)))
    bars_base = alt.Chart(combos).encode(x=x)
    bars = bars_base.mark_bar(color=PALETTE[0], cornerRadiusTopLeft=2, cornerRadiusTopRight=2)
    bars = bars.encode(
        y=alt.Y("Aantal:Q", title=y_title, axis=alt.Axis(format=",.0f", tickCount=4)),
        tooltip=["Combinatie:N", alt.Tooltip("Aantal:Q", format=",.0f")],
    )
    labels = bars_base.mark_text(dy=-6, fontSize=10, color="#333").encode(
        y="Aantal:Q", text=alt.Text("Aantal:Q", format=",.0f")
    )
    top = (bars + labels).properties(width=width, height=170)

    cells = pd.DataFrame(
        [
            {"Combinatie": c, "Domein": d, "Erin": bool(row[d]), "Positie": i}
            for c, (_, row) in zip(order, combos.iterrows(), strict=True)
            for i, d in enumerate(domeinen)
        ]
    )
    spans = (
        cells[cells["Erin"]]
        .groupby("Combinatie", sort=False)
        .agg(van=("Positie", "min"), tot=("Positie", "max"))
        .reset_index()
    )
    spans["Van"] = [domeinen[i] for i in spans["van"]]
    spans["Tot"] = [domeinen[i] for i in spans["tot"]]
    # An explicit domain: the two layers sort different fields, which Vega-Lite would
    # otherwise merge into alphabetical order.
    scale = alt.Scale(domain=list(domeinen))
    y = alt.Y(
        "Domein:N",
        scale=scale,
        title=None,
        axis=alt.Axis(labelFontSize=11, ticks=False, domain=False, labelPadding=6),
    )
    dots = (
        alt.Chart(cells)
        .mark_circle(size=110, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "Erin:N",
                scale=alt.Scale(domain=[True, False], range=[PALETTE[0], GRIJS]),
                legend=None,
            ),
        )
    )
    lines = (
        alt.Chart(spans)
        .mark_rule(color=PALETTE[0], strokeWidth=2)
        .encode(x=x, y=alt.Y("Van:N", scale=scale, title=None), y2="Tot:N")
    )
    matrix = (lines + dots).properties(width=width, height=22 * len(domeinen))
    chart = alt.vconcat(top, matrix, spacing=6).resolve_scale(x="shared")
    return _config(chart).to_dict(validate=False)


def interval_chart(
    data: pd.DataFrame,
    x_title: str,
    *,
    referentie: float | None = None,
    referentie_label: str = "",
) -> dict[str, Any]:
    """A dot with a 95% whisker per row (``Label``, ``Waarde``, ``Onder``, ``Boven``, ``Totaal``).

    Percentages on the x axis; ``referentie`` draws a dashed vertical line (e.g. 100% reach).
    The municipality row (``Totaal``) is drawn in the accent colour so it stands apart.
    """
    data = _rounded(data)
    order = list(data["Label"])
    y = alt.Y("Label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    colour = alt.Color(
        "Totaal:N",
        scale=alt.Scale(domain=[False, True], range=[PALETTE[0], PALETTE[1]]),
        legend=None,
    )
    base = alt.Chart(data).encode(y=y, color=colour)
    whisker = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("Onder:Q", title=x_title, axis=alt.Axis(format=",.0f")), x2="Boven:Q"
    )
    dot = base.mark_circle(size=90, opacity=1).encode(
        x="Waarde:Q",
        tooltip=[
            "Label:N",
            alt.Tooltip("Waarde:Q", format=",.1f"),
            alt.Tooltip("Onder:Q", format=",.1f"),
            alt.Tooltip("Boven:Q", format=",.1f"),
        ],
    )
    layers: list[alt.Chart] = [whisker, dot]
    if referentie is not None:
        ref = pd.DataFrame({"x": [referentie], "tekst": [referentie_label]})
        layers.insert(
            0,
            alt.Chart(ref).mark_rule(color="#777", strokeDash=[4, 3]).encode(x="x:Q"),
        )
        if referentie_label:
            layers.append(
                alt.Chart(ref)
                .mark_text(align="left", dx=4, dy=-4, fontSize=10, color="#555", baseline="top")
                .encode(x="x:Q", y=alt.value(0), text="tekst:N")
            )
    chart = alt.layer(*layers).properties(width=WIDTH - 60, height=max(60, 30 * len(order)))
    return _config(chart).to_dict(validate=False)


def funnel_chart(
    points: pd.DataFrame,
    lines: pd.DataFrame,
    doel: float,
    y_title: str,
    *,
    x_title: str = "inwoners",
    text: str = "Label",
    value_format: str = ",.1f",
) -> dict[str, Any]:
    """Funnel plot: one dot per unit (``Label``, ``Noemer``, ``Waarde``, ``Oordeel``).

    ``lines`` is the long frame of control limits (``Noemer``, ``Grens``, ``Lijn``, ``Waarde``)
    with ``Grens`` in {"95%", "99,8%"}; ``Lijn`` tells upper and lower apart. ``text`` names
    the column written beside each dot (empty strings leave a dot unlabelled).
    """
    points, lines = _rounded(points), _rounded(lines)
    x = alt.X("Noemer:Q", title=x_title, axis=alt.Axis(format=",.0f"))
    limits = (
        alt.Chart(lines)
        .mark_line(color="#777", strokeWidth=1.2)
        .encode(
            x=x,
            y=alt.Y("Waarde:Q", title=y_title, axis=alt.Axis(format=",.0f")),
            detail="Lijn:N",
            strokeDash=alt.StrokeDash(
                "Grens:N",
                scale=alt.Scale(domain=["95%", "99,8%"], range=[[4, 3], [1, 0]]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
        )
    )
    target = (
        alt.Chart(pd.DataFrame({"doel": [round(doel, 1)]}))
        .mark_rule(color="#333", strokeWidth=1)
        .encode(y="doel:Q")
    )
    present = [k for k in OORDEEL_KLEUR if k in set(points["Oordeel"])]
    dots = (
        alt.Chart(points)
        .mark_circle(size=90, opacity=1)
        .encode(
            x=x,
            y="Waarde:Q",
            color=alt.Color(
                "Oordeel:N",
                scale=alt.Scale(domain=present, range=[OORDEEL_KLEUR[k] for k in present]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=["Label:N", alt.Tooltip("Waarde:Q", format=value_format), "Oordeel:N"],
        )
    )
    names = (
        alt.Chart(points)
        .mark_text(align="left", dx=7, fontSize=10, color="#333")
        .encode(x=x, y="Waarde:Q", text=f"{text}:N")
    )
    chart = (
        alt.layer(limits, target, dots, names)
        .resolve_scale(color="independent", strokeDash="independent")
        .properties(width=WIDTH, height=260)
    )
    return _config(chart).to_dict(validate=False)
