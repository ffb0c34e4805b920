"""The dashboard's only source of figures: the newest publication of a warehouse.

The web layer reads publications, never the canonical tables. A publication is a folder with
``cijfers.parquet`` (the long contract: one row per protected figure),
``publicatie.json`` (when, under which purpose and rule, the end of the data, area names,
load accounting) and, when boundaries were loaded, ``gebieden.geojson`` (the map). This
module is the one place that knows that layout, so the pages and the API only see
``WebPublicatie``.

Where it looks: an explicit folder (``stuurdata web --publicatie``), else every folder beside
the warehouse that holds a publication (``demo/publicatie`` after ``make demo``); the newest
by its ``gemaakt`` time wins. Without one, ``stuurdata web`` says to run ``stuurdata
publiceer``: the dashboard never computes a figure itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from stuurdata.publication.contract import COLUMNS as CONTRACT_COLUMNS
from stuurdata.publication.grenzen import read_boundaries

PARQUET = "cijfers.parquet"
META = "publicatie.json"
# The contract's columns (``publication.contract``) without the lineage; missing ones are
# added empty.
COLUMNS = tuple(c for c in CONTRACT_COLUMNS if c not in ("bronnen", "ladingen"))
_NUMERIC = ("teller", "noemer", "waarde", "n", "ondergrens", "bovengrens")
_TEXT = ("maat", "niveau", "gebiedscode", "periodesoort", "periode", "categorie", "eenheid")


class GeenPublicatie(LookupError):
    """No readable publication for this warehouse; the message is Dutch and says what to do."""


@dataclass(frozen=True)
class Bron:
    """Load accounting of one source, as the publication recorded it."""

    bron: str
    naam: str
    bestanden: int
    gelezen: int
    geladen: int
    gequarantaineerd: int
    dubbel: int
    laatst_geladen: str | None


@dataclass(frozen=True)
class WebPublicatie:
    """What the dashboard shows: the protected figures and what is known about them."""

    map: Path
    cijfers: pd.DataFrame
    gemaakt: datetime
    doel: str | None
    regel: str
    colofon: str
    eind: date | None
    gemeente: str | None
    namen: dict[str, str] = field(default_factory=dict)
    bronnen: tuple[Bron, ...] = ()
    definities: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # chain-quality label per measure
    grenzen: dict[str, Any] | None = None  # GeoJSON FeatureCollection (WGS84), when published

    def naam(self, code: str) -> str:
        """The area's name, else its code."""
        return self.namen.get(code, code)


def _plain(value: Any) -> Any:
    """The publication's tagged JSON (dates, tuples, dataclasses) as plain dicts and lists.

    Only data is read: no class named in the file is imported or built.
    """
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("__type__")
    if kind in ("date", "datetime"):
        return value.get("v")
    if kind == "tuple":
        return [_plain(v) for v in value.get("v", [])]
    return {k: _plain(v) for k, v in value.items() if k != "__type__"}


def is_publication(folder: Path) -> bool:
    return (folder / PARQUET).is_file() and (folder / META).is_file()


def candidates(pakhuis: Path) -> list[Path]:
    """Folders beside the warehouse that hold a publication."""
    parent = Path(pakhuis).resolve().parent
    if not parent.is_dir():
        return []
    return sorted(p for p in parent.iterdir() if p.is_dir() and is_publication(p))


def _made(folder: Path) -> str:
    try:
        return str(json.loads((folder / META).read_text(encoding="utf-8")).get("gemaakt", ""))
    except (OSError, ValueError, AttributeError):
        return ""


def find_publication(pakhuis: Path, publicatie: Path | None = None) -> Path:
    """The folder of the publication to show: the given one, else the newest beside ``pakhuis``."""
    if publicatie is not None:
        if not is_publication(Path(publicatie)):
            raise GeenPublicatie(
                f"Map {publicatie} bevat geen publicatie ({PARQUET} en {META} ontbreken)."
            )
        return Path(publicatie)
    found = candidates(pakhuis)
    if not found:
        raise GeenPublicatie(
            f"Naast {pakhuis} staat nog geen publicatie. Maak er een met 'stuurdata publiceer'."
        )
    return max(found, key=_made)


def load_publication(folder: Path) -> WebPublicatie:
    """Read one publication folder into the dashboard's view of it."""
    folder = Path(folder)
    try:
        meta = _plain(json.loads((folder / META).read_text(encoding="utf-8")))
        cijfers = pd.read_parquet(folder / PARQUET)
    except (OSError, ValueError) as exc:
        raise GeenPublicatie(f"De publicatie in {folder} is niet leesbaar: {exc}") from None
    if not isinstance(meta, dict):
        raise GeenPublicatie(f"{folder / META} is geen publicatie.")
    report = meta.get("rapport") or {}
    scope = meta.get("scope") or {}
    regel = meta.get("regel") or {}
    eind = scope.get("eind") or report.get("eind")
    gemeenten = scope.get("gemeenten") or []
    return WebPublicatie(
        map=folder,
        cijfers=contract(cijfers),
        gemaakt=datetime.fromisoformat(str(meta.get("gemaakt") or "1970-01-01T00:00:00+00:00")),
        doel=meta.get("doel"),
        regel=str(regel.get("tekst", "")),
        colofon=str(meta.get("colofon", "")),
        eind=date.fromisoformat(str(eind)[:10]) if eind else None,
        gemeente=gemeenten[0] if gemeenten else report.get("gemeente"),
        namen={str(k): str(v) for k, v in (report.get("namen") or {}).items()},
        bronnen=tuple(_bron(b) for b in report.get("bronnen") or ()),
        definities={str(k): int(v) for k, v in (meta.get("definities") or {}).items()},
        labels={str(k): str(v) for k, v in (report.get("labels") or {}).items()},
        grenzen=read_boundaries(folder),
    )


def _bron(row: dict[str, Any]) -> Bron:
    return Bron(
        bron=str(row.get("bron", "")),
        naam=str(row.get("naam", row.get("bron", ""))),
        bestanden=int(row.get("bestanden") or 0),
        gelezen=int(row.get("gelezen") or 0),
        geladen=int(row.get("geladen") or 0),
        gequarantaineerd=int(row.get("gequarantaineerd") or 0),
        dubbel=int(row.get("dubbel") or 0),
        laatst_geladen=str(row["laatst_geladen"]) if row.get("laatst_geladen") else None,
    )


def contract(frame: pd.DataFrame) -> pd.DataFrame:
    """The contract's columns with fixed types (``indicator`` read as ``maat``)."""
    out = frame.rename(columns={"indicator": "maat"}).copy()
    for column in COLUMNS:
        if column not in out.columns:
            out[column] = None
    for column in _NUMERIC:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    for column in _TEXT:
        out[column] = out[column].fillna("").astype("str")
    out["status"] = out["status"].fillna("").astype("str")
    out["versie"] = pd.to_numeric(out["versie"], errors="coerce").astype("Int64")
    out["volledig"] = out["volledig"].astype("boolean")  # NA: a publication from before it
    return out[list(COLUMNS)].reset_index(drop=True)


def newest(pakhuis: Path, publicatie: Path | None = None) -> WebPublicatie:
    """The newest publication for ``pakhuis`` (or the given folder), read."""
    return load_publication(find_publication(pakhuis, publicatie))
