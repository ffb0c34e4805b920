"""The map in the Verkenner and the Wijkprofiel: from the publication's boundaries alone."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

from stuurdata.indicators import load_definitions
from stuurdata.web import figures
from stuurdata.web.publicatie import newest
from stuurdata.web.roles import RAADSLID
from web.webhelpers import login

_TITLE = re.compile(r"<title>([^<]*)</title>")


def _map(page: str, cls: str = "kaart") -> str:
    found = re.search(rf'<figure class="{cls}[^"]*">.*?</figure>', page, re.S)
    assert found, "no map on the page"
    return found[0]


def test_choropleth_names_every_buurt_with_its_published_value(signed_in, warehouse: Path):
    page = signed_in.get("/verkenner?maat=clienten_per_1000_wmo&niveau=buurt").text
    kaart = _map(page)
    assert 'role="img" aria-label="Kaart: Cliënten Wmo per 1.000 inwoners per buurt' in kaart
    titles = {html.unescape(t) for t in _TITLE.findall(kaart)}
    pub = newest(warehouse)
    buurten = [
        f["properties"] for f in pub.grenzen["features"] if f["properties"]["niveau"] == "buurt"
    ]
    assert len(titles) == len(buurten) > 3  # one titled shape per buurt
    # Every table row's value is the value on the map, "." as "geen cijfer".
    row = r'<th scope="row"><a href="/gebied/BU\d+">(.*?) \(BU\d+\)</a></th>'
    rows = re.findall(row + r'<td class="getal">(.*?)</td>', page)
    assert rows
    suppressed = 0
    for naam, value in rows:
        naam, value = html.unescape(naam), html.unescape(value)
        if value == ".":
            suppressed += 1
            assert f"{naam}: geen cijfer (te weinig personen)" in titles
        else:
            assert f"{naam}: {value}" in titles
    if suppressed:  # hatched, and named in the legend
        assert 'fill="url(#kaart-arcering)"' in kaart and "geen cijfer" in kaart
    assert "Download de kaart (SVG)" in kaart


def test_map_download_is_an_svg_file(signed_in):
    response = signed_in.get("/verkenner/kaart.svg?maat=clienten_wmo&niveau=wijk")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')
    assert "-kaart.svg" in response.headers["content-disposition"]
    refused = signed_in.get("/verkenner/kaart.svg?maat=clienten_wmo&niveau=gemeente")
    assert refused.status_code == 403 and "per wijk of per buurt" in refused.text


def test_raadslid_gets_no_buurt_map(app_client, warehouse: Path):
    assert login(app_client, RAADSLID) == 303
    assert app_client.get("/verkenner/kaart.svg?maat=clienten_wmo&niveau=buurt").status_code == 403
    page = app_client.get("/verkenner?maat=clienten_wmo&niveau=buurt").text
    assert '<figure class="kaart' not in page  # back to the gemeente: no buurt map
    page = app_client.get("/verkenner?maat=clienten_wmo&niveau=wijk").text
    names = {html.unescape(t).split(":")[0] for t in _TITLE.findall(_map(page))}
    pub = newest(warehouse)
    assert names == {pub.naam(c) for c in pub.cijfers["gebiedscode"] if c.startswith("WK")}


def test_wijkprofiel_shows_where_the_area_lies(signed_in, warehouse: Path):
    pub = newest(warehouse)
    page = signed_in.get("/gebied/BU99010102").text
    ligging = _map(page, "kaart ligging")
    here = re.findall(r'<path[^>]*fill="#e17000"[^>]*><title>([^<]*)</title>', ligging)
    assert [html.unescape(t) for t in here] == [pub.naam("BU99010102")]
    assert len(_TITLE.findall(ligging)) > 3  # the other buurten around it
    assert 'id="meer-kop"' in page and "Wachttijd" in page  # further published figures


def test_without_boundaries_the_explorer_says_so_and_keeps_the_table(signed_in, warehouse: Path):
    pub = replace(newest(warehouse), grenzen=None)
    d = load_definitions()["clienten_wmo"]
    result = figures.explore(pub, d, "wijk", "kwartaal")
    assert result.kaart == "" and result.rijen
    page = signed_in.get("/verkenner?maat=clienten_wmo&niveau=gemeente").text
    assert "Geen kaart" not in page and '<figure class="kaart' not in page  # no map per gemeente
