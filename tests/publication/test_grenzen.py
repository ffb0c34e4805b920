"""The map in a publication: the scope's own wijken and buurten, no finer than the purpose."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.publication.grenzen import GRENZEN, published_boundaries, read_boundaries
from stuurdata.publication.scope import Scope

pytestmark = pytest.mark.slow


def _codes(fc: dict | None) -> set[str]:
    return {f["properties"]["gebiedscode"] for f in (fc or {}).get("features", [])}


def test_only_the_scope_and_the_purposes_levels(regio: Path) -> None:
    with duckdb.connect(str(regio), read_only=True) as con:
        stored = {c for (c,) in con.execute("SELECT gebiedscode FROM grens").fetchall()}
        scope = Scope(("GM9902",), date(2026, 1, 1))
        buurt = published_boundaries(con, scope, "buurt")
        wijk = published_boundaries(con, scope, "wijk")
        assert published_boundaries(con, scope, "gemeente") is None
    own = {c for c in stored if c[2:6] == "9902"}
    assert own and own != stored  # the other gemeente's areas are in the warehouse
    assert _codes(buurt) == own
    assert _codes(wijk) == {c for c in own if c.startswith("WK")}
    names = {f["properties"]["naam"] for f in buurt["features"]}  # type: ignore[index]
    assert not any(n.startswith(("WK", "BU")) for n in names)  # names from `gebied`
    for f in buurt["features"]:  # type: ignore[index]
        ring = f["geometry"]["coordinates"][0]
        assert all(3 < lon < 8 and 50 < lat < 54 for lon, lat in ring)  # WGS84 (RFC 7946)


def test_written_beside_the_figures_and_read_back(regio: Path, tmp_path: Path) -> None:
    uit = tmp_path / "publicatie"
    args = ["publiceer", "--pakhuis", str(regio), "--doel", "smal", "--gemeente", "GM9901"]
    result = CliRunner().invoke(app, [*args, "--uit", str(uit)])
    assert result.exit_code == 0, result.output
    fc = json.loads((uit / GRENZEN).read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and fc["features"]
    assert {c[2:6] for c in _codes(fc)} == {"9901"}
    assert read_boundaries(uit) == fc
    meta = json.loads((uit / "publicatie.json").read_text(encoding="utf-8"))
    assert "grens" in meta["bronnen"]
    # Simplified and rounded: a town's map stays small.
    assert (uit / GRENZEN).stat().st_size < 200_000
