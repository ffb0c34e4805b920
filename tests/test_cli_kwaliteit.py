"""`stuurdata kwaliteit` prints the providers whose cost per client is outside the funnel."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from analysis.providers_data import newest_message, provider
from stuurdata.cli_kwaliteit import app, opvallende_aanbieders
from stuurdata.privacy.governance import DEMO_KETENMONITOR, ensure_demo_purpose
from stuurdata.warehouse.load import connect


def _warehouse(path: Path, *, duur: float) -> Path:
    con = connect(path)
    for agb in ("98000001", "98000002", "98000003", "98000004"):
        provider(con, agb, 40, 3000)
    provider(con, "98000009", 100, duur)
    newest_message(con, "2026-01-12")
    con.close()
    return path


def test_flagged_provider_is_printed(tmp_path: Path) -> None:
    pakhuis = _warehouse(tmp_path / "pakhuis.duckdb", duur=3600)
    found = opvallende_aanbieders(pakhuis)
    assert list(found["aanbieder"]) == ["98000009"]
    ensure_demo_purpose(pakhuis)
    result = CliRunner().invoke(app, ["--pakhuis", str(pakhuis), "--doel", DEMO_KETENMONITOR])
    assert result.exit_code == 0, result.output
    assert "buiten de toevalsmarge" in result.output
    assert "98000009" in result.output and "duidelijk hoger" in result.output


def test_nothing_flagged_says_so(tmp_path: Path) -> None:
    pakhuis = _warehouse(tmp_path / "pakhuis.duckdb", duur=3000)
    assert opvallende_aanbieders(pakhuis).empty
    ensure_demo_purpose(pakhuis)
    result = CliRunner().invoke(app, ["--pakhuis", str(pakhuis), "--doel", DEMO_KETENMONITOR])
    assert result.exit_code == 0, result.output
    assert "geen aanbieder wijkt meer af dan toeval" in result.output


def test_reply_messages_per_provider_and_gemeente(tmp_path: Path, pseudo) -> None:
    """The official examples: the municipality's return messages on provider 65656055."""
    from stuurdata.warehouse.load import load_sources

    from helpers import BERICHTEN

    pakhuis = tmp_path / "pakhuis.duckdb"
    load_sources([BERICHTEN], pakhuis, pseudo)
    ensure_demo_purpose(pakhuis)
    result = CliRunner().invoke(app, ["--pakhuis", str(pakhuis), "--doel", DEMO_KETENMONITOR])
    assert result.exit_code == 0, result.output
    assert "Retourberichten" in result.output
    assert "65656055" in result.output and "GM0384" in result.output
