"""The `domein` sub-app: CBS tables from the cache, the integral picture in Dutch."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from stuurdata.cli_domein import app
from stuurdata.sources.cbs import SNAPSHOT_DIR

from helpers import elfproef_numbers

runner = CliRunner()


def test_cbs_shows_a_cached_table_and_says_when_it_is_missing(tmp_path) -> None:
    ok = runner.invoke(app, ["cbs", "99MINSYN", "--cache", str(SNAPSHOT_DIR)])
    assert ok.exit_code == 0 and "SYNTHETISCH" in ok.output
    missing = runner.invoke(app, ["cbs", "85984NED", "--cache", str(tmp_path)])
    assert missing.exit_code == 1 and "staat niet in de CBS-cache" in missing.output
    period = runner.invoke(
        app, ["cbs", "99MINSYN", "--cache", str(SNAPSHOT_DIR), "--periode", "1999JJ00"]
    )
    assert period.exit_code == 1 and "komt niet voor" in period.output


@pytest.mark.slow
def test_integraal_prints_and_writes_protected_tables(town, tmp_path) -> None:
    from stuurdata.privacy.governance import ensure_demo_purpose

    root, pakhuis, _ = town
    ensure_demo_purpose(pakhuis)
    uit = tmp_path / "uit"
    result = runner.invoke(
        app,
        [
            "integraal",
            "--doel",
            "demo",
            "--pakhuis",
            str(pakhuis),
            "--cbs-cache",
            str(root / "cbs"),
            "--uit",
            str(uit),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "Stapeling" in result.output
        and "Bereik" in result.output
        and "synthetisch" in result.output
    )
    for name in ("combinaties", "stapeling_wijk", "bereik", "terugval", "trechter_wijk"):
        data = (uit / f"{name}.csv").read_bytes()
        assert not elfproef_numbers(data)
    # Published counts are multiples of 5 (rounded) or suppressed.
    import pandas as pd

    combos = pd.read_csv(uit / "combinaties.csv", sep=";", decimal=",")
    assert (combos["teller"].dropna() % 5 == 0).all()
    assert combos["teller"].isna().any()  # rare combinations are suppressed
