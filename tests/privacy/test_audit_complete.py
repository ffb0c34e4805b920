"""Issue 11, point 7: a committed load always gets its audit record; purpose changes are logged.

The warehouse (DuckDB) and the audit store (SQLite) are two databases. A load writes the id of
its audit record into ``lading`` in its own transaction; a process killed after the commit
but before the record is appended leaves a gap that ``audit controleer`` reports and the next
processing fills (marked as recovered).
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap

from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.privacy import audit
from stuurdata.privacy.governance import demo_doel, ensure_demo_purpose, verwerking
from stuurdata.privacy.keys import create_key, pseudonymiser
from stuurdata.privacy.purposes import save_doel
from stuurdata.privacy.rotation import rotate
from stuurdata.warehouse.load import load_sources

from helpers import BERICHTEN

runner = CliRunner()

# The CLI's inlezen, killed with SIGKILL at the moment it appends the load's record: after
# the warehouse committed, before the audit store has anything.
KILL_AFTER_COMMIT = textwrap.dedent(
    """
    import os, signal, sys
    from stuurdata.privacy import audit
    real = audit.append
    def append(*args, **kwargs):
        if kwargs.get("activiteit") == "inlezen" and kwargs.get("resultaat") == "uitgevoerd":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    audit.append = append
    from stuurdata.cli import app
    app(sys.argv[1:])
    """
)


def test_a_load_killed_after_commit_is_reported_and_recovered(tmp_path):
    key, pakhuis = tmp_path / "k.key", tmp_path / "p.duckdb"
    ensure_demo_purpose(pakhuis)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "STUURDATA_DOEL": "demo"}
    args = ["inlezen", str(BERICHTEN / "iwmo"), "--pakhuis", str(pakhuis), "--sleutel", str(key)]
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_COMMIT, *args], env=env, capture_output=True, timeout=300
    )
    assert killed.returncode == -signal.SIGKILL
    assert not [r for r in audit.records(pakhuis) if r.activiteit == "inlezen"]

    result = audit.verify(pakhuis)
    assert not result.ok
    assert any("lading" in p and "geen auditrecord" in p for p in result.problemen)

    with verwerking(pakhuis, doel="demo", activiteit="bekijken"):
        pass
    recovered = [r for r in audit.records(pakhuis) if r.activiteit == "inlezen"]
    assert len(recovered) == 1
    assert recovered[0].toelichting.startswith("hersteld") and recovered[0].doel == "demo"
    assert audit.verify(pakhuis).ok


def test_a_normal_load_links_its_record(tmp_path):
    key, pakhuis = tmp_path / "k.key", tmp_path / "p.duckdb"
    ensure_demo_purpose(pakhuis)
    result = runner.invoke(
        app,
        ["inlezen", str(BERICHTEN / "iwmo"), "--pakhuis", str(pakhuis), "--sleutel", str(key)],
        env={"STUURDATA_DOEL": "demo"},
    )
    assert result.exit_code == 0, result.output
    assert audit.missing(pakhuis) == []
    assert audit.verify(pakhuis).ok
    assert audit.recover_missing(pakhuis, actor="x") == []


def test_a_rotation_without_its_record_is_recovered(tmp_path):
    key, pakhuis = tmp_path / "k.key", tmp_path / "p.duckdb"
    create_key(key)
    load_sources([BERICHTEN / "iwmo"], pakhuis, pseudonymiser(key), workers=1)
    rotate(pakhuis, key, verwerking_id="a" * 32)  # the process died before its record
    gaps = audit.missing(pakhuis)
    assert [(g.soort, g.verwerking_id) for g in gaps] == [("sleutelrotatie", "a" * 32)]
    (record,) = audit.recover_missing(pakhuis, actor="beheerder")
    assert record.activiteit == "sleutelrotatie" and record.verwerking_id == "a" * 32
    assert audit.missing(pakhuis) == []


def test_purpose_changes_are_audited_with_what_changed(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    doel = demo_doel()
    save_doel(pakhuis, doel, actor="privacy-officer")
    save_doel(
        pakhuis, dataclasses.replace(doel, persoonsniveau=True, niveau="wijk"), actor="analist"
    )
    changes = audit.records(pakhuis, activiteit="doelwijziging")
    assert [r.actor for r in changes] == ["privacy-officer", "analist"]
    assert changes[0].toelichting.startswith("nieuw doel")
    assert "persoonsniveau: nee → ja" in changes[1].toelichting
    assert "niveau: buurt → wijk" in changes[1].toelichting
    assert changes[1].doel == "demo"
    assert audit.verify(pakhuis).ok


def test_the_doel_command_is_audited(tmp_path):
    p = str(tmp_path / "p.duckdb")
    base = [
        "doel", "nieuw", "--naam", "wijk", "--vraag", "Hoeveel?", "--handelingsperspectief",
        "Inzet.", "--grondslag", "e", "--wet", "Wmo 2015", "--verantwoordelijke", "College",
        "--bron", "istandaarden", "--pakhuis", p,
    ]  # fmt: skip
    assert runner.invoke(app, base).exit_code == 0
    assert runner.invoke(app, [*base, "--persoonsniveau"]).exit_code == 0
    changes = audit.records(tmp_path / "p.duckdb", activiteit="doelwijziging")
    assert len(changes) == 2 and "persoonsniveau: nee → ja" in changes[1].toelichting
