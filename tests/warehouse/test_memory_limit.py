"""``STUURDATA_GEHEUGEN`` caps DuckDB's memory for every warehouse connection (issue 18: a
1,000,000-inhabitant gemeente on a shared machine)."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.errors import UserError
from stuurdata.warehouse.database import GEHEUGEN_ENV, open_warehouse
from stuurdata.warehouse.load import connect


def _setting(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert row is not None
    return str(row[0])


def _as_duckdb_reports(limit: str) -> str:
    with duckdb.connect() as mem:
        mem.execute(f"SET memory_limit = '{limit}'")
        return _setting(mem)


def test_the_setting_caps_every_connection(tmp_path, monkeypatch):
    pakhuis = tmp_path / "p.duckdb"
    with connect(pakhuis) as con:
        default = _setting(con)
    monkeypatch.setenv(GEHEUGEN_ENV, "300MB")
    expected = _as_duckdb_reports("300MB")
    assert expected != default
    with connect(pakhuis) as con:
        assert _setting(con) == expected
    with open_warehouse(pakhuis, read_only=True) as con:
        assert _setting(con) == expected


@pytest.mark.parametrize("value", ["veel", "6", "6 GB; DROP TABLE lading", "-1GB"])
def test_a_bad_amount_is_refused_in_dutch_before_opening(tmp_path, monkeypatch, value):
    monkeypatch.setenv(GEHEUGEN_ENV, value)
    pakhuis = tmp_path / "p.duckdb"
    with pytest.raises(UserError, match=GEHEUGEN_ENV):
        open_warehouse(pakhuis)
    assert not pakhuis.exists()


def _indicatoren_with(limit: str, tmp_path, monkeypatch):
    """`stuurdata indicatoren` on an empty warehouse under ``STUURDATA_GEHEUGEN=limit``."""
    pakhuis = tmp_path / "p.duckdb"
    connect(pakhuis).close()
    monkeypatch.setenv(GEHEUGEN_ENV, limit)
    return CliRunner().invoke(app, ["indicatoren", "--pakhuis", str(pakhuis)])


def test_the_command_line_says_so_without_a_traceback(tmp_path, monkeypatch):
    result = _indicatoren_with("veel", tmp_path, monkeypatch)
    assert result.exit_code == 1
    assert "geen hoeveelheid geheugen" in result.output
    assert "Traceback" not in result.output


def test_running_out_of_the_capped_memory_is_a_dutch_message(tmp_path, monkeypatch):
    result = _indicatoren_with("1KB", tmp_path, monkeypatch)
    assert result.exit_code == 1
    assert "meer werkgeheugen nodig dan STUURDATA_GEHEUGEN=1KB" in " ".join(result.output.split())
    assert "Traceback" not in result.output
