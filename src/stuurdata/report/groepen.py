"""The block "Naar leeftijd, geslacht en huishouden" of a law's chapter.

Shows, for the gemeente and the newest complete year (else quarter), the clients per group
and per 1,000 inhabitants of that group, so a council sees which groups the support reaches
relative to their share of the population. The change over time split into population and
rate effects lives in the forecast chapter (``forecast.decompose``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stuurdata.indicators.groups import ONBEKEND
from stuurdata.report.charts import Point, category_bar_chart
from stuurdata.report.format import period_label
from stuurdata.report.frame import period_key
from stuurdata.report.model import Block, Chart, Table, TableRow

if TYPE_CHECKING:
    from stuurdata.report.build import _Builder

TITELS = {"leeftijd": "Leeftijd", "geslacht": "Geslacht", "huishouden": "Huishoudtype"}
_VOLGORDE = {
    "geslacht": ["vrouw", "man"],
    "huishouden": [
        "alleenstaand",
        "paar zonder kinderen",
        "paar met kinderen",
        "eenoudergezin",
        "overig",
    ],
}
BASES = tuple(f"clienten{r}_naar_{g}" for r in ("", "_per_1000") for g in TITELS)


def _order(groep: str, labels: list[str]) -> list[str]:
    """Ages by their lower bound, the rest in a fixed order; 'onbekend' last."""
    known = [x for x in labels if x != ONBEKEND]
    if groep == "leeftijd":
        known.sort(key=lambda x: int(x.rstrip("+").split("-")[0]))
    else:
        fixed = _VOLGORDE.get(groep, [])
        known.sort(key=lambda x: (fixed.index(x) if x in fixed else len(fixed), x))
    return known + ([ONBEKEND] if ONBEKEND in labels else [])


def _period(b: _Builder, wet: str) -> tuple[str, str] | None:
    """Newest complete year, else newest complete quarter, with group rows for the gemeente."""
    probe = f"clienten_naar_leeftijd_{wet}"
    for soort in ("jaar", "kwartaal"):
        periods = [
            p
            for p in b.frame.periods(f"clienten_{wet}", b.gm, soort)
            if b.frame.categories(probe, b.gm, soort, p) and b._complete(p)
        ]
        if periods:
            return soort, max(periods, key=period_key)
    return None


def group_block(b: _Builder, wet: str) -> Block | None:
    """Tables per group (clients, per 1,000) and a chart of the rate by age group."""
    found = _period(b, wet)
    if found is None:
        return None
    soort, periode = found
    tables: list[Table] = []
    charts: list[Chart] = []
    for groep, titel in TITELS.items():
        count, rate = f"clienten_naar_{groep}_{wet}", f"clienten_per_1000_naar_{groep}_{wet}"
        ids = [i for i in (count, rate) if b.frame.has(i)]
        labels = sorted({c for i in ids for c in b.frame.categories(i, b.gm, soort, periode)})
        if not ids or not labels:
            continue
        rows = []
        points = []
        for label in _order(groep, labels):
            cells = tuple(b.fmt(i, b.frame.value(i, b.gm, soort, periode, label)) for i in ids)
            rows.append(TableRow(label, cells))
            value = b.frame.value(rate, b.gm, soort, periode, label) if rate in ids else None
            if value is not None and value.waarde is not None and label != ONBEKEND:
                points.append(Point(label, label, value.waarde * b.info(rate).factor))
        columns = tuple(b.column(i) for i in ids)
        table = Table(f"Naar {titel.lower()}, {period_label(periode)}", titel, columns, tuple(rows))
        tables.append(table)
        if groep == "leeftijd" and len(points) > 1:
            spec = category_bar_chart(
                points, "ratio", b.info(rate).eenheid_tekst, sort=_order(groep, labels)
            )
            charts.append(Chart(f"{wet}-groep-{periode}", b.info(rate).naam, spec, table, columns))
    if not tables:
        return None
    return Block(
        f"{wet}-groepen",
        "Naar leeftijd, geslacht en huishouden",
        inleiding=(
            "Per groep het aantal cliënten en het aantal per 1.000 inwoners van die groep. "
            "Een hoger cijfer betekent dat de groep vaker hulp krijgt dan haar aandeel in de "
            "bevolking; of dat past, is een vraag voor beleid, geen oordeel. Iedereen telt in "
            "precies één groep; 'onbekend' zijn cliënten zonder adres of gegevens in de BRP."
        ),
        grafieken=tuple(charts),
        tabellen=tuple(tables),
    )
