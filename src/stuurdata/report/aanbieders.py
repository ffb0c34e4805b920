"""The block "Kosten per cliënt per aanbieder" in the chain-monitor chapter: funnel and table.

Everything shown comes from ``publication.aanbieders.publish_providers``: providers with fewer
than 10 clients are absent from the chart and shown as "." in the table. The chart is drawn
here (a sibling of ``integraal_charts.funnel_chart``: the x axis is an effective number of
clients, the y axis an index) and rendered to inline SVG, because the chain-monitor chapter
is not a law section whose charts the renderer collects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from stuurdata.analysis.funnel import curve_mean
from stuurdata.analysis.providers import DEFINITIE, GEEN_VERGELIJKING
from stuurdata.report.charts import to_svg
from stuurdata.report.format import SUPPRESSED, fmt_euro, fmt_number
from stuurdata.report.integraal_charts import funnel_chart
from stuurdata.report.model import Column, Table, TableRow

WET_NAAM = {"wmo": "Wmo", "jeugd": "Jeugdwet"}
OPVALLEND = ("duidelijk hoger", "mogelijk hoger", "mogelijk lager", "duidelijk lager")


@dataclass(frozen=True, slots=True)
class AanbiedersFiguur:
    """One law: the funnel (inline SVG), a note under it and the table of all providers."""

    wet: str
    titel: str
    svg: Markup
    toelichting: str
    tabel: Table


@dataclass(frozen=True, slots=True)
class AanbiedersBlok:
    """The block as the template needs it, formatted."""

    titel: str
    inleiding: str
    definitie: str
    figuren: tuple[AanbiedersFiguur, ...]


def provider_funnel_chart(points: pd.DataFrame, lines: pd.DataFrame) -> dict[str, Any]:
    """Funnel of an index: a dot per provider (``Label``, ``Noemer``, ``Waarde``, ``Oordeel``,
    ``Naam``: the label written beside the dot, empty for most) with the limit lines
    (``Noemer``, ``Grens``, ``Lijn``, ``Waarde``) and a rule at 100."""
    return funnel_chart(
        points,
        lines,
        100.0,
        "index (100 = verwacht)",
        x_title="aantal cliënten (gewogen)",
        text="Naam",
        value_format=",.0f",
    )


def _lines(sd: float, n_min: float, n_max: float) -> pd.DataFrame:
    """The four limit lines on a grid of effective client numbers (never at a provider's own
    unrounded number), clipped at zero: an index below zero cannot happen."""
    lim = curve_mean(100.0, sd, n_max, n_min=max(1.0, 0.5 * n_min))
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "Noemer": lim["n"],
                    "Waarde": np.clip(lim[c], 0, None),
                    "Grens": g,
                    "Lijn": c,
                }
            )
            for c, g in (
                ("ondergrens_95", "95%"),
                ("bovengrens_95", "95%"),
                ("ondergrens_998", "99,8%"),
                ("bovengrens_998", "99,8%"),
            )
        ],
        ignore_index=True,
    )


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    """Compared providers by index (highest first), then the rest, suppressed last."""
    rank = np.where(frame["status"].eq("onderdrukt"), 2, np.where(frame["index"].notna(), 0, 1))
    return (
        frame.assign(_rank=rank, _idx=-frame["index"].fillna(0))
        .sort_values(["_rank", "_idx", "aanbieder"])
        .drop(columns=["_rank", "_idx"])
    )


def _table(frame: pd.DataFrame, titel: str, namen: Mapping[str, str]) -> Table:
    columns = (
        Column("", "Cliënten", "", ""),
        Column("", "Kosten per cliënt", "", ""),
        Column("", "Verwacht per cliënt", "", ""),
        Column("", "Index", "", ""),
        Column("", "Oordeel", "", ""),
    )
    rows = []
    for r in _order(frame).itertuples(index=False):
        hidden = r.status == "onderdrukt"
        rows.append(
            TableRow(
                _label(str(r.aanbieder), namen),
                (
                    SUPPRESSED if hidden else fmt_number(r.clienten),
                    SUPPRESSED if hidden else fmt_euro(r.kosten_per_client),
                    SUPPRESSED if hidden else fmt_euro(r.verwacht_per_client),
                    SUPPRESSED if hidden else fmt_number(r.index),
                    SUPPRESSED if hidden else str(r.oordeel),
                ),
            )
        )
    return Table(titel, "Aanbieder (AGB)", columns, tuple(rows))


def _label(code: str, namen: Mapping[str, str]) -> str:
    naam = namen.get(code, "")
    return f"{naam} ({code})" if naam else code


def _figure(
    wet: str, frame: pd.DataFrame, periode: str, namen: Mapping[str, str]
) -> AanbiedersFiguur | None:
    shown = frame[frame["index"].notna() & frame["n_eff"].notna()]
    if shown.empty:
        return None
    outside = shown["oordeel"].isin(OPVALLEND)
    points = pd.DataFrame(
        {
            "Label": shown["aanbieder"].astype(str),
            "Noemer": shown["n_eff"].astype("float64"),
            "Waarde": shown["index"].astype("float64"),
            "Oordeel": shown["oordeel"].astype(str),
            "Naam": np.where(outside, shown["aanbieder"].astype(str), ""),
        }
    )
    sd = float(shown["sd"].iloc[0])
    lines = _lines(sd, float(points["Noemer"].min()), float(points["Noemer"].max()))
    naam = WET_NAAM.get(wet, wet)
    titel = f"{naam}: gedeclareerde kosten per cliënt per aanbieder, {periode}"
    n_out = int(outside.sum())
    others = int(frame["oordeel"].eq(GEEN_VERGELIJKING).sum())
    hidden = int(frame["status"].eq("onderdrukt").sum())
    note = (
        "Doorgetrokken horizontale lijn: 100, zo duur als verwacht. Gestreept: 95%-grens; "
        "doorgetrokken: 99,8%-grens. "
        + (
            f"{n_out} aanbieder(s) buiten de 95%-grens (met AGB-code bij het punt). "
            if n_out
            else "Alle aanbieders liggen binnen de toevalsmarge. "
        )
        + (
            f"{others} aanbieder(s) zonder vergelijking (enige aanbieder van hun producten). "
            if others
            else ""
        )
        + (f"{hidden} aanbieder(s) met minder dan 10 cliënten niet getoond." if hidden else "")
    ).strip()
    spec = provider_funnel_chart(points, lines)
    svg = Markup(to_svg(spec, f"aanbieders-{wet}", titel))  # noqa: S704
    return AanbiedersFiguur(wet, titel, svg, note, _table(frame, f"{naam}, per aanbieder", namen))


def provider_block(
    published: pd.DataFrame, periode: str, namen: Mapping[str, str] | None = None
) -> AanbiedersBlok | None:
    """The block from the protected provider rows (``publication.aanbieders``) of
    ``periode`` (``None`` when there are no claims); ``namen`` go beside the AGB codes."""
    top = published[published["niveau"] == "aanbieder"]
    if top.empty:
        return None
    figures = tuple(
        f
        for wet in ("wmo", "jeugd")
        if (f := _figure(wet, top[top["wet"] == wet], periode, namen or {})) is not None
    )
    if not figures:
        return None
    return AanbiedersBlok(
        titel="Kosten per cliënt per aanbieder: verschil of toeval?",
        inleiding=(
            f"Declaraties over de zorg van {periode} (de laatste twaalf maanden waarvan de "
            "declaraties binnen zijn). Een aanbieder met weinig cliënten wijkt door toeval "
            "snel af; de grafiek laat zien welke verschillen groter zijn dan toeval zou geven."
        ),
        definitie=DEFINITIE,
        figuren=figures,
    )
