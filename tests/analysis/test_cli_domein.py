"""The `domein` sub-app: CBS tables from the cache, the integral picture in Dutch."""

from __future__ import annotations

import pandas as pd
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


def _integraal(town, uit, *extra: str):
    from stuurdata.privacy.governance import ensure_demo_purpose

    root, pakhuis, _ = town
    ensure_demo_purpose(pakhuis)
    args = ["integraal", "--doel", "demo", "--pakhuis", str(pakhuis)]
    args += ["--cbs-cache", str(root / "cbs"), "--uit", str(uit), *extra]
    return runner.invoke(app, args)


@pytest.mark.slow
def test_integraal_prints_and_writes_the_published_rows(town, tmp_path) -> None:
    uit = tmp_path / "uit"
    result = _integraal(town, uit)
    assert result.exit_code == 0, result.output
    assert "Stapeling" in result.output and "Bereik" in result.output
    assert "onder de 10 niet getoond" in result.output  # the rule applied, stated
    data = (uit / "integraal.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and not elfproef_numbers(data)
    rows = pd.read_csv(uit / "integraal.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert set(rows["maat"]) >= {
        "stapeling_huishoudens_per_categorie",
        "stapeling_aandeel_huishoudens",
        "bereik_minima",
        "terugval_participatiewet",
    }
    counts = rows[rows["maat"].str.startswith("stapeling_huishoudens")]
    assert (counts["teller"].dropna() % 5 == 0).all()
    assert counts["status"].eq("onderdrukt").any()  # rare combinations are suppressed
    assert (counts.loc[counts["status"] == "onderdrukt", "teller"].isna()).all()


@pytest.mark.slow
def test_integraal_holds_the_configured_rule(town, tmp_path, monkeypatch) -> None:
    """With STUURDATA_ONDERDRUK_ONDER=50 no count under 50 but 0 leaves, on screen or file."""
    monkeypatch.setenv("STUURDATA_ONDERDRUK_ONDER", "50")
    uit = tmp_path / "uit50"
    result = _integraal(town, uit)
    assert result.exit_code == 0, result.output
    assert "onder de 50 niet getoond" in result.output
    rows = pd.read_csv(uit / "integraal.csv", sep=";", decimal=",", encoding="utf-8-sig")
    ours = rows[~rows["maat"].str.startswith("vergelijking_")]  # CBS's public figures aside
    for column in ("teller", "noemer"):
        values = ours.loc[ours["maat"] != "bereik_minima", column].dropna()
        assert ((values == 0) | (values >= 50)).all(), column
    assert (ours.loc[ours["maat"] == "bereik_minima", "teller"].dropna() >= 50).all()
    assert ours["status"].eq("onderdrukt").any()
    # Every whole number printed in a table is 0, at least 50, or not a count of ours.
    for line in result.output.splitlines():
        if "│" not in line:
            continue
        cells = [c.strip() for c in line.split("│")[2:]]
        for cell in cells:
            if cell.replace(".", "").isdigit() and "," not in cell:
                value = int(cell.replace(".", ""))
                assert value == 0 or value >= 50, line
