"""The command line as a user meets it: Dutch output, exit codes, files written."""

from __future__ import annotations

from dataclasses import replace

import duckdb
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.privacy.governance import demo_doel, ensure_demo_purpose
from stuurdata.privacy.purposes import save_doel

from helpers import BERICHTEN

runner = CliRunner()


def test_inlezen_requires_a_registered_purpose(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    args = ["inlezen", str(BERICHTEN), "--pakhuis", str(pakhuis), "--sleutel", str(tmp_path / "k")]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "Geen doel opgegeven" in result.output
    result = runner.invoke(app, [*args, "--doel", "onbekend"])
    assert result.exit_code == 1
    assert "niet geregistreerd" in result.output
    assert not (
        pakhuis.exists()
        and duckdb.connect(str(pakhuis)).execute("SELECT count(*) FROM bericht").fetchall()[0][0]
    )


def test_a_source_outside_the_purpose_is_refused_unread(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    save_doel(pakhuis, replace(demo_doel(), naam="alleen-brp", bronnen=("brp",)))
    result = runner.invoke(
        app,
        [
            "inlezen",
            str(BERICHTEN / "iwmo"),
            "--pakhuis",
            str(pakhuis),
            "--doel",
            "alleen-brp",
            "--sleutel",
            str(tmp_path / "k"),
        ],
    )
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(pakhuis))
    assert con.execute("SELECT count(*) FROM bericht").fetchall() == [(0,)]
    soorten = con.execute("SELECT DISTINCT soort, melding FROM quarantaine").fetchall()
    assert soorten[0][0] == "doelbinding" and "buiten het doel" in soorten[0][1]


def test_inlezen_reports_counts_and_quarantine(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    ensure_demo_purpose(pakhuis)
    result = runner.invoke(
        app,
        [
            "inlezen",
            str(BERICHTEN),
            "--pakhuis",
            str(pakhuis),
            "--sleutel",
            str(tmp_path / "k"),
            "--doel",
            "demo",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "istandaarden" in result.output
    assert "2 records in quarantaine" in result.output
    assert pakhuis.exists()
    log = pakhuis.with_suffix(".log").read_text()
    assert "gelezen=28 geladen=26 quarantaine=2 dubbel=0" in log


def test_inlezen_missing_path_fails_in_dutch(tmp_path):
    ensure_demo_purpose(tmp_path / "p.duckdb")
    result = runner.invoke(
        app,
        [
            "inlezen",
            str(tmp_path / "bestaat-niet"),
            "--pakhuis",
            str(tmp_path / "p.duckdb"),
            "--doel",
            "demo",
            "--sleutel",
            str(tmp_path / "k"),
        ],
    )
    assert result.exit_code == 1
    assert "Pad bestaat niet" in result.output


def test_indicatoren_without_warehouse_fails_in_dutch(tmp_path):
    result = runner.invoke(app, ["indicatoren", "--pakhuis", str(tmp_path / "leeg.duckdb")])
    assert result.exit_code == 1
    assert "bestaat niet" in result.output


def test_help_is_dutch():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "Lees berichten (iWmo/iJw)" in result.output
