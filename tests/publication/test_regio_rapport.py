"""An explicit region report (`--regio`): labelled as a region, totals from its members."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.indicators import load_definitions
from stuurdata.privacy.purposes import get_doel
from stuurdata.publication.publish import publiceer

pytestmark = pytest.mark.slow
runner = CliRunner()
REGIO = ["--regio", "GM9901", "--regio", "GM9902"]


@pytest.fixture(scope="module")
def cijfers(regio: Path) -> pd.DataFrame:
    with duckdb.connect(str(regio)) as con:
        pub = publiceer(con, doel=get_doel(regio, "sturing"), regio=["GM9901", "GM9902"])
    assert pub.scope.code == "RG9901-9902"
    return pub.cijfers


def test_the_region_total_is_the_sum_of_its_published_members(cijfers: pd.DataFrame) -> None:
    soort = {d.id: d.soort for d in load_definitions().values()}
    keys = ["maat", "periodesoort", "periode", "categorie"]
    region = cijfers[cijfers["niveau"] == "regio"].set_index(keys)
    members = cijfers[cijfers["niveau"] == "gemeente"]
    counts = members[members["maat"].map(soort).eq("aantal")]
    checked = 0
    for key, part in counts.groupby(keys):
        total = region.loc[key]
        if part["status"].eq("onderdrukt").any():  # a hidden member hides the region
            assert total["status"] == "onderdrukt" and pd.isna(total["teller"])
        else:
            assert total["teller"] == part["teller"].sum()
            assert total["teller"] % 5 == 0
            checked += 1
    assert checked > 100
    # Rates from the summed rounded counts; medians have no region figure.
    rate = region.loc[("clienten_per_1000_wmo", "jaar", "2025", "")]
    assert rate["waarde"] == pytest.approx(1000 * rate["teller"] / rate["noemer"], abs=0.01)
    assert not region.index.get_level_values("maat").str.contains("mediaan").any()


def test_rapport_is_labelled_as_a_region_with_members_apart(regio: Path, tmp_path: Path) -> None:
    uit = tmp_path / "regio.html"
    args = ["rapport", "--pakhuis", str(regio), "--doel", "sturing", *REGIO]
    result = runner.invoke(app, [*args, "--uit", str(uit)])
    assert result.exit_code == 0, result.output
    html = uit.read_text(encoding="utf-8")
    assert "Stuurinformatie sociaal domein — regio Demostad, Proefdorp" in html
    assert "Regio totaal" in html and "Gemeente totaal" not in html
    assert "Per gemeente" in html and "Centrum (Demostad)" in html
    assert "Dit hoofdstuk ontbreekt in een regiorapport" in html


def test_without_a_choice_the_refusal_names_both_ways(regio: Path, tmp_path: Path) -> None:
    args = ["publiceer", "--pakhuis", str(regio), "--doel", "sturing"]
    result = runner.invoke(app, [*args, "--uit", str(tmp_path / "p")])
    assert result.exit_code == 1
    assert "GM9901, GM9902" in result.output and "--regio" in result.output
