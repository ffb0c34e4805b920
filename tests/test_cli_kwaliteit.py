"""`stuurdata kwaliteit`: the published scorecard and cost outliers, and the work list."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from analysis.providers_data import newest_message, provider
from stuurdata.cli_kwaliteit import app
from stuurdata.privacy.governance import DEMO_DOEL, DEMO_KETENMONITOR, ensure_demo_purpose
from stuurdata.warehouse.load import connect


def _warehouse(path: Path, *, duur: float) -> Path:
    con = connect(path)
    for agb in ("98000001", "98000002", "98000003", "98000004"):
        provider(con, agb, 40, 3000)
    provider(con, "98000009", 100, duur)
    newest_message(con, "2026-01-12")
    con.close()
    ensure_demo_purpose(path)
    return path


def test_flagged_provider_is_printed_with_its_name(tmp_path: Path) -> None:
    pakhuis = _warehouse(tmp_path / "pakhuis.duckdb", duur=3600)
    (tmp_path / "aanbieders.csv").write_text("agb;naam\n98000009;Zorg Duur\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--pakhuis", str(pakhuis), "--doel", DEMO_DOEL])
    assert result.exit_code == 0, result.output
    assert "buiten de toevalsmarge" in result.output
    assert "Zorg Duur (98000009)" in result.output and "duidelijk hoger" in result.output


def test_nothing_flagged_says_so(tmp_path: Path) -> None:
    pakhuis = _warehouse(tmp_path / "pakhuis.duckdb", duur=3000)
    result = CliRunner().invoke(app, ["--pakhuis", str(pakhuis), "--doel", DEMO_DOEL])
    assert result.exit_code == 0, result.output
    assert "geen aanbieder wijkt meer af dan toeval" in result.output


def test_work_list_only_under_a_person_level_purpose(tmp_path: Path) -> None:
    pakhuis = _warehouse(tmp_path / "pakhuis.duckdb", duur=3000)
    lijst = tmp_path / "werklijst.xlsx"
    args = ["--pakhuis", str(pakhuis), "--werklijst", str(lijst), "--doel"]
    refused = CliRunner().invoke(app, [*args, DEMO_DOEL])
    assert refused.exit_code == 1 and not lijst.exists()
    assert "persoonsniveau" in refused.output
    result = CliRunner().invoke(app, [*args, DEMO_KETENMONITOR])
    assert result.exit_code == 0, result.output
    assert lijst.exists() and "werklijst" in result.output


def test_reply_messages_per_provider_and_gemeente(tmp_path: Path, pseudo) -> None:
    """The official examples: the municipality's return messages on provider 65656055."""
    from stuurdata.warehouse.load import load_sources

    from helpers import BERICHTEN

    pakhuis = tmp_path / "pakhuis.duckdb"
    load_sources([BERICHTEN], pakhuis, pseudo)
    ensure_demo_purpose(pakhuis)
    result = CliRunner().invoke(app, ["--pakhuis", str(pakhuis), "--doel", DEMO_DOEL])
    assert result.exit_code == 0, result.output
    assert "65656055" in result.output and "GM0384" in result.output
