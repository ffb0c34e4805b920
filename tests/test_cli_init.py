"""First use as a municipality starts: `stuurdata init`, then commands without options."""

from __future__ import annotations

import stat
import tomllib
from datetime import date

import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.synth import generate

runner = CliRunner()


@pytest.fixture
def gemeente(tmp_path, monkeypatch):
    """An empty installation folder as the current folder; keys in a private config folder."""
    folder = tmp_path / "gemeente"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in (
        "STUURDATA_DOEL",
        "STUURDATA_PAKHUIS",
        "STUURDATA_SLEUTEL",
        "STUURDATA_BEHEER_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    return folder


def test_a_scripted_new_user_session_runs_without_a_refusal(gemeente, tmp_path):
    bronnen = tmp_path / "bronnen"
    generate(bronnen, inwoners=2000, maanden=14, zaad=3, tot=date(2026, 10, 1))

    result = runner.invoke(app, ["init", "--gemeente", "GM9901", "--naam", "Demostad"])
    assert result.exit_code == 0, result.output
    assert "stuurdata inlezen" in result.output

    for args in (
        ["inlezen", str(bronnen / "bronnen")],
        ["publiceer"],
        ["rapport"],
        ["kwaliteit"],
        ["prognose", "jaar"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        assert "Geweigerd" not in result.output
        if args == ["rapport"]:  # renders the fresh publication, does not compute again
            assert "Uit de publicatie" in result.output
    assert (gemeente / "publicatie" / "cijfers.csv").exists()
    assert (gemeente / "rapport.html").stat().st_size > 10_000
    # The installation's own store holds the purposes: no store beside the warehouse.
    assert not list(gemeente.glob("*.beheer.sqlite")) and not list(
        gemeente.glob("pakhuis.audit-anker")
    )
    assert (gemeente / "beheer.audit-anker").exists()
    assert "in orde" in runner.invoke(app, ["audit", "controleer"]).output
    audit = runner.invoke(app, ["audit", "toon"])
    assert "inrichten" in audit.output and "inlezen" in audit.output


def test_init_records_the_key_outside_the_folder_with_mode_0600(gemeente, tmp_path):
    result = runner.invoke(app, ["init", "--gemeente", "gm0363", "--naam", "Amsterdam"])
    assert result.exit_code == 0, result.output
    config = tomllib.loads((gemeente / "stuurdata.toml").read_text(encoding="utf-8"))
    key = tmp_path / "config" / "stuurdata" / "GM0363.key"
    assert config["installatie"]["sleutel"] == str(key)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(config["installatie"]["sleutel_vingerafdruk"]) == 16
    assert config["doelen"]["kwaliteit"] == "ketenmonitor"
    doelen = runner.invoke(app, ["doel", "lijst"])
    for naam in ("monitor-sociaal-domein", "ketenmonitor", "prognose"):
        assert naam in doelen.output
    project = (gemeente / "project.yaml").read_text(encoding="utf-8")
    assert "Een goede start" in project and "machtsverhoudingen" in project


def test_init_refuses_a_bad_code_a_second_init_and_a_key_inside_the_folder(gemeente):
    assert (
        "geen CBS-gemeentecode"
        in runner.invoke(app, ["init", "--gemeente", "0363", "--naam", "A"]).output
    )
    inside = runner.invoke(
        app, ["init", "--gemeente", "GM0363", "--naam", "A", "--sleutel", "sleutel.key"]
    )
    assert inside.exit_code == 1 and "hoort niet in de map" in inside.output
    assert not (gemeente / "stuurdata.toml").exists()
    assert runner.invoke(app, ["init", "--gemeente", "GM0363", "--naam", "A"]).exit_code == 0
    again = runner.invoke(app, ["init", "--gemeente", "GM0363", "--naam", "A"])
    assert again.exit_code == 1 and "al een installatie" in again.output


def test_init_in_a_script_names_the_missing_option(gemeente):
    result = runner.invoke(app, ["init", "--naam", "Amsterdam"])
    assert result.exit_code == 1
    assert "--gemeente ontbreekt" in result.output
