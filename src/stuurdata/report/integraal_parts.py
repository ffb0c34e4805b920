"""Shared formatting for the chapter "Integraal beeld" and its relapse and funnel blocks.

Split from ``report.integraal`` to keep each module small; the figures arrive already
protected by ``analysis.integraal.integraal`` and are only formatted and laid out here.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from stuurdata.analysis.base import DOMAIN_LABELS, last_year
from stuurdata.analysis.funnel import curve
from stuurdata.analysis.integraal import Integraal
from stuurdata.report.format import fmt_number, period_label
from stuurdata.report.integraal_charts import funnel_chart, interval_chart
from stuurdata.report.model import Block, Chart, Column, Table, TableRow

SUPPRESSED = "."
WET_NAMEN = {"participatiewet": "Participatiewet (uitkering)", "schuldhulp": "Schuldhulpverlening"}


def fmt_count(v: float) -> str:
    return SUPPRESSED if pd.isna(v) else fmt_number(v)


def fmt_pct(v: float, decimals: int = 1) -> str:
    return SUPPRESSED if pd.isna(v) else f"{fmt_number(v, decimals)}%"


def fmt_interval(lo: float, hi: float) -> str:
    return SUPPRESSED if pd.isna(lo) or pd.isna(hi) else f"{fmt_pct(lo, 0)} – {fmt_pct(hi, 0)}"


def column(naam: str, definitie: str = "", eenheid: str = "") -> Column:
    return Column("", naam, eenheid, definitie)


def combination_label(code: str) -> str:
    """``wmo+minima`` -> ``Wmo + Minimaregelingen``."""
    return " + ".join(DOMAIN_LABELS.get(d, d) for d in code.split("+"))


def area_label(code: str, names: Mapping[str, str]) -> str:
    return "Wijk onbekend" if code == "onbekend" else names.get(code, code)


# -- relapse ---------------------------------------------------------------------------


def relapse_block(result: Integraal) -> Block:
    vorig = last_year(result.periode.van)
    definitie = result.definities["terugval"]
    frame = result.terugval
    cols = (
        column("Terugval", definitie),
        column("95%-interval", "Wilson-interval voor een aandeel."),
        column("Beëindigd"),
        column("Binnen een jaar terug"),
    )
    rows = tuple(
        TableRow(
            WET_NAMEN.get(r.wet, r.wet),
            (
                fmt_pct(100 * r.aandeel, 0),
                fmt_interval(100 * r.ondergrens, 100 * r.bovengrens),
                fmt_count(r.beeindigd),
                fmt_count(r.terug),
            ),
        )
        for r in frame.itertuples()
    )
    shown = frame[frame["aandeel"].notna()]
    charts: list[Chart] = []
    if not shown.empty:
        data = pd.DataFrame(
            {
                "Label": [WET_NAMEN.get(w, w) for w in shown["wet"]],
                "Waarde": 100 * shown["aandeel"],
                "Onder": 100 * shown["ondergrens"],
                "Boven": 100 * shown["bovengrens"],
                "Totaal": False,
            }
        )
        charts.append(
            Chart(
                "integraal-terugval",
                f"Terugval binnen een jaar, trajecten beëindigd {vorig.label()}",
                interval_chart(data, "terugval (%)"),
                Table(None, "Regeling", cols, rows),
                (column("Terugval", definitie),),
                "De stip is het aandeel dat terugkwam, de lijn het 95%-interval."
                + (
                    f" {len(frame) - len(shown)} regeling(en) niet getoond: te weinig personen (.)."
                    if len(shown) < len(frame)
                    else ""
                ),
            )
        )
    return Block(
        "integraal-terugval",
        "Terugval: wie komt terug in de bijstand of schuldhulp?",
        inleiding=(
            f"Voor wie een uitkering of schuldhulptraject eindigde in de periode "
            f"{vorig.label()}: begon binnen een jaar opnieuw een traject van dezelfde soort? "
            "Die periode ligt een jaar terug, zodat het hele jaar erna te volgen is."
        ),
        grafieken=tuple(charts),
        tabellen=(Table(f"Terugval, beëindigd {vorig.label()}", "Regeling", cols, rows),),
    )


# -- funnel ----------------------------------------------------------------------------


def funnel_block(result: Integraal, names: Mapping[str, str]) -> Block | None:
    frame = result.trechter_wijk
    if frame.empty:
        return None
    definitie = result.definities["trechter"]
    jaar = period_label(str(frame["periode"].iloc[0]))
    doel = float(frame["doel"].iloc[0])
    ordered = frame.assign(Label=[area_label(c, names) for c in frame["eenheid"]]).sort_values(
        "Label", key=lambda s: s.str.lower()
    )
    cols = (
        column("Wmo-cliënten per 1.000 inwoners", definitie),
        column("Oordeel"),
        column("Wmo-cliënten"),
        column("Inwoners"),
    )
    rows = tuple(
        TableRow(
            r.Label,
            (
                SUPPRESSED if pd.isna(r.waarde) else fmt_number(r.waarde, 1),
                SUPPRESSED if pd.isna(r.oordeel) else str(r.oordeel),
                fmt_count(r.teller),
                fmt_count(r.noemer),
            ),
        )
        for r in ordered.itertuples()
    )
    shown = ordered[ordered["waarde"].notna() & ordered["noemer"].notna()]
    charts: list[Chart] = []
    if not shown.empty:
        points = pd.DataFrame(
            {
                "Label": shown["Label"],
                "Noemer": shown["noemer"].astype("float64"),
                "Waarde": shown["waarde"].astype("float64"),
                "Oordeel": shown["oordeel"].astype(str),
            }
        )
        # Limits drawn on a grid of population sizes, not per wijk: per-wijk limits would
        # give away the unrounded population of a wijk.
        lim = curve(doel / 1000, float(points["Noemer"].max()))
        # Start the funnel near the smallest wijk: below it the limits only stretch the axis.
        lim = lim[lim["noemer"] >= 0.5 * float(points["Noemer"].min())]
        lines = pd.concat(
            [
                pd.DataFrame({"Noemer": lim["noemer"], "Waarde": lim[c], "Grens": g, "Lijn": c})
                for c, g in (
                    ("ondergrens_95", "95%"),
                    ("bovengrens_95", "95%"),
                    ("ondergrens_998", "99,8%"),
                    ("bovengrens_998", "99,8%"),
                )
            ],
            ignore_index=True,
        )
        charts.append(
            Chart(
                "integraal-trechter",
                f"Wmo-cliënten per 1.000 inwoners per wijk, {jaar}",
                funnel_chart(points, lines, doel, "per 1.000 inwoners"),
                Table(None, "Wijk", cols, rows),
                (column("Trechterdiagram", definitie),),
                f"De doorgetrokken horizontale lijn is het gemiddelde van alle wijken: "
                f"{fmt_number(doel, 1)} per 1.000 inwoners. Gestreept: 95%-grens; "
                "doorgetrokken: 99,8%-grens.",
            )
        )
    return Block(
        "integraal-trechter",
        "Wmo-gebruik per wijk: verschil of toeval?",
        inleiding=(
            "Kleine wijken wijken door toeval vaker af van het gemiddelde. Het trechterdiagram "
            "laat zien welke verschillen groter zijn dan toeval zou geven."
        ),
        grafieken=tuple(charts),
        tabellen=(Table(f"Wmo-gebruik per wijk, {jaar}", "Wijk", cols, rows),),
    )
