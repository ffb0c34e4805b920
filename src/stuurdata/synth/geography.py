"""Where the synthetic municipality lies: a block of 100 m squares per buurt, a point per address.

Analyses per CBS grid square (stacking per 100 m / 500 m square) need addresses with RD
coordinates, as a municipality gets them by joining the BRP address with the BAG. The
layout is plausible rather than real:

* the municipality lies inland around x 145-185 km, y 435-475 km (RD New); each GM code has
  its own place on a 20 km grid, so GM9901, GM9902 and GM9903 never overlap;
* each buurt is one rectangular block of 100 m squares, sized by its number of addresses and
  a density that follows its profile (a centre is dense, an ageing village sparse);
* the buurten of one wijk lie side by side, wijken are separated by a strip of open land;
* within a buurt some squares are dense, others sparse, a few empty (a park, a field).

All randomness comes from its own generator (``[zaad, 28992, gemeente]``): the main stream is
never touched, so every other synthetic file stays byte-identical. Coordinates are whole
decimetres, so the square of a written coordinate is exactly the square drawn here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stuurdata.synth.areas import Areas
from stuurdata.synth.population import NEVER, Population

RD_STREAM = 28992  # the EPSG code of RD New: the layout's own random stream
SPACING_KM = 20  # distance between the places of consecutive GM codes
_ORIGIN_KM = (145, 435)
_WIJK_GAP = 2  # squares of open land between wijken
_MAX_EXTENT = SPACING_KM * 10 - 20  # squares: at least 2 km of open land to the next place
# Average addresses per inhabited 100 m square, by buurt profile.
_DENSITY = {"centrum": 45.0, "kwetsbaar": 35.0, "gemengd": 22.0, "gezinnen": 20.0}
_DENSITY_DEFAULT = 12.0  # vergrijsd: village cores and the countryside


@dataclass(frozen=True, slots=True)
class Geography:
    """Blocks per buurt and a point per address id (see ``Population``: two ids per household).

    ``blokken``: one row per buurt, (e, n, breedte, hoogte) in hectometres: the lower-left
    square's indices and the block size. ``x_dm`` / ``y_dm``: RD coordinates in decimetres.
    """

    gemeentecode: str
    blokken: np.ndarray
    x_dm: np.ndarray
    y_dm: np.ndarray

    def squares(self, addr: np.ndarray, meter: int = 100) -> tuple[np.ndarray, np.ndarray]:
        """Corner of each address's square in hectometres (a multiple of 5 for 500 m)."""
        step = meter // 100
        e = self.x_dm[addr] // (meter * 10) * step
        n = self.y_dm[addr] // (meter * 10) * step
        return e, n

    def codes(self, addr: np.ndarray, meter: int = 100) -> np.ndarray:
        """CBS square codes (E####N####) of the addresses."""
        e, n = self.squares(addr, meter)
        return np.char.add(
            np.char.add("E", np.char.zfill(e.astype(str), 4)),
            np.char.add("N", np.char.zfill(n.astype(str), 4)),
        )

    def rd_strings(self, addr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``rd_x`` and ``rd_y`` as written in the BRP extract: metres with one decimal."""

        def fmt(dm: np.ndarray) -> np.ndarray:
            return np.char.add(np.char.add((dm // 10).astype(str), "."), (dm % 10).astype(str))

        return fmt(self.x_dm[addr]), fmt(self.y_dm[addr])


def origin_km(gemeentecode: str) -> tuple[int, int]:
    """Lower-left corner of the municipality's place: nine places on a 3 x 3 grid of 20 km."""
    k = (int(gemeentecode[2:]) - 1) % 9
    return _ORIGIN_KM[0] + SPACING_KM * (k % 3), _ORIGIN_KM[1] + SPACING_KM * (k // 3)


def _shelves(sizes: list[tuple[int, int]], width: int, gap: int) -> list[tuple[int, int]]:
    """Offsets of rectangles in rows (shelves) of at most ``width``, tallest first.

    Placing the tallest first (next-fit decreasing height) wastes little space between
    rows, so the town stays compact; the offsets come back in the input order.
    """
    out: list[tuple[int, int]] = [(0, 0)] * len(sizes)
    x, y, row_h = 0, 0, 0
    for i in sorted(range(len(sizes)), key=lambda k: (-sizes[k][1], k)):
        w, h = sizes[i]
        if x > 0 and x + w > width:
            x, y, row_h = 0, y + row_h + gap, 0
        out[i] = (x, y)
        x += w + gap
        row_h = max(row_h, h)
    return out


def _layout(
    sizes: list[tuple[int, int]], members: list[np.ndarray]
) -> tuple[np.ndarray, tuple[int, int]]:
    """Blocks relative to the town's corner (buurten of a wijk side by side), and the extent."""
    blocks = np.zeros((len(sizes), 4), dtype=np.int64)
    boxes: list[tuple[int, int]] = []
    for buurten in members:
        own = [sizes[b] for b in buurten]
        area = sum(w * h for w, h in own)
        width = max(max(w for w, _ in own), math.ceil(math.sqrt(area) * 1.15))
        offsets = _shelves(own, width, 0)
        for b, (x, y), (w, h) in zip(buurten, offsets, own, strict=True):
            blocks[b] = (x, y, w, h)
        boxes.append(
            (
                max(x + w for (x, _), (w, _) in zip(offsets, own, strict=True)),
                max(y + h for (_, y), (_, h) in zip(offsets, own, strict=True)),
            )
        )
    total = sum(w * h for w, h in boxes)
    width = max(max(w for w, _ in boxes), math.ceil(math.sqrt(total) * 1.1))
    for buurten, (wx, wy) in zip(members, _shelves(boxes, width, _WIJK_GAP), strict=True):
        blocks[buurten, 0] += wx
        blocks[buurten, 1] += wy
    extent = (int((blocks[:, 0] + blocks[:, 2]).max()), int((blocks[:, 1] + blocks[:, 3]).max()))
    return blocks, extent


def make_geography(areas: Areas, pop: Population, zaad: int) -> Geography:
    """Lay out the buurten and place every address; deterministic in ``zaad`` and the code."""
    rng = np.random.default_rng([zaad, RD_STREAM, int(areas.gemeentecode[2:])])
    n_buurt = len(areas.buurt_codes)
    n_hh = len(pop.hh_type)
    addr_buurt = np.concatenate([pop.hh_buurt, pop.hh_buurt2])
    used = np.concatenate([np.ones(n_hh, bool), pop.hh_move < NEVER])
    counts = np.bincount(addr_buurt[used], minlength=n_buurt)
    density = np.array([_DENSITY.get(p, _DENSITY_DEFAULT) for p in areas.buurt_profile])
    density *= rng.uniform(0.8, 1.25, n_buurt)
    aspect = rng.uniform(0.6, 1.6, n_buurt)
    members = [np.flatnonzero(areas.buurt_wijk == w) for w in range(len(areas.wijk_codes))]
    while True:
        need = np.maximum(1, np.ceil(counts / density)).astype(np.int64)
        widths = np.maximum(1, np.round(np.sqrt(need * aspect))).astype(np.int64)
        heights = np.maximum(1, np.ceil(need / widths)).astype(np.int64)
        sizes = [(int(w), int(h)) for w, h in zip(widths, heights, strict=True)]
        blocks, extent = _layout(sizes, members)
        # A very large municipality is built denser, so it stays within its own place.
        if max(extent) <= _MAX_EXTENT:
            break
        density *= 1.25
    x0, y0 = origin_km(areas.gemeentecode)
    blocks[:, 0] += x0 * 10
    blocks[:, 1] += y0 * 10

    # Addresses: a square of the block by a skewed weight, then a point inside it.
    x_dm = np.zeros(2 * n_hh, dtype=np.int64)
    y_dm = np.zeros(2 * n_hh, dtype=np.int64)
    order = np.argsort(addr_buurt, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(addr_buurt, minlength=n_buurt))])
    for b in range(n_buurt):
        ids = order[bounds[b] : bounds[b + 1]]
        e0, n0, w, h = (int(v) for v in blocks[b])
        weight = rng.gamma(1.2, 1.0, w * h) * (rng.random(w * h) >= 0.1)
        if weight.sum() == 0:
            weight[:] = 1.0
        cell = rng.choice(w * h, size=len(ids), p=weight / weight.sum())
        x_dm[ids] = (e0 + cell % w) * 1000 + rng.integers(0, 1000, len(ids))
        y_dm[ids] = (n0 + cell // w) * 1000 + rng.integers(0, 1000, len(ids))
    return Geography(areas.gemeentecode, blocks, x_dm, y_dm)


def boundaries_geojson(areas: Areas, geo: Geography) -> dict[str, object]:
    """Wijk and buurt boundaries as PDOK publishes them (GeoJSON, RD New), from the blocks.

    A buurt is its block of squares; a wijk is the union of its buurten. Written with the
    ``crs`` member of PDOK's WFS output, so `inlezen` reads it like the real file.
    """
    from shapely import box, unary_union
    from shapely.geometry import mapping

    def ring(b: int) -> object:
        e, n, w, h = (int(v) * 100 for v in geo.blokken[b])
        return box(e, n, e + w, n + h)

    features: list[dict[str, object]] = []
    for w, (wijkcode, wijknaam) in enumerate(zip(areas.wijk_codes, areas.wijk_names, strict=True)):
        buurten = np.flatnonzero(areas.buurt_wijk == w)
        props = {"gemeentecode": areas.gemeentecode, "gemeentenaam": areas.naam}
        features.append(
            {
                "type": "Feature",
                "properties": {"wijkcode": wijkcode, "wijknaam": wijknaam, **props},
                "geometry": mapping(unary_union([ring(int(b)) for b in buurten])),
            }
        )
        for b in buurten:
            buurt = {"buurtcode": areas.buurt_codes[b], "buurtnaam": areas.buurt_names[b]}
            features.append(
                {
                    "type": "Feature",
                    "properties": {**buurt, "wijkcode": wijkcode, **props},
                    "geometry": mapping(ring(int(b))),
                }
            )
    return {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": features,
    }
