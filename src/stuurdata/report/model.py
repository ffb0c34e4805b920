"""``ReportData``: everything the template needs, already in Dutch and already formatted.

The template only lays things out; it makes no decisions about numbers. Charts travel as
Vega-Lite specs so another front end (the dashboard) could render the same data with
vega-embed; ``render_report`` turns them into inline SVG.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stuurdata.report.layout import IndicatorInfo
from stuurdata.report.meta import SourceSummary


@dataclass(frozen=True, slots=True)
class Card:
    """One headline figure with its period, a comparison and its definition."""

    indicator: str
    naam: str
    waarde: str
    periode: str
    definitie: str
    eenheid: str = ""
    vergelijking: str | None = None
    onderdrukt: bool = False
    kwaliteitslabel: str = ""  # the chain monitor's warning, shown beside the figure
    basis: str = ""  # what the figure was measured on ('gemeten bij 120 verzoeken')


@dataclass(frozen=True, slots=True)
class Column:
    """A column of figures, with the definition that is printed under the table."""

    indicator: str
    naam: str
    eenheid: str
    definitie: str


@dataclass(frozen=True, slots=True)
class TableRow:
    """One line of a table: a label (area, period or category) and formatted cells."""

    label: str
    cellen: tuple[str, ...]
    totaal: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A table of formatted figures; ``kolommen`` carry the definitions."""

    titel: str | None
    eerste_kolom: str
    kolommen: tuple[Column, ...]
    rijen: tuple[TableRow, ...]
    toelichting: str | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart (Vega-Lite spec), the figures behind it, and the definitions of its series."""

    id: str
    titel: str
    spec: dict[str, Any]
    tabel: Table
    definities: tuple[Column, ...]
    toelichting: str | None = None
    notities: tuple[str, ...] = ()  # "het verhaal achter de cijfers" for this figure


@dataclass(frozen=True, slots=True)
class Block:
    """A subsection of a law: cards, charts and tables under one heading."""

    id: str
    titel: str
    inleiding: str | None = None
    kaarten: tuple[Card, ...] = ()
    grafieken: tuple[Chart, ...] = ()
    tabellen: tuple[Table, ...] = ()
    notities: tuple[str, ...] = ()  # notes on the wijk and buurt figures of these tables


@dataclass(frozen=True, slots=True)
class Section:
    """One law (or the remaining indicators) with its reference period."""

    wet: str
    titel: str
    periode: str
    blokken: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ReportData:
    """The whole report for one municipality."""

    gemeentecode: str
    gemeentenaam: str
    titel: str
    periode_tekst: str
    gegenereerd: str
    nieuwste_bericht: str
    brp_geladen: str
    bronnen: tuple[SourceSummary, ...]
    secties: tuple[Section, ...]
    definities: tuple[tuple[str, tuple[IndicatorInfo, ...]], ...]  # (law title, indicators)
    onthulling: str
    toelichting_tekens: str
    extra: dict[str, Any] = field(default_factory=dict)
    colofon: str = ""  # purpose, legal basis, sources, disclosure rule (privacy.governance)
    samenvatting: tuple[str, ...] = ()  # "Vijf dingen om te weten" (report.samenvatting)
