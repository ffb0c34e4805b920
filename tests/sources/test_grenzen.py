"""Wijk and buurt boundaries (PDOK GeoJSON) at the door: detected, checked, stored in WGS84."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from stuurdata.sources.detect import detect
from stuurdata.sources.grenzen import read_grenzen
from stuurdata.sources.records import Rejection, SourceFile, Unit
from stuurdata.warehouse.load import load_sources

RD_CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}


def square(x: float, y: float, size: float) -> dict[str, Any]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def buurt(code: str, naam: str, geometry: Any) -> dict[str, Any]:
    """A feature as PDOK's ``buurten`` collection has it (a few of its many properties)."""
    return {
        "type": "Feature",
        "properties": {
            "buurtcode": code,
            "buurtnaam": naam,
            "wijkcode": code[:8].replace("BU", "WK"),
            "gemeentecode": "GM" + code[2:6],
            "gemeentenaam": "Amersfoort",
            "water": "NEE",
            "aantal_inwoners": 1234,
        },
        "geometry": geometry,
    }


def collection(*features: dict[str, Any], crs: dict[str, Any] | None = None) -> bytes:
    data: dict[str, Any] = {"type": "FeatureCollection", "features": list(features)}
    if crs is not None:
        data["crs"] = crs
    return json.dumps(data).encode()


def corner(geometrie: object) -> tuple[float, float]:
    """The south-west corner (least longitude and latitude) of a stored outline."""
    ring = json.loads(str(geometrie))["coordinates"][0]
    return min(p[0] for p in ring), min(p[1] for p in ring)


def read(data: bytes) -> list[Unit | Rejection]:
    return list(read_grenzen(SourceFile("x.geojson", data, "0" * 64)))


BOWTIE = {  # a ring that crosses itself
    "type": "Polygon",
    "coordinates": [
        [[155000, 463000], [155100, 463100], [155100, 463000], [155000, 463100], [155000, 463000]]
    ],
}


def test_detected_by_content_as_a_gebieden_source() -> None:
    data = collection(buurt("BU03070101", "Binnenstad", square(155000, 463000, 100)))
    assert detect(SourceFile("what.txt", data, "x")) == "gebieden"
    assert detect(SourceFile("x.json", b'{"type": "Feature"}', "x")) == "onbekend"


def test_rd_coordinates_become_wgs84_and_the_name_an_area() -> None:
    data = collection(buurt("BU03070101", "Binnenstad", square(155000, 463000, 100)), crs=RD_CRS)
    (unit,) = read(data)
    assert isinstance(unit, Unit)
    grens = unit.rows["grens"][0]
    assert (grens["gebiedscode"], grens["niveau"], grens["gemeentecode"]) == (
        "BU03070101",
        "buurt",
        "GM0307",
    )
    lon, lat = corner(grens["geometrie"])
    # Amersfoort's Onze Lieve Vrouwetoren (RD 155000, 463000) lies at 5.3872 E, 52.1552 N.
    assert abs(lon - 5.38720) < 0.0001 and abs(lat - 52.15517) < 0.0001
    assert unit.rows["gebied"] == [
        {"gebiedscode": "BU03070101", "naam": "Binnenstad", "niveau": "buurt"}
    ]


def test_without_crs_member_the_numbers_tell_rd_from_wgs84() -> None:
    rd = read(collection(buurt("BU03070101", "A", square(155000, 463000, 100))))
    wgs = read(collection(buurt("BU03070101", "A", square(5.3872, 52.1552, 0.001))))
    for found in (rd, wgs):
        assert isinstance(found[0], Unit)
        lon, lat = corner(found[0].rows["grens"][0]["geometrie"])
        assert abs(lon - 5.3872) < 0.0001 and abs(lat - 52.1552) < 0.0001


