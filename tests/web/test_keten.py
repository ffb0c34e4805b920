"""The Ketenmonitor page: scorecards from the publication, the work list by role and purpose."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from stuurdata.privacy import audit
from stuurdata.privacy.governance import DEMO_KETENMONITOR
from stuurdata.web import WebConfig, create_app
from stuurdata.web.publicatie import newest
from web.webhelpers import login

AGB = re.compile(r'href="/ketenmonitor\?aanbieder=(\d{8})#aanbieder"')
WERKLIJST = re.compile(r'href="(/ketenmonitor/werklijst\?aanbieder=\d{8}&amp;maatregel=[a-z_]+)"')


def _signalled(client: TestClient) -> tuple[str, str]:
    """A provider with a signal and the page about it."""
    page = client.get("/ketenmonitor")
    assert page.status_code == 200
    agb = AGB.findall(page.text)[0]  # most signals first
    return agb, client.get(f"/ketenmonitor?aanbieder={agb}").text


def test_scorecard_names_providers_and_shows_rules_from_the_publication(signed_in, warehouse):
    page = signed_in.get("/ketenmonitor")
    assert page.status_code == 200
    assert 'aria-current="page">Ketenmonitor' in page.text
    pub = newest(warehouse)
    agb, detail = _signalled(signed_in)
    assert str(escape(f"{pub.namen[agb]} ({agb})")) in page.text  # the name beside the AGB code
    assert "de maanden erachter" in detail and "van de" in detail
    rows = pub.cijfers[
        (pub.cijfers["gebiedscode"] == agb) & pub.cijfers["maat"].str.startswith("ketenkwaliteit")
    ]
    shown = rows[(rows["status"] != "onderdrukt") & (rows["periodesoort"] == "venster")]
    # every published base of this provider is on its page, formatted as the report does
    for noemer in shown["noemer"].dropna().astype(int):
        assert f">{noemer:,}<".replace(",", ".") in detail
    # the beleidsmedewerker may not open the work list: no link to it
    assert not WERKLIJST.search(detail)


def test_unknown_provider_is_refused_in_dutch(signed_in):
    page = signed_in.get("/ketenmonitor?aanbieder=98000000")
    assert page.status_code == 403 and "staat niet in de publicatie" in page.text
    assert signed_in.get("/ketenmonitor?aanbieder=1%2B1").status_code == 400


@pytest.fixture
def ketenmonitor_doel(warehouse: Path, monkeypatch) -> Iterator[TestClient]:
    """The dashboard under the chain monitor's purpose (person-level output allowed)."""
    monkeypatch.setenv("STUURDATA_DOEL", DEMO_KETENMONITOR)
    with TestClient(create_app(WebConfig(pakhuis=warehouse, secure_cookies=False))) as client:
        yield client


def test_work_list_for_the_contract_manager_under_a_person_level_purpose(
    ketenmonitor_doel: TestClient, warehouse: Path, input_bsns: set[str]
) -> None:
    client = ketenmonitor_doel
    assert login(client, "contractmanager") == 303
    _agb, detail = _signalled(client)
    link = WERKLIJST.search(detail)
    assert link, "no work-list link for the contract manager"
    page = client.get(link.group(1).replace("&amp;", "&"))
    assert page.status_code == 200, page.text[:300]
    assert 'class="pseudoniem"' in page.text and "Toewijzingnummer" in page.text
    assert not any(bsn in page.text for bsn in input_bsns)
    logged = audit.records(warehouse, doel=DEMO_KETENMONITOR)[-1]
    assert logged.uitvoer == "/ketenmonitor/werklijst" and (logged.personen or 0) > 0


def test_work_list_refused_for_other_roles_even_under_that_purpose(ketenmonitor_doel):
    assert login(ketenmonitor_doel, "controller") == 303
    url = "/ketenmonitor/werklijst?aanbieder=98000000&maatregel=stop_ontbreekt"
    page = ketenmonitor_doel.get(url)
    assert page.status_code == 403 and "rol controller" in page.text
