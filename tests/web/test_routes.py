"""The dashboard's routes through FastAPI's TestClient: sign-in, pages, API, access, audit."""

from __future__ import annotations

import re
import struct

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from stuurdata.privacy import audit
from stuurdata.web.roles import RAADSLID, ROLLEN, TOEGANG, allowed
from web.webhelpers import csrf_of, login

# One request per route name in the access matrix (method, path).
URLS: dict[str, tuple[str, str]] = {
    "overzicht": ("GET", "/"),
    "verkenner": ("GET", "/verkenner?maat=clienten_wmo&niveau=wijk&periodesoort=kwartaal"),
    "definities": ("GET", "/definities"),
    "gebieden": ("GET", "/gebieden"),
    "ketenmonitor": ("GET", "/ketenmonitor"),
    "ketenmonitor_werklijst": (
        "GET",
        "/ketenmonitor/werklijst?aanbieder=98000000&maatregel=stop_ontbreekt",
    ),
    "wijkprofiel": ("GET", "/gebied/WK990101"),
    "prognose": ("GET", "/prognose?inwoners=2&prijs=3"),
    "verantwoording": ("GET", "/verantwoording"),
    "downloads": ("GET", "/downloads"),
    "download_csv": ("GET", "/downloads/cijfers.csv?maat=clienten_wmo&niveau=gemeente"),
    "download_parquet": ("GET", "/downloads/cijfers.parquet?maat=clienten_wmo&niveau=wijk"),
    "notitie_nieuw": ("POST", "/verkenner/notitie"),
    "grafiek_svg": ("GET", "/verkenner/grafiek.svg?maat=clienten_wmo&niveau=gemeente"),
    "kaart_svg": ("GET", "/verkenner/kaart.svg?maat=clienten_wmo&niveau=wijk"),
    "grafiek_png": ("GET", "/verkenner/grafiek.png?maat=clienten_wmo&niveau=gemeente"),
    "klopt": (
        "GET",
        "/klopt?maat=clienten_wmo&gebiedscode=GM9901&periodesoort=kwartaal&periode=2026-K1",
    ),
    "afstemmen": ("POST", "/klopt/afstemmen"),
    "gebruikers": ("GET", "/beheer/gebruikers"),
    "gebruiker_nieuw": ("POST", "/beheer/gebruikers"),
    "auditlog": ("GET", "/beheer/audit"),
    "api_openapi": ("GET", "/api/openapi.json"),
    "api_ik": ("GET", "/api/ik"),
    "api_indicatoren": ("GET", "/api/indicatoren"),
    "api_cijfers": ("GET", "/api/cijfers?maat=clienten_wmo&niveau=wijk"),
    "api_overzicht": ("GET", "/api/overzicht"),
    "api_verantwoording": ("GET", "/api/verantwoording"),
    "api_herleiding": (
        "GET",
        "/api/herleiding?maat=clienten_wmo&gebiedscode=GM9901&periodesoort=kwartaal&periode=2026-K1",
    ),
}
# The only routes that answer without a session.
OPEN = {"inloggen", "inloggen_verzenden", "uitloggen"}
# Per form route, an invalid form: an allowed role gets the form back with a message (400).
INVALID = {
    "afstemmen": {  # no file chosen
        "maat": "clienten_wmo",
        "periodesoort": "kwartaal",
        "gebiedscode": "GM9901",
        "periode": "2026-K1",
    },
    "gebruiker_nieuw": {"naam": "x", "rol": "raadslid", "wachtwoord": "kort"},
    "notitie_nieuw": {
        "maat": "clienten_wmo",
        "periodesoort": "kwartaal",
        "gebiedscode": "GM9901",
        "periode": "2026-K1",
        "tekst": " ",
    },
}


def _route_names(routes) -> set[str]:
    """Names of every endpoint, through included routers and the mounted API."""
    names: set[str] = set()
    for route in routes:
        if isinstance(route, APIRoute):
            names.add(route.name)
        elif hasattr(route, "original_router"):
            names |= _route_names(route.original_router.routes)
        elif getattr(route, "path", "") == "/api":
            names |= _route_names(route.app.routes)
    return names


def test_every_route_is_in_the_access_matrix_and_tested(app_client):
    names = _route_names(app_client.app.routes)
    assert names - OPEN == set(TOEGANG)
    assert set(URLS) == set(TOEGANG)


@pytest.mark.parametrize("route", sorted(URLS))
def test_without_a_session_nothing_is_shown(app_client, route):
    method, path = URLS[route]
    response = app_client.request(method, path, follow_redirects=False)
    if path.startswith("/api/"):
        assert response.status_code == 401
        assert response.json() == {"detail": "Niet ingelogd."}
    else:
        assert response.status_code == 303
        assert response.headers["location"] == "/inloggen"


