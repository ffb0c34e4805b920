"""Issue 11, crashes and audit log: a damaged or truncated management store.

Every command that needs the store stops with a Dutch message (exit 1); ``audit controleer``
reports the damage instead of crashing.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.errors import UserError
from stuurdata.privacy import audit
from stuurdata.privacy.governance import ensure_demo_purpose
from stuurdata.privacy.purposes import list_doelen
from stuurdata.privacy.store import dispose_all, store_path
from stuurdata.warehouse.load import connect

runner = CliRunner()


@pytest.fixture(params=["kop", "afgekapt"])
def damaged(tmp_path, request):
    pakhuis = tmp_path / "p.duckdb"
    connect(pakhuis).close()  # an intact (empty) warehouse: the store is what fails
    ensure_demo_purpose(pakhuis)
    for i in range(30):
        audit.append(pakhuis, activiteit="berekenen", resultaat=audit.UITGEVOERD, actor=f"a{i}")
    dispose_all()
    path = store_path(pakhuis)
    data = path.read_bytes()
    path.write_bytes(b"y" * 100 + data[100:] if request.param == "kop" else data[: len(data) // 2])
    yield pakhuis
    dispose_all()


def test_audit_controleer_reports_a_damaged_store(damaged):
    result = audit.verify(damaged)
    assert not result.ok and "niet te lezen" in result.problemen[0]
    cli = runner.invoke(app, ["audit", "controleer", "--pakhuis", str(damaged)])
    assert cli.exit_code == 1
    assert "niet te lezen" in cli.output and "Traceback" not in cli.output


@pytest.mark.parametrize(
    "args",
    [["doel", "lijst"], ["audit", "toon"], ["audit", "kop"], ["indicatoren", "--doel", "demo"]],
)
def test_every_command_on_a_damaged_store_gets_a_dutch_message(damaged, args):
    result = runner.invoke(app, [*args, "--pakhuis", str(damaged)])
    assert result.exit_code == 1, result.output
    assert "beheerbestand" in result.output and "beschadigd" in result.output
    assert "Traceback" not in result.output


def test_the_library_raises_a_user_error(damaged):
    with pytest.raises(UserError, match="beheerbestand"):
        list_doelen(damaged)


def test_a_store_emptied_to_zero_bytes_is_reported_through_the_anchor(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    for i in range(4):
        audit.append(pakhuis, activiteit="berekenen", resultaat=audit.UITGEVOERD, actor=f"a{i}")
    dispose_all()
    store_path(pakhuis).write_bytes(b"")
    result = audit.verify(pakhuis)
    assert result.aantal == 0
    assert any("record 4, dat ontbreekt" in p for p in result.problemen)
    dispose_all()
