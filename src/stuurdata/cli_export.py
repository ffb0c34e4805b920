"""``stuurdata export ...``: the warehouse in an exchange format (Typer sub-app).

A thin front end over ``stuurdata.exchange``; the work and its rules are documented there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import duckdb
import typer
from rich.console import Console

from stuurdata.cli_doel import DoelOptie, Pakhuis, onder_doel

# The engine option of the commands that compute (see stuurdata.engine and docs/schaal.md).
Motor = Annotated[
    Literal["duckdb", "spark"],
    typer.Option(
        "--motor",
        help="Rekenmotor: duckdb (in het pakhuis) of spark (Spark Connect: de server uit "
        "STUURDATA_SPARK, anders een eigen Sail-server voor deze opdracht).",
        envvar="STUURDATA_MOTOR",
    ),
]

# Every canonical table with persons in it: an export is person-level, pseudonymised data.
EXPORT_BRONNEN = (
    "toewijzing",
    "verzoek",
    "levering",
    "declaratie",
    "verblijf",
    "persoon",
    "gebied",
    "voorziening",
)

app = typer.Typer(help="Het pakhuis exporteren (voor een regio, het land of Spark).")
console = Console()
_err = Console(stderr=True)


@app.command()
def parquet(
    uit: Annotated[
        Path, typer.Option("--uit", help="Map voor de export (nieuw, of een eerdere export).")
    ],
    *,
    pakhuis: Pakhuis,
    doel: DoelOptie = None,
) -> None:
    """Schrijf de tabellen van het pakhuis als Parquet, per gemeente een map, met een manifest.

    De gegevens blijven gepseudonimiseerd, zoals ze in het pakhuis staan; bestandsnamen gaan
    niet mee. Staat er al een export in de map, dan worden alleen de gemeenten herschreven
    waarvan iets veranderd is.
    """
    from stuurdata.exchange.parquet import ExportError, export_parquet

    if not pakhuis.exists():
        _err.print(f"[bold red]Fout:[/] Pakhuis {pakhuis} bestaat niet.")
        raise typer.Exit(code=1)
    with onder_doel(
        pakhuis, doel, "export", bronnen=EXPORT_BRONNEN, niveau="buurt", persoonsniveau=True
    ) as v:
        con = duckdb.connect(str(pakhuis), read_only=True)
        try:
            result = export_parquet(con, uit)
        except ExportError as exc:
            _err.print(f"[bold red]Fout:[/] {exc}")
            raise typer.Exit(code=1) from None
        finally:
            con.close()
        v.uitvoer = str(uit)
        v.personen = result.rijen.get("persoon", 0)
    gemeenten = sorted({g for _, g in result.geschreven})
    console.print(
        f"{sum(result.rijen.values())} rijen in {len(result.rijen)} tabellen naar {uit}: "
        f"{len(result.geschreven)} delen geschreven"
        + (f" ({', '.join(gemeenten)})" if gemeenten else "")
        + f", {result.ongewijzigd} ongewijzigd, {len(result.verwijderd)} verwijderd."
    )


@app.command()
def regiozicht(
    uit: Annotated[Path, typer.Option("--uit", help="CSV-bestand met wat de gemeente ziet.")],
    *,
    gemeente: Annotated[
        str, typer.Option("--gemeente", help="De gemeente die kijkt (GMxxxx), lid van de regio.")
    ],
    pakhuis: Pakhuis,
    doel: DoelOptie = None,
    motor: Motor = "duckdb",
) -> None:
    """Wat één gemeente ziet van de regio: eigen cijfers, die van de anderen zoals zij ze
    publiceren, en regiototalen, beveiligd als regio (zie docs/schaal.md)."""
    from stuurdata.engine import SparkError
    from stuurdata.engine.base import open_engine
    from stuurdata.indicators import compute_indicators, load_definitions
    from stuurdata.privacy.rule import RegelGeweigerd, installation_rule
    from stuurdata.publication.publish import indicator_sources
    from stuurdata.publication.regiozicht import member_view

    if not pakhuis.exists():
        _err.print(f"[bold red]Fout:[/] Pakhuis {pakhuis} bestaat niet.")
        raise typer.Exit(code=1)
    with onder_doel(pakhuis, doel, "export", bronnen=indicator_sources(), niveau="buurt") as v:
        con = duckdb.connect(str(pakhuis), read_only=True)
        try:
            with open_engine(con, motor) as engine:
                frame = compute_indicators(engine)
            soort = {d.id: d.soort for d in load_definitions().values()}
            view = member_view(frame, gemeente, soort, rule=installation_rule(v.doel))
        except (SparkError, RegelGeweigerd, ValueError) as exc:
            _err.print(f"[bold red]Fout:[/] {exc}")
            raise typer.Exit(code=1) from None
        finally:
            con.close()
        view.drop(columns=["ladingen"], errors="ignore").to_csv(uit, sep=";", index=False)
        v.uitvoer = str(uit)
    counts = view["zicht"].value_counts()
    console.print(
        f"{gemeente}: {counts.get('eigen', 0)} eigen cijfers, {counts.get('gepubliceerd', 0)} "
        f"gepubliceerde cijfers van de andere gemeenten en {counts.get('regio', 0)} "
        f"regiototalen naar {uit}."
    )
