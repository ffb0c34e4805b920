"""Three synthetic municipalities (GM9901-GM9903) in one warehouse: a region with peers."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from stuurdata.analysis.integraal import municipalities
from stuurdata.indicators import compute_indicators
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.publication.integraal import peer_funnel
from stuurdata.publication.publish import publiceer
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


@pytest.fixture(scope="module")
def gm9902(regio):
    """The publication of GM9902 in the three-gemeente warehouse."""
    pakhuis, maps = regio
    con = duckdb.connect(str(pakhuis))
    try:
        assert sorted(municipalities(con)) == ["GM9901", "GM9902", "GM9903"]
        pub = publiceer(con, gemeente="GM9902", cbs_cache=[m / "cbs" for m in maps])
        frame = compute_indicators(con, ["clienten_per_1000_wmo"])
    finally:
        con.close()
    return pub, frame


@pytest.mark.slow
def test_each_municipality_is_compared_with_the_other_two(gm9902):
    pub, frame = gm9902
    rows = pub.cijfers[pub.cijfers["maat"] == "vergelijking_clienten_per_1000_wmo"]
    assert dict(zip(rows["gebiedscode"], rows["categorie"], strict=True)) == {
        "GM9901": "regio",
        "GM9902": "eigen",
        "GM9903": "regio",
    }
    peers, _ = peer_funnel(pub.cijfers, pub.meta.namen)
    # The reference line is the other two gemeenten's pooled rate, not including GM9902.
    other = rows[rows["categorie"] == "regio"]
    assert peers["doel"].iloc[0] == pytest.approx(
        1000 * other["teller"].sum() / other["noemer"].sum()
    )
    own = frame[(frame.niveau == "gemeente") & (frame.periodesoort == "jaar")]
    row = own[(own.gebiedscode == "GM9902") & (own.periode == rows["periode"].iloc[0])]
    mine = rows[rows["categorie"] == "eigen"].iloc[0]
    # The published rate is the gemeente's own indicator, rounded like any count.
    assert mine["teller"] == 5 * round(row["teller"].iloc[0] / 5)
    assert mine["waarde"] == pytest.approx(1000 * mine["teller"] / mine["noemer"], abs=0.01)


@pytest.mark.slow
def test_the_gemeente_chapter_holds_only_its_own_wijken(gm9902):
    pub, _ = gm9902
    chapter = pub.cijfers[pub.cijfers["maat"].str.startswith(("stapeling_", "bereik_"))]
    areas = chapter[chapter["niveau"].isin(["gemeente", "wijk"])]
    assert {c[2:6] for c in areas["gebiedscode"]} == {"9902"}
    section = pub.hoofdstukken["integraal"]
    text = " ".join(r.label for b in section.blokken for t in b.tabellen for r in t.rijen)
    assert "Proefdorp (eigen gemeente)" in text
    assert "Vergelijking met andere gemeenten" in [b.titel for b in section.blokken]
