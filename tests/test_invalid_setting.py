"""Issue 11, crashes: ``STUURDATA_ONDERDRUK_ONDER=0`` (or any bad setting) is refused in Dutch."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.privacy.governance import ensure_demo_purpose
from stuurdata.privacy.keys import create_key, pseudonymiser
from stuurdata.warehouse.load import load_sources

from helpers import BERICHTEN

runner = CliRunner()


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("STUURDATA_ONDERDRUK_ONDER", "0", "moet minstens 1 zijn"),
        ("STUURDATA_ONDERDRUK_ONDER", "-5", "moet minstens 1 zijn"),
        ("STUURDATA_AFRONDEN_OP", "0", "moet minstens 1 zijn"),
        ("STUURDATA_ONDERDRUK_ONDER", "tien", "moet een geheel getal zijn"),
    ],
)
def test_a_bad_disclosure_setting_is_refused_in_dutch(tmp_path, name, value, reason):
    key, pakhuis = tmp_path / "k.key", tmp_path / "p.duckdb"
    create_key(key)
    load_sources([BERICHTEN / "iwmo"], pakhuis, pseudonymiser(key), workers=1)
    ensure_demo_purpose(pakhuis)
    result = runner.invoke(
        app, ["indicatoren", "--pakhuis", str(pakhuis)], env={"STUURDATA_DOEL": "demo", name: value}
    )
    assert result.exit_code == 1
    assert f"{name}={value} {reason}" in result.output
    assert "Traceback" not in result.output and "ValidationError" not in result.output
