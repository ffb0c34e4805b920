"""The main job on the embedded default: generate Demostad, load, publish, report.

This is what `make demo` runs. Each step is a library call that a notebook user could make
too; this module only chains them and returns what the CLI prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stuurdata.privacy.governance import ensure_demo_purpose, verwerking
from stuurdata.privacy.keys import pseudonymiser
from stuurdata.publication.contract import as_indicator_frame
from stuurdata.publication.publish import indicator_sources, publiceer
from stuurdata.publication.store import CSV, write_publication
from stuurdata.report.publicatie import render_publication
from stuurdata.sources.aanbieders import BESTAND, read_provider_names
from stuurdata.synth import SynthSummary, generate
from stuurdata.warehouse.load import LoadResult, connect, load_sources


@dataclass
class DemoResult:
    """Paths and counts of one demo run, for the summary the CLI prints."""

    synth: SynthSummary
    lading: LoadResult
    pakhuis: Path
    rapport: Path
    indicatoren: Path  # the publication's cijfers.csv
    kerncijfers: dict[str, str]


def run_demo(
    map: Path,
    *,
    inwoners: int = 60_000,
    maanden: int = 36,
    zaad: int = 1,
    sleutel: Path | None = None,
    synth_progress: Callable[[str, float], None] | None = None,
    load_progress: Callable[[int, int, str], None] | None = None,
) -> DemoResult:
    """Generate, load, compute and report into ``map`` (a re-run starts afresh).

    Everything runs under the demo purpose (registered on first use) and is audit-logged.
    """
    map = Path(map)
    pakhuis = map / "pakhuis.duckdb"
    for stale in (pakhuis, Path(f"{pakhuis}.wal")):  # purposes and the audit log stay
        stale.unlink(missing_ok=True)
    synth = generate(
        map / "synth", inwoners=inwoners, maanden=maanden, zaad=zaad, progress=synth_progress
    )
    doel = ensure_demo_purpose(pakhuis)
    with verwerking(pakhuis, doel=doel.naam, activiteit="inlezen") as v:
        lading = load_sources(
            [map / "synth" / "bronnen"],
            pakhuis,
            pseudonymiser(sleutel, pakhuis),
            doel=doel.naam,
            progress=load_progress,
            bronnen=doel.bronnen,
            verwerking_id=v.verwerking_id,
        )
        v.bronnen = sorted({f.bron for f in lading.bestanden if f.geladen})
        v.personen, v.uitvoer = lading.personen, str(pakhuis)
    rapport, publicatie = map / "rapport.html", map / "publicatie"
    begroting = map / "synth" / "begroting.csv"
    con = connect(pakhuis)
    try:
        with verwerking(
            pakhuis,
            doel=doel.naam,
            activiteit="export",
            bronnen=indicator_sources(),
            niveau="buurt",
        ) as v:
            pub = publiceer(
                con,
                doel=doel,
                begroting=begroting if begroting.exists() else None,
                cbs_cache=map / "synth" / "cbs",
                aanbieders=read_provider_names(map / "synth" / BESTAND).namen,
            )
            write_publication(pub, publicatie)
            v.bronnen, v.uitvoer = list(pub.bronnen), str(publicatie)
    finally:
        con.close()
    render_publication(pub, rapport)  # from the publication alone, as `rapport --publicatie`
    published = as_indicator_frame(pub.cijfers)
    return DemoResult(synth, lading, pakhuis, rapport, publicatie / CSV, kerncijfers(published))


def kerncijfers(published: pd.DataFrame) -> dict[str, str]:
    """Headline figures of the last full year at gemeente level, as published (protected).

    A year is full when its December is in the data; otherwise the newest year is shown.
    """
    gm = published[(published["niveau"] == "gemeente") & (published["periodesoort"] == "jaar")]
    months = set(published.loc[published["periodesoort"] == "maand", "periode"])
    full = gm[gm["periode"].map(lambda year: f"{year}-12" in months)]
    gm = full if not full.empty else gm
    out: dict[str, str] = {}
    labels = {
        "clienten_wmo": "Cliënten Wmo",
        "clienten_jeugd": "Jeugdigen met jeugdhulp",
        "clienten_per_1000_wmo": "Wmo-cliënten per 1.000 inwoners",
    }
    for indicator, label in labels.items():
        rows = gm[gm["indicator"] == indicator].sort_values("periode")
        if rows.empty:
            continue
        last = rows.iloc[-1]
        if last["status"] == "onderdrukt":
            value = "."
        elif indicator.startswith("clienten_per_1000"):
            value = f"{last['waarde']:.1f}".replace(".", ",")
        else:
            value = f"{last['teller']:,.0f}".replace(",", ".")
        out[f"{label} {last['periode']}"] = value
    return out
