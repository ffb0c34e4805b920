"""The privacy commands, run as a user would (Typer's runner on the registered sub-apps)."""

from __future__ import annotations

import json
import sqlite3

import typer
import yaml
from typer.testing import CliRunner

from stuurdata.cli_privacy import register
from stuurdata.privacy.algoritmeregister import MODELS, export
from stuurdata.privacy.projects import WAARDEN

app = typer.Typer()
register(app)
runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_purpose_project_and_audit_commands(tmp_path):
    p = str(tmp_path / "p.duckdb")
    ok = _run(
        "doel",
        "nieuw",
        "--naam",
        "wijk",
        "--vraag",
        "Hoeveel?",
        "--handelingsperspectief",
        "Inzet wijkteams.",
        "--grondslag",
        "e",
        "--wet",
        "Wmo 2015",
        "--verantwoordelijke",
        "College",
        "--bron",
        "istandaarden",
        "--pakhuis",
        p,
    )
    assert ok.exit_code == 0, ok.output
    assert "wijk" in _run("doel", "lijst", "--pakhuis", p).output
    bad = _run(
        "doel",
        "nieuw",
        "--naam",
        "x",
        "--vraag",
        "v",
        "--handelingsperspectief",
        "h",
        "--grondslag",
        "z",
        "--wet",
        "w",
        "--verantwoordelijke",
        "c",
        "--bron",
        "brp",
        "--pakhuis",
        p,
    )
    assert bad.exit_code == 1

    template = tmp_path / "project.yaml"
    assert _run("project", "sjabloon", str(template)).exit_code == 0
    data = yaml.safe_load(template.read_text())
    data.update(naam="wijkvraag", vraag="Waarom groeit wijk 1?", doelen=["wijk"])
    data["stappen"] = dict.fromkeys(data["stappen"], "ingevuld")
    data["waarden"] = {
        k: {"risico": "laag", "toelichting": "t", "maatregelen": "m"} for k in WAARDEN
    }
    template.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert _run("project", "nieuw", str(template), "--pakhuis", p).exit_code == 0
    shown = _run("project", "toon", "wijkvraag", "--pakhuis", p).output
    assert "Menselijke waardigheid" in shown and "Een goede start" in shown

    from stuurdata.privacy import audit
    from stuurdata.privacy.store import store_path

    audit.append(tmp_path / "p.duckdb", activiteit="rapport", resultaat="uitgevoerd", actor="ana")
    assert "rapport" in _run("audit", "toon", "--pakhuis", p, "--wie", "ana").output
    assert _run("audit", "controleer", "--pakhuis", p).exit_code == 0
    con = sqlite3.connect(store_path(tmp_path / "p.duckdb"))
    con.execute("DROP TRIGGER audit_geen_wijziging")
    con.execute("UPDATE audit SET actor = 'bob'")
    con.commit()
    con.close()
    broken = _run("audit", "controleer", "--pakhuis", p)
    assert broken.exit_code == 1


def test_project_without_values_is_refused(tmp_path):
    p = str(tmp_path / "p.duckdb")
    template = tmp_path / "project.yaml"
    template.write_text(yaml.safe_dump({"naam": "x", "vraag": "v", "doelen": ["demo"]}))
    result = _run("project", "nieuw", str(template), "--pakhuis", p)
    assert result.exit_code == 1


def test_algorithm_register_entries(tmp_path):
    paths = export(tmp_path, organisation="Demostad")
    data = json.loads((tmp_path / "jaarprognose.json").read_text())
    for field in (
        "name",
        "goal",
        "lawful_basis",
        "source_data",
        "human_intervention",
        "risk_management",
        "url",
    ):
        assert data[field]
    assert data["organization"] == "Demostad"
    md = (tmp_path / "meerjarige_prognose.md").read_text()
    assert "## Menselijke tussenkomst" in md and "## Wettelijke grondslag" in md
    assert len(paths) == 2 * len(MODELS)


def test_the_regional_key_purpose_is_a_template_of_its_own(tmp_path):
    from stuurdata.privacy.sjablonen import REGIO_KOPPELING, SJABLONEN

    assert REGIO_KOPPELING not in SJABLONEN  # never installed without the members' agreement
    p = str(tmp_path / "regio.duckdb")
    made = _run("doel", "nieuw", "--sjabloon", REGIO_KOPPELING, "--pakhuis", p)
    assert made.exit_code == 0, made.output
    shown = _run("doel", "toon", REGIO_KOPPELING, "--pakhuis", p).output
    assert "art. 26 AVG" in shown and "regiosleutel" in shown
