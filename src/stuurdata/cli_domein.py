"""Commands for the social domain as a Typer sub-app (``stuurdata domein ...``).

Thin front ends over ``sources.cbs`` and a publication (``integraal`` publishes first, so
its figures passed ``publiceer``'s one protection step); the lead registers the app with
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
from stuurdata.cli_publiceer import Gemeente
from stuurdata.cli_tabel import print_table
from stuurdata.report.format import fmt_number
from stuurdata.report.integraal import BRONNEN as INTEGRAAL_BRONNEN
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


def _cell(value: object, hidden: bool) -> str:
    """A published value the Dutch way: "." when suppressed, "–" when there is none."""
    if isinstance(value, float | int):
        if hidden:
            return "."
        whole = float(value).is_integer()
        return fmt_number(float(value), 0 if whole else 1)
    return str(value)


def _show(title: str, frame: pd.DataFrame, columns: list[str]) -> None:
    table = Table(title=title)
    for c in columns:
        table.add_column(c)
    for _, row in frame.iterrows():
        hidden = row.get("status") == "onderdrukt"
        table.add_row(*(_cell(row[c], hidden) for c in columns))
    print_table(console, table)


_TABELLEN = (
    (
        "Stapeling (huishoudens per combinatie)",
        "stapeling_huishoudens_per_categorie",
        ("categorie",),
    ),
    ("Stapeling per wijk (huishoudens met een voorziening)", "stapeling_huishoudens", ("gebied",)),
    ("Aandeel met 2 of meer domeinen (%)", "stapeling_aandeel_huishoudens", ("gebied",)),
    ("Bereik minimaregelingen (%)", "bereik_minima", ("gebied",)),
    ("Terugval binnen een jaar (%): Participatiewet", "terugval_participatiewet", ("gebied",)),
    ("Terugval binnen een jaar (%): schuldhulp", "terugval_schuldhulp", ("gebied",)),
    (
        "Wmo-cliënten per 1.000 inwoners: vergelijking",
        "vergelijking_clienten_per_1000_wmo",
        ("gebied", "rol"),
    ),
)


@app.command()
@doelgebonden("berekenen", bronnen=INTEGRAAL_BRONNEN, niveau="wijk")
def integraal(
    *,
    pakhuis: Pakhuis,
    doel: DoelOptie = None,
    gemeente: Gemeente = None,
    cbs_cache: Annotated[
        list[Path] | None, typer.Option("--cbs-cache", help="Map(pen) met CBS-tabellen.")
    ] = None,
    uit: Annotated[
        Path | None, typer.Option("--uit", help="Map voor integraal.csv (Excel-formaat).")
    ] = None,
    motor: Motor = "duckdb",
) -> None:
    """Stapeling, bereik, terugval en vergelijking met andere gemeenten.

    Eerst wordt gepubliceerd (zoals 'stuurdata publiceer'), dus alles onder de regel voor
    onthulling van de installatie; getoond wordt alleen wat in de publicatie staat.
    """
    from stuurdata.cli_publiceer import published
    from stuurdata.publication.contract import write_csv
    from stuurdata.publication.integraal import is_integraal, parse_code

    activiteit = "export" if uit else "berekenen"
    with published(pakhuis, doel, activiteit, gemeente, cbs_cache=cbs_cache, motor=motor) as pub:
        rows = pub.cijfers[is_integraal(pub.cijfers["maat"])]
        if "integraal" in pub.weggelaten:
            console.print(pub.weggelaten["integraal"])
            return
        if rows.empty:
            console.print("Geen integraal beeld: het pakhuis bevat geen gegevens uit de suites.")
            return
        if uit is not None:
            uit.mkdir(parents=True, exist_ok=True)
            write_csv(rows, uit / "integraal.csv", pub.meta.namen)
    console.print(f"[bold]Integraal beeld[/bold] voor {pub.scope.label()} ({pub.regel_tekst})")
    for titel, maat, labels in _TABELLEN:
        part = rows[rows["maat"] == maat]
        if part.empty:
            continue
        shown = part.assign(
            gebied=[pub.meta.namen.get(c, c) for c in part["gebiedscode"]],
            rol=part["categorie"],
        )
        periode = str(shown["periode"].iloc[0])
        if "/" in periode:
            periode = parse_code(periode).label()
        _show(f"{titel}, {periode}", shown, [*labels, "teller", "noemer", "waarde"])
    chapter = pub.hoofdstukken.get("integraal")
    for block in chapter.blokken if chapter else ():
        if block.id in ("integraal-gemeenten", "integraal-meldingen") and block.inleiding:
            console.print(block.inleiding)
    if uit is not None:
        console.print(f"CSV-bestand: {uit / 'integraal.csv'}")
