"""The map of a publication: wijk and buurt boundaries of its scope, simplified, as GeoJSON.

The dashboard reads only the publication, so the boundaries travel with the figures
(``gebieden.geojson`` beside ``cijfers.parquet``). Only the areas of the scope's gemeenten,
only the levels the purpose allows (no buurt map under a purpose up to wijk), and only
what a map of a town needs: each outline simplified to about 5 metres and rounded to five
decimals (about a metre), which keeps a town of 60 buurten well under a megabyte.
Boundaries are public data (CBS/PDOK); no figure is in the file, so nothing here needs
disclosure control.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from stuurdata.privacy.purposes import NIVEAUS
from stuurdata.publication.scope import Scope

GRENZEN = "gebieden.geojson"  # the file beside cijfers.parquet
TOLERANCE = 0.00005  # degrees: about 5.5 m north-south, 3.5 m east-west
DECIMALS = 5
LEVELS = ("wijk", "buurt")  # the map levels (a gemeente-level map would be one shape)
BRONNEN = ("grens", "gebied")  # the tables this reads (for the purpose check and audit)


def published_boundaries(
    con: duckdb.DuckDBPyConnection, scope: Scope, niveau: str = "buurt"
) -> dict[str, Any] | None:
    """A FeatureCollection of the scope's wijken and buurten up to ``niveau``; None without any.

    Properties: ``gebiedscode``, ``naam`` (the name in ``gebied``, else the code), ``niveau``.
    """
    import shapely
    from shapely.geometry import mapping, shape

    has = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'grens'"
    ).fetchone()
    if not has or not has[0]:
        return None
    allowed = [n for n in LEVELS if n in NIVEAUS[: NIVEAUS.index(niveau) + 1]]
    if not allowed:
        return None
    rows = con.execute(
        "SELECT g.gebiedscode, coalesce(a.naam, g.gebiedscode), g.niveau, g.geometrie "
        "FROM grens g LEFT JOIN gebied a USING (gebiedscode) "
        "WHERE g.niveau IN (SELECT unnest(?)) AND g.gemeentecode IN (SELECT unnest(?)) "
        "ORDER BY g.niveau DESC, g.gebiedscode",
        [allowed, list(scope.gemeenten)],
    ).fetchall()
    features = []
    for code, naam, level, text in rows:
        geom = shape(json.loads(text)).simplify(TOLERANCE, preserve_topology=True)
        geom = shapely.set_precision(geom, 10.0**-DECIMALS)
        if geom.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"gebiedscode": code, "naam": naam, "niveau": level},
                "geometry": mapping(geom),
            }
        )
    return {"type": "FeatureCollection", "features": features} if features else None


def read_boundaries(folder: Path) -> dict[str, Any] | None:
    """The map of the publication in ``folder``; None without one (or an unreadable one)."""
    try:
        data = json.loads((Path(folder) / GRENZEN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("features"), list) else None
