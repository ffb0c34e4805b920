"""Reader for wijk and buurt boundaries: GeoJSON as PDOK publishes CBS "Wijken en Buurten".

PDOK serves the CBS wijk- en buurtkaart as GeoJSON (OGC API Features, collections
``gemeenten``, ``wijken``, ``buurten``; older WFS layers ``cbs_wijken_2023`` and the like).
Each feature has the code and name of its area (``buurtcode``/``buurtnaam``,
``wijkcode``/``wijknaam``, ``gemeentecode``/``gemeentenaam``; the oldest layers
``statcode``/``statnaam``) and a Polygon or MultiPolygon. Coordinates come in RD New
(EPSG:28992, the WFS default and ``?crs=`` on the OGC API) or in WGS84 longitude/latitude
(the OGC API default). The file says which in a ``crs`` member, or not at all: then the
numbers tell (RD metres are in the hundreds of thousands, degrees are not).

At the door every geometry is checked (a ring that crosses itself, too few points, a
coordinate outside the Netherlands) and stored as GeoJSON in WGS84, the coordinate system
GeoJSON itself prescribes (RFC 7946), rounded to 1e-6 degree (about 10 cm). A feature that
fails is quarantined with its place in the file; the other features load. The name, when
present, also becomes the area's name (``gebied``), so a municipality needs only this file
for names and map. Boundaries are public data: no person is in them.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from stuurdata.privacy.bsn import scrub
from stuurdata.sources.gebieden import CODE, MAX_NAME, plain_name
from stuurdata.sources.records import Rejection, Row, SourceFile, Unit

DECIMALS = 6  # 1e-6 degree: about 11 cm north-south, 7 cm east-west in the Netherlands
# Longitude and latitude of the Netherlands with its coastal waters, generously.
WGS84_LON = (2.5, 7.5)
WGS84_LAT = (50.5, 54.0)
RD_X = (0.0, 300_000.0)
RD_Y = (300_000.0, 630_000.0)
_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*\{")
_KINDS = (  # most specific first: a buurt feature also carries its wijk and gemeente
    ("buurt", "buurtcode", "buurtnaam"),
    ("wijk", "wijkcode", "wijknaam"),
    ("gemeente", "gemeentecode", "gemeentenaam"),
)
_SOORT = "grens"
_GEOJSON_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection")


class _Afgekeurd(ValueError):
    """A feature that cannot load; the message is the Dutch reason."""


def is_grenzen(data: bytes) -> bool:
    """A GeoJSON FeatureCollection: a JSON object that says so near its start."""
    return _START.match(data) is not None and b'"FeatureCollection"' in data[:65536]


@cache
def _rd_to_wgs84() -> Any:
    """RD New to WGS84 (lon, lat). PROJ's own datum shift: within a metre, plenty for a map."""
    from pyproj import Transformer

    return Transformer.from_crs(28992, 4326, always_xy=True)


def _declared_crs(collection: dict[str, Any]) -> str | None:
    """``rd``, ``wgs84``, None when the file does not say; raises for any other system."""
    crs = collection.get("crs")
    if crs is None:
        return None
    name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else ""
    if "28992" in name:
        return "rd"
    if "4326" in name or "CRS84" in name.upper():
        return "wgs84"
    raise _Afgekeurd(
        f"Grenzenbestand gebruikt coördinatenstelsel '{scrub(name[:60])}'; lees het in als RD New "
        "(EPSG:28992) of WGS84 (EPSG:4326), zoals PDOK het levert."
    )


def _lowered(properties: Any) -> dict[str, str]:
    if not isinstance(properties, dict):
        return {}
    return {str(k).lower(): str(v).strip() for k, v in properties.items() if v is not None}


def _area(props: dict[str, str]) -> tuple[str, str, str]:
    """(niveau, code, naam) of a feature; raises when no valid CBS code is found."""
    found = [(n, props[c], props.get(naam, "")) for n, c, naam in _KINDS if props.get(c)]
    if found:
        niveau, code, naam = found[0]
    else:
        code, naam = props.get("statcode", ""), props.get("statnaam", "")
        niveau = next((n for n, rx in CODE.items() if rx.fullmatch(code)), "")
    if niveau not in CODE or not CODE[niveau].fullmatch(code):
        raise _Afgekeurd(
            "Grens afgekeurd: geen geldige CBS-code (buurtcode BU########, wijkcode WK###### "
            "of gemeentecode GM####) in de eigenschappen."
        )
    return niveau, code, naam


def _check_name(naam: str) -> None:
    if naam and not plain_name(naam):
        raise _Afgekeurd(
            "Grens afgekeurd: de naam is geen gewone plaatsnaam (begint met =, +, - of @, "
            f"bevat een getal van negen cijfers of een stuurteken, of is langer dan {MAX_NAME} "
            "tekens)."
        )


def _in_range(
    bounds: tuple[float, float, float, float], xs: tuple[float, float], ys: tuple[float, float]
) -> bool:
    minx, miny, maxx, maxy = bounds
    return xs[0] <= minx and maxx <= xs[1] and ys[0] <= miny and maxy <= ys[1]


