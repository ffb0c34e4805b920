"""Issue 11, point 13: the warehouse, its WAL and log, the management store and the audit
anchor are created 0600 (they were 0644), whatever the user's umask."""

from __future__ import annotations

import os
import stat

import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.privacy.governance import ensure_demo_purpose
from stuurdata.privacy.keys import create_key, pseudonymiser
from stuurdata.warehouse.load import load_sources

from helpers import BERICHTEN

runner = CliRunner()


@pytest.fixture
def open_umask():
    """A permissive umask, as on many desktops; restored afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_cli_creates_every_file_private(tmp_path, open_umask):
    pakhuis, key = tmp_path / "nieuw" / "p.duckdb", tmp_path / "k.key"
    result = runner.invoke(
        app,
        ["inlezen", str(BERICHTEN), "--pakhuis", str(pakhuis), "--sleutel", str(key)],
        env={"STUURDATA_DOEL": "demo"},
    )
    assert result.exit_code == 1  # no purpose registered yet: refused, but files exist
    ensure_demo_purpose(pakhuis)
    result = runner.invoke(
        app,
        ["inlezen", str(BERICHTEN), "--pakhuis", str(pakhuis), "--sleutel", str(key)],
        env={"STUURDATA_DOEL": "demo"},
    )
    assert result.exit_code == 0, result.output
    made = [p for p in pakhuis.parent.iterdir() if p.is_file()]
    names = {p.name for p in made}
    assert {"p.duckdb", "p.log", "p.beheer.sqlite", "p.audit-anker"} <= names
    assert {p.name: _mode(p) for p in [*made, key]} == {p.name: 0o600 for p in [*made, key]}


def test_library_load_creates_the_warehouse_private(tmp_path, open_umask):
    key, pakhuis = tmp_path / "k.key", tmp_path / "p.duckdb"
    create_key(key)
    load_sources([BERICHTEN / "iwmo"], pakhuis, pseudonymiser(key), workers=1)
    assert _mode(pakhuis) == 0o600
    wal = tmp_path / "p.duckdb.wal"
    assert not wal.exists() or _mode(wal) == 0o600
