"""The report as its readers get it, in a real headless Chromium: on screen, on a phone, on paper.

A small generated town goes the whole way (generate, load, publish, render from the
publication), so every chapter the demo has is in the page. axe-core
(``tests/web/axe/axe.min.js``) must find 0 WCAG 2.1 A/AA violations at desktop and phone
width; nothing may scroll sideways; printed to A4 the report stays within a page bound.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.publication.publish import publiceer
from stuurdata.report.publicatie import render_publication
from stuurdata.synth import generate
from stuurdata.warehouse.load import connect, load_sources

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parents[1] / "web" / "axe" / "axe.min.js"
WCAG21AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAX_PAGES = 25
"""A4 pages for a small town; the 60,000-inhabitant demo prints on 24 (target: at most 25)."""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3,000-inhabitant town over 24 months, published and rendered like the demo."""
    root = tmp_path_factory.mktemp("leesbaar")
    generate(root, inwoners=3000, maanden=24, zaad=5, tot=date(2026, 10, 1))
    pakhuis = root / "pakhuis.duckdb"
    load_sources([root / "bronnen"], pakhuis, Pseudonymiser(b"leesbaar-rapport" * 2), workers=1)
    con = connect(pakhuis)
    try:
        begroting = root / "begroting.csv"
        pub = publiceer(
            con, begroting=begroting if begroting.exists() else None, cbs_cache=root / "cbs"
        )
    finally:
        con.close()
    return render_publication(pub, root / "rapport.html")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def _axe(tab) -> list[dict]:
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG21AA,
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_violations_and_nothing_scrolls_sideways(report, browser, width):
    tab = browser.new_page(viewport={"width": width, "height": 900})
    try:
        tab.goto(report.as_uri())
        assert _axe(tab) == []
        overflow = tab.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"the page scrolls sideways at {width}px ({overflow}px wide)"
        scrolling = tab.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => {"
            " const s = getComputedStyle(e);"
            " return ['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth;"
            "}).length"
        )
        assert scrolling == 0  # no scroll region a keyboard cannot reach
    finally:
        tab.close()


def test_on_a_phone_charts_are_one_up(report, browser):
    tab = browser.new_page(viewport={"width": 390, "height": 900})
    try:
        tab.goto(report.as_uri())
        lefts = tab.evaluate(
            "[...document.querySelectorAll('.grafieken')].filter(g => g.children.length > 1)"
            ".map(g => new Set([...g.children]"
            ".map(c => Math.round(c.getBoundingClientRect().left))).size)"
        )
        assert lefts and set(lefts) == {1}
    finally:
        tab.close()


def test_printed_report_fits_the_page_bound(report, browser):
    tab = browser.new_page()
    try:
        tab.goto(report.as_uri())
        tab.emulate_media(media="print")
        opened = tab.evaluate(
            "[...document.querySelectorAll('details.buurten table')]"
            ".every(t => t.getBoundingClientRect().height > 0)"
        )
        assert opened  # the buurt tables are printed, not folded away
        pdf = tab.pdf(format="A4", print_background=True)
    finally:
        tab.close()
    pages = max(int(n) for n in re.findall(rb"/Count (\d+)", pdf))
    assert 3 <= pages <= MAX_PAGES


JARGON = re.compile(
    r"mase|wilson|trechter|onthulling|backtest|residu|kwantiel|bootstrap", re.IGNORECASE
)
"""Words of statisticians: explained in Begrippen, never in the chapters a reader reads."""


def _main_text(report: Path) -> tuple[str, str]:
    """The text of the main chapters and that of the Begrippen, as a reader gets them."""
    import lxml.html

    doc = lxml.html.parse(str(report)).getroot()
    begrippen = " ".join(doc.get_element_by_id("begrippen").text_content().split())
    for el in doc.xpath('//*[@id="verantwoording" or @id="definities"] | //style | //script'):
        el.getparent().remove(el)
    return " ".join(doc.text_content().split()), begrippen


def test_the_main_chapters_speak_plain_dutch(report):
    text, begrippen = _main_text(report)
    assert "Prognose en budget" in text and "Integraal beeld" in text  # the chapters are there
    found = [text[max(0, m.start() - 60) : m.end() + 30] for m in JARGON.finditer(text)]
    assert found == []
    for word in ("MASE", "Wilson", "Trechter", "Backtest", "Onthullingsbeheersing"):
        assert word in begrippen  # the technical words are explained once, in Begrippen