def test_bad_features_are_quarantined_with_a_dutch_reason_the_rest_loads() -> None:
    items = read(
        collection(
            buurt("BU03070101", "Goed", square(155000, 463000, 100)),
            buurt("BU03070102", "Vlinder", BOWTIE),
            buurt("XX123", "Geen code", square(155000, 463000, 100)),
            buurt("BU03070104", "Buiten", square(900000, 463000, 100)),
            buurt("BU03070105", "Punt", {"type": "Point", "coordinates": [155000, 463000]}),
            buurt("BU03070106", "=HYPERLINK()", square(155000, 463000, 100)),
            buurt("BU03070107", "Open", {"type": "Polygon", "coordinates": [[[1, 2], [3]]]}),
            crs=RD_CRS,
        )
    )
    assert isinstance(items[0], Unit)
    rejected = items[1:]
    assert all(isinstance(r, Rejection) for r in rejected)
    by_place = {r.position: r.message for r in rejected if isinstance(r, Rejection)}
    assert "rand snijdt zichzelf" in by_place["feature 2 (BU03070102)"]
    assert "geen geldige CBS-code" in by_place["feature 3"]
    assert "niet in Nederland" in by_place["feature 4 (BU03070104)"]
    assert "geen vlak" in by_place["feature 5 (BU03070105)"]
    assert "gewone plaatsnaam" in by_place["feature 6 (BU03070106)"]
    assert "geen vlak" in by_place["feature 7 (BU03070107)"]


def test_whole_file_problems_are_one_quarantined_record() -> None:
    (not_json,) = read(b'{"type": "FeatureCollection", "features": [')
    assert isinstance(not_json, Rejection) and "geen geldige GeoJSON" in not_json.message
    (other_crs,) = read(
        collection(
            buurt("BU03070101", "A", square(155000, 463000, 100)),
            crs={"type": "name", "properties": {"name": "EPSG:3857"}},
        )
    )
    assert isinstance(other_crs, Rejection) and "EPSG:28992" in other_crs.message
    (quoted,) = read(
        collection(
            buurt("BU03070101", "A", square(155000, 463000, 100)),
            crs={"type": "name", "properties": {"name": "stelsel 111222333"}},
        )
    )
    assert isinstance(quoted, Rejection) and "111222333" not in quoted.message  # no BSN shape


def test_loaded_into_the_warehouse_with_full_accounting(tmp_path: Path, pseudo) -> None:
    path = tmp_path / "grenzen.geojson"
    path.write_bytes(
        collection(
            buurt("BU03070101", "Binnenstad", square(155000, 463000, 100)),
            buurt("BU03070102", "Vlinder", BOWTIE),
            {
                "type": "Feature",
                "properties": {
                    "wijkcode": "WK030701",
                    "wijknaam": "Centrum",
                    "gemeentecode": "GM0307",
                },
                "geometry": square(155000, 463000, 200),
            },
            crs=RD_CRS,
        )
    )
    pakhuis = tmp_path / "p.duckdb"
    first = load_sources([path], pakhuis, pseudo)
    (count,) = first.bestanden
    assert (count.bron, count.gelezen, count.geladen, count.gequarantaineerd, count.dubbel) == (
        "gebieden",
        3,
        2,
        1,
        0,
    )
    again = load_sources([path], pakhuis, pseudo)  # the quarantine makes it read again
    (count,) = again.bestanden
    assert count.gelezen == count.geladen + count.gequarantaineerd + count.dubbel
    assert count.geladen == 0
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        assert con.execute(
            "SELECT gebiedscode, niveau, gemeentecode FROM grens ORDER BY 1"
        ).fetchall() == [("BU03070101", "buurt", "GM0307"), ("WK030701", "wijk", "GM0307")]
        assert con.execute("SELECT gebiedscode, naam FROM gebied ORDER BY 1").fetchall() == [
            ("BU03070101", "Binnenstad"),
            ("WK030701", "Centrum"),
        ]
        (melding,) = con.execute("SELECT DISTINCT melding FROM quarantaine").fetchone()
        assert "rand snijdt zichzelf" in melding
    finally:
        con.close()


def test_a_new_outline_replaces_the_stored_one(tmp_path: Path, pseudo) -> None:
    pakhuis = tmp_path / "p.duckdb"
    for size in (100, 150):
        path = tmp_path / f"grenzen{size}.geojson"
        path.write_bytes(
            collection(buurt("BU03070101", "Binnenstad", square(155000, 463000, size)))
        )
        (count,) = load_sources([path], pakhuis, pseudo).bestanden
        assert (count.gelezen, count.geladen) == (1, 1)
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        ((text,),) = con.execute("SELECT geometrie FROM grens").fetchall()
    finally:
        con.close()
    ring = json.loads(text)["coordinates"][0]
    lons = [p[0] for p in ring]
    # 150 m at 52.16 N is about 0.0022 degrees of longitude.
    assert 0.0020 < max(lons) - min(lons) < 0.0024
