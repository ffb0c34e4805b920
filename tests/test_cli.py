"""The command line as a user meets it: Dutch output, exit codes, files written."""

from __future__ import annotations

from typer.testing import CliRunner

from stuurdata.cli import app

from helpers import BERICHTEN

runner = CliRunner()


def test_inlezen_reports_counts_and_quarantine(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    result = runner.invoke(
        app,
        ["inlezen", str(BERICHTEN), "--pakhuis", str(pakhuis), "--sleutel", str(tmp_path / "k")],
    )
    assert result.exit_code == 0, result.output
    assert "istandaarden" in result.output
    assert "2 records in quarantaine" in result.output
    assert pakhuis.exists()
    log = pakhuis.with_suffix(".log").read_text()
    assert "gelezen=21 geladen=19 quarantaine=2 dubbel=0" in log


def test_inlezen_missing_path_fails_in_dutch(tmp_path):
    result = runner.invoke(
        app,
        [
            "inlezen",
            str(tmp_path / "bestaat-niet"),
            "--pakhuis",
            str(tmp_path / "p.duckdb"),
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
