"""Spark as an engine (Sail, a Spark Connect server without a JVM): the export read back
with identical row counts, and the CLI's CSV identical to the DuckDB run.

The full indicator set on both engines is compared in tests/indicators/test_engines.py.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from kleine_regio import build
from stuurdata.cli import app
from stuurdata.engine.spark import spark_engine
from stuurdata.exchange.parquet import export_parquet
from stuurdata.privacy.governance import demo_doel, ensure_demo_purpose
from stuurdata.privacy.purposes import save_doel
from stuurdata.warehouse.load import connect
from stuurdata.warehouse.schema import TABLES


@pytest.fixture(scope="module")
def pakhuis(tmp_path_factory) -> Path:
    path, _ = build(tmp_path_factory.mktemp("regio"))
    ensure_demo_purpose(path)
    return path


@pytest.mark.slow
def test_export_reads_back_into_spark_with_identical_row_counts(pakhuis, tmp_path):
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        export_parquet(con, tmp_path / "export")
        expected = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()
    with spark_engine(export=tmp_path / "export") as engine:
        counts = {t: int(engine.tables[t].count().execute()) for t in TABLES}
        dates = engine.tables["toewijzing"].schema()["ingangsdatum"]
    assert counts == expected
    assert expected["declaratie"] > 0 and expected["quarantaine"] == 0
    assert dates.is_date()


@pytest.mark.slow
def test_indicatoren_motor_spark_writes_the_same_csv(pakhuis, tmp_path):
    runner = CliRunner()
    out = {}
    for motor in ("duckdb", "spark"):
        out[motor] = tmp_path / f"{motor}.csv"
        args = ["indicatoren", "--pakhuis", str(pakhuis), "--doel", "demo"]
        result = runner.invoke(app, [*args, "--motor", motor, "--uit", str(out[motor])])
        assert result.exit_code == 0, result.output
    duck = out["duckdb"].read_text(encoding="utf-8")
    assert len(duck.splitlines()) > 1000
    assert out["spark"].read_text(encoding="utf-8") == duck


def test_an_unreachable_cluster_is_a_clear_refusal(tmp_path, monkeypatch):
    with socket.socket() as probe:  # a port on which nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("STUURDATA_SPARK", f"sc://127.0.0.1:{port}")
    pakhuis = tmp_path / "p.duckdb"
    connect(pakhuis).close()
    save_doel(pakhuis, demo_doel())
    result = CliRunner().invoke(
        app, ["indicatoren", "--pakhuis", str(pakhuis), "--doel", "demo", "--motor", "spark"]
    )
    assert result.exit_code == 1
    assert f"Spark op 127.0.0.1:{port} is niet bereikbaar" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_publiceer_motor_spark_gives_the_same_publication(pakhuis, tmp_path):
    """Indicators, chain quality and stacking all on Spark: the same protected figures."""
    runner = CliRunner()
    cijfers = {}
    for motor in ("duckdb", "spark"):
        folder = tmp_path / motor
        args = ["publiceer", "--pakhuis", str(pakhuis), "--doel", "demo", "--gemeente", "GM9901"]
        result = runner.invoke(app, [*args, "--motor", motor, "--uit", str(folder)])
        assert result.exit_code == 0, result.output
        cijfers[motor] = pd.read_parquet(folder / "cijfers.parquet")
    assert len(cijfers["duckdb"]) > 1000
    # a percentile interpolates in another order on Spark: equal to 1e-9, not to the bit
    pd.testing.assert_frame_equal(
        cijfers["spark"], cijfers["duckdb"], check_exact=False, rtol=0, atol=1e-9
    )


@pytest.mark.slow
def test_kwaliteit_motor_spark_prints_the_same_scorecard(pakhuis):
    runner = CliRunner()
    out = {}
    for motor in ("duckdb", "spark"):
        args = ["kwaliteit", "--pakhuis", str(pakhuis), "--doel", "demo", "--motor", motor]
        result = runner.invoke(app, [*args, "--gemeente", "GM9902"])
        assert result.exit_code == 0, result.output
        out[motor] = result.output
    assert "Datakwaliteit per aanbieder" in out["duckdb"]
    assert out["spark"] == out["duckdb"]


@pytest.mark.slow
def test_regiozicht_shows_own_detail_others_published_and_the_region(pakhuis, tmp_path):
    out = tmp_path / "zicht.csv"
    args = ["export", "regiozicht", "--pakhuis", str(pakhuis), "--doel", "demo"]
    result = CliRunner().invoke(app, [*args, "--gemeente", "GM9902", "--uit", str(out)])
    assert result.exit_code == 0, result.output
    view = pd.read_csv(out, sep=";", dtype={"categorie": str})
    own = view[view["zicht"] == "eigen"]
    others = view[view["zicht"] == "gepubliceerd"]
    assert set(own["gebiedscode"].str[2:6]) == {"9902"} and "buurt" in set(own["niveau"])
    assert set(others["gebiedscode"].str[2:6]) == {"9901"}
    assert set(others["status"]) <= {"ok", "afgerond", "onderdrukt"}
    assert set(view.loc[view["zicht"] == "regio", "niveau"]) == {"regio"}
    refused = CliRunner().invoke(app, [*args, "--gemeente", "GM0363", "--uit", str(out)])
    assert refused.exit_code == 1 and "hoort niet bij deze regio" in refused.output


def test_sail_gets_the_memory_cap_only_while_it_is_created(monkeypatch):
    from stuurdata.engine.spark import _sail_memory_cap

    monkeypatch.setenv("STUURDATA_GEHEUGEN", "1.5GB")
    monkeypatch.delenv("SAIL_RUNTIME__MEMORY_POOL__TYPE", raising=False)
    monkeypatch.setenv("SAIL_RUNTIME__MEMORY_POOL__FAIR__MAX_SIZE", "123")  # the user's own
    with _sail_memory_cap():
        assert os.environ["SAIL_RUNTIME__MEMORY_POOL__TYPE"] == "fair"
        assert os.environ["SAIL_RUNTIME__MEMORY_POOL__FAIR__MAX_SIZE"] == "123"
    assert "SAIL_RUNTIME__MEMORY_POOL__TYPE" not in os.environ
    assert os.environ["SAIL_RUNTIME__MEMORY_POOL__FAIR__MAX_SIZE"] == "123"

    monkeypatch.delenv("SAIL_RUNTIME__MEMORY_POOL__FAIR__MAX_SIZE")
    monkeypatch.setenv("STUURDATA_GEHEUGEN", "2GiB")
    with _sail_memory_cap():
        assert os.environ["SAIL_RUNTIME__MEMORY_POOL__FAIR__MAX_SIZE"] == str(2 * 2**30)
    monkeypatch.delenv("STUURDATA_GEHEUGEN")
    with _sail_memory_cap():
        assert "SAIL_RUNTIME__MEMORY_POOL__TYPE" not in os.environ
