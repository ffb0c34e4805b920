"""`stuurdata gebruiker nieuw` and the refusals of `stuurdata web` (the server itself is
tested in tests/web/)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.privacy import audit
from stuurdata.web.users import authenticate

runner = CliRunner()


@pytest.fixture
def pakhuis(tmp_path, monkeypatch):
    for name in ("STUURDATA_BEHEER_URL", "STUURDATA_INSTALLATIE", "STUURDATA_PAKHUIS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "pakhuis.duckdb"


def test_gebruiker_nieuw_reads_the_password_from_the_environment(pakhuis, monkeypatch):
    monkeypatch.setenv("STUURDATA_WACHTWOORD", "een lang wachtwoord")
    args = ["gebruiker", "nieuw", "--naam", "anna", "--rol", "beleidsmedewerker"]
    result = runner.invoke(app, [*args, "--pakhuis", str(pakhuis)])
    assert result.exit_code == 0, result.output
    assert "anna (beleidsmedewerker)" in result.output
    assert "een lang wachtwoord" not in result.output
    assert authenticate(pakhuis, "anna", "een lang wachtwoord") is not None
    last = audit.records(pakhuis)[-1]
    assert last.activiteit == "gebruiker" and last.uitvoer == "gebruiker anna"
    assert "wachtwoord" not in (last.toelichting or "")


def test_gebruiker_nieuw_asks_the_password_twice(pakhuis, monkeypatch):
    monkeypatch.delenv("STUURDATA_WACHTWOORD", raising=False)
    args = ["gebruiker", "nieuw", "--naam", "bert", "--rol", "raadslid", "--pakhuis", str(pakhuis)]
    result = runner.invoke(app, args, input="een lang wachtwoord\neen lang wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert authenticate(pakhuis, "bert", "een lang wachtwoord").rol == "raadslid"


def test_an_unknown_role_is_refused_in_dutch(pakhuis, monkeypatch):
    monkeypatch.setenv("STUURDATA_WACHTWOORD", "een lang wachtwoord")
    args = ["gebruiker", "nieuw", "--naam", "anna", "--rol", "wethouder", "--pakhuis", str(pakhuis)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "Onbekende rol" in result.output and "raadslid" in result.output
    assert "Traceback" not in result.output


def test_web_without_warehouse_or_publication_says_what_to_do(pakhuis):
    result = runner.invoke(app, ["web", "--pakhuis", str(pakhuis)])
    assert result.exit_code == 1
    assert "stuurdata publiceer" in result.output
