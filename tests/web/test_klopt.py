"""Klopt dit getal?: the story of a figure, and reconciling an own list through the door."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from stuurdata.privacy import audit
from stuurdata.web import WebConfig, create_app
from web.webhelpers import csrf_of, login

FIGURE = {"maat": "clienten_wmo", "gebiedscode": "GM9901", "periodesoort": "kwartaal"}
NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


@pytest.fixture
def client(warehouse: Path) -> Iterator[TestClient]:
    config = WebConfig(
        pakhuis=warehouse, secure_cookies=False, sleutel=warehouse.parent / "sleutel.key"
    )
    with TestClient(create_app(config)) as c:
        assert login(c, "beleidsmedewerker") == 303
        yield c


def _period(client: TestClient) -> str:
    """A complete quarter the publication holds for the gemeente."""
    rows = client.get("/api/cijfers?maat=clienten_wmo&niveau=gemeente&periodesoort=kwartaal").json()
    return sorted(r["periode"] for r in rows if r["waarde"] is not None)[-1]


def _upload(client: TestClient, content: bytes, name: str, periode: str):
    token = csrf_of(client.get("/downloads").text)
    return client.post(
        "/klopt/afstemmen",
        data={**FIGURE, "periode": periode, "csrf": token},
        files={"bestand": (name, content, "application/octet-stream")},
    )


def test_a_figure_says_how_it_was_made(client: TestClient, warehouse: Path) -> None:
    periode = _period(client)
    page = client.get("/klopt", params={**FIGURE, "periode": periode})
    assert page.status_code == 200
    text = page.text
    assert "Hoe dit getal is gemaakt" in text and "Definitie versie 1" in text
    assert "telt één keer mee" in text and "niet voor een wijk of buurt" in text
    assert "waarvan zonder adres in de gemeente" in text
    assert "gelezen = geladen + quarantaine + dubbel" in text
    # The parts are protected like every figure: multiples of 5 or ".".
    parts = re.search(r"Waaruit het getal bestaat.*?</table>", text, re.S)
    assert parts is not None
    for cell in re.findall(r'<td class="getal">([^<]*)</td>', parts.group(0)):
        assert cell == "." or int(cell.replace(".", "")) % 5 == 0
    last = audit.records(warehouse)[-1]
    assert last.uitvoer == "/klopt" and last.resultaat == audit.UITGEVOERD
    assert "clienten_wmo" in (last.toelichting or "")
    # The explorer links every figure to its story.
    explorer = client.get("/verkenner?maat=clienten_wmo&niveau=wijk&periodesoort=kwartaal").text
    assert "/klopt?maat=clienten_wmo&amp;gebiedscode=WK" in explorer


def test_a_list_of_bsns_is_explained_per_reason(
    client: TestClient, warehouse: Path, input_bsns: set[str]
) -> None:
    periode = _period(client)
    bsns = sorted(input_bsns)[:300]
    before = len(audit.records(warehouse))
    response = _upload(client, ("BSN\n" + "\n".join(bsns) + "\n").encode(), "lijst.csv", periode)
    assert response.status_code == 200, response.text[:500]
    text = response.text
    assert "Uw lijst vergeleken met de telling" in text
    assert "In uw lijst én in de telling" in text and "Wel in de telling, niet in uw lijst" in text
    counts = re.findall(r'<td class="getal">([^<]*)</td>', text)
    assert counts and all(c == "." or int(c.replace(".", "")) % 5 == 0 for c in counts)
    assert not NINE_DIGITS.search(text)  # no BSN, not even one from the list
    assert "Verschillen per persoon" not in text  # not for this role and purpose
    records = audit.records(warehouse)[before:]
    assert [r.uitvoer for r in records] == ["/downloads", "/klopt/afstemmen"]
    assert records[-1].personen and records[-1].personen >= 300
    logged = " ".join(str(vars(r)) for r in records)
    assert not any(bsn in logged for bsn in bsns)


def test_an_excel_list_works_too(client: TestClient, input_bsns: set[str]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["bsn"])
    for bsn in sorted(input_bsns)[:50]:
        sheet.append([int(bsn)])  # Excel keeps numbers: a leading zero would be lost
    data = io.BytesIO()
    book.save(data)
    response = _upload(client, data.getvalue(), "lijst.xlsx", _period(client))
    assert response.status_code == 200 and "Personen in uw lijst" in response.text


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"bsn\n123456789\n12345\n", "lijst.csv", "Regel 2: geen geldig BSN (de elfproef"),
        (b"bsn\n123456789\n12345\n", "lijst.csv", "Regel 3: geen BSN (een BSN heeft 9 cijfers)"),
        (b"%PDF-1.7 binary", "lijst.pdf", "geen CSV- of Excel-bestand"),
        (b"PK\x03\x04 not really a zip", "lijst.xlsx", "Excel-bestand is niet te lezen"),
        (b"naam;adres\nx;y\n", "lijst.csv", "kolom met burgerservicenummers"),
        (b"bsn\n" + b"1" * 1_100_000, "lijst.csv", "te groot"),
    ],
)
def test_a_bad_upload_is_refused_in_dutch_and_changes_nothing(
    client: TestClient, warehouse: Path, content: bytes, name: str, message: str
) -> None:
    warehouse_before = warehouse.stat().st_mtime_ns
    response = _upload(client, content, name, _period(client))
    assert response.status_code == 400
    assert message in response.text and "niets bewaard" in response.text
    assert "123456789" not in response.text
    assert warehouse.stat().st_mtime_ns == warehouse_before
    assert not any("123456789" in str(vars(r)) for r in audit.records(warehouse)[-3:])


def test_a_valid_list_with_one_bad_line_is_not_used(
    client: TestClient, input_bsns: set[str]
) -> None:
    good = sorted(input_bsns)[:20]
    body = "bsn\n" + "\n".join(good[:10]) + "\n111111111\n" + "\n".join(good[10:]) + "\n"
    response = _upload(client, body.encode(), "lijst.csv", _period(client))
    assert response.status_code == 400
    assert "Regel 12: geen geldig BSN" in response.text
    assert "Uw lijst vergeleken" not in response.text


def test_counts_per_wijk_are_compared_with_the_publication(client: TestClient) -> None:
    periode = _period(client)
    body = b"gebiedscode;aantal\nWK990101;12\nWK990102;0\n"
    token = csrf_of(client.get("/downloads").text)
    response = client.post(
        "/klopt/afstemmen",
        data={**FIGURE, "gebiedscode": "WK990101", "periode": periode, "csrf": token},
        files={"bestand": ("wijken.csv", body, "text/csv")},
    )
    assert response.status_code == 200, response.text[:300]
    assert "Uw aantallen en de gepubliceerde cijfers per gebied" in response.text
    assert "WK990101" in response.text


def test_raadslid_may_read_the_story_but_not_upload(warehouse: Path) -> None:
    with TestClient(create_app(WebConfig(pakhuis=warehouse, secure_cookies=False))) as c:
        assert login(c, "raadslid") == 303
        page = c.get("/klopt", params={**FIGURE, "periode": _period(c)})
        assert page.status_code == 200 and "Vergelijk met uw eigen lijst" not in page.text
        token = csrf_of(c.get("/downloads").text)
        response = c.post(
            "/klopt/afstemmen",
            data={**FIGURE, "periode": _period(c), "csrf": token},
            files={"bestand": ("lijst.csv", b"bsn\n", "text/csv")},
        )
        assert response.status_code == 403


def test_person_level_differences_only_for_analist_under_a_person_level_purpose(
    warehouse: Path, input_bsns: set[str]
) -> None:
    from dataclasses import replace

    from stuurdata.privacy.governance import demo_doel
    from stuurdata.privacy.purposes import save_doel

    save_doel(warehouse, replace(demo_doel(), naam="afstemmen-persoon", persoonsniveau=True))
    config = WebConfig(
        pakhuis=warehouse,
        secure_cookies=False,
        sleutel=warehouse.parent / "sleutel.key",
        doel="afstemmen-persoon",
    )
    body = ("bsn\n" + "\n".join(sorted(input_bsns)[:40]) + "\n").encode()
    for rol, shown in (("analist", True), ("beleidsmedewerker", False)):
        with TestClient(create_app(config)) as c:
            assert login(c, rol) == 303
            response = _upload(c, body, "lijst.csv", _period(c))
            assert response.status_code == 200
            assert ("Verschillen per persoon" in response.text) is shown
            pseudonyms = re.findall(r"<code>([0-9a-f]{32})</code>", response.text)
            assert bool(pseudonyms) is shown
            assert not any(bsn in response.text for bsn in input_bsns)


def test_the_api_gives_the_same_story(client: TestClient) -> None:
    periode = _period(client)
    data = client.get("/api/herleiding", params={**FIGURE, "periode": periode}).json()
    assert data["maat"] == "clienten_wmo" and data["versie"] == 1
    assert any("telt één keer mee" in zin for zin in data["telregel"])
    assert data["onderdelen"] and all(
        o["aantal"] is None or o["aantal"] % 5 == 0 for o in data["onderdelen"]
    )
    assert data["aantal_ladingen"] >= len(data["ladingen"]) > 0
    missing = client.get("/api/herleiding", params={**FIGURE, "periode": "1999-K1"})
    assert missing.status_code == 403
