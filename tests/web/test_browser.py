"""A real headless Chromium against a real server: sign in, use the pages, axe-core per page.

Uses Debian's chromium (``/usr/bin/chromium``); Playwright never downloads a browser here.
axe-core (``tests/web/axe/axe.min.js``, MPL-2.0) is injected into each page and must find
0 violations of WCAG 2.1 A and AA.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stuurdata.web import WebConfig, create_app
from web.webhelpers import WACHTWOORD

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "axe" / "axe.min.js"
WCAG21AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    "/",
    "/verkenner?maat=clienten_wmo&niveau=wijk&periodesoort=kwartaal",
    "/verkenner?maat=clienten_per_1000_jeugd&niveau=buurt&periodesoort=kwartaal",
    "/verkenner?maat=clienten_per_categorie_jeugd&niveau=gemeente&periodesoort=jaar",
    "/definities",
    "/gebieden",
    "/gebied/WK990101",
    "/gebied/BU99010102",
    "/ketenmonitor",
    "/prognose",
    "/prognose?inwoners=2&gebruik=1&prijs=3",
    "/verantwoording",
    "/klopt?maat=clienten_wmo&gebiedscode=WK990101&periodesoort=kwartaal&periode=2026-K1",
    "/downloads",
    "/beheer/gebruikers",
    "/beheer/audit",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(warehouse: Path) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    config = WebConfig(
        pakhuis=warehouse, secure_cookies=False, sleutel=warehouse.parent / "sleutel.key"
    )
    app = create_app(config)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server: str):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        # The page's CSP allows scripts from the server only; axe is injected by the test.
        context = browser.new_context(bypass_csp=True, base_url=server)
        outside: list[str] = []
        context.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith(server) else None,
        )
        tab = context.new_page()
        yield tab
        context.close()
        browser.close()
        assert not outside, f"requests outside the server: {outside}"


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


def test_sign_in_explore_and_axe_finds_no_violations(page):
    page.goto("/inloggen")
    assert _axe(page) == []
    page.fill("#naam", "beheerder")
    page.fill("#wachtwoord", WACHTWOORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert page.locator("h1").inner_text().startswith("Overzicht")
    # The definition is one click away.
    page.locator("details.definitie summary").first.click()
    assert page.locator("details.definitie").first.get_attribute("open") is not None
    found = {}
    for path in PAGES:
        page.goto(path)
        found[path] = _axe(page)
    # One provider of the Ketenmonitor, with its rules and the months behind its signals.
    page.goto("/ketenmonitor")
    page.locator('a[href^="/ketenmonitor?aanbieder="]').first.click()
    page.wait_for_url("**/ketenmonitor?aanbieder=*")
    found["/ketenmonitor?aanbieder=..."] = _axe(page)
    assert found == {path: [] for path in found}


def test_analist_annotates_a_figure_and_sees_it_in_the_overview(page):
    page.goto("/")
    page.click("form.uitloggen button")
    page.wait_for_url("**/inloggen")
    page.fill("#naam", "analist")
    page.fill("#wachtwoord", WACHTWOORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/verkenner?maat=clienten_wmo&niveau=gemeente&periodesoort=kwartaal")
    page.fill("#notitie-tekst", "Nieuwe toegang via het sociaal wijkteam")
    page.click("text=Notitie toevoegen")
    page.wait_for_selector("text=Nieuwe toegang via het sociaal wijkteam")
    assert _axe(page) == []
    page.goto("/")
    assert page.locator("text=Nieuwe toegang via het sociaal wijkteam").count() == 1


def test_reconcile_an_own_list_from_a_figure(page, input_bsns, tmp_path):
    """From a figure in the explorer to its story, then an own list: good, then bad."""
    page.goto("/verkenner?maat=clienten_wmo&niveau=gemeente&periodesoort=kwartaal")
    page.locator("#resultaat tbody tr").last.locator("text=Klopt dit?").click()
    page.wait_for_selector("h1:has-text('Klopt dit getal?')")
    assert page.locator("text=Hoe dit getal is gemaakt").count() == 1
    assert _axe(page) == []
    lijst = tmp_path / "mijn lijst.csv"
    lijst.write_text("bsn\n" + "\n".join(sorted(input_bsns)[:120]) + "\n", encoding="utf-8")
    page.set_input_files("#bestand", str(lijst))
    page.click("button:has-text('Vergelijk')")
    page.wait_for_selector("text=Uw lijst vergeleken met de telling")
    assert page.locator("text=In uw lijst én in de telling").count() == 1
    assert not any(bsn in page.content() for bsn in input_bsns)
    assert _axe(page) == []
    page.go_back()
    fout = tmp_path / "fout.csv"
    fout.write_text("bsn\n123456789\n", encoding="utf-8")
    page.set_input_files("#bestand", str(fout))
    page.click("button:has-text('Vergelijk')")
    page.wait_for_selector("text=Regel 2: geen geldig BSN")
    assert "123456789" not in page.content()
    assert _axe(page) == []


def test_explorer_updates_in_place_with_htmx(page):
    page.goto("/verkenner?maat=clienten_wmo&niveau=gemeente&periodesoort=kwartaal")
    page.select_option("#niveau", "wijk")
    page.wait_for_url("**niveau=wijk**")
    page.wait_for_function(
        "() => document.querySelector('#resultaat h2').textContent.includes('per wijk')"
    )
    assert "per wijk" in page.locator("#resultaat h2").inner_text()
    assert page.locator("#resultaat tbody tr").count() > 0


def test_keyboard_reaches_the_content_first(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"


def test_map_of_buurten_shows_each_name_on_hover(page):
    page.goto("/verkenner?maat=clienten_wmo&niveau=gemeente&periodesoort=kwartaal")
    assert page.locator("figure.kaart").count() == 0
    page.select_option("#niveau", "buurt")
    page.wait_for_url("**niveau=buurt**")
    page.wait_for_selector("figure.kaart svg")
    shapes = page.locator("figure.kaart svg path:has(> title)")
    rows = page.locator("#resultaat tbody tr")
    buurten = rows.count()
    assert shapes.count() == buurten > 3  # one shape per buurt in the table
    box = page.locator("figure.kaart svg").bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 150
    first = shapes.first
    first.hover()
    hovered = page.evaluate(
        "() => [...document.querySelectorAll('figure.kaart path:hover')]"
        ".map(p => [p.querySelector('title').textContent, getComputedStyle(p).strokeWidth])"
    )
    name = first.locator("title").text_content()
    assert hovered == [[name, "2.5px"]]  # the area under the pointer, outlined
    buurt = name.split(":")[0]
    assert page.locator("#resultaat tbody th", has_text=buurt).count() == 1
    assert _axe(page) == []
    page.locator("#resultaat tbody th a", has_text=buurt).click()
    page.wait_for_selector("figure.ligging svg")
    assert page.locator("h1").inner_text().startswith(f"Wijkprofiel {buurt}")
    assert page.locator("figure.ligging path:has(> title)").count() == buurten
