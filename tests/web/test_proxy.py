"""Trusted reverse-proxy mode: the proxy names the user in a header; roles, purpose, audit
and CSRF work as with the own login."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stuurdata.privacy import audit
from stuurdata.web import WebConfig, create_app
from web.webhelpers import csrf_of

KOP = "X-Remote-User"


@pytest.fixture
def proxied(warehouse):
    app = create_app(WebConfig(pakhuis=warehouse, secure_cookies=False, proxy_kop=KOP))
    with TestClient(app) as client:
        yield client


def test_the_header_names_a_known_account_and_its_role_comes_from_the_store(proxied, warehouse):
    response = proxied.get("/api/ik", headers={KOP: "Raadslid"})
    assert response.json()["rol"] == "raadslid"
    assert proxied.get("/beheer/audit", headers={KOP: "raadslid"}).status_code == 403
    page = proxied.get("/", headers={KOP: "analist"})
    assert page.status_code == 200 and "Uitloggen" not in page.text
    last = audit.records(warehouse)[-1]
    assert (last.actor, last.rol, last.uitvoer) == ("analist", "analist", "/")


def test_without_the_header_or_with_an_unknown_name_nothing_is_shown(proxied):
    assert proxied.get("/").status_code == 401
    assert proxied.get("/", headers={KOP: "onbekend"}).status_code == 401
    assert proxied.get("/api/cijfers?maat=clienten_wmo", headers={KOP: ""}).status_code == 401
    assert proxied.get("/inloggen", follow_redirects=False).status_code == 303
    assert proxied.post("/inloggen", data={"naam": "analist"}).status_code == 403


def test_forms_still_need_the_token(proxied):
    headers = {KOP: "beheerder"}
    form = {"naam": "eva", "rol": "raadslid", "wachtwoord": "x" * 20}
    assert (
        proxied.post(
            "/beheer/gebruikers", data={**form, "csrf": "vals"}, headers=headers
        ).status_code
        == 403
    )
    token = csrf_of(proxied.get("/beheer/gebruikers", headers=headers).text)
    response = proxied.post("/beheer/gebruikers", data={**form, "csrf": token}, headers=headers)
    assert response.status_code == 200 and "eva" in response.text
    other = csrf_of(proxied.get("/verkenner", headers={KOP: "analist"}).text)
    assert other != token  # a token belongs to one user
