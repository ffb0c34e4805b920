"""The `stuurdata kwaliteit` command: the chain monitor's scorecard, optionally as a file,
and the providers whose declared cost per client lies outside the funnel's 95% limits.

A Typer sub-app so the main CLI only needs one ``app.add_typer(app)`` line; the work is in
``kwaliteit_rapport`` (a library call a notebook user can make too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from stuurdata.cli_doel import DoelOptie, Pakhuis, onder_doel
from stuurdata.cli_export import Motor
from stuurdata.cli_tabel import print_table
from stuurdata.engine import SparkError
from stuurdata.quality import Kwaliteit, run_monitor, scorecard, write_export

app = typer.Typer(add_completion=False, rich_markup_mode="rich")
console = Console()


def opvallende_aanbieders(pakhuis: Path) -> pd.DataFrame:
    """Published provider rows outside the 95% limits of cost per client (``flagged``)."""
    from stuurdata.analysis.providers import flagged, provider_costs, publish_providers
    from stuurdata.warehouse.load import connect

    con = connect(pakhuis)
    try:
        result = provider_costs(con)
    finally:
        con.close()
    return flagged(publish_providers(result)).assign(periode=result.periode.label())


def kwaliteit_rapport(pakhuis: Path, uit: Path | None = None, motor: str = "duckdb") -> Kwaliteit:
    """Run the monitor on ``pakhuis`` (computed on ``motor``), write ``uit`` when given."""
    from stuurdata.engine.base import open_engine
    from stuurdata.warehouse.load import connect

    con = connect(pakhuis)
    try:
        with open_engine(con, motor) as engine:
            result = run_monitor(engine)
    finally:
        con.close()
    if uit is not None:
        write_export(result, uit)
    return result


@app.command("kwaliteit")
def kwaliteit(
    *,
    pakhuis: Pakhuis,
    uit: Annotated[
        Path | None,
        typer.Option(
            "--uit",
            help="Schrijf scorekaart en werklijst naar een Excel- (.xlsx) of HTML-bestand (.html).",
        ),
    ] = None,
    doel: DoelOptie = None,
    motor: Motor = "duckdb",
) -> None:
    """Ketenmonitor: datakwaliteit per aanbieder (start- en stopberichten, declaraties)."""
    if not pakhuis.exists():
        console.print(
            f"[red]Pakhuis {pakhuis} bestaat niet.[/] Lees eerst bestanden in: "
            "stuurdata inlezen MAP"
        )
        raise typer.Exit(1)
    if uit is not None and uit.suffix.lower() not in (".xlsx", ".html", ".htm"):
        console.print("[red]--uit moet eindigen op .xlsx of .html.[/]")
        raise typer.Exit(2)
    # The work list names allocations and pseudonyms: person-level output.
    with onder_doel(
        pakhuis,
        doel,
        "export" if uit else "bekijken",
        bronnen=("toewijzing", "levering", "declaratie", "bericht"),
        persoonsniveau=uit is not None,
        taak="kwaliteit",
    ) as v:
        try:
            result = kwaliteit_rapport(pakhuis, uit, motor)
        except SparkError as exc:
            console.print(f"[red]Fout:[/] {exc}")
            raise typer.Exit(1) from None
        opvallend = opvallende_aanbieders(pakhuis)
        v.uitvoer = str(uit) if uit else None
    card = scorecard(result)
    table = Table(
        title=f"Datakwaliteit per aanbieder, {result.vanaf:%d-%m-%Y} t/m "
        f"{result.peildatum:%d-%m-%Y} (slechtste eerst)"
    )
    for column in (
        "Aanbieder (AGB)",
        "Wetten",
        "Signalen",
        "Aandeel afwijkend",
        "Trend",
        "Richting",
        "Gesignaleerd op",
    ):
        table.add_column(column)
    for row in card.itertuples(index=False):
        aandeel = row[6]
        table.add_row(
            str(row[0]),
            str(row[1]),
            str(row[2]),
            "" if aandeel != aandeel else f"{aandeel * 100:.1f}%".replace(".", ","),
            str(row[7]),
            str(row[8]),
            str(row[3]),
        )
    print_table(console, table)
    console.print(
        f"{len(result.bevindingen)} afwijkende gevallen in de werklijst"
        + (f"; geschreven naar {uit}." if uit else " (gebruik --uit voor Excel of HTML).")
    )
    _print_retour(result.retour)
    _print_costs(opvallend)


def _pct(teller: int, noemer: int) -> str:
    return f"{teller / noemer * 100:.1f}%".replace(".", ",") if noemer else "-"


def _print_retour(retour: pd.DataFrame) -> None:
    """Rejected messages and late returns (OP090, 3 werkdagen) per provider and gemeente."""
    if retour.empty:
        console.print("Retourberichten: geen retourberichten in het pakhuis.")
        return
    table = Table(title="Retourberichten: afgekeurd en te laat (OP090: binnen 3 werkdagen)")
    for column in (
        "Partij",
        "Code",
        "Eigen berichten beantwoord",
        "Afgekeurd",
        "Eigen retourberichten",
        "Te laat",
    ):
        table.add_column(column)
    for r in retour.itertuples(index=False):
        table.add_row(
            "Aanbieder (AGB)" if r.partij == "aanbieder" else "Gemeente",
            str(r.code),
            str(r.berichten),
            f"{r.afgekeurd} ({_pct(int(r.afgekeurd), int(r.berichten))})",
            str(r.retouren),
            f"{r.retouren_laat} ({_pct(int(r.retouren_laat), int(r.retouren))})",
        )
    console.print(table)


def _print_costs(opvallend: pd.DataFrame) -> None:
    if opvallend.empty:
        console.print(
            "Kosten per cliënt: geen aanbieder wijkt meer af dan toeval zou geven (95%-grens)."
        )
        return
    table = Table(
        title=f"Kosten per cliënt buiten de toevalsmarge, {opvallend['periode'].iloc[0]} "
        "(een vraag aan de aanbieder, geen oordeel)"
    )
    for column in ("Wet", "Aanbieder (AGB)", "Cliënten", "Kosten per cliënt", "Index", "Oordeel"):
        table.add_column(column)
    for r in opvallend.itertuples(index=False):
        table.add_row(
            "Wmo" if r.wet == "wmo" else "Jeugd",
            str(r.aanbieder),
            f"{r.clienten:.0f}",
            f"€ {r.kosten_per_client:,.0f}".replace(",", "."),
            f"{r.index:.0f}",
            str(r.oordeel),
        )
    print_table(console, table)
