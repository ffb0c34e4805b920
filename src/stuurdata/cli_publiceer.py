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


@contextmanager
def _published(
    pakhuis: Path, doel: str | None, activiteit: str, gemeente: str | None, begroting: Path | None
) -> Iterator[Publicatie]:
    """Publish from ``pakhuis`` under ``doel``; the audit record lists the sources read."""
    from stuurdata.privacy.rule import RegelGeweigerd
    from stuurdata.publication.publish import indicator_sources, publiceer
    from stuurdata.publication.scope import ScopeError
    from stuurdata.publication.store import published_notes
    from stuurdata.warehouse.load import connect

    if not pakhuis.exists():
        raise _fail(
            f"Pakhuis {pakhuis} bestaat niet. Lees eerst bestanden in: stuurdata inlezen MAP"
        )
    with onder_doel(pakhuis, doel, activiteit, bronnen=indicator_sources()) as v:
        con = connect(pakhuis)
        try:
            pub = publiceer(con, doel=v.doel, gemeente=gemeente, begroting=begroting)
        except (ScopeError, RegelGeweigerd) as exc:
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
    begroting: Begroting = None,
) -> None:
    """Bereken, beveilig en bewaar alle cijfers voor één gemeente (cijfers.csv en .parquet)."""
    from stuurdata.publication.store import write_publication

    with _published(pakhuis, doel, "export", gemeente, begroting) as pub:
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
) -> None:
    """Schrijf het rapport voor raad en beleid (één zelfstandig HTML-bestand)."""
    from stuurdata.publication.store import PublicatieOnleesbaar, read_publication
    from stuurdata.report.publicatie import render_publication

    fresh = default_publication(pakhuis)
    if publicatie is None and begroting is None and gemeente is None and _newer(fresh, pakhuis):
        publicatie = fresh
        console.print(f"Uit de publicatie in {fresh} (nieuwer dan het pakhuis).")
    if publicatie is not None:
        try:
            pub = read_publication(publicatie)
        except PublicatieOnleesbaar as exc:
            raise _fail(str(exc)) from None
        path = render_publication(pub, uit)
    else:
        with _published(pakhuis, doel, "rapport", gemeente, begroting) as pub:
            path = render_publication(pub, uit)
    log.info("rapport geschreven")
    console.print(f"Rapport: {path}")


def _newer(folder: Path, pakhuis: Path) -> bool:
    """Whether ``folder`` holds a publication written after the warehouse last changed."""
    from stuurdata.publication.store import PARQUET

    made = folder / PARQUET
    return made.exists() and (
        not pakhuis.exists() or made.stat().st_mtime > pakhuis.stat().st_mtime
    )
