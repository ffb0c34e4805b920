"""``build_report_data``: from the published frame and warehouse metadata to ``ReportData``.

Each law gets the same structure (headline figures, trends, categories, areas, waiting
times, costs), filled only with indicators the frame actually holds; an absent indicator
leaves its card, column or chart out rather than showing an invented zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.publication.prognose import is_voorlopig
from stuurdata.report import meta
from stuurdata.report.categories import category_name
from stuurdata.report.charts import (
    PAIRS,
    Point,
    category_bar_chart,
    line_chart,
    period_bar_chart,
)
from stuurdata.report.format import (
    NOG_UITLEG,
    NOG_VERWACHT,
    VOORLOPIG,
    fmt_date,
    fmt_euro,
    fmt_number,
    period_label,
    period_span,
)
from stuurdata.report.frame import SOORT_VOORKEUR, Published, Value, parse_period, period_key
from stuurdata.report.gemeenten import GEMEENTEN
from stuurdata.report.groepen import BASES as GROEP_BASES
from stuurdata.report.groepen import group_block
from stuurdata.report.layout import WETTEN, IndicatorInfo, describe, format_value, split_id
from stuurdata.report.model import (
    Block,
    Card,
    Chart,
    Column,
    ReportData,
    Section,
    Table,
    TableRow,
)
from stuurdata.report.samenvatting import NORM_DAGEN, norm_sentence, vijf_dingen

ONTHULLING = "Aantallen zijn afgerond op vijftallen; aantallen onder de 10 worden niet getoond (.)."
TEKENS = (
    "Verhoudingsgetallen (per 1.000 inwoners) en kosten per cliënt zijn berekend met de "
    "afgeronde aantallen die erbij horen, zodat ze niet meer verraden dan die aantallen; "
    "wachttijden zijn berekend met alle gegevens. Ze worden niet getoond (.) als het aantal "
    "eronder te klein is. Door afronding tellen wijken niet altijd precies op tot het "
    "gemeentetotaal. Een streepje (–) betekent: geen gegevens voor dit gebied of deze periode."
)

KERN = ("clienten", "clienten_per_1000", "instroom", "uitstroom", "actieve_toewijzingen")
WACHT = (
    "wachttijd_verzoek_toewijzing_mediaan",
    "wachttijd_verzoek_toewijzing_p90",
    "wachttijd_toewijzing_start_mediaan",
    "wachttijd_toewijzing_start_p90",
)
KOSTEN = ("kosten", "kosten_per_client")
GEBIED_KOLOMMEN = (*KERN, *WACHT[::2], *KOSTEN)
# Shown in the waiting time's sentence: within the norm, and the inflow it covers.
NORM_AANDELEN = ("aandeel_verzoek_binnen_norm", "aandeel_instroom_met_verzoek")
PLACED = {*KERN, *WACHT, *KOSTEN, *NORM_AANDELEN, "clienten_per_categorie", *GROEP_BASES}
MAX_PUNTEN = 24
REEKS_NAMEN = {
    "wachttijd_verzoek_toewijzing_mediaan": "Verzoek aanbieder tot toewijzing: mediaan",
    "wachttijd_verzoek_toewijzing_p90": "Verzoek aanbieder tot toewijzing: 90e percentiel",
    "wachttijd_toewijzing_start_mediaan": "Toewijzing tot start zorg: mediaan",
    "wachttijd_toewijzing_start_p90": "Toewijzing tot start zorg: 90e percentiel",
}


class _Builder:
    """Holds the frame, definitions and names while one report is assembled."""

    def __init__(
        self,
        frame: Published,
        definitions: Mapping[str, Any],
        gemeente: str,
        names: Mapping[str, str],
        soort: str | None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.frame = frame
        self.labels = labels or {}
        self.definitions = definitions
        self.gm = gemeente
        self.regio = gemeente.startswith("RG")  # an explicit region: members beside its total
        self.names = names
        self.soort_keuze = soort
        self.data_end: date | None = None  # newest message: later periods are incomplete
        self.refs: list[tuple[str, str, str]] = []  # (law, period type, period) per chapter
        self.notities: list[Mapping[str, str]] = []  # notes on the gemeente's figures
        self.verwacht: Published | None = None  # claims still expected (publication.prognose)
        self.gebiedsnotities: list[Mapping[str, str]] = []  # notes on wijk and buurt figures
        self._info: dict[str, IndicatorInfo] = {}

    def info(self, indicator: str) -> IndicatorInfo:
        if indicator not in self._info:
            self._info[indicator] = describe(indicator, self.definitions)
        return self._info[indicator]

    def column(self, indicator: str) -> Column:
        info = self.info(indicator)
        return Column(indicator, info.naam, info.eenheid_tekst, info.definitie)

    def fmt(self, indicator: str, value: Value | None, unit: bool = False) -> str:
        info = self.info(indicator)
        if value is None:
            return format_value(None, None, info.soort, unit)
        waarde = None if value.waarde is None else value.waarde * info.factor
        return format_value(waarde, value.status, info.soort, unit)

    # -- periods -----------------------------------------------------------------------

    def reference(self, ids: list[str]) -> tuple[str, str] | None:
        """Period type and newest period for the headline figures of a law."""
        order = [self.soort_keuze] if self.soort_keuze else []
        order += [s for s in SOORT_VOORKEUR if s not in order]
        for soort in order:
            for candidates in (ids[:1], ids):
                periods = {p for i in candidates for p in self.frame.periods(i, self.gm, soort)}
                complete = {p for p in periods if self._complete(p)}
                periods = complete or periods
                if periods:
                    return soort, max(periods, key=period_key)
        return None

    def _complete(self, periode: str) -> bool:
        """Headlines use complete periods: ended at most a week after the newest message.

        The week allows for the quiet last days of a month (no message on the 31st)."""
        end_exclusive = parse_period(periode)[1]
        return self.data_end is None or end_exclusive <= self.data_end + timedelta(8)

    def voorlopig(self, indicator: str, periode: str) -> bool:
        """Costs still coming in (``publication.prognose.is_voorlopig``).

        Providers declare months after the care, one provider later than the other; such a
        period's amount still grows, so it is marked *voorlopig* and never compared as if it
        were complete."""
        if self.data_end is None or not self.info(indicator).basis.startswith("kosten"):
            return False
        nog, totaal = self.expected(indicator, periode)
        return is_voorlopig(
            parse_period(periode)[1],
            self.data_end,
            None if nog is None else nog.waarde,
            None if totaal is None else totaal.waarde,
        )

    def expected(self, indicator: str, periode: str) -> tuple[Value | None, Value | None]:
        """The published claims still expected for the law's costs in ``periode``, and the
        expected total (declared plus still expected); (None, None) where none is published."""
        wet = self.info(indicator).wet
        if self.verwacht is None or not wet:
            return None, None
        soort = "kwartaal" if "-K" in periode else "maand" if "-" in periode else "jaar"
        return (
            self.verwacht.value(f"prognose_nog_verwacht_{wet}", self.gm, soort, periode),
            self.verwacht.value(f"prognose_verwacht_totaal_{wet}", self.gm, soort, periode),
        )

    def final_period(self, indicator: str, soort: str, periode: str) -> str:
        """``periode`` or, for costs still coming in, the newest earlier definitive period."""
        if not self.voorlopig(indicator, periode):
            return periode
        periods = self.frame.periods(indicator, self.gm, soort)
        done = [p for p in periods if not self.voorlopig(indicator, p)]
        return done[-1] if done else periode

    def trend_soort(self, indicator: str) -> str | None:
        """Months when there are enough of them, otherwise quarters, otherwise years."""
        for soort, minimum in (("maand", 3), ("kwartaal", 2), ("jaar", 1)):
            if len(self.frame.periods(indicator, self.gm, soort)) >= minimum:
                return soort
        return None

    # -- parts ---------------------------------------------------------------------------

    def card(self, indicator: str, soort: str, periode: str) -> Card | None:
        info = self.info(indicator)
        periods = self.frame.periods(indicator, self.gm, soort)
        if not periods:
            for other in SOORT_VOORKEUR:
                periods = self.frame.periods(indicator, self.gm, other)
                if periods:
                    soort = other
                    break
        if not periods:
            return None
        if periode not in periods:
            earlier = [p for p in periods if period_key(p) <= period_key(periode)]
            periode = earlier[-1] if earlier else periods[-1]
        periode = self.final_period(indicator, soort, periode)
        value = self.frame.value(indicator, self.gm, soort, periode)
        vergelijking = None
        index = periods.index(periode)
        if index > 0:
            previous = self.frame.value(indicator, self.gm, soort, periods[index - 1])
            vorige = {"maand": "vorige maand", "kwartaal": "vorig kwartaal"}.get(
                soort, "vorig jaar"
            )
            vergelijking = f"{vorige}: {self.fmt(indicator, previous, True)}"
        basis = self._basis(info, value, soort)
        if info.basis == "kosten" and self.voorlopig(indicator, periode):
            basis = self._still_expected(indicator, value, periode) or basis
        return Card(
            indicator=indicator,
            naam=info.naam,
            waarde=self.fmt(indicator, value),
            periode=period_label(periode),
            eenheid=info.kaart_eenheid if value and value.waarde is not None else "",
            definitie=info.definitie,
            vergelijking=vergelijking,
            onderdrukt=value is not None and value.status == "onderdrukt",
            kwaliteitslabel=self.labels.get(indicator, ""),
            basis=basis,
        )

    def _still_expected(self, indicator: str, value: Value | None, periode: str) -> str:
        """'voorlopig: gedeclareerd € X, nog verwacht ca. € Y' for a cost still coming in."""
        nog, _ = self.expected(indicator, periode)
        if value is None or value.waarde is None or nog is None or nog.waarde is None:
            return ""
        ca = round(nog.waarde, -2) if abs(nog.waarde) >= 1000 else nog.waarde  # an estimate
        return (
            f"voorlopig: gedeclareerd {self.fmt(indicator, value)}, nog verwacht ca. {fmt_euro(ca)}"
        )

    def _basis(self, info: IndicatorInfo, value: Value | None, soort: str) -> str:
        """For a waiting time, how many requests or allocations it was measured on.

        Only allocations after a provider's request count, so the median of request to
        allocation says which share of those requests was answered within the norm and
        which share of the new clients (inflow) it covers."""
        if info.soort != "dagen" or value is None or value.teller is None:
            return ""
        if not info.basis.startswith("wachttijd_verzoek"):
            return f"gemeten bij {fmt_number(value.teller)} toewijzingen"
        measured = f"gemeten bij {fmt_number(value.teller)} verzoeken"
        if not info.basis.endswith("mediaan"):
            return measured
        return norm_sentence(self.frame, info.wet or "", self.gm, soort, value) or measured

    def cards(self, ids: Iterable[str], soort: str, periode: str) -> tuple[Card, ...]:
        found = (self.card(i, soort, periode) for i in ids if self.frame.has(i))
        return tuple(c for c in found if c is not None)

    def trend(
        self,
        chart_id: str,
        titel: str,
        ids: list[str],
        kind: str = "line",
        norm: tuple[float, str] | None = None,
    ) -> Chart | None:
        ids = [i for i in ids if self.frame.has(i)]
        soort = self.trend_soort(ids[0]) if ids else None
        if soort is None:
            return None
        periods = sorted(
            {
                p
                for i in ids
                for p in self.frame.periods(i, self.gm, soort)
                if self._complete(p)  # a period not yet over would end the line in a dip
            },
            key=period_key,
        )[-MAX_PUNTEN:]
        early = {p for p in periods if any(self.voorlopig(i, p) for i in ids)}
        labels = [period_label(p, short=True) + ("*" if p in early else "") for p in periods]
        points: list[Point] = []
        rows: list[TableRow] = []
        # Costs: declared plus, stacked on it, the published claims still expected.
        stacked = kind == "bar" and any(self.expected(ids[0], p)[0] is not None for p in periods)
        for periode, label in zip(periods, labels, strict=True):
            cells = []
            for indicator in ids:
                value = self.frame.value(indicator, self.gm, soort, periode)
                waarde = None if value is None or value.waarde is None else value.waarde
                if waarde is not None:
                    waarde *= self.info(indicator).factor
                info = self.info(indicator)
                reeks = REEKS_NAMEN.get(info.basis, info.naam)
                if kind == "bar":
                    reeks = "Gedeclareerd"
                points.append(Point(label, reeks, waarde))
                cells.append(self.fmt(indicator, value))
                if stacked:
                    nog, totaal = self.expected(indicator, periode)
                    if waarde is not None and nog is not None and nog.waarde:
                        points.append(Point(label, NOG_VERWACHT, nog.waarde))
                    cells += [self._euro_or_dash(nog), self._euro_or_dash(totaal)]
            mark = " (voorlopig)" if periode in early else ""
            rows.append(TableRow(period_label(periode) + mark, tuple(cells)))
        first = self.info(ids[0])
        y_title = {"euro": "euro", "dagen": "dagen", "ratio": "per 1.000 inwoners"}.get(
            first.soort, "aantal"
        )
        if kind == "bar":
            spec = period_bar_chart(points, labels, first.soort, y_title)
        else:
            paired = all(self.info(i).basis in REEKS_NAMEN for i in ids) and len(ids) > 1
            colors = PAIRS if paired else None
            spec = line_chart(points, labels, first.soort, y_title, colors, norm=norm)
        columns = tuple(self.column(i) for i in ids)
        if stacked:  # declared / still expected / expected total
            columns = (
                replace(columns[0], naam="Gedeclareerd"),
                Column(
                    "",
                    NOG_VERWACHT,
                    "euro",
                    "Schatting van wat aanbieders over deze periode nog gaan declareren.",
                ),
                Column(
                    "",
                    "Verwacht totaal",
                    "euro",
                    "Wat al gedeclareerd is plus wat nog verwacht wordt.",
                ),
            )
        table = Table(None, "Periode", columns, tuple(rows))
        shown = set(periods)
        verhaal = tuple(
            f"{period_label(n['periode'])}, {self.info(n['maat']).naam}: {n['tekst']} "
            f"({n.get('rol', '')}, {n.get('datum', '')})"
            for n in self.notities
            if n.get("maat") in ids and n.get("periode") in shown
        )
        gaps = any(p.waarde is None for p in points)
        notes = ["Een onderbreking betekent dat het cijfer niet getoond wordt (.)."] if gaps else []
        if early:
            notes.append(VOORLOPIG)
        if stacked:
            notes.append(NOG_UITLEG)
        note = " ".join(notes) or None
        return Chart(chart_id, titel, spec, table, columns, note, notities=verhaal)

    @staticmethod
    def _euro_or_dash(value: Value | None) -> str:
        """A still-expected amount: '.' when hidden, '–' when none is published."""
        if value is None:
            return format_value(None, None, "euro")
        return format_value(value.waarde, value.status, "euro")

    def area_notes(self, wet: str) -> tuple[str, ...]:
        """The dashboard's notes on this law's wijk and buurt figures, beside their tables:
        'Noord (wijk), Cliënten Wmo, 1e kwartaal 2026: text (role, date)'."""
        out = []
        for n in self.gebiedsnotities:
            info = self.info(n.get("maat", ""))
            if info.wet != wet:
                continue
            code = n.get("gebiedscode", "")
            niveau = "wijk" if code.startswith("WK") else "buurt"
            out.append(
                f"{self.names.get(code, code)} ({niveau}), {info.naam}, "
                f"{period_label(n.get('periode', ''))}: {n.get('tekst', '')} "
                f"({n.get('rol', '')}, {n.get('datum', '')})"
            )
        return tuple(out)

    def categories(self, indicator: str, soort: str, periode: str) -> Chart | None:
        info = self.info(indicator)
        found = self.frame.categories(indicator, self.gm, soort, periode)
        if not found:
            return None
        wet = info.wet or ""
        points: list[Point] = []
        rows: list[TableRow] = []
        for categorie in found:
            value = self.frame.value(indicator, self.gm, soort, periode, categorie)
            name = category_name(wet, categorie)
            waarde = None if value is None or value.waarde is None else value.waarde
            if waarde is not None:
                points.append(Point(name, name, waarde * info.factor))
            rows.append(TableRow(name, (self.fmt(indicator, value),)))
        if not points:
            return None
        spec = category_bar_chart(points, info.soort, "aantal cliënten")
        column = self.column(indicator)
        table = Table(None, "Productcategorie", (column,), tuple(rows))
        hidden = len(rows) - len(points)
        note = f"{hidden} categorie(ën) niet getoond: te weinig cliënten (.)." if hidden else None
        titel = f"{info.naam}, {period_label(periode)}"
        return Chart(f"{indicator}-{periode}", titel, spec, table, (column,), note)

    def area_table(self, niveau: str, ids: list[str], soort: str, periode: str) -> Table | None:
        ids = [i for i in ids if self.frame.areas(i, niveau, soort, periode)]
        codes: set[str] = set()
        for indicator in ids:
            codes |= self.frame.areas(indicator, niveau, soort, periode)
        if not codes:
            return None

        def cells(code: str) -> tuple[str, ...]:
            return tuple(self.fmt(i, self.frame.value(i, code, soort, periode)) for i in ids)

        def label(code: str) -> str:
            name = self.names.get(code, code)
            if self.regio and niveau != "gemeente":  # wijk names repeat between gemeenten
                gm = "GM" + code[2:6]
                return f"{name} ({self.names.get(gm, gm)})"
            return name

        rows = sorted(
            (TableRow(label(code), cells(code)) for code in codes),
            key=lambda r: r.label.lower(),
        )
        totaal = "Regio totaal" if self.regio else "Gemeente totaal"
        rows.append(TableRow(totaal, cells(self.gm), totaal=True))
        titel = {"gemeente": "Per gemeente", "wijk": "Per wijk", "buurt": "Per buurt"}[niveau]
        eerste = {"gemeente": "Gemeente", "wijk": "Wijk", "buurt": "Buurt"}[niveau]
        columns = tuple(self.column(i) for i in ids)
        return Table(f"{titel}, {period_label(periode)}", eerste, columns, tuple(rows))

    def other_table(self, ids: list[str], soort: str, periode: str) -> Table | None:
        rows = []
        for indicator in ids:
            periods = self.frame.periods(indicator, self.gm, soort)
            if not periods:
                continue
            use = periode if periode in periods else periods[-1]
            value = self.frame.value(indicator, self.gm, soort, use)
            label = f"{self.info(indicator).naam} ({period_label(use)})"
            rows.append(TableRow(label, (self.fmt(indicator, value, unit=True),)))
        if not rows:
            return None
        column = Column("", "Waarde", "", "")
        return Table(None, "Indicator", (column,), tuple(rows))

    # -- a law -----------------------------------------------------------------------------

    def section(self, wet: str | None) -> Section | None:
        ids = [i for i in self.frame.indicators if split_id(i)[1] == wet]
        if not ids:
            return None
        suffix = f"_{wet}" if wet else ""

        def own(bases: Iterable[str]) -> list[str]:
            return [b + suffix for b in bases if self.frame.has(b + suffix)]

        ref = self.reference(own(["clienten"]) + ids)
        if ref is None:
            return None
        soort, periode = ref
        if wet is not None:
            self.refs.append((wet, soort, periode))
        blocks: list[Block] = []
        if wet is None:
            table = self.other_table(ids, soort, periode)
            if table:
                blocks.append(Block("overig", "Overige indicatoren", tabellen=(table,)))
            return Section("overig", "Overige indicatoren", period_label(periode), tuple(blocks))

        kern = self.cards(own(KERN), soort, periode)
        if kern:
            blocks.append(Block(f"{wet}-kern", "Kerncijfers", kaarten=kern))
        trends = [
            self.trend(f"{wet}-clienten", "Aantal cliënten", own(["clienten"])),
            self.trend(f"{wet}-stroom", "Instroom en uitstroom", own(["instroom", "uitstroom"])),
        ]
        charts = tuple(c for c in trends if c is not None)
        if charts:
            blocks.append(Block(f"{wet}-trend", "Ontwikkeling", grafieken=charts))
        cat_ids = own(["clienten_per_categorie"])
        cat = self.categories(cat_ids[0], soort, periode) if cat_ids else None
        if cat:
            blocks.append(Block(f"{wet}-categorie", "Per productcategorie", grafieken=(cat,)))
        tables = [
            *(
                [self.area_table("gemeente", own(GEBIED_KOLOMMEN), soort, periode)]
                if self.regio
                else []
            ),
            self.area_table("wijk", own(GEBIED_KOLOMMEN), soort, periode),
            self.area_table("buurt", own(GEBIED_KOLOMMEN), soort, periode),
        ]
        area = tuple(t for t in tables if t is not None)
        if area:
            notes = self.area_notes(wet)
            blocks.append(
                Block(f"{wet}-gebied", "Per wijk en buurt", tabellen=area, notities=notes)
            )
        groepen = group_block(self, wet)
        if groepen:
            blocks.append(groepen)
        wacht_cards = self.cards(own([*WACHT, *NORM_AANDELEN]), soort, periode)
        norm = (NORM_DAGEN, "norm verzoek tot toewijzing: 5 werkdagen")
        wacht_chart = self.trend(f"{wet}-wacht", "Doorlooptijden in dagen", own(WACHT), norm=norm)
        if wacht_cards or wacht_chart:
            blocks.append(
                Block(
                    f"{wet}-wachttijd",
                    "Doorlooptijden in de keten",
                    inleiding="Hoe snel de keten werkt: van het verzoek van de aanbieder (bericht "
                    "315) tot de toewijzing door de gemeente (301), met als norm 5 werkdagen "
                    "(ongeveer 7 dagen, de stippellijn), en van de toewijzing tot de start van de "
                    "zorg. Dit is niet de hele wachttijd van een inwoner: de tijd vanaf de "
                    "melding staat niet in de berichten, en alleen toewijzingen na een verzoek "
                    "van de aanbieder tellen mee. De mediaan is de middelste doorlooptijd; bij "
                    "het 90e percentiel is 9 van de 10 korter.",
                    kaarten=wacht_cards,
                    grafieken=(wacht_chart,) if wacht_chart else (),
                )
            )
        kosten_cards = self.cards(own(KOSTEN), soort, periode)
        kosten_intro = None
        if any(c.periode != period_label(periode) for c in kosten_cards):
            kosten_intro = (
                "De kosten gaan over de laatste periode waarover bijna alle declaraties binnen "
                "zijn; over recentere maanden komen nog declaraties binnen (voorlopig)."
            )
        kosten_charts = [
            self.trend(f"{wet}-kosten", "Kosten", own(["kosten"]), kind="bar"),
            self.trend(f"{wet}-kpc", "Kosten per cliënt", own(["kosten_per_client"])),
        ]
        kc = tuple(c for c in kosten_charts if c is not None)
        if kosten_cards or kc:
            blocks.append(
                Block(
                    f"{wet}-kosten",
                    "Kosten",
                    inleiding=kosten_intro,
                    kaarten=kosten_cards,
                    grafieken=kc,
                )
            )
        rest = [i for i in ids if split_id(i)[0] not in PLACED]
        other = self.other_table(rest, soort, periode) if rest else None
        if other:
            blocks.append(Block(f"{wet}-overig", "Overige indicatoren", tabellen=(other,)))
        return Section(wet, WETTEN[wet], period_label(periode), tuple(blocks))


def report_meta(
    con: duckdb.DuckDBPyConnection,
    indicators: Iterable[str],
    gemeente: str | None = None,
    rule: DisclosureRule | None = None,
) -> meta.ReportMeta:
    """Everything the report needs from the warehouse besides the figures, read once.

    ``publication.publiceer`` calls this and stores the result; the report itself never
    opens the warehouse. The chain-quality chapter and its labels come from the
    publication's rows (``publication.kwaliteit``), not from here.
    """
    newest = meta.newest_message(con)
    return meta.ReportMeta(
        gemeente=gemeente or meta.message_municipality(con),
        namen=meta.area_names(con),
        eind=newest.date() if isinstance(newest, datetime) else newest,
        brp_geladen=meta.brp_loaded(con),
        bronnen=tuple(meta.sources(con)),
    )


def _scope_label(code: str, naam: str) -> str:
    """``gemeente Demostad``, or the region's own name (``regio Demostad, Proefdorp``)."""
    return naam if code.startswith("RG") else f"gemeente {naam}"


