"""What the pages show, computed from a publication alone: key figures, series, tables.

Pure functions over ``WebPublicatie.cijfers`` (already protected): nothing here opens the
warehouse or protects anything again. Values are formatted the Dutch way; a suppressed
figure shows as "." and its change as "–", never as a number recovered from others.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pandas as pd

from stuurdata.indicators.registry import Definition, norm_dagen
from stuurdata.publication.prognose import PREFIX as FORECAST_PREFIX
from stuurdata.publication.prognose import is_voorlopig
from stuurdata.report.format import (
    MISSING,
    NOG_UITLEG,
    NOG_VERWACHT,
    SUPPRESSED,
    VOORLOPIG,
    fmt_euro,
    fmt_number,
    parse_period,
    period_label,
)
from stuurdata.web.kaart import choropleth_svg
from stuurdata.web.publicatie import WebPublicatie

WETTEN = {"wmo": "Wmo", "jeugd": "Jeugdwet"}
# The key figures of the overview, per law (the id is ``{stam}_{wet}``).
KERN = (
    "clienten",
    "clienten_per_1000",
    "instroom",
    "uitstroom",
    "kosten",
    "kosten_per_client",
    "wachttijd_verzoek_toewijzing_mediaan",
)
WACHT = "wachttijd_verzoek_toewijzing_mediaan"
PERIODESOORTEN = ("maand", "kwartaal", "jaar")
SLACK = timedelta(days=8)  # a period counts as complete this long after the data ends
CHART_SOORT = {
    "aantal": "aantal",
    "per_1000": "ratio",
    "percentage": "procent",
    "dagen": "dagen",
    "bedrag": "euro",
    "bedrag_per_client": "euro",
}
ONDERDRUKT = "onderdrukt"


def fmt_value(value: float | None, status: str, soort: str) -> str:
    """One published value as text: "." when suppressed, "–" when absent."""
    if status == ONDERDRUKT:
        return SUPPRESSED
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if soort in ("bedrag", "bedrag_per_client"):
        return fmt_euro(value)
    if soort == "percentage":
        return fmt_number(value, 0) + "%"
    return fmt_number(value, 1 if soort == "per_1000" else 0)


def fmt_change(now: float | None, before: float | None) -> str:
    """Relative change in percent with sign; "–" when either side is missing or zero."""
    if now is None or before is None or math.isnan(now) or math.isnan(before) or before == 0:
        return MISSING
    change = (now - before) / abs(before) * 100
    return ("+" if change > 0 else "") + fmt_number(change, 1) + "%"


def complete_periods(pub: WebPublicatie, soort: str) -> list[str]:
    """The periods of ``soort`` the data cover completely, oldest first.

    The publication says so per figure (``volledig``: a year that starts before the data or
    runs past them is not complete); an older publication without it: the periods that ended
    before the data did.
    """
    rows = pub.cijfers[pub.cijfers["periodesoort"] == soort]
    # A forecast's years (``prognose_*``, up to five years ahead) are not data that cover them.
    rows = rows[~rows["maat"].astype("str").str.startswith(FORECAST_PREFIX)]
    if "volledig" in rows.columns and rows["volledig"].notna().any():
        whole = rows.groupby("periode")["volledig"].all()
        return sorted(whole.index[whole], key=lambda p: parse_period(p)[0])
    periods = rows["periode"].unique()
    ordered = sorted(periods, key=lambda p: parse_period(p)[0])
    if pub.eind is None:
        return ordered
    return [p for p in ordered if parse_period(p)[1] <= pub.eind + SLACK]


def _usable(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


@dataclass
class KeyFigure:
    """One key figure of the overview, with its comparisons, formatted."""

    maat: str
    naam: str
    definitie: str
    eenheid: str
    versie: int
    waarde: str
    vorige: str
    verschil_vorige: str
    vorig_jaar: str
    verschil_jaar: str
    n: float | None
    kwaliteit: str = ""  # the chain-quality label of the publication, when it has one
    gemeente: str = ""  # the gemeente's value in the same period (context in a Wijkprofiel)
    voorlopig: str = ""  # costs still coming in: 'voorlopig: nog verwacht ca. € Y'
    basis: str = ""  # what a waiting time was measured on, within the norm, inflow covered


@dataclass
class LawBlock:
    wet: str
    titel: str
    figures: list[KeyFigure]
    trend_maat: str | None = None
    trend: list[tuple[str, str]] = field(default_factory=list)  # (period label, value)
    trend_svg: str = ""


@dataclass
class Overview:
    periode: str
    periode_label: str
    vorige: str | None
    vorig_jaar: str | None
    gemeente: str
    blokken: list[LawBlock]

    @property
    def personen(self) -> int | None:
        """The largest number of persons behind one figure shown (for the audit log)."""
        ns = [f.n for b in self.blokken for f in b.figures if f.n is not None]
        return int(max(ns)) if ns else None


def _same_period_last_year(periode: str) -> str:
    if "-" in periode:
        year, rest = periode.split("-", 1)
        return f"{int(year) - 1}-{rest}"
    return str(int(periode) - 1)


def _value_at(rows: pd.DataFrame, periode: str | None) -> tuple[float | None, str, float | None]:
    if periode is None:
        return None, "", None
    hit = rows[rows["periode"] == periode]
    if hit.empty:
        return None, "", None
    row = hit.iloc[0]
    return _usable(row["waarde"]), str(row["status"]), _usable(row["n"])


NIVEAU_VAN = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}


def area_rows(pub: WebPublicatie, maat: str, soort: str, code: str | None = None) -> pd.DataFrame:
    """The series of one measure for one area (default: the publication's gemeente)."""
    code = code or pub.gemeente
    c = pub.cijfers
    rows = c[(c["maat"] == maat) & (c["periodesoort"] == soort) & (c["categorie"] == "")]
    if code:
        return rows[rows["gebiedscode"] == code]
    return rows[rows["niveau"] == "gemeente"]


def norm_text(
    pub: WebPublicatie, wet: str, soort: str, periode: str, code: str | None = None
) -> str:
    """'70% binnen de norm van 7 dagen, gemeten bij 120 verzoeken; dat is 21% van de nieuwe
    cliënten': beside the waiting time, from the published shares (gemeente only)."""
    if code not in (None, pub.gemeente):
        return ""

    def row(maat: str) -> pd.Series | None:
        rows = area_rows(pub, maat, soort)
        hit = rows[(rows["periode"] == periode) & (rows["status"] != ONDERDRUKT)]
        return None if hit.empty or _usable(hit.iloc[0]["waarde"]) is None else hit.iloc[0]

    binnen = row(f"aandeel_verzoek_binnen_norm_{wet}")
    if binnen is None or _usable(binnen["noemer"]) is None:
        return ""
    text = (
        f"{fmt_number(binnen['waarde'], 0)}% binnen de norm van {norm_dagen()} dagen, "
        f"gemeten bij {fmt_number(binnen['noemer'], 0)} verzoeken"
    )
    dekking = row(f"aandeel_instroom_met_verzoek_{wet}")
    if dekking is not None:
        text += f"; dat is {fmt_number(dekking['waarde'], 0)}% van de nieuwe cliënten"
    return text


def overview(
    pub: WebPublicatie,
    definitions: dict[str, Definition],
    soort: str = "kwartaal",
    code: str | None = None,
) -> Overview | None:
    """Key figures per law for the newest complete period, against the previous period and
    the same period a year earlier; None when the publication has no complete period.

    ``code`` is the area (default the gemeente): the Wijkprofiel is the same overview for
    one wijk or buurt, with the gemeente's value beside each figure for context.
    """
    periods = complete_periods(pub, soort)
    if not periods:
        return None
    periode = periods[-1]
    vorige = periods[-2] if len(periods) > 1 else None
    last_year = _same_period_last_year(periode)
    vorig_jaar = last_year if last_year in periods else None
    blokken = []
    for wet, titel in WETTEN.items():
        figures = []
        for stam in KERN:
            maat = f"{stam}_{wet}"
            d = definitions.get(maat)
            if d is None:
                continue
            rows = area_rows(pub, maat, soort, code)
            if rows.empty:
                continue
            now, status, n = _value_at(rows, periode)
            gm_value, gm_status, _ = _value_at(area_rows(pub, maat, soort), periode)
            before, status_before, _ = _value_at(rows, vorige)
            year, status_year, _ = _value_at(rows, vorig_jaar)
            shown_now = None if status == ONDERDRUKT else now
            figures.append(
                KeyFigure(
                    maat=maat,
                    naam=d.naam,
                    definitie=d.definitie,
                    eenheid=d.eenheid,
                    versie=d.versie,
                    waarde=fmt_value(now, status, d.soort),
                    vorige=fmt_value(before, status_before, d.soort) if vorige else MISSING,
                    verschil_vorige=fmt_change(
                        shown_now, None if status_before == ONDERDRUKT else before
                    ),
                    vorig_jaar=fmt_value(year, status_year, d.soort) if vorig_jaar else MISSING,
                    verschil_jaar=fmt_change(
                        shown_now, None if status_year == ONDERDRUKT else year
                    ),
                    n=n,
                    kwaliteit=pub.labels.get(maat, ""),
                    gemeente=fmt_value(gm_value, gm_status, d.soort),
                    voorlopig="" if code else _still_to_come(pub, maat, soort, periode),
                    basis=norm_text(pub, wet, soort, periode, code) if stam == WACHT else "",
                )
            )
        if figures:
            block = LawBlock(wet, titel, figures)
            _add_trend(block, pub, definitions, soort, periods, code)
            blokken.append(block)
    return Overview(
        periode=periode,
        periode_label=period_label(periode),
        vorige=period_label(vorige) if vorige else None,
        vorig_jaar=period_label(vorig_jaar) if vorig_jaar else None,
        gemeente=pub.naam(code or pub.gemeente or ""),
        blokken=blokken,
    )


def _add_trend(
    block: LawBlock,
    pub: WebPublicatie,
    definitions: dict[str, Definition],
    soort: str,
    periods: list[str],
    code: str | None = None,
) -> None:
    """The number of clients over the last eight complete periods: chart and table."""
    maat = f"clienten_{block.wet}"
    d = definitions.get(maat)
    if d is None:
        return
    rows = area_rows(pub, maat, soort, code)
    shown = periods[-8:]
    block.trend_maat = maat
    series = []
    for periode in shown:
        value, status, _ = _value_at(rows, periode)
        series.append((periode, None if status == ONDERDRUKT else value, status))
    block.trend = [(period_label(p, short=True), fmt_value(v, s, d.soort)) for p, v, s in series]
    block.trend_svg = line_svg(
        [(period_label(p, short=True), v) for p, v, _ in series],
        d,
        f"trend-{block.wet}",
        f"Verloop van {d.naam.lower()} per {soort}",
    )


_INNER_ARIA = re.compile(
    r'\s(?:role="graphics-[^"]*"|aria-roledescription="[^"]*"|aria-label="[^"]*")'
)


def _one_image(svg: str) -> str:
    """One labelled image: the marks inside lose their own roles and labels.

    Vega labels each mark for screen readers; a mark without a value (a suppressed figure)
    gets an empty label, which fails WCAG. The table beside every chart carries the values,
    so the chart is one image with one label.
    """
    head, sep, body = svg.partition(">")
    return head + sep + _INNER_ARIA.sub("", body)


def line_svg(points: list[tuple[str, float | None]], d: Definition, prefix: str, label: str) -> str:
    """A line chart as inline SVG (no JavaScript; the table beside it is the alternative)."""
    from stuurdata.report.charts import Point, line_chart, to_svg

    spec = line_chart(
        [Point(x, d.naam, v) for x, v in points],
        [x for x, _ in points],
        CHART_SOORT[d.soort],
        d.eenheid,
    )
    return _one_image(to_svg(spec, prefix, label))


def bar_svg(points: list[tuple[str, float | None]], d: Definition, prefix: str, label: str) -> str:
    """Horizontal bars per area as inline SVG (suppressed areas are left out)."""
    from stuurdata.report.charts import Point, category_bar_chart, to_svg

    kept = [Point(x, d.naam, v) for x, v in points if v is not None]
    if not kept:
        return ""
    spec = category_bar_chart(kept, CHART_SOORT[d.soort], d.eenheid)
    return _one_image(to_svg(spec, prefix, label))


@dataclass
class Exploration:
    """The explorer's answer: a table (the accessible form), a chart and the rows behind it."""

    definitie: Definition
    niveau: str
    periodesoort: str
    periode: str | None
    periodes: list[str]
    kolommen: list[str]
    rijen: list[list[str]]
    svg: str
    frame: pd.DataFrame  # the published rows shown (for downloads and the API)
    codes: list[str] = field(default_factory=list)  # the area code of each row
    kaart: str = ""  # the choropleth of wijken/buurten (inline SVG), when there is a map
    toelichting: str = ""  # how to read the chart (costs still expected), when needed

    @property
    def personen(self) -> int | None:
        ns = self.frame["n"].dropna()
        return int(ns.max()) if not ns.empty else None


def select_rows(
    pub: WebPublicatie, maat: str, niveau: str, periodesoort: str, periode: str | None
) -> pd.DataFrame:
    """The published rows of one measure at one level (one period below gemeente level)."""
    c = pub.cijfers
    rows = c[(c["maat"] == maat) & (c["niveau"] == niveau) & (c["periodesoort"] == periodesoort)]
    complete = set(complete_periods(pub, periodesoort))
    rows = rows[rows["periode"].isin(complete)]
    if pub.gemeente:  # a region's publication: the areas of the shown gemeente
        rows = rows[rows["gebiedscode"].str[2:6] == pub.gemeente[2:6]]
    if niveau != "gemeente" and periode is not None:
        rows = rows[rows["periode"] == periode]
    return rows.sort_values(["periode", "gebiedscode", "categorie"]).reset_index(drop=True)


def explore(
    pub: WebPublicatie,
    d: Definition,
    niveau: str,
    periodesoort: str,
    periode: str | None = None,
) -> Exploration:
    """One measure at one level: over time for the gemeente, per area for wijk and buurt."""
    periods = complete_periods(pub, periodesoort)
    if niveau != "gemeente" and (periode is None or periode not in periods):
        periode = periods[-1] if periods else None
    frame = select_rows(pub, d.id, niveau, periodesoort, periode)
    has_cat = bool((frame["categorie"] != "").any())
    kolommen = ["Periode" if niveau == "gemeente" else "Gebied"]
    kolommen += ["Categorie"] if has_cat else []
    kolommen += [f"Waarde ({d.eenheid})", "Teller", "Noemer", "Status"]
    verwacht = (
        still_expected(pub, d.id, periodesoort) if niveau == "gemeente" and not has_cat else {}
    )
    if verwacht:  # costs of recent periods: declared, still expected, expected total
        kolommen[1:2] = [f"Gedeclareerd ({d.eenheid})", NOG_VERWACHT, "Verwacht totaal"]
    rijen = []
    for row in frame.itertuples(index=False):
        first = (
            period_label(str(row.periode))
            if niveau == "gemeente"
            else f"{pub.naam(str(row.gebiedscode))} ({row.gebiedscode})"
        )
        status = str(row.status)
        extra: list[str] = []
        if verwacht:
            pair = verwacht.get(str(row.periode), (None, None))
            extra = [_cell(pair[0]), _cell(pair[1])]
            if _is_voorlopig(pub, str(row.periode), pair):
                first += " (voorlopig)"
        cells = [first] + ([str(row.categorie)] if has_cat else [])
        cells += [
            fmt_value(_usable(row.waarde), status, d.soort),
            *extra,
            fmt_value(_usable(row.teller), status, "aantal"),
            fmt_value(_usable(row.noemer), status, "aantal"),
            status or MISSING,
        ]
        rijen.append(cells)
    svg = ""
    toelichting = ""
    if not has_cat and not frame.empty:
        points = [
            (
                period_label(str(r.periode), short=True)
                if niveau == "gemeente"
                else pub.naam(str(r.gebiedscode)),
                None if str(r.status) == ONDERDRUKT else _usable(r.waarde),
            )
            for r in frame.itertuples(index=False)
        ]
        label = f"{d.naam} per {niveau}" + (f", {period_label(periode)}" if periode else "")
        if verwacht:
            periodes = [str(p) for p in frame["periode"]][-24:]
            svg = stacked_svg(pub, points[-24:], periodes, verwacht, d, label)
            toelichting = f"{VOORLOPIG} {NOG_UITLEG}"
        elif niveau == "gemeente":
            svg = line_svg(points[-24:], d, "verkenner", label)
        else:
            svg = bar_svg(points, d, "verkenner", label)
    codes = [str(c) for c in frame["gebiedscode"]]
    kaart = ""
    if niveau != "gemeente" and not has_cat:
        values = {
            str(r.gebiedscode): (
                None if str(r.status) == ONDERDRUKT else _usable(r.waarde),
                fmt_value(_usable(r.waarde), str(r.status), d.soort),
            )
            for r in frame.itertuples(index=False)
        }
        label = f"Kaart: {d.naam} per {niveau}" + (f", {period_label(periode)}" if periode else "")
        kaart = choropleth_svg(own_map(pub), niveau, values, d, "kaart", label)
    return Exploration(
        d,
        niveau,
        periodesoort,
        periode,
        periods,
        kolommen,
        rijen,
        svg,
        frame,
        codes,
        kaart,
        toelichting,
    )


Verwacht = tuple[pd.Series | None, pd.Series | None]


def still_expected(pub: WebPublicatie, maat: str, soort: str) -> dict[str, Verwacht]:
    """Per period: the published claims still expected and the expected total of a law's
    costs (``publication.prognose``: ``prognose_nog_verwacht_{wet}``, gemeente level);
    empty for any other measure or a publication without them."""
    if not maat.startswith("kosten_") or maat.startswith("kosten_per_"):
        return {}
    wet = maat.removeprefix("kosten_")
    out: dict[str, Verwacht] = {}
    for k, deel in enumerate(("nog_verwacht", "verwacht_totaal")):
        for _, row in area_rows(pub, f"{FORECAST_PREFIX}{deel}_{wet}", soort).iterrows():
            pair = list(out.get(str(row["periode"]), (None, None)))
            pair[k] = row
            out[str(row["periode"])] = (pair[0], pair[1])
    return out


def _still_to_come(pub: WebPublicatie, maat: str, soort: str, periode: str) -> str:
    """'voorlopig: nog verwacht ca. € Y' for the gemeente's costs of a period still coming in."""
    pair = still_expected(pub, maat, soort).get(periode, (None, None))
    nog = pair[0]
    if nog is None or _usable(nog["waarde"]) is None or not _is_voorlopig(pub, periode, pair):
        return ""
    value = float(nog["waarde"])
    return f"voorlopig: nog verwacht ca. {fmt_euro(round(value, -2) if value >= 1000 else value)}"


def _cell(row: pd.Series | None) -> str:
    if row is None:
        return MISSING
    return fmt_value(_usable(row["waarde"]), str(row["status"]), "bedrag")


def _is_voorlopig(pub: WebPublicatie, periode: str, pair: Verwacht) -> bool:
    """Costs still coming in, by the rule the report uses (``prognose.is_voorlopig``)."""
    nog, totaal = pair
    return is_voorlopig(
        parse_period(periode)[1],
        pub.eind,
        None if nog is None else _usable(nog["waarde"]),
        None if totaal is None else _usable(totaal["waarde"]),
    )


def stacked_svg(
    pub: WebPublicatie,
    points: list[tuple[str, float | None]],
    periodes: list[str],
    verwacht: dict[str, Verwacht],
    d: Definition,
    label: str,
) -> str:
    """Declared costs per period as bars, the published claims still expected on top."""
    from stuurdata.report.charts import Point, period_bar_chart, to_svg

    bars: list[Point] = []
    order = []
    for (x, value), periode in zip(points, periodes, strict=True):
        pair = verwacht.get(periode, (None, None))
        still = None if pair[0] is None else _usable(pair[0]["waarde"])
        x = x + "*" if _is_voorlopig(pub, periode, pair) else x
        order.append(x)
        bars.append(Point(x, "Gedeclareerd", value))
        if value is not None and still:
            bars.append(Point(x, NOG_VERWACHT, still))
    spec = period_bar_chart(bars, order, CHART_SOORT[d.soort], d.eenheid)
    return _one_image(to_svg(spec, "verkenner", label))


def own_map(pub: WebPublicatie) -> dict[str, Any] | None:
    """The publication's boundaries of the shown gemeente (a region's map holds more)."""
    if not pub.grenzen or not pub.gemeente:
        return pub.grenzen
    digits = pub.gemeente[2:6]
    feats = [
        f
        for f in pub.grenzen.get("features", [])
        if str((f.get("properties") or {}).get("gebiedscode", ""))[2:6] == digits
    ]
    return {"type": "FeatureCollection", "features": feats}


def areas(pub: WebPublicatie, niveaus: tuple[str, ...]) -> dict[str, list[tuple[str, str]]]:
    """Per level (wijk, buurt) the areas of the gemeente in the publication: (code, name)."""
    c = pub.cijfers
    out: dict[str, list[tuple[str, str]]] = {}
    for niveau in ("wijk", "buurt"):
        if niveau not in niveaus:
            continue
        codes = c.loc[c["niveau"] == niveau, "gebiedscode"].unique()
        if pub.gemeente:
            codes = [x for x in codes if x[2:6] == pub.gemeente[2:6]]
        out[niveau] = sorted(((str(x), pub.naam(str(x))) for x in codes), key=lambda a: a[1])
    return out


@dataclass
class MoreFigure:
    """A published figure for one area outside the key figures (context, stacking, ...)."""

    maat: str
    naam: str
    onderwerp: str
    periode: str
    waarde: str
    gemeente: str
    n: float | None


def more_figures(
    pub: WebPublicatie, definitions: dict[str, Definition], code: str
) -> list[MoreFigure]:
    """Every other published measure of ``code`` (newest complete period of its own kind).

    The Wijkprofiel shows whatever the publication holds for the area besides the key
    figures of ``overview``: further Wmo and Jeugdwet measures today, and any measure a
    later chapter publishes per wijk or buurt (stacking, CBS context) without a change here.
    """
    kern = {f"{stam}_{wet}" for stam in KERN for wet in WETTEN}
    c = pub.cijfers
    rows = c[(c["gebiedscode"] == code) & (c["categorie"] == "") & ~c["maat"].isin(kern)]
    out = []
    for maat, own in rows.groupby("maat", sort=True):
        soort = next(
            (s for s in ("kwartaal", "jaar", "maand") if s in set(own["periodesoort"])), ""
        )
        complete = set(complete_periods(pub, soort))
        dated = own[(own["periodesoort"] == soort) & own["periode"].isin(complete)]
        if dated.empty:
            continue
        periode = max(dated["periode"], key=lambda p: parse_period(p)[0])
        d = definitions.get(str(maat))
        kind = d.soort if d is not None else "aantal"
        value, status, n = _value_at(dated, periode)
        gm_value, gm_status, _ = _value_at(area_rows(pub, str(maat), soort), periode)
        out.append(
            MoreFigure(
                maat=str(maat),
                naam=d.naam if d is not None else str(maat).replace("_", " "),
                onderwerp=WETTEN.get(d.wet, d.wet) if d is not None else "overig",
                periode=period_label(periode),
                waarde=fmt_value(value, status, kind),
                gemeente=fmt_value(gm_value, gm_status, kind),
                n=n,
            )
        )
    return sorted(out, key=lambda f: (f.onderwerp, f.naam))
