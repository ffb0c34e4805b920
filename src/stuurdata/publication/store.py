"""A publication on disk: ``cijfers.parquet``, ``cijfers.csv``, ``publicatie.json`` and, when
the warehouse holds boundaries, ``gebieden.geojson`` (the map).

The folder is the unit a reader gets: the figures in both formats and, in
``publicatie.json``, when it was made, under which purpose and scope, with which rule,
software and definition versions, from which sources, plus what the report shows besides
the figures. Writing again into the same folder replaces it; ``versie`` counts the
publications made into it, and the previous metadata is kept in ``eerder`` so the history
of a folder stays readable.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.privacy.rule import describe_rule
from stuurdata.publication.chapters import decode, encode
from stuurdata.publication.contract import write_csv
from stuurdata.publication.grenzen import GRENZEN, read_boundaries
from stuurdata.publication.publish import Publicatie
from stuurdata.publication.scope import Scope

PARQUET = "cijfers.parquet"
CSV = "cijfers.csv"
META = "publicatie.json"
FORMAT = 1


class PublicatieOnleesbaar(ValueError):
    """The folder holds no (readable) publication; the message is Dutch."""


def write_publication(pub: Publicatie, folder: Path) -> Path:
    """Write the publication into ``folder`` (created) and return the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    previous = _read_meta(folder) if (folder / META).exists() else None
    names = {**pub.meta.namen}
    pub.cijfers.to_parquet(folder / PARQUET, index=False)
    write_csv(pub.cijfers, folder / CSV, names)
    if pub.grenzen is not None:
        text = json.dumps(pub.grenzen, ensure_ascii=False, separators=(",", ":"))
        (folder / GRENZEN).write_text(text, encoding="utf-8")
    else:
        (folder / GRENZEN).unlink(missing_ok=True)  # no stale map beside new figures
    history = []
    if previous is not None:
        history = [*previous.pop("eerder", []), {k: previous[k] for k in _SUMMARY if k in previous}]
    meta: dict[str, Any] = {
        "formaat": FORMAT,
        "versie": len(history) + 1,
        "gemaakt": pub.gemaakt.isoformat(),
        "doel": pub.doel,
        "scope": pub.scope.to_dict(),
        "regel": {
            "onderdruk_onder": pub.regel.min_count,
            "afronden_op": pub.regel.round_to,
            "tekst": describe_rule(pub.regel),
        },
        "software": pub.software,
        "definities": pub.definities,
        "bronnen": list(pub.bronnen),
        "colofon": pub.colofon,
        "cijfers": len(pub.cijfers),
        "rapport": encode(pub.meta),
        "hoofdstukken": {k: encode(v) for k, v in pub.hoofdstukken.items()},
        "weggelaten": pub.weggelaten,
        "notities": list(pub.notities),
        "eerder": history,
    }
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


_SUMMARY = ("versie", "gemaakt", "doel", "scope", "regel", "software", "cijfers")


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PublicatieOnleesbaar(
            f"Map {folder} bevat geen leesbare publicatie ({META}): {exc}"
        ) from None
    if not isinstance(data, dict) or data.get("formaat") != FORMAT:
        raise PublicatieOnleesbaar(f"{folder / META} is geen publicatie van deze versie.")
    return data


def read_publication(folder: Path) -> Publicatie:
    """The publication in ``folder``, as written by ``write_publication``."""
    folder = Path(folder)
    if not (folder / META).exists() or not (folder / PARQUET).exists():
        raise PublicatieOnleesbaar(
            f"Map {folder} bevat geen publicatie; maak er een met 'stuurdata publiceer'."
        )
    meta = _read_meta(folder)
    cijfers = pd.read_parquet(folder / PARQUET)
    regel = meta["regel"]
    return Publicatie(
        cijfers=cijfers,
        scope=Scope.from_dict(meta["scope"]),
        regel=DisclosureRule(int(regel["onderdruk_onder"]), int(regel["afronden_op"])),
        doel=meta.get("doel"),
        colofon=meta.get("colofon", ""),
        gemaakt=datetime.fromisoformat(meta["gemaakt"]),
        bronnen=tuple(meta.get("bronnen", ())),
        definities={str(k): int(v) for k, v in meta.get("definities", {}).items()},
        meta=decode(meta["rapport"]),
        hoofdstukken={k: decode(v) for k, v in meta.get("hoofdstukken", {}).items()},
        weggelaten=dict(meta.get("weggelaten", {})),
        software=str(meta.get("software", "")),
        grenzen=read_boundaries(folder),
        notities=tuple({str(k): str(v) for k, v in n.items()} for n in meta.get("notities", ())),
    )


NOTE_FIELDS = ("maat", "gebiedscode", "periode", "tekst", "rol", "datum")


def published_notes(
    pub: Publicatie, pakhuis: Path, url: str | None = None
) -> tuple[dict[str, str], ...]:
    """The dashboard's notes on figures of this publication, oldest first.

    A note goes along only when its measure is published for its area (so it is about a
    figure the reader sees); it carries the writer's role and the date, never the name.
    """
    from sqlalchemy import select

    from stuurdata.privacy.store import annotatie_table, engine_for

    maten, gebieden = pub.cijfers["maat"].astype(str), pub.cijfers["gebiedscode"].astype(str)
    shown = set(zip(maten, gebieden, strict=True))
    query = select(annotatie_table).order_by(annotatie_table.c.id)
    with engine_for(pakhuis, url).connect() as conn:
        rows = conn.execute(query).mappings().all()
    return tuple(
        {
            "maat": str(r["maat"]),
            "gebiedscode": str(r["gebiedscode"]),
            "periode": str(r["periode"]),
            "tekst": str(r["tekst"]),
            "rol": str(r["rol"]),
            "datum": str(r["tijdstip"])[:10],
        }
        for r in rows
        if (str(r["maat"]), str(r["gebiedscode"])) in shown
    )