def build_report_data(
    source: duckdb.DuckDBPyConnection | meta.ReportMeta,
    published: pd.DataFrame,
    definitions: Mapping[str, Any],
    *,
    periodesoort: str | None = None,
    now: datetime | None = None,
    prognose: Section | None = None,
    integraal: Section | None = None,
    onthulling: str = ONTHULLING,
    notities: Iterable[Mapping[str, str]] = (),
    gesprek: Sequence[str] = (),
    verwacht: pd.DataFrame | None = None,
) -> ReportData:
    """Assemble the report for the municipality in ``published``.

    ``source`` is the publication's ``ReportMeta`` (names, freshness, load counts, quality
    chapter); a warehouse connection is still accepted and read for exactly that.
    ``periodesoort`` forces the period type of the headline figures ('kwartaal', 'maand'
    or 'jaar'); by default the newest quarter is used, falling back to months, then years.
    ``prognose`` is the chapter from ``report.prognose.prognose_section``, appended when
    given; ``onthulling`` states the disclosure rule that was applied; ``gesprek`` names the
    providers the chain monitor signals more than once (for "Vijf dingen om te weten");
    ``verwacht`` holds the published claims still expected per recent month and quarter
    (``prognose_nog_verwacht_*``, ``prognose_verwacht_totaal_*``): costs of those periods
    show as declared plus still expected.
    """
    frame = Published(published)
    info = (
        source
        if isinstance(source, meta.ReportMeta)
        else report_meta(source, frame.indicators, frame.municipality())
    )
    gemeente = info.gemeente or frame.municipality() or "onbekend"
    names = {**{k: v for k, v in GEMEENTEN.items() if k == gemeente}, **info.namen}
    naam = names.get(gemeente, gemeente)
    labels = dict(info.labels or {})
    if "kwaliteitslabel" in published.columns:  # labels set by quality.label_indicators win
        given = published.dropna(subset=["kwaliteitslabel"])
        labels |= {
            str(i): str(t)
            for i, t in zip(given["indicator"], given["kwaliteitslabel"], strict=True)
            if t
        }
    builder = _Builder(frame, definitions, gemeente, names, periodesoort, labels)
    builder.data_end = info.eind
    if verwacht is not None and not verwacht.empty:
        builder.verwacht = Published(verwacht)
    notities = list(notities)
    builder.notities = [n for n in notities if n.get("gebiedscode") == gemeente]
    builder.gebiedsnotities = [
        n for n in notities if str(n.get("gebiedscode", ""))[:2] in ("WK", "BU")
    ]
    sections = tuple(s for s in (builder.section(w) for w in (*WETTEN, None)) if s is not None)
    samenvatting = vijf_dingen(builder, builder.refs, prognose=prognose, gesprek=gesprek)
    if prognose is not None:  # the chapter "Prognose en budget" (report/prognose.py)
        sections = (*sections, prognose)
    if integraal is not None:  # the chapter "Integraal beeld" (report/integraal.py)
        sections = (*sections, integraal)
    span = frame.span()
    if span and builder.data_end is not None:  # the report runs to the newest message's month
        month_after = (builder.data_end.replace(day=1) + timedelta(32)).replace(day=1)
        span = (span[0], min(span[1], pd.Timestamp(month_after)))
    periode_tekst = period_span(span[0].date(), span[1].date()) if span else "geen gegevens"
    infos = [builder.info(i) for i in frame.indicators]
    groups = tuple(
        (titel, tuple(sorted((i for i in infos if i.wet == wet), key=lambda i: i.naam.lower())))
        for wet, titel in (*WETTEN.items(), (None, "Overige indicatoren"))
        if any(i.wet == wet for i in infos)
    )
    return ReportData(
        gemeentecode=gemeente,
        gemeentenaam=naam,
        titel=f"Stuurinformatie sociaal domein — {_scope_label(gemeente, naam)}",
        periode_tekst=periode_tekst,
        gegenereerd=fmt_date(now or datetime.now().replace(second=0, microsecond=0)),
        nieuwste_bericht=fmt_date(info.eind),
        brp_geladen=fmt_date(info.brp_geladen),
        bronnen=info.bronnen,
        secties=sections,
        definities=groups,
        onthulling=onthulling,
        toelichting_tekens=TEKENS,
        extra={"kwaliteit": None},  # the chain chapter: report.publicatie, from the publication
        samenvatting=samenvatting,
    )


__all__ = ["ReportData", "build_report_data", "report_meta"]
