"""The map of the synthetic municipality: buurten as blocks of squares, addresses inside them."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np

from stuurdata.sources.vierkant import RD_X, RD_Y, in_nederland, vierkant_code
from stuurdata.synth import generate
from stuurdata.synth.areas import make_areas
from stuurdata.synth.geography import Geography, make_geography, origin_km
from stuurdata.synth.population import NEVER, make_population

T0 = int(np.datetime64("2025-01-01", "D").astype(np.int64))


def _town(code: str, inwoners: int = 6000, zaad: int = 5) -> tuple[object, object, Geography]:
    rng = np.random.default_rng(zaad)
    areas = make_areas(rng, code, "Test", inwoners)
    pop = make_population(rng, areas, inwoners, T0, T0 + 365)
    return areas, pop, make_geography(areas, pop, zaad)


def _used_addresses(pop) -> np.ndarray:
    return np.concatenate([pop.hh_addr, pop.hh_addr2[pop.hh_move < NEVER]])


def test_addresses_lie_in_their_buurts_block_inland() -> None:
    _, pop, geo = _town("GM9901")
    addr_buurt = np.concatenate([pop.hh_buurt, pop.hh_buurt2])
    ids = _used_addresses(pop)
    e, n = geo.squares(ids)
    block = geo.blokken[addr_buurt[ids]]
    assert ((e >= block[:, 0]) & (e < block[:, 0] + block[:, 2])).all()
    assert ((n >= block[:, 1]) & (n < block[:, 1] + block[:, 3])).all()
    x, y = geo.x_dm[ids] / 10, geo.y_dm[ids] / 10
    assert (x >= 140_000).all() and (x <= 190_000).all()
    assert (y >= 430_000).all() and (y <= 480_000).all()
    assert all(in_nederland(a, b) for a, b in zip(x[:50], y[:50], strict=True))
    # A compact town, not a smear: a 6,000-inhabitant place fits in a few km.
    assert (x.max() - x.min()) < 6_000 and (y.max() - y.min()) < 6_000


def test_buurten_are_disjoint_and_a_wijk_holds_together() -> None:
    areas, _, geo = _town("GM9901", inwoners=20_000)
    owner: dict[tuple[int, int], int] = {}
    for b, (e0, n0, w, h) in enumerate(geo.blokken.tolist()):
        for de in range(w):
            for dn in range(h):
                assert (e0 + de, n0 + dn) not in owner  # no two buurten share a square
                owner[(e0 + de, n0 + dn)] = b
    # Every buurt touches another buurt of its wijk (wijken with two or more buurten).
    for b, (e0, n0, w, h) in enumerate(geo.blokken.tolist()):
        wijk = areas.buurt_wijk[b]
        ring = [(e0 - 1, n) for n in range(n0, n0 + h)] + [(e0 + w, n) for n in range(n0, n0 + h)]
        ring += [(e, n0 - 1) for e in range(e0, e0 + w)] + [(e, n0 + h) for e in range(e0, e0 + w)]
        neighbours = {owner[c] for c in ring if c in owner}
        assert any(areas.buurt_wijk[o] == wijk for o in neighbours), b


def test_dense_and_sparse_squares() -> None:
    _, pop, geo = _town("GM9901", inwoners=20_000)
    e, n = geo.squares(_used_addresses(pop))
    _, per_square = np.unique(e * 10_000 + n, return_counts=True)
    assert per_square.min() <= 3 and per_square.max() >= 60


def test_three_municipalities_do_not_overlap() -> None:
    boxes = []
    for code in ("GM9901", "GM9902", "GM9903"):
        _, pop, geo = _town(code, inwoners=60_000)
        ids = _used_addresses(pop)
        boxes.append(
            (geo.x_dm[ids].min(), geo.x_dm[ids].max(), geo.y_dm[ids].min(), geo.y_dm[ids].max())
        )
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart_x = a[1] < b[0] or b[1] < a[0]
            apart_y = a[3] < b[2] or b[3] < a[2]
            assert apart_x or apart_y
    assert origin_km("GM9901") != origin_km("GM9902") != origin_km("GM9903")


def test_same_seed_same_map_and_the_written_square_is_the_drawn_one() -> None:
    _, pop, geo = _town("GM9902")
    _, _, again = _town("GM9902")
    assert np.array_equal(geo.x_dm, again.x_dm) and np.array_equal(geo.y_dm, again.y_dm)
    ids = _used_addresses(pop)[:500]
    xs, ys = geo.rd_strings(ids)
    codes = geo.codes(ids)
    for x, y, code in zip(xs, ys, codes, strict=True):
        assert vierkant_code(float(x), float(y)) == code
    assert RD_X[0] < float(xs[0]) < RD_X[1] and RD_Y[0] < float(ys[0]) < RD_Y[1]


def test_the_brp_extract_carries_coordinates_and_the_truth_their_squares(tmp_path: Path) -> None:
    import json

    generate(tmp_path, inwoners=1500, maanden=6, zaad=4, tot=date(2025, 12, 1))
    with (tmp_path / "bronnen" / "brp" / "brp_GM9901.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    squares = {vierkant_code(float(r["rd_x"]), float(r["rd_y"]), 500) for r in rows}
    truth = json.loads((tmp_path / "waarheid" / "suite.json").read_text(encoding="utf-8"))
    per_square = truth["stapeling"]["per_vierkant_500"]
    assert per_square and set(per_square) <= squares
    assert all(v["huishoudens"] >= v["huishoudens_2_of_meer"] for v in per_square.values())
    total = sum(v["huishoudens"] for v in per_square.values())
    assert total == sum(truth["stapeling"]["huishoudens"].values())


def test_boundaries_file_holds_every_address_in_its_buurt_and_wijk() -> None:
    """The generated PDOK-style file reads through the door, and each address lies in the
    outline of its own buurt and wijk."""
    import json

    import shapely
    from shapely.geometry import shape

    from stuurdata.sources.grenzen import read_grenzen
    from stuurdata.sources.records import SourceFile, Unit
    from stuurdata.synth.geography import boundaries_geojson

    areas, pop, geo = _town("GM9902")
    data = json.dumps(boundaries_geojson(areas, geo)).encode()
    units = list(read_grenzen(SourceFile("g.geojson", data, "x")))
    assert all(isinstance(u, Unit) for u in units)
    assert len(units) == len(areas.wijk_codes) + len(areas.buurt_codes)
    rd = {
        f["properties"].get("buurtcode") or f["properties"]["wijkcode"]: shape(f["geometry"])
        for f in boundaries_geojson(areas, geo)["features"]
    }
    addr_buurt = np.concatenate([pop.hh_buurt, pop.hh_buurt2])
    ids = _used_addresses(pop)
    points = shapely.points(geo.x_dm[ids] / 10, geo.y_dm[ids] / 10)
    buurt = np.array(areas.buurt_codes)[addr_buurt[ids]]
    wijk = np.array(areas.wijk_codes)[areas.buurt_wijk[addr_buurt[ids]]]
    for code in set(buurt):
        assert shapely.covers(rd[code], points[buurt == code]).all(), code
    for code in set(wijk):
        assert shapely.covers(rd[code], points[wijk == code]).all(), code
    # Buurten do not overlap: their areas add up to the area of their union.
    blocks = [rd[c] for c in areas.buurt_codes]
    assert abs(shapely.unary_union(blocks).area - sum(b.area for b in blocks)) < 1.0
