"""End to end on a generated municipality whose generator knows the complete claims."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from stuurdata.cli_prognose import app
from stuurdata.forecast import prognose, read_budget, year_end
from stuurdata.privacy.keys import pseudonymiser
from stuurdata.synth import generate
from stuurdata.warehouse.load import load_sources

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prognose")
    from datetime import date

    generate(root / "synth", inwoners=3000, maanden=36, zaad=5, tot=date(2026, 8, 1))
    load_sources(
        [root / "synth" / "bronnen"], root / "pakhuis.duckdb", pseudonymiser(root / "sleutel")
    )
    return root


def test_budget_file_is_written_and_read(demo: Path):
    budget = read_budget(demo / "synth" / "begroting.csv")
    assert set(budget["wet"]) == {"wmo", "jeugd"}
    assert {2024, 2025, 2026} <= set(budget["jaar"])
    assert (budget["bedrag"] >= 0).all() and budget.groupby("wet")["bedrag"].sum().gt(0).all()


def test_year_end_completes_late_claims_like_the_generator(demo: Path):
    truth = pd.DataFrame(
        json.loads((demo / "synth" / "waarheid" / "waarheid.json").read_text())["totalen"][
            "declaratie_compleet"
        ]
    )
    truth = truth[truth["maand"].str.startswith("2026")]
    with duckdb.connect(str(demo / "pakhuis.duckdb"), read_only=True) as con:
        frame = year_end(con, demo / "synth" / "begroting.csv")
    totals = frame[frame["productcategorie"] == ""].set_index("wet")
    assert totals["begroting"].notna().all()
    assert np.allclose(totals["verschil"], totals["jaartotaal"] - totals["begroting"])
    assert (totals["lo95"] < totals["lo80"]).all() and (totals["hi80"] < totals["hi95"]).all()
    for wet, row in totals.iterrows():
        full = truth[truth["wet"] == wet]["bedrag_cent"].sum() / 100
        received = truth[truth["wet"] == wet]["ontvangen_cent"].sum() / 100
        past = row["gerealiseerd"] + row["nog_verwacht"]
        # The warehouse holds what the generator sent (minus a little quarantine) ...
        assert row["gerealiseerd"] == pytest.approx(received, rel=0.05)
        # ... and chain-ladder recovers most of what was still to come.
        assert abs(past - full) < 0.5 * (full - received), wet
        assert abs(past - full) / full < 0.06, wet


def test_prognose_backtest(demo: Path):
    with duckdb.connect(str(demo / "pakhuis.duckdb"), read_only=True) as con:
        result = prognose(con, jaren=3)
    assert result is not None
    fc = result.prognose
    assert set(fc["jaar"]) >= {2026, 2027, 2028, 2029}
    prog = fc[fc["soort"] == "prognose"]
    assert (prog["lo95"] <= prog["lo80"] + 1e-9).all() and (
        prog["lo80"] <= prog["waarde"] + 1e-9
    ).all()
    assert not result.toets.empty and result.toets["gekozen"].any()


def test_cli_commands_run(demo: Path):
    from stuurdata.privacy.governance import ensure_demo_purpose

    runner = CliRunner()
    db = str(demo / "pakhuis.duckdb")
    ensure_demo_purpose(demo / "pakhuis.duckdb")
    refused = runner.invoke(app, ["toets", "--pakhuis", db], env={"COLUMNS": "200"})
    assert refused.exit_code == 1 and "Geen doel opgegeven" in refused.output
    for args in (
        ["jaar", "--pakhuis", db, "--begroting", str(demo / "synth" / "begroting.csv")],
        ["meerjarig", "--pakhuis", db, "--jaren", "2", "--tarief", "wmo:01:5", "--migratie"],
        ["toets", "--pakhuis", db, "--oorsprongen", "2"],
    ):
        result = runner.invoke(app, [*args, "--doel", "demo"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
