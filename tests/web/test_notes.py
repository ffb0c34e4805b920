"""Het verhaal achter de cijfers: notes are kept with who and when, shown escaped, and never
carry a number that could be a BSN."""

from __future__ import annotations

import pytest

from stuurdata.privacy import audit
from stuurdata.web.notes import NotitieOngeldig, add_note, check_text, notes_for
from web.webhelpers import csrf_of, login

from helpers import test_bsns

PAGE = "/verkenner?maat=instroom_jeugd&niveau=wijk&periodesoort=kwartaal"


BSN = test_bsns(1)[0]


@pytest.mark.parametrize(
    "tekst",
    [
        f"Cliënt {BSN} verhuisd",
        f"bsn {BSN[:4]}.{BSN[4:6]}.{BSN[6:]}",
        f"{BSN[:3]} {BSN[3:6]} {BSN[6:]}",
    ],
)
def test_a_number_that_could_be_a_bsn_is_refused(tekst):
    with pytest.raises(NotitieOngeldig, match="BSN"):
        check_text(tekst)


def test_other_numbers_are_fine():
    assert check_text("  Budget 2026: 1.250.000 euro, 12 aanbieders  ") == (
        "Budget 2026: 1.250.000 euro, 12 aanbieders"
    )


def test_a_note_is_kept_with_author_and_role(tmp_path, monkeypatch):
    monkeypatch.delenv("STUURDATA_BEHEER_URL", raising=False)
    pakhuis = tmp_path / "pakhuis.duckdb"
    kwargs = {"maat": "clienten_wmo", "gebiedscode": "WK990101", "periode": "2026-K3"}
    add_note(pakhuis, **kwargs, tekst="Nieuwe aanbieder", auteur="anna", rol="analist")
    [note] = notes_for(pakhuis, "clienten_wmo")
    assert (note.auteur, note.rol, note.tekst) == ("anna", "analist", "Nieuwe aanbieder")
    assert notes_for(pakhuis, "clienten_wmo", gebieden={"WK990102"}) == []
    with pytest.raises(NotitieOngeldig, match="gebiedscode"):
        add_note(pakhuis, **{**kwargs, "gebiedscode": "x"}, tekst="t", auteur="a", rol="analist")


def _post(client, tekst):
    page = client.get(PAGE).text
    gebied = page.split('id="notitie-gebied" name="gebiedscode"><option value="')[1][:8]
    periode = page.split('id="notitie-periode" name="periode"><option value="')[1][:7]
    return client.post(
        "/verkenner/notitie",
        data={
            "maat": "instroom_jeugd",
            "periodesoort": "kwartaal",
            "gebiedscode": gebied,
            "periode": periode,
            "tekst": tekst,
            "csrf": csrf_of(page),
        },
    )


def test_beleidsmedewerker_annotates_and_the_note_shows_escaped(signed_in, warehouse):
    response = _post(signed_in, "Wachtlijst <b>opgeheven</b> in maart")
    assert response.status_code == 200
    assert "Wachtlijst &lt;b&gt;opgeheven&lt;/b&gt; in maart" in response.text
    assert "<b>opgeheven</b>" not in response.text
    assert "beleidsmedewerker (beleidsmedewerker)" in response.text
    record = [r for r in audit.records(warehouse) if r.uitvoer == "/verkenner/notitie"][-1]
    assert record.actor == "beleidsmedewerker" and record.resultaat == audit.UITGEVOERD
    assert "Wachtlijst" not in (record.toelichting or "")  # the log names the figure only


def test_a_note_with_a_bsn_is_refused_and_nothing_is_kept(signed_in, warehouse, input_bsns):
    bsn = sorted(input_bsns)[0]
    before = len(notes_for(warehouse, "instroom_jeugd"))
    response = _post(signed_in, f"Zie dossier {bsn}")
    assert response.status_code == 400 and "kan zijn" in response.text
    assert bsn not in response.text
    assert len(notes_for(warehouse, "instroom_jeugd")) == before


def test_a_raadslid_cannot_annotate(app_client):
    assert login(app_client, "raadslid") == 303
    page = app_client.get(PAGE).text
    assert "Notitie toevoegen" not in page
    response = app_client.post(
        "/verkenner/notitie",
        data={
            "maat": "instroom_jeugd",
            "periodesoort": "kwartaal",
            "gebiedscode": "GM9901",
            "periode": "2026-K1",
            "tekst": "mag niet",
            "csrf": csrf_of(app_client.get("/").text),
        },
    )
    assert response.status_code == 403
