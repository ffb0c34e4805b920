"""Doelbinding: every processing outside its purpose is refused, and every outcome is logged."""

from __future__ import annotations

import dataclasses

import pytest

from stuurdata.privacy import audit
from stuurdata.privacy.governance import (
    DoelGeweigerd,
    colofon,
    demo_doel,
    ensure_demo_purpose,
    verwerking,
)
from stuurdata.privacy.purposes import Doel, DoelOngeldig, get_doel, save_doel


@pytest.fixture
def pakhuis(tmp_path):
    path = tmp_path / "pakhuis.duckdb"
    narrow = dataclasses.replace(
        demo_doel(),
        naam="wijkmonitor",
        bronnen=("istandaarden",),
        niveau="wijk",
        betrokkenen=("analist",),
        activiteiten=("berekenen", "rapport"),
    )
    save_doel(path, narrow)
    return path


def _refused(pakhuis, **kwargs) -> str:
    with pytest.raises(DoelGeweigerd) as caught, verwerking(pakhuis, **kwargs):
        pytest.fail("the body must not run when the purpose refuses")
    last = audit.records(pakhuis)[-1]
    assert last.resultaat == audit.GEWEIGERD
    assert last.toelichting == str(caught.value)
    return str(caught.value)


def test_no_purpose_is_refused_and_names_the_registered_ones(pakhuis, monkeypatch):
    monkeypatch.delenv("STUURDATA_DOEL", raising=False)
    message = _refused(pakhuis, doel=None, activiteit="berekenen", rol="analist")
    assert "Geen doel opgegeven" in message and "wijkmonitor" in message


def test_unknown_purpose_is_refused(pakhuis):
    assert "niet geregistreerd" in _refused(pakhuis, doel="iets", activiteit="berekenen")


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"activiteit": "export"}, "activiteit 'export'"),
        ({"activiteit": "berekenen", "bronnen": ["verblijf"]}, "brp vallen buiten"),
        ({"activiteit": "berekenen", "niveau": "buurt"}, "buurtniveau is gedetailleerder"),
        ({"activiteit": "berekenen", "persoonsniveau": True}, "persoonsniveau is bij dit doel"),
        ({"activiteit": "berekenen", "rol": "wethouder"}, "mag niet onder dit doel"),
    ],
)
def test_outside_the_purpose_is_refused_with_what_it_allows(pakhuis, kwargs, reason):
    kwargs = {"rol": "analist", **kwargs}
    message = _refused(pakhuis, doel="wijkmonitor", actor="piet", **kwargs)
    assert reason in message
    assert "Doel 'wijkmonitor' staat toe: berekenen, rapport" in message


def test_inside_the_purpose_runs_and_logs_persons_and_output(pakhuis):
    with verwerking(
        pakhuis,
        doel="wijkmonitor",
        activiteit="rapport",
        bronnen=["toewijzing"],
        niveau="wijk",
        rol="analist",
    ) as v:
        v.personen = 42
        v.uitvoer = "rapport.html"
    last = audit.records(pakhuis)[-1]
    assert (last.resultaat, last.personen, last.uitvoer) == (audit.UITGEVOERD, 42, "rapport.html")
    assert last.doel == "wijkmonitor" and "sub e" in last.grondslag
    assert last.bronnen == '["toewijzing"]'


def test_failure_is_logged_without_the_message(pakhuis):
    with (
        pytest.raises(ValueError),
        verwerking(pakhuis, doel="wijkmonitor", activiteit="berekenen", rol="analist"),
    ):
        raise ValueError("999999990 geheim")
    last = audit.records(pakhuis)[-1]
    assert last.resultaat == audit.MISLUKT
    assert "999999990" not in (last.toelichting or "")


def test_default_purpose_from_the_environment(pakhuis, monkeypatch):
    monkeypatch.setenv("STUURDATA_DOEL", "wijkmonitor")
    monkeypatch.setenv("STUURDATA_ROL", "analist")
    with verwerking(pakhuis, doel=None, activiteit="berekenen"):
        pass
    assert audit.records(pakhuis)[-1].doel == "wijkmonitor"


def test_invalid_purpose_is_rejected_in_dutch():
    with pytest.raises(DoelOngeldig, match="geen AVG-grond"):
        dataclasses.replace(demo_doel(), grondslag_avg="x")


def test_demo_purpose_is_registered_once_and_allows_the_demo(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    ensure_demo_purpose(pakhuis)
    ensure_demo_purpose(pakhuis)
    doel = get_doel(pakhuis, "demo")
    assert isinstance(doel, Doel)
    with verwerking(pakhuis, doel="demo", activiteit="inlezen", bronnen=["brp", "istandaarden"]):
        pass
    text = colofon(doel)
    assert "Grondslag: AVG art. 6 lid 1 sub e" in text and "onderdrukt" in text


def test_store_file_is_private(pakhuis):
    from stuurdata.privacy.store import store_path

    assert store_path(pakhuis).stat().st_mode & 0o077 == 0
    assert audit.anchor_path(pakhuis).exists() is False or (
        audit.anchor_path(pakhuis).stat().st_mode & 0o077 == 0
    )
