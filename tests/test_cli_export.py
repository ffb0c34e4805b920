"""`stuurdata export parquet`: under a purpose that allows person-level export, incremental."""

from __future__ import annotations

from dataclasses import replace

from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.exchange.parquet import MANIFEST, open_export, verify_export
from stuurdata.privacy.governance import demo_doel
from stuurdata.privacy.purposes import save_doel

from helpers import BERICHTEN

runner = CliRunner()


def test_export_parquet_of_the_example_messages(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    save_doel(pakhuis, demo_doel())
    save_doel(pakhuis, replace(demo_doel(), naam="regio", niveau="buurt", persoonsniveau=True))
    common = ["--pakhuis", str(pakhuis)]
    loaded = runner.invoke(
        app,
        ["inlezen", str(BERICHTEN), *common, "--doel", "regio", "--sleutel", str(tmp_path / "k")],
    )
    assert loaded.exit_code == 0, loaded.output
    uit = tmp_path / "export"

    export = ["export", "parquet", "--uit", str(uit), *common]
    refused = runner.invoke(app, [*export, "--doel", "demo"])
    assert refused.exit_code == 1 and "Geweigerd" in refused.output
    assert not uit.exists()

    first = runner.invoke(app, [*export, "--doel", "regio"])
    assert first.exit_code == 0, first.output
    # the example set's two municipalities; the loads of wholly quarantined files (no row
    # tells their gemeente) and their quarantine rows under 'onbekend'
    assert "delen geschreven (GM0363, GM0384, onbekend)" in first.output
    assert not (uit / "toewijzing" / "gemeente=onbekend").exists()
    assert (uit / "quarantaine" / "gemeente=onbekend").is_dir()
    assert (uit / MANIFEST).is_file() and verify_export(uit) == []
    assert open_export(uit).execute("SELECT count(*) FROM bericht").fetchone()[0] > 0

    again = runner.invoke(app, [*export, "--doel", "regio"])
    assert again.exit_code == 0 and " 0 delen geschreven" in again.output

    into_file = runner.invoke(
        app, ["export", "parquet", "--uit", str(pakhuis), *common, "--doel", "regio"]
    )
    assert into_file.exit_code == 1 and "geef een map op" in into_file.output
