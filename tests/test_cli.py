"""The command line as a user meets it: Dutch output, exit codes, files written."""

from __future__ import annotations

import sys
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
    assert "nog geen doel geregistreerd" in result.output
    assert "stuurdata init --gemeente" in result.output
    result = runner.invoke(app, [*args, "--doel", "onbekend"])
    assert result.exit_code == 1
    assert "niet geregistreerd" in result.output
    assert "stuurdata doel nieuw --sjabloon monitor-sociaal-domein --naam onbekend" in result.output


def test_a_refused_first_command_creates_nothing(tmp_path):
    folder = tmp_path / "leeg"
    folder.mkdir()
    args = ["inlezen", str(BERICHTEN), "--pakhuis", str(folder / "p.duckdb")]
    result = runner.invoke(app, [*args, "--sleutel", str(tmp_path / "k")])
    assert result.exit_code == 1
    assert list(folder.iterdir()) == []
    assert not (tmp_path / "k").exists()
    assert result.output.count("Geweigerd:") == 1


def test_a_refusal_prints_the_command_that_fixes_it(tmp_path, monkeypatch):
    pakhuis = tmp_path / "p.duckdb"
    ensure_demo_purpose(pakhuis)
    duckdb.connect(str(pakhuis)).close()
    args = ["indicatoren", "--pakhuis", str(pakhuis)]
    monkeypatch.setattr(sys, "argv", ["stuurdata", *args])  # as typed in a terminal
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "Geregistreerde doelen: demo, ketenmonitor-demo" in result.output
    assert f"Probeer: stuurdata indicatoren --pakhuis {pakhuis} --doel demo" in result.output
    assert result.output.count("Geweigerd:") == 1


def test_a_refusal_names_the_source_kind_and_how_to_widen_the_purpose(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    save_doel(pakhuis, replace(demo_doel(), naam="smal", bronnen=("istandaarden",)))
    result = runner.invoke(
        app, ["domein", "integraal", "--pakhuis", str(pakhuis), "--doel", "smal"]
    )
    assert result.exit_code == 1
    assert "de bron(nen) brp, suite, cbs vallen buiten dit doel" in result.output
    assert "voorziening" not in result.output
    assert "stuurdata doel wijzig smal --bron brp --bron suite --bron cbs" in result.output
    widened = runner.invoke(
        app,
        [
            "doel",
            "wijzig",
            "smal",
            "--bron",
            "brp",
            "--bron",
            "suite",
            "--bron",
            "cbs",
            "--pakhuis",
            str(pakhuis),
        ],
    )
    assert widened.exit_code == 0, widened.output
    assert "bronnen istandaarden, brp, suite, cbs" in widened.output


def test_doel_nieuw_checks_sources_and_starts_from_a_template(tmp_path):
    pakhuis = ["--pakhuis", str(tmp_path / "p.duckdb")]
    help_text = runner.invoke(app, ["doel", "nieuw", "--help"]).output
    for bron in ("istandaarden", "brp", "gebieden", "suite", "cbs", "monitor-sociaal-domein"):
        assert bron in help_text
    wrong = runner.invoke(
        app, ["doel", "nieuw", "--sjabloon", "prognose", "--bron", "bestaatniet", *pakhuis]
    )
    assert wrong.exit_code == 1 and "onbekende bron(nen): bestaatniet" in wrong.output
    bare = runner.invoke(app, ["doel", "nieuw", "--naam", "x", *pakhuis])
    assert bare.exit_code == 1 and "nu ontbreekt: --vraag" in bare.output
    ok = runner.invoke(
        app, ["doel", "nieuw", "--sjabloon", "monitor-sociaal-domein", "--niveau", "wijk", *pakhuis]
    )
    assert ok.exit_code == 0, ok.output
    assert "Doel 'monitor-sociaal-domein' geregistreerd" in ok.output and "wijkniveau" in ok.output


def test_indicatoren_under_a_wijk_purpose_publish_no_buurt_rows(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    save_doel(pakhuis, replace(demo_doel(), naam="wijk", niveau="wijk"))
    common = ["--pakhuis", str(pakhuis), "--doel", "wijk"]
    loaded = runner.invoke(
        app, ["inlezen", str(BERICHTEN), *common, "--sleutel", str(tmp_path / "k")]
    )
    assert loaded.exit_code == 0, loaded.output
    uit = tmp_path / "i.csv"
    result = runner.invoke(app, ["indicatoren", *common, "--uit", str(uit)])
    assert result.exit_code == 0, result.output
    assert ";buurt;" not in uit.read_text(encoding="utf-8-sig")


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
