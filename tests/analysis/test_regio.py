"""Three synthetic municipalities (GM9901-GM9903) in one warehouse: a region with peers."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from stuurdata.analysis.integraal import integraal, municipalities
from stuurdata.indicators import compute_indicators
from stuurdata.pipeline import compute_and_store, publish, write_report
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.warehouse.load import load_sources

from helpers import generate_towns

TOWNS = (
    ("GM9901", "Demostad", 2500, 1),
    ("GM9902", "Proefdorp", 1500, 2),
    ("GM9903", "Oefenstad", 3000, 3),
)


@pytest.fixture(scope="module")
def regio(tmp_path_factory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("regio")
    maps = [b.parent for b in generate_towns(root, TOWNS, maanden=24)]
    pakhuis = root / "regio.duckdb"
    result = load_sources(
        [m / "bronnen" for m in maps], pakhuis, Pseudonymiser(b"regio-key-" * 4), doel="test"
    )
    assert result.totaal("gelezen") == (
        result.totaal("geladen") + result.totaal("gequarantaineerd") + result.totaal("dubbel")
    )
    return pakhuis, maps


@pytest.mark.slow
def test_each_municipality_is_compared_with_the_other_two(regio):
    pakhuis, maps = regio
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        assert sorted(municipalities(con)) == ["GM9901", "GM9902", "GM9903"]
        frame = compute_indicators(con, ["clienten_per_1000_wmo"])
        result = integraal(
            con, indicators=frame, gemeente="GM9902", cbs_cache=[m / "cbs" for m in maps]
        )
    finally:
        con.close()
    peers = result.trechter_gemeente
    assert sorted(peers["eenheid"]) == ["GM9901", "GM9902", "GM9903"]
    assert "3 gemeenten in dit pakhuis" in result.vergelijking
    own = frame[(frame.niveau == "gemeente") & (frame.periodesoort == "jaar")]
    row = own[(own.gebiedscode == "GM9902") & (own.periode == peers["periode"].iloc[0])]
    # the published rate is the municipality's own indicator (rounded counts beside it)
    assert peers.loc[peers.eenheid == "GM9902", "waarde"].iloc[0] == pytest.approx(
        row["waarde"].iloc[0]
    )
    # wijken of all three municipalities are in the regional wijk funnel
    assert {c[2:6] for c in result.trechter_wijk["eenheid"]} == {"9901", "9902", "9903"}


@pytest.mark.slow
def test_report_for_one_municipality_of_the_region(regio, tmp_path):
    pakhuis, maps = regio
    con = duckdb.connect(str(pakhuis))
    try:
        frame = compute_and_store(con)
        path = write_report(
            con,
            publish(frame),
            tmp_path / "r.html",
            indicators=frame,
            gemeente="GM9902",
            cbs_cache=[m / "cbs" for m in maps],
        )
    finally:
        con.close()
    html = path.read_text(encoding="utf-8")
    assert "gemeente Proefdorp" in html
    assert "regio van 3 gemeenten" in html
    assert "Proefdorp (eigen gemeente)" in html
    assert "Vergelijking met andere gemeenten" in html
