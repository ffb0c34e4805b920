"""Commands for the social domain as a Typer sub-app (``stuurdata domein ...``).

Thin front ends over ``sources.cbs`` and ``analysis``; the lead registers the app with
``app.add_typer(cli_domein.app, name="domein")``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from stuurdata.cli_doel import DoelOptie, Pakhuis, doelgebonden
from stuurdata.cli_export import Motor
from stuurdata.cli_tabel import print_table
from stuurdata.sources.cbs import CbsError, default_cache, load_table, select_period

app = typer.Typer(
    help="Sociaal domein breed: CBS-cijfers en het integrale beeld.", no_args_is_help=True
)
console = Console()


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(code=1)


@app.command()
def cbs(
    tabel: Annotated[str, typer.Argument(help="CBS-tabelnummer, bijvoorbeeld 86050NED.")],
    cache: Annotated[Path | None, typer.Option(help="Map van de CBS-cache.")] = None,
    online: Annotated[
        bool,
        typer.Option(
            "--online/--offline", help="Ophalen bij CBS als de tabel niet in de cache staat."
        ),
    ] = False,
    periode: Annotated[str | None, typer.Option(help="Periode, bijvoorbeeld 2024JJ00.")] = None,
) -> None:
    """Laad een CBS-tabel (uit de cache, of online) en toon een samenvatting."""
    try:
        table = load_table(tabel, cache or default_cache(), offline=not online)
        rows = select_period(table, periode)
    except CbsError as exc:
        raise _fail(str(exc)) from None
    soort = "SYNTHETISCH (geen echte CBS-cijfers)" if table.synthetisch else table.bron
    console.print(f"[bold]{table.tabel}[/bold] {table.titel}\nBron: {soort}\nRegels: {len(rows)}")
    console.print(rows.head(10).to_string(index=False))


def _show(title: str, frame: pd.DataFrame, columns: list[str]) -> None:
    table = Table(title=title)
    for c in columns:
        table.add_column(c)
    for _, row in frame.iterrows():
        table.add_row(
            *(
                "."
                if row[c] != row[c]
                else f"{row[c]:.3g}"
                if isinstance(row[c], float)
                else str(row[c])
                for c in columns
            )
        )
    print_table(console, table)


@app.command()
@doelgebonden("berekenen", bronnen=("voorziening", "toewijzing", "verblijf", "cbs"), niveau="wijk")
def integraal(
    *,
    pakhuis: Pakhuis,
    doel: DoelOptie = None,
    cbs_cache: Annotated[
        list[Path] | None, typer.Option("--cbs-cache", help="Map(pen) met CBS-tabellen.")
    ] = None,
    uit: Annotated[Path | None, typer.Option("--uit", help="Map voor de CSV-bestanden.")] = None,
    trechter: Annotated[
        bool, typer.Option(help="Ook het trechterdiagram per wijk (berekent de indicatoren).")
    ] = True,
    motor: Motor = "duckdb",
) -> None:
    """Stapeling, bereik, terugval en trechter per wijk; alles na onthullingscontrole."""
    import duckdb

    from stuurdata.analysis.integraal import integraal as run
    from stuurdata.engine import SparkError
    from stuurdata.engine.base import open_engine
    from stuurdata.indicators import compute_indicators

    if not pakhuis.exists():
        raise _fail(f"Pakhuis {pakhuis} bestaat niet.")
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        with open_engine(con, motor):  # stacking and the indicators compute on `motor`
            result = run(
                con,
                cbs_cache=cbs_cache or None,
                indicators=compute_indicators(con) if trechter else None,
            )
    except (ValueError, SparkError) as exc:
        raise _fail(str(exc)) from None
    finally:
        con.close()
    console.print(f"[bold]Integraal beeld[/bold], periode {result.periode.label()}")
    _show(
        "Stapeling (huishoudens)",
        result.combinaties[result.combinaties["indicator"] == "stapeling_huishoudens"],
        ["categorie", "teller", "status"],
    )
    _show(
        "Stapeling per wijk (huishoudens, % met 2+ domeinen)",
        result.stapeling_wijk[result.stapeling_wijk["indicator"] == "stapeling_huishoudens"],
        ["gebiedscode", "met_voorziening", "waarde", "status"],
    )
    if not result.bereik.empty:
        _show(
            "Bereik minimaregelingen",
            result.bereik,
            ["gebiedscode", "gebruikers", "rechthebbend", "bereik", "ondergrens", "bovengrens"],
        )
    _show("Terugval binnen 12 maanden", result.terugval, ["wet", "beeindigd", "terug", "aandeel"])
    if not result.trechter_wijk.empty:
        _show(
            "Wmo-cliënten per 1.000 per wijk",
            result.trechter_wijk,
            ["eenheid", "waarde", "oordeel"],
        )
    if not result.trechter_gemeente.empty:
        _show(
            "Wmo-cliënten per 1.000 per gemeente",
            result.trechter_gemeente,
            ["eenheid", "naam", "waarde", "oordeel"],
        )
        console.print(result.vergelijking)
    for melding in result.meldingen:
        console.print(f"[yellow]{melding}[/yellow]")
    if result.synthetisch_cbs:
        console.print("[yellow]Let op: de CBS-cijfers zijn synthetisch.[/yellow]")
    if uit is not None:
        uit.mkdir(parents=True, exist_ok=True)
        for name in (
            "combinaties",
            "stapeling_wijk",
            "stapeling_vierkant",
            "bereik",
            "terugval",
            "trechter_wijk",
            "trechter_gemeente",
        ):
            getattr(result, name).to_csv(uit / f"{name}.csv", index=False, sep=";", decimal=",")
        console.print(f"CSV-bestanden in {uit}")
