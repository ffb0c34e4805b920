"""The page "Prognose en begroting": from the publication, scenarios on the server."""

from __future__ import annotations

import re

from stuurdata.publication.store import read_publication
from stuurdata.report.format import fmt_euro
from stuurdata.report.prognose import read_multi_year, read_year_end


def _cells(html: str) -> list[str]:
    return [c.strip() for c in re.findall(r"<td>([^<]*)</td>", html)]


def test_page_shows_the_published_year_end_and_forecast(signed_in, warehouse):
    pub = read_publication(warehouse.parent / "publicatie")
    html = signed_in.get("/prognose").text
    assert "<h1>Prognose en begroting</h1>" in html
    assert 'aria-current="page">Prognose en begroting' in html
    ye = read_year_end(pub.cijfers)
    assert not ye.empty
    cells = _cells(html)
    for value in ye.loc[ye["productcategorie"] == "", "jaartotaal"]:
        assert fmt_euro(value) in cells
    assert "Modelkaart" in html and "<svg" in html
    text = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[-1])
    assert not re.search(r"mase|wilson|trechter|backtest|kwantiel|residu|bootstrap", text, re.I)


def test_scenario_is_recomputed_on_the_server_from_published_figures(signed_in, warehouse):
    pub = read_publication(warehouse.parent / "publicatie")
    multi = read_multi_year(pub.cijfers, "wmo", "kosten")
    forecast = multi[~multi["realisatie"]]
    later = forecast[forecast["jaar"] > forecast["jaar"].min()].iloc[0]
    response = signed_in.get("/prognose?prijs=10&inwoners=0", headers={"HX-Request": "true"})
    assert response.status_code == 200
    part = response.text
    assert part.lstrip().startswith('<section id="scenario"')  # only the part htmx swaps
    assert fmt_euro(later["waarde"] * 1.1) in _cells(part)
    # this year stays the published year-end figure
    first = forecast.iloc[0]
    assert fmt_euro(first["waarde"]) in _cells(part)


def test_out_of_range_scenario_is_refused(signed_in):
    response = signed_in.get("/prognose?prijs=500")
    assert response.status_code in (400, 422)
    assert "Traceback" not in response.text
