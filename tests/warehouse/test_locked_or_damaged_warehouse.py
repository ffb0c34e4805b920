"""Issue 11, crashes: a second process on the warehouse, or a damaged DuckDB file.

Each used to end every command with a traceback; now: one Dutch sentence naming the file,
exit code 1, and the warehouse as it was.
"""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.errors import UserError
from stuurdata.privacy.governance import ensure_demo_purpose
from stuurdata.privacy.keys import create_key, pseudonymiser
from stuurdata.warehouse.load import connect, load_sources

from helpers import BERICHTEN

runner = CliRunner()
HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('klaar', flush=True); "
    "time.sleep(60)"
)


@pytest.fixture
def warehouse(tmp_path):
    key, pakhuis = tmp_path / "k.key", tmp_path / "p.duckdb"
    create_key(key)
    load_sources([BERICHTEN / "iwmo"], pakhuis, pseudonymiser(key), workers=1)
    ensure_demo_purpose(pakhuis)
    return key, pakhuis


def _commands(key, pakhuis):
    p = str(pakhuis)
    return [
        ["inlezen", str(BERICHTEN / "ijw"), "--pakhuis", p, "--sleutel", str(key)],
        ["indicatoren", "--pakhuis", p],
        ["sleutel", "roteer", "--pakhuis", p, "--sleutel", str(key)],
        ["opschonen", "--pakhuis", p],
    ]


def _assert_refused(result, words: str) -> None:
    assert result.exit_code == 1, result.output
    assert words in result.output
    assert "Traceback" not in result.output and "IO Error" not in result.output


def test_a_second_process_on_the_warehouse_gets_a_dutch_message(warehouse):
    key, pakhuis = warehouse
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(pakhuis)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "klaar"
        for args in _commands(key, pakhuis):
            result = runner.invoke(app, args, env={"STUURDATA_DOEL": "demo"})
            _assert_refused(result, "in gebruik door een ander proces")
        with pytest.raises(UserError, match="in gebruik"):
            connect(pakhuis)
    finally:
        holder.kill()
        holder.wait()
    con = duckdb.connect(str(pakhuis), read_only=True)
    assert con.execute("SELECT count(*) FROM lading").fetchall()[0][0] > 0
    con.close()


@pytest.mark.parametrize("damage", ["kop", "afgekapt", "leeg"])
def test_a_damaged_warehouse_file_gets_a_dutch_message(warehouse, damage):
    key, pakhuis = warehouse
    data = pakhuis.read_bytes()
    damaged = {
        "kop": b"x" * 4096 + data[4096:],
        "afgekapt": data[: len(data) // 3],
        "leeg": b"",
    }[damage]
    pakhuis.write_bytes(damaged)
    for args in _commands(key, pakhuis):
        result = runner.invoke(app, args, env={"STUURDATA_DOEL": "demo"})
        _assert_refused(result, "beschadigd of geen DuckDB-bestand")
    assert pakhuis.read_bytes() == damaged
