"""Shared formatting for the chapter "Integraal beeld" and its relapse and funnel blocks.

Split from ``report.integraal`` to keep each module small; the figures arrive already
protected by ``analysis.integraal.integraal`` and are only formatted and laid out here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd

from stuurdata.analysis.base import DOMAIN_LABELS, last_year
from stuurdata.analysis.funnel import chart_frames
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
        column(
            "95%-interval",
            "De marge waarbinnen het echte aandeel met 95% zekerheid ligt; bij weinig mensen "
            "is die marge breder.",
        ),
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


def plain_funnel(definitie: str) -> str:
    """The funnel's definition without the word 'trechterdiagram' (kept for Begrippen):
    the main text says what the chart shows, not what statisticians call it."""
    text = re.sub(r"^\s*Trechter(diagram)?\s*:\s*", "", definitie)
    return text[:1].upper() + text[1:]


def _funnel_parts(
    frame: pd.DataFrame,
    labels: Sequence[str],
    definitie: str,
    *,
    eenheid: str,
    chart_id: str,
    titel: str,
    gemiddelde: str,
) -> tuple[tuple[Chart, ...], Table]:
    """Chart and table of a published funnel frame (rows: eenheid, teller, noemer, ...)."""
    definitie = plain_funnel(definitie)
    doel = float(frame["doel"].iloc[0])
    ordered = frame.assign(Label=list(labels)).sort_values("Label", key=lambda s: s.str.lower())
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
    table = Table(titel, eenheid, cols, rows)
    shown = ordered[ordered["waarde"].notna() & ordered["noemer"].notna()]
    if shown.empty:
        return (), table
    points, lines = chart_frames(shown, doel)
    chart = Chart(
        chart_id,
        titel,
        funnel_chart(points, lines, doel, "per 1.000 inwoners"),
        Table(None, eenheid, cols, rows),
        (column("Verschil of toeval?", definitie),),
        f"De doorgetrokken horizontale lijn is {gemiddelde}: {fmt_number(doel, 1)} per 1.000 "
        "inwoners. Gestreept: 95%-grens; doorgetrokken: 99,8%-grens.",
    )
    return (chart,), table


def funnel_block(result: Integraal, names: Mapping[str, str]) -> Block | None:
    frame = result.trechter_wijk
    if frame.empty:
        return None
    jaar = period_label(str(frame["periode"].iloc[0]))
    charts, table = _funnel_parts(
        frame,
        [area_label(c, names) for c in frame["eenheid"]],
        result.definities["trechter"],
        eenheid="Wijk",
        chart_id="integraal-trechter",
        titel=f"Wmo-cliënten per 1.000 inwoners per wijk, {jaar}",
        gemiddelde="het gemiddelde van alle wijken",
    )
    return Block(
        "integraal-trechter",
        "Wmo-gebruik per wijk: verschil of toeval?",
        inleiding=(
            "Kleine wijken wijken door toeval vaker af van het gemiddelde. De grafiek laat "
            "zien welke verschillen groter zijn dan toeval zou geven."
        ),
        grafieken=charts,
        tabellen=(table,),
    )


def peer_block(result: Integraal, names: Mapping[str, str]) -> Block | None:
    """The municipality among its peers (region in the warehouse, or CBS peers) and the
    national figure; without peers alike, the own and the national figure only."""
    frame = result.trechter_gemeente
    if frame.empty:
        return None
    jaar = str(frame["periode"].iloc[0]) if "periode" in frame else ""
    land = result.landelijk
    landelijk = (
        ""
        if pd.isna(land)
        else f" Landelijk: {fmt_number(land, 1)} Wmo-cliënten per 1.000 inwoners."
    )
    inleiding = result.vergelijking + landelijk
    if "oordeel" not in frame.columns:
        eigen = frame.iloc[0]
        cols = (
            column("Wmo-cliënten per 1.000 inwoners", plain_funnel(result.definities["trechter"])),
        )
        rows = [
            TableRow(
                names.get(str(eigen["eenheid"]), str(eigen["naam"])), (fmt_rate(eigen["waarde"]),)
            )
        ]
        if not pd.isna(land):
            rows.append(TableRow("Nederland", (fmt_rate(land),), totaal=True))
        return Block(
            "integraal-gemeenten",
            "Vergelijking met andere gemeenten",
            inleiding=inleiding,
            tabellen=(
                Table(f"Wmo-cliënten per 1.000 inwoners, {jaar}", "Gebied", cols, tuple(rows)),
            ),
        )
    labels = [
        names.get(str(c), str(n)) + (" (eigen gemeente)" if c == result.gemeente else "")
        for c, n in zip(frame["eenheid"], frame["naam"], strict=True)
    ]
    charts, table = _funnel_parts(
        frame,
        labels,
        result.definities["trechter"],
        eenheid="Gemeente",
        chart_id="integraal-gemeenten",
        titel=f"Wmo-cliënten per 1.000 inwoners per gemeente, {jaar}",
        gemiddelde="het gemiddelde van de vergeleken gemeenten (zonder de eigen gemeente)",
    )
    if not pd.isna(land):
        national = TableRow("Nederland", (fmt_rate(land), "", "", ""), totaal=True)
        table = replace(table, rijen=(*table.rijen, national))
    return Block(
        "integraal-gemeenten",
        "Vergelijking met andere gemeenten",
        inleiding=inleiding
        + " Een kleine gemeente wijkt door toeval vaker af; alleen een punt buiten de "
        "buitenste lijnen is een verschil om na te vragen.",
        grafieken=charts,
        tabellen=(table,),
    )


def fmt_rate(v: float) -> str:
    return SUPPRESSED if pd.isna(v) else fmt_number(v, 1)
