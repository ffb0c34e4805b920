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
from stuurdata.publication.publish import publiceer
from stuurdata.publication.store import write_publication
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


def test_late_claims_per_month_add_up_to_the_year_end(demo: Path):
    """Month, quarter and year of the completion give the year-end's nog_verwacht exactly,
    and the recent months follow the generator's claims still to come."""
    from stuurdata.forecast import series
    from stuurdata.forecast.completion import completion, period_totals

    with duckdb.connect(str(demo / "pakhuis.duckdb"), read_only=True) as con:
        valuation = series.valuation_month(con)
        assert valuation is not None
        done = completion(con, valuation, valuation.year)
        frame = year_end(con)
    totals = frame[frame["productcategorie"] == ""].set_index("wet")
    months = period_totals(done.per_maand, "maand")
    this_year = months[months["periode"].map(lambda p: p.year) == valuation.year]
    assert months["periode"].min() <= pd.Period(f"{valuation.year}-01", "M")
    for soort in ("kwartaal", "jaar"):
        whole = period_totals(done.per_maand, soort)
        whole = whole[whole["periode"].map(lambda p: p.year) == valuation.year]
        assert whole.groupby("wet")["nog_verwacht"].sum().to_dict() == pytest.approx(
            totals["nog_verwacht"].to_dict()
        )
    year = period_totals(done.per_maand, "jaar").set_index("wet")
    year = year[year["periode"].map(lambda p: p.year) == valuation.year]
    for wet, row in totals.iterrows():
        part = this_year[this_year["wet"] == wet]
        assert part["nog_verwacht"].sum() == pytest.approx(row["nog_verwacht"])
        assert part["ontvangen"].sum() == pytest.approx(row["gerealiseerd"])
        assert year.loc[wet, "se"] == pytest.approx(row["se_nog"])  # one uncertainty too
        # A month's own error is smaller than the year's (it shares no other month's).
        assert (part["se"] <= row["se_nog"] + 1e-6).all()
    truth = pd.DataFrame(
        json.loads((demo / "synth" / "waarheid" / "waarheid.json").read_text())["totalen"][
            "declaratie_compleet"
        ]
    )
    truth["nog"] = (truth["bedrag_cent"] - truth["ontvangen_cent"]) / 100
    still = truth.groupby(["wet", "maand"])["nog"].sum()
    recent = this_year[this_year["periode"] >= pd.Period(valuation, "M") - 3]
    for wet, part in recent.groupby("wet"):
        expected = sum(still.get((wet, str(p)), 0.0) for p in part["periode"])
        # The last four months hold most of what is still to come; the model finds it.
        assert part["nog_verwacht"].sum() == pytest.approx(expected, rel=0.25), wet


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
    budget = str(demo / "synth" / "begroting.csv")
    made = runner.invoke(app, ["jaar", "--pakhuis", db, "--begroting", budget, "--doel", "demo"])
    assert made.exit_code == 0, made.output  # published first, then shown
    assert "Jaarprognose 2026" in made.output and "Nog niet gedeclareerd" in made.output
    with duckdb.connect(db) as con:
        pub = publiceer(con, begroting=demo / "synth" / "begroting.csv")
    folder = write_publication(pub, demo / "publicatie")
    shown = runner.invoke(
        app,
        [
            "meerjarig",
            "--pakhuis",
            db,
            "--publicatie",
            str(folder),
            "--prijs",
            "5",
            "--uit",
            str(demo / "prognose.csv"),
        ],
        env={"COLUMNS": "200"},
    )
    assert shown.exit_code == 0, shown.output
    exported = pd.read_csv(demo / "prognose.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert exported["maat"].str.startswith("prognose_").all()
    published = pub.cijfers[pub.cijfers["maat"].str.startswith("prognose_")]
    assert len(exported) == len(published)  # what the publication holds, nothing else
    result = runner.invoke(app, ["toets", "--pakhuis", db, "--oorsprongen", "2", "--doel", "demo"])
    assert result.exit_code == 0, result.output