def test_unknown_page_without_session_asks_to_sign_in_first(app_client):
    response = app_client.get("/bestaat-niet", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/inloggen"
    assert app_client.get("/api/bestaat-niet").status_code == 401


def test_unknown_page_with_session_is_not_found_in_dutch(signed_in):
    response = signed_in.get("/bestaat-niet")
    assert response.status_code == 404 and "Pagina niet gevonden" in response.text


@pytest.mark.parametrize("rol", ROLLEN)
def test_access_matrix_every_role_every_route(app_client, rol):
    assert login(app_client, rol) == 303
    token = csrf_of(app_client.get("/downloads").text)
    for route, (method, path) in sorted(URLS.items()):
        if method == "POST":  # an invalid form: allowed roles get the form back (400)
            response = app_client.post(path, data={**INVALID[route], "csrf": token})
            expected = 400 if allowed(rol, route) else 403
        else:
            response = app_client.get(path)
            expected = 200 if allowed(rol, route) else 403
        if rol == RAADSLID and route in ("verkenner", "api_cijfers", "download_parquet"):
            expected = 200  # wijk is the raadslid's finest level
        if route == "ketenmonitor_werklijst":
            expected = 403  # by role, or by the demo purpose (no person-level output)
            why = "persoonsniveau" if allowed(rol, route) else f"rol {rol}"
            assert why in response.text, (rol, response.text[:300])
        assert response.status_code == expected, (rol, route, response.text[:300])


def test_raadslid_sees_no_buurt(app_client):
    assert login(app_client, RAADSLID) == 303
    assert app_client.get("/api/cijfers?maat=clienten_wmo&niveau=buurt").status_code == 403
    page = app_client.get("/downloads/cijfers.csv?maat=clienten_wmo&niveau=buurt")
    assert page.status_code == 403
    explorer = app_client.get("/verkenner?maat=clienten_wmo&niveau=buurt")
    assert explorer.status_code == 200
    assert 'value="buurt"' not in explorer.text
    assert "BU" not in "".join(re.findall(r"<tbody>.*?</tbody>", explorer.text, re.S))
    assert app_client.get("/api/ik").json()["niveaus"] == ["gemeente", "wijk"]


def test_session_cookie_is_httponly_strict_and_secure_when_asked(warehouse):
    from stuurdata.web import WebConfig, create_app

    with TestClient(
        create_app(WebConfig(pakhuis=warehouse, secure_cookies=True)), base_url="https://testserver"
    ) as client:
        token = csrf_of(client.get("/inloggen").text)
        response = client.post(
            "/inloggen",
            data={"naam": "analist", "wachtwoord": "correct paard batterij niet", "csrf": token},
            follow_redirects=False,
        )
        cookie = response.headers["set-cookie"].lower()
        assert "stuurdata_sessie=" in cookie
        assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie


def test_wrong_password_is_refused_and_logged_without_the_name(app_client, warehouse):
    assert login(app_client, "analist", "fout wachtwoord nummer een") == 401
    last = audit.records(warehouse)[-1]
    assert last.resultaat == audit.GEWEIGERD and last.uitvoer == "/inloggen"
    assert last.actor == "onbekend" and "analist" not in (last.toelichting or "")
    assert app_client.get("/", follow_redirects=False).status_code == 303


def test_login_is_throttled_after_five_failures(app_client):
    for _ in range(5):
        assert login(app_client, "controller", "niet het goede wachtwoord") == 401
    # Now even the right password waits: the guesser learns nothing.
    assert login(app_client, "controller") == 429
    page = app_client.get("/inloggen")
    assert page.status_code == 200
    token = csrf_of(page.text)
    response = app_client.post(
        "/inloggen",
        data={"naam": "controller", "wachtwoord": "correct paard batterij niet", "csrf": token},
    )
    assert "Te veel mislukte pogingen" in response.text


def test_login_without_csrf_token_is_refused(app_client):
    app_client.get("/inloggen")
    response = app_client.post(
        "/inloggen",
        data={"naam": "analist", "wachtwoord": "correct paard batterij niet", "csrf": "vals"},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "stuurdata_sessie" not in response.headers.get("set-cookie", "")


def test_forms_that_change_something_need_the_session_token(app_client, warehouse):
    from stuurdata.web.users import get_user

    assert login(app_client, "beheerder") == 303
    response = app_client.post(
        "/beheer/gebruikers",
        data={"naam": "mallory", "rol": "beheerder", "wachtwoord": "x" * 20, "csrf": "vals"},
    )
    assert response.status_code == 403
    assert get_user(warehouse, "mallory") is None
    assert app_client.post("/uitloggen", data={"csrf": "vals"}).status_code == 403
    assert app_client.get("/api/ik").status_code == 200  # still signed in


def test_beheerder_adds_a_user_with_the_token(app_client, warehouse):
    from stuurdata.web.users import get_user

    assert login(app_client, "beheerder") == 303
    token = csrf_of(app_client.get("/beheer/gebruikers").text)
    response = app_client.post(
        "/beheer/gebruikers",
        data={"naam": "bert", "rol": "raadslid", "wachtwoord": "x" * 20, "csrf": token},
    )
    assert response.status_code == 200 and "bert" in response.text
    assert get_user(warehouse, "bert").rol == "raadslid"


def test_sign_out_ends_the_session_also_for_a_copied_cookie(signed_in):
    copied = signed_in.cookies.get("stuurdata_sessie")
    token = csrf_of(signed_in.get("/").text)
    response = signed_in.post("/uitloggen", data={"csrf": token}, follow_redirects=False)
    assert response.status_code == 303
    assert signed_in.get("/api/ik").status_code == 401
    signed_in.cookies.set("stuurdata_sessie", copied)
    assert signed_in.get("/api/ik").status_code == 401


def test_a_view_is_audited_with_who_role_purpose_route_and_persons(signed_in, warehouse):
    response = signed_in.get("/verkenner?maat=clienten_wmo&niveau=wijk&periodesoort=kwartaal")
    assert response.status_code == 200
    last = audit.records(warehouse)[-1]
    assert last.activiteit == "bekijken" and last.resultaat == audit.UITGEVOERD
    assert last.actor == "beleidsmedewerker" and last.rol == "beleidsmedewerker"
    assert last.doel == "demo" and last.grondslag
    assert last.uitvoer == "/verkenner"
    assert last.toelichting.startswith("clienten_wmo wijk kwartaal")
    assert last.personen is not None and last.personen > 0
    assert audit.verify(warehouse).ok


def test_a_refused_view_is_audited(app_client, warehouse):
    assert login(app_client, RAADSLID) == 303
    assert app_client.get("/beheer/audit").status_code == 403
    last = audit.records(warehouse)[-1]
    assert last.resultaat == audit.GEWEIGERD and last.actor == RAADSLID
    assert last.uitvoer == "/beheer/audit"


def test_overview_shows_key_figures_per_law_with_definitions(signed_in):
    page = signed_in.get("/").text
    assert '<h2 id="wet-wmo">Wmo</h2>' in page and '<h2 id="wet-jeugd">Jeugdwet</h2>' in page
    assert "Cliënten Wmo" in page and "<summary>Definitie" in page
    assert 'role="img"' in page  # the chart, with the table beside it
    assert "Tabel bij de grafiek" in page


def test_wijkprofiel_shows_every_law_with_the_gemeente_beside_it(app_client, warehouse):
    from stuurdata.web.publicatie import newest

    assert login(app_client, RAADSLID) == 303
    listing = app_client.get("/gebieden").text
    assert "/gebied/WK990101" in listing and "/gebied/BU" not in listing  # no buurt
    assert app_client.get("/gebied/BU99010101").status_code == 403
    page = app_client.get("/gebied/WK990101").text
    assert 'id="wet-wmo"' in page and 'id="wet-jeugd"' in page and ">Gemeente</th>" in page
    pub = newest(warehouse)
    c = pub.cijfers
    [periode] = set(re.findall(r"<caption>Kerncijfers Wmo, (.*?)</caption>", page))
    row = c[
        (c["maat"] == "clienten_wmo")
        & (c["gebiedscode"] == "WK990101")
        & (c["periodesoort"] == "kwartaal")
        & (c["categorie"] == "")
    ]
    quarters = {f"{int(q[-1])}e kwartaal {q[:4]}": q for q in row["periode"]}
    value = row.loc[row["periode"] == quarters[periode]].iloc[0]
    expected = "." if value["status"] == "onderdrukt" else f"{value['waarde']:.0f}"
    assert f'<td class="getal">{expected}</td>' in page
    assert app_client.get("/gebied/WK999999").status_code == 403


def test_csv_download_is_excel_friendly(signed_in):
    response = signed_in.get(
        "/downloads/cijfers.csv?maat=clienten_per_1000_wmo&niveau=gemeente&periodesoort=jaar"
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:3] == ["maat", "versie", "niveau"]
    assert any(re.search(r";\d+,\d+;", line) for line in lines[1:])  # decimal comma


def test_parquet_download_holds_the_published_rows(signed_in):
    import io

    import pandas as pd

    response = signed_in.get("/downloads/cijfers.parquet?maat=clienten_wmo&niveau=wijk")
    assert response.status_code == 200
    frame = pd.read_parquet(io.BytesIO(response.content))
    assert set(frame["niveau"]) == {"wijk"} and "gebiedsnaam" in frame.columns
    shown = frame[frame["status"] != "onderdrukt"]
    assert (shown["teller"] % 5 == 0).all()
    assert frame.loc[frame["status"] == "onderdrukt", "teller"].isna().all()


def test_chart_download_is_an_svg_file(signed_in):
    response = signed_in.get("/verkenner/grafiek.svg?maat=kosten_wmo&niveau=wijk")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content
    assert (
        'filename="stuurdata_kosten_wmo_wijk_kwartaal.svg"'
        in (response.headers["content-disposition"])
    )


def test_chart_download_is_a_png_image(signed_in):
    response = signed_in.get("/verkenner/grafiek.png?maat=clienten_wmo&niveau=gemeente")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", response.content[16:24])
    assert width > 400 and height > 200  # twice the screen size
    assert (
        'filename="stuurdata_clienten_wmo_gemeente_kwartaal.png"'
        in (response.headers["content-disposition"])
    )
    html = signed_in.get("/verkenner?maat=clienten_wmo&niveau=gemeente").text
    assert "/verkenner/grafiek.png?maat=clienten_wmo" in html


def test_api_returns_published_rows_and_openapi(signed_in):
    rows = signed_in.get("/api/cijfers?maat=clienten_wmo&niveau=wijk").json()
    assert rows and {r["niveau"] for r in rows} == {"wijk"}
    assert all(r["status"] in {"afgerond", "onderdrukt", "ok"} for r in rows)
    assert all(r["teller"] is None or r["teller"] % 5 == 0 for r in rows)
    spec = signed_in.get("/api/openapi.json").json()
    assert {"/cijfers", "/overzicht", "/indicatoren", "/verantwoording", "/ik"} <= set(
        spec["paths"]
    )


def test_security_headers(signed_in):
    headers = signed_in.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"


def test_no_bsn_in_any_page(app_client, input_bsns):
    assert login(app_client, "beheerder") == 303  # the role that sees every page
    pages = [p for r, (m, p) in URLS.items() if m == "GET" and allowed("beheerder", r)]
    pages += [
        "/verkenner?maat=clienten_jeugd&niveau=buurt&periodesoort=maand",
        "/downloads/cijfers.csv?maat=clienten_wmo&niveau=buurt&periodesoort=maand",
    ]
    seen = b""
    for path in pages:
        response = app_client.get(path)
        assert response.status_code == 200, path
        seen += response.content
    text = seen.decode("utf-8", errors="replace")
    dotted = {f"{b[:4]}.{b[4:6]}.{b[6:]}" for b in input_bsns}
    assert not {b for b in input_bsns if b in text}
    assert not {b for b in dotted if b in text}


def test_a_background_request_does_not_spoil_the_login_form(app_client):
    token = csrf_of(app_client.get("/inloggen").text)
    assert app_client.get("/favicon.ico", follow_redirects=False).status_code == 303
    app_client.get("/inloggen")  # a second tab
    response = app_client.post(
        "/inloggen",
        data={"naam": "analist", "wachtwoord": "correct paard batterij niet", "csrf": token},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_a_bsn_typed_into_a_url_reaches_neither_page_nor_log(signed_in, warehouse, input_bsns):
    bsn = sorted(input_bsns)[1]
    before = len(audit.records(warehouse))
    urls = [
        f"/verkenner?maat=clienten_wmo&niveau=wijk&periode={bsn}",
        f"/verkenner?maat={bsn}",
        f"/downloads/cijfers.csv?maat=clienten_wmo&niveau={bsn}",
        f"/downloads/cijfers.csv?maat=clienten_wmo&periodesoort={bsn}",
        f"/verkenner/grafiek.svg?maat=clienten_wmo&periode={bsn}",
        f"/api/cijfers?maat=clienten_wmo&niveau={bsn}",
        f"/gebied/{bsn}",
    ]
    for url in urls:
        response = signed_in.get(url)
        assert bsn not in response.text, url
    token = csrf_of(signed_in.get("/verkenner").text)
    form = {"maat": "clienten_wmo", "periodesoort": "kwartaal", "tekst": "x", "csrf": token}
    response = signed_in.post(
        "/verkenner/notitie", data={**form, "gebiedscode": f"WK{bsn}", "periode": "2026-K1"}
    )
    assert response.status_code == 403 and bsn not in response.text
    logged = audit.records(warehouse)[before:]
    assert logged  # the views themselves were logged ...
    assert not [r for r in logged if bsn in repr(r)]  # ... without what was typed
