"""The commands `stuurdata publiceer` and `stuurdata rapport`: make a publication, show it.

``publiceer`` is the one way figures leave the warehouse (``publication.publiceer``);
``rapport`` renders a publication, or makes one first when given a warehouse. A Typer
sub-app so the main CLI needs one ``app.add_typer`` line.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from stuurdata.cli_doel import DoelOptie, Pakhuis, onder_doel
from stuurdata.cli_export import Motor

if TYPE_CHECKING:
    from stuurdata.publication.publish import Publicatie

app = typer.Typer(add_completion=False, rich_markup_mode="rich")
console = Console()
err = Console(stderr=True)
log = logging.getLogger("stuurdata")

PUBLICATIE = Path("publicatie")
"""The default publication folder: beside the warehouse of the installation or the folder."""
Gemeente = Annotated[
    str | None,
    typer.Option(
        "--gemeente", help="Gemeente (GMxxxx); verplicht als het pakhuis meer gemeenten bevat."
    ),
]
Begroting = Annotated[
    Path | None,
    typer.Option("--begroting", help="Begroting (CSV per wet, productcategorie en jaar)."),
]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]Fout:[/] {message}")
    log.error(message)
    return typer.Exit(code=1)


Aanbieders = Annotated[
    Path | None,
    typer.Option(
        "--aanbieders",
        help="Lijst met namen van aanbieders (CSV: agb;naam) [standaard: aanbieders.csv naast "
        "het pakhuis, als die er is].",
    ),
]


Regio = Annotated[
    list[str] | None,
    typer.Option(
        "--regio",
        help="Gemeenten (GMxxxx) die samen één regio vormen: een regiorapport met regiototalen "
        "en de gemeenten apart. Herhaal de optie per gemeente.",
    ),
]


def provider_names(pakhuis: Path, aanbieders: Path | None) -> dict[str, str]:
    """Names from ``--aanbieders`` or ``aanbieders.csv`` beside the warehouse; a skipped
    line is reported in Dutch, the other names are used."""
    from stuurdata.sources.aanbieders import default_list, read_provider_names

    path = aanbieders or default_list(pakhuis)
    if path is None:
        return {}
    if not path.is_file():
        raise _fail(f"Lijst met aanbieders {path.name} bestaat niet.")
    lijst = read_provider_names(path)
    for melding in lijst.meldingen:
        err.print(melding)
    return lijst.namen


@contextmanager
def published(
    pakhuis: Path,
    doel: str | None,
    activiteit: str,
    gemeente: str | None,
    begroting: Path | None = None,
    aanbieders: Path | None = None,
    *,
    regio: list[str] | None = None,
    cbs_cache: list[Path] | None = None,
    motor: str = "duckdb",
) -> Iterator[Publicatie]:
    """Publish from ``pakhuis`` under ``doel``; the audit record lists the sources read."""
    from stuurdata.engine import SparkError
    from stuurdata.privacy.rule import RegelGeweigerd
    from stuurdata.publication.publish import indicator_sources, publiceer
    from stuurdata.publication.scope import ScopeError
    from stuurdata.publication.store import published_notes
    from stuurdata.warehouse.load import connect

    if not pakhuis.exists():
        raise _fail(
            f"Pakhuis {pakhuis} bestaat niet. Lees eerst bestanden in: stuurdata inlezen MAP"
        )
    namen = provider_names(pakhuis, aanbieders)
    with onder_doel(pakhuis, doel, activiteit, bronnen=indicator_sources()) as v:
        con = connect(pakhuis)
        try:
            pub = publiceer(
                con,
                doel=v.doel,
                gemeente=gemeente,
                regio=regio,
                begroting=begroting,
                cbs_cache=cbs_cache or None,
                aanbieders=namen,
                motor=motor,
            )
        except (ScopeError, RegelGeweigerd, SparkError) as exc:
            raise _fail(str(exc)) from None
        finally:
            con.close()
        v.bronnen = list(pub.bronnen)
        pub.notities = published_notes(pub, pakhuis)
        yield pub
        v.uitvoer = pub.scope.label()


def default_publication(pakhuis: Path) -> Path:
    """``publicatie/`` beside the warehouse (in an installation: its folder)."""
    return pakhuis.parent / PUBLICATIE


@app.command("publiceer")
def publiceer(
    uit: Annotated[
        Path | None,
        typer.Option(
            "--uit", help="Map voor de publicatie [standaard: publicatie/ naast het pakhuis]."
        ),
    ] = None,
    *,
    pakhuis: Pakhuis,
    doel: DoelOptie = None,
    gemeente: Gemeente = None,
    regio: Regio = None,
    begroting: Begroting = None,
    aanbieders: Aanbieders = None,
    motor: Motor = "duckdb",
) -> None:
    """Bereken, beveilig en bewaar alle cijfers voor één gemeente of een regio (cijfers.csv
    en .parquet)."""
    from stuurdata.publication.store import write_publication

    with published(
        pakhuis, doel, "export", gemeente, begroting, aanbieders, regio=regio, motor=motor
    ) as pub:
        folder = write_publication(pub, uit or default_publication(pakhuis))
    console.print(
        f"Publicatie voor {pub.scope.label()}: {len(pub.cijfers)} cijfers in {folder} "
        f"({pub.regel_tekst})."
    )
    for reden in pub.weggelaten.values():
        console.print(reden)


@app.command("rapport")
def rapport(
    uit: Annotated[Path, typer.Option("--uit", help="HTML-bestand voor het rapport.")] = Path(
        "rapport.html"
    ),
    publicatie: Annotated[
        Path | None,
        typer.Option(
            "--publicatie",
            help="Een publicatie (map van 'stuurdata publiceer'); het pakhuis wordt niet geopend. "
            "Zonder deze optie: de publicatie naast het pakhuis als die nieuwer is dan het "
            "pakhuis, anders wordt eerst gepubliceerd.",
        ),
    ] = None,
    *,
    pakhuis: Pakhuis,
    begroting: Begroting = None,
    doel: DoelOptie = None,
    gemeente: Gemeente = None,
    aanbieders: Aanbieders = None,
    regio: Regio = None,
) -> None:
    """Schrijf het rapport voor raad en beleid (één zelfstandig HTML-bestand)."""
    from stuurdata.publication.store import PublicatieOnleesbaar, read_publication
    from stuurdata.report.publicatie import render_publication

    fresh = default_publication(pakhuis)
    plain = begroting is None and gemeente is None and aanbieders is None and regio is None
    if publicatie is None and plain and newer(fresh, pakhuis):
        publicatie = fresh
        console.print(f"Uit de publicatie in {fresh} (nieuwer dan het pakhuis).")
    if publicatie is not None:
        try:
            pub = read_publication(publicatie)
        except PublicatieOnleesbaar as exc:
            raise _fail(str(exc)) from None
        path = render_publication(pub, uit)
    else:
        with published(
            pakhuis, doel, "rapport", gemeente, begroting, aanbieders, regio=regio
        ) as pub:
            path = render_publication(pub, uit)
    log.info("rapport geschreven")
    console.print(f"Rapport: {path}")


def newer(folder: Path, pakhuis: Path) -> bool:
    """Whether ``folder`` holds a publication written after the warehouse last changed."""
    from stuurdata.publication.store import PARQUET

    made = folder / PARQUET
    return made.exists() and (
        not pakhuis.exists() or made.stat().st_mtime > pakhuis.stat().st_mtime
    )
