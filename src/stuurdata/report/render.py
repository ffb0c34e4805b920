"""``render_report``: ``ReportData`` -> one self-contained HTML file.

Everything the page needs is inside the file: the stylesheet is inlined, charts are inline
SVG, fonts are the reader's system fonts. Nothing is fetched when the file is opened, so it
can be mailed, archived or opened on a council laptop without network.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from stuurdata.report.charts import to_svg
from stuurdata.report.format import MISSING, SUPPRESSED, fmt_number
from stuurdata.report.model import ReportData
from stuurdata.report.samenvatting import TELWOORDEN

_SIGNS = {
    SUPPRESSED: "niet getoond: te weinig personen",
    MISSING: "geen gegevens",
}


BEGRIPPEN = (
    (
        "Mediaan",
        "Het middelste getal: de helft van de gevallen zit eronder, de helft erboven.",
    ),
    (
        "90e percentiel",
        "9 van de 10 gevallen zitten hieronder; het laat zien hoe lang de langste gevallen duren.",
    ),
    (
        "Voorlopig",
        "Over de laatste maanden komen nog declaraties binnen. Een voorlopig bedrag wordt "
        "later nog hoger en is niet te vergelijken met een complete periode.",
    ),
    (
        "80%-interval en 95%-interval",
        "De marge rond een schatting: de echte waarde ligt met 80 (of 95) procent kans "
        "tussen de twee getallen.",
    ),
    (
        "Wilson-interval",
        "Een manier om de marge rond een percentage te berekenen die ook bij kleine "
        "aantallen goed werkt. Het rapport noemt dit de marge waarbinnen het echte aandeel "
        "met 95% zekerheid ligt (bij terugval en bereik).",
    ),
    (
        "Trechter (trechterdiagram)",
        "Een grafiek die laat zien of een wijk, gemeente of aanbieder meer afwijkt dan toeval "
        "verklaart. Kleine groepen wijken door toeval sneller af; daarom ligt de grens bij "
        "kleine aantallen verder van het gemiddelde en lijkt de grafiek op een trechter. "
        "Alleen een punt buiten de buitenste lijnen is een echt verschil.",
    ),
    (
        "Backtest (terugtoets)",
        "Een voorspelling testen op het verleden: doen alsof het een eerder moment is, "
        "voorspellen, en vergelijken met wat daarna echt gebeurde. Zo staat in het rapport "
        "hoe ver de voorspelling er gemiddeld naast zat.",
    ),
    (
        "MASE",
        "Een maat voor hoe goed een voorspelling was: de gemiddelde afwijking, gedeeld door "
        "de gewone schommeling van maand tot maand. Het rapport zegt het in procenten: "
        "zat het model er minder of meer naast dan 'zelfde maand vorig jaar'.",
    ),
    (
        "Residu en kwantiel",
        "De marge rond een voorspelling komt uit de fouten die het model in het verleden "
        "maakte (residuen): hoe groot die meestal waren. Een kwantiel is een grens waar een "
        "vast deel van de getallen onder ligt, zoals de mediaan (de helft) of het 90e "
        "percentiel (9 van de 10).",
    ),
    (
        "Onthullingsbeheersing",
        "Maatregelen zodat uit de cijfers niet af te leiden is wie hulp krijgt: kleine "
        "aantallen worden niet getoond (.) en aantallen worden afgerond.",
    ),
)
"""Statistical words used in the report, explained once in the "Verantwoording"."""


def cell(value: object) -> Markup:
    """A figure for the page; '.' and '–' carry their meaning for a screen reader.

    The sign stays what a sighted reader knows from CBS tables; the words beside it are
    hidden on screen and in print.
    """
    text = str(value)
    meaning = _SIGNS.get(text.strip())
    if meaning is None:
        return Markup.escape(text)
    return Markup(  # noqa: S704 -- fixed text, no user input
        f'<span aria-hidden="true">{text}</span><span class="verborgen">{meaning}</span>'
    )


_UNSAFE_SVG = re.compile(r"<script|<foreignObject|\son\w+\s*=|javascript:", re.IGNORECASE)


def stored_svg(value: object) -> Markup:
    """An SVG chart kept in a publication (JSON turns it into text): inline, if it is one.

    Only our own vl-convert output is expected; anything with script, event handlers or
    embedded HTML is shown as text instead of being run.
    """
    text = str(value)
    if text.lstrip().startswith("<svg") and not _UNSAFE_SVG.search(text):
        return Markup(text)  # noqa: S704 -- checked above
    return Markup.escape(text)


def cell_class(value: object) -> str:
    """'num' for a figure (right-aligned, never broken), 'tekst' for words that may wrap."""
    text = str(value).strip()
    words = sum(1 for w in text.split() if sum(c.isalpha() for c in w) >= 4)
    if not any(c.isdigit() for c in text):
        return "tekst" if words else "num"
    return "tekst" if words >= 2 or len(text) > 24 else "num"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("stuurdata.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["getal"] = fmt_number
    env.filters["cel"] = cell
    env.filters["celsoort"] = cell_class
    env.filters["svg"] = stored_svg
    env.globals["telwoorden"] = TELWOORDEN
    return env


def render_html(data: ReportData) -> str:
    """The report as an HTML string (charts rendered to inline SVG)."""
    env = _environment()
    charts = [c for s in data.secties for b in s.blokken for c in b.grafieken]
    # Vega renders outside the interpreter lock (~0.1 s a chart, a few dozen charts), so
    # the charts are drawn side by side on every core; ``map`` keeps their order.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        drawn = pool.map(lambda ic: to_svg(ic[1].spec, f"g{ic[0]}", ic[1].titel), enumerate(charts))
        svgs = {chart.id: Markup(svg) for chart, svg in zip(charts, drawn, strict=True)}  # noqa: S704
    css = (Path(__file__).parent / "templates" / "rapport.css").read_text(encoding="utf-8")
    template = env.get_template("rapport.html.j2")
    return template.render(
        r=data,
        svgs=svgs,
        css=Markup(css),  # noqa: S704
        begrippen=BEGRIPPEN,
    )


def render_report(data: ReportData, path: Path) -> Path:
    """Write the report to ``path`` (folders are created) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(data), encoding="utf-8")
    return path