def _geometry(raw: Any, crs: str | None) -> str:
    """The checked geometry as GeoJSON text in WGS84; raises with the Dutch reason."""
    import shapely
    from shapely.geometry import mapping, shape
    from shapely.validation import explain_validity

    if not isinstance(raw, dict) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        found = raw.get("type") if isinstance(raw, dict) else None
        soort = found if found in _GEOJSON_TYPES else ("leeg" if not found else "onbekend")
        raise _Afgekeurd(
            f"Grens afgekeurd: de geometrie is {soort}, geen vlak (Polygon of MultiPolygon)."
        )
    try:
        geom = shape(raw)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        raise _Afgekeurd(
            "Grens afgekeurd: de coördinaten vormen geen vlak (een ring heeft minstens vier "
            "punten van twee getallen en sluit: het laatste punt is het eerste)."
        ) from None
    coords = shapely.get_coordinates(geom)
    if geom.is_empty or not all(math.isfinite(v) for v in coords.ravel()):
        raise _Afgekeurd("Grens afgekeurd: de geometrie is leeg of heeft een ongeldig getal.")
    if crs is None:
        if _in_range(geom.bounds, RD_X, RD_Y):
            crs = "rd"
        elif _in_range(geom.bounds, WGS84_LON, WGS84_LAT):
            crs = "wgs84"
    elif not _in_range(geom.bounds, *((RD_X, RD_Y) if crs == "rd" else (WGS84_LON, WGS84_LAT))):
        crs = None
    if crs is None:
        raise _Afgekeurd(
            "Grens afgekeurd: de coördinaten liggen niet in Nederland, in RD New (EPSG:28992) "
            "noch in WGS84 (lengte- en breedtegraad)."
        )
    if not geom.is_valid:
        reason = explain_validity(geom)
        raise _Afgekeurd(
            "Grens afgekeurd: ongeldige geometrie, bijvoorbeeld een rand die zichzelf snijdt "
            f"of een gat buiten het vlak ({_dutch_validity(reason)})."
        )
    if crs == "rd":
        transformer = _rd_to_wgs84()
        geom = shapely.transform(geom, lambda xy: _stack(transformer.transform(xy[:, 0], xy[:, 1])))
    geom = shapely.set_precision(geom, 10.0**-DECIMALS)
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise _Afgekeurd("Grens afgekeurd: het vlak is kleiner dan 10 centimeter.")
    return json.dumps(mapping(geom), separators=(",", ":"))


def _stack(lonlat: tuple[Any, Any]) -> Any:
    import numpy as np

    return np.column_stack(lonlat)


_VALIDITY = (
    ("Self-intersection", "de rand snijdt zichzelf"),
    ("Ring Self-intersection", "een ring raakt zichzelf"),
    ("Too few points", "te weinig punten"),
    ("Hole lies outside shell", "een gat ligt buiten het vlak"),
    ("Nested shells", "vlakken liggen in elkaar"),
    ("Interior is disconnected", "het vlak valt uiteen"),
    ("Nested holes", "gaten liggen in elkaar"),
)


def _dutch_validity(reason: str) -> str:
    """Shapely's reason in Dutch, with the place in the file's own coordinates."""
    place = scrub(reason[reason.find("[") :][:60]) if "[" in reason else ""
    dutch = next((nl for en, nl in _VALIDITY if reason.startswith(en)), "de vorm klopt niet")
    return f"{dutch} bij {place}" if place else dutch


def read_grenzen(file: SourceFile) -> Iterator[Unit | Rejection]:
    """One Unit per feature (its boundary, and its name when given); bad ones quarantined."""
    try:
        collection = json.loads(file.data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        yield Rejection("bestand", _SOORT, "Grenzenbestand is geen UTF-8-tekst.")
        return
    except json.JSONDecodeError as exc:
        yield Rejection(
            f"regel {exc.lineno}",
            _SOORT,
            f"Grenzenbestand is geen geldige GeoJSON: fout in de JSON op regel {exc.lineno}, "
            f"kolom {exc.colno}.",
        )
        return
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        yield Rejection("bestand", _SOORT, "Grenzenbestand heeft geen lijst 'features' (GeoJSON).")
        return
    try:
        crs = _declared_crs(collection)
    except _Afgekeurd as exc:
        yield Rejection("bestand", _SOORT, str(exc))
        return
    for index, feature in enumerate(features, start=1):
        position = f"feature {index}"
        try:
            if not isinstance(feature, dict):
                raise _Afgekeurd("Grens afgekeurd: dit element is geen GeoJSON-Feature.")
            niveau, code, naam = _area(_lowered(feature.get("properties")))
            position = f"feature {index} ({code})"
            _check_name(naam)
            geometrie = _geometry(feature.get("geometry"), crs)
        except _Afgekeurd as exc:
            yield Rejection(position, _SOORT, str(exc))
            continue
        grens: Row = {
            "gebiedscode": code,
            "niveau": niveau,
            "gemeentecode": f"GM{code[2:6]}",
            "geometrie": geometrie,
        }
        rows: dict[str, list[Row]] = {"grens": [grens]}
        if naam:
            rows["gebied"] = [{"gebiedscode": code, "naam": naam, "niveau": niveau}]
        digest = hashlib.sha256(geometrie.encode()).hexdigest()[:16]
        yield Unit(key=f"{code}|{digest}|{naam}", kind=_SOORT, position=position, rows=rows)
