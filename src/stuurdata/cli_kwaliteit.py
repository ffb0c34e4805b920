"""The `stuurdata kwaliteit` command: the chain monitor's scorecard from a publication, as
a file too, and the work list for contract management under a purpose that allows it.

A Typer sub-app so the main CLI only needs one ``app.add_typer(app)`` line. The scorecard,
the gemeente's own rules and the providers outside the cost funnel come from a publication
(``--publicatie``, else a fresh one beside the warehouse, else one made first, like
``rapport --pakhuis``), so they follow the installation's disclosure rule. Only the work
list (``--werklijst``) reads the warehouse, at person level.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from stuurdata.cli_doel import DoelOptie, Pakhuis, onder_doel
from stuurdata.cli_export import Motor
from stuurdata.cli_publiceer import Aanbieders, Gemeente, default_publication, newer, published
from stuurdata.cli_tabel import print_table
from stuurdata.engine import SparkError
from stuurdata.quality import Kwaliteit, run_monitor, write_export

if TYPE_CHECKING:
    from stuurdata.publication.publish import Publicatie

app = typer.Typer(add_completion=False, rich_markup_mode="rich")
console = Console()
SOORTEN = (".xlsx", ".html", ".htm")
OPVALLEND = ("duidelijk hoger", "mogelijk hoger", "mogelijk lager", "duidelijk lager")


def werklijst(pakhuis: Path, uit: Path, motor: str = "duckdb") -> Kwaliteit:
    """Run the monitor on ``pakhuis`` (computed on ``motor``) and write its work list to
    ``uit`` (.xlsx or .html)."""
    from stuurdata.engine.base import open_engine
    from stuurdata.warehouse.load import connect

    con = connect(pakhuis)
    try:
        with open_engine(con, motor) as engine:
            result = run_monitor(engine)
    finally:
        con.close()
    write_export(result, uit)
    return result


def quality_export(pub: Publicatie, uit: Path) -> Path:
    """The published chain quality of ``pub`` written to ``uit`` (.xlsx or .html)."""
    from stuurdata.publication.kwaliteit import quality_view
    from stuurdata.publication.kwaliteit_export import write_quality_export
    from stuurdata.report.publicatie import cost_block

    return write_quality_export(
        quality_view(pub.cijfers),
        uit,
        namen=pub.meta.namen,
        regel=pub.regel_tekst,
        kosten=cost_block(pub.meta.kwaliteit),
    )


def _check_suffix(path: Path | None, option: str) -> None:
    if path is not None and path.suffix.lower() not in SOORTEN:
        console.print(f"[red]{option} moet eindigen op .xlsx of .html.[/]")
        raise typer.Exit(2)


@app.command("kwaliteit")
def kwaliteit(
    *,
    pakhuis: Pakhuis,
    publicatie: Annotated[
        Path | None,
        typer.Option(
            "--publicatie",
            help="Een publicatie (map van 'stuurdata publiceer'). Zonder deze optie: de "
            "publicatie naast het pakhuis als die nieuwer is, anders wordt eerst gepubliceerd.",
        ),
    ] = None,
    uit: Annotated[
        Path | None,
        typer.Option(
            "--uit",
            help="Schrijf de scorekaart per aanbieder en regel naar Excel (.xlsx) of HTML (.html), "
            "uit de publicatie (beveiligd met de regel van de installatie).",
        ),
    ] = None,
    werklijst_uit: Annotated[
        Path | None,
        typer.Option(
            "--werklijst",
            help="Schrijf de werklijst (toewijzingnummers en pseudoniemen, geen BSN) naar .xlsx "
            "of .html; alleen onder een doel dat persoonsniveau toestaat.",
        ),
    ] = None,
    doel: DoelOptie = None,
    gemeente: Gemeente = None,
    aanbieders: Aanbieders = None,
    motor: Motor = "duckdb",
) -> None:
    """Ketenmonitor: datakwaliteit per aanbieder en per regel (start- en stopberichten,
    declaraties), uit de publicatie."""
    from stuurdata.publication.store import PublicatieOnleesbaar, read_publication

    _check_suffix(uit, "--uit")
    _check_suffix(werklijst_uit, "--werklijst")
    fresh = default_publication(pakhuis)
    plain = gemeente is None and aanbieders is None
    if publicatie is None and plain and newer(fresh, pakhuis):
        publicatie = fresh
    # Only the work list needs no publication (its purpose may allow no other output).
    alleen_werklijst = werklijst_uit is not None and uit is None and publicatie is None
    if publicatie is not None:
        try:
            pub = read_publication(publicatie)
        except PublicatieOnleesbaar as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(1) from None
        _show(pub, uit)
    elif not alleen_werklijst:
        with published(
            pakhuis, doel, "export" if uit else "bekijken", gemeente, None, aanbieders, motor=motor
        ) as pub:
            _show(pub, uit)
    if werklijst_uit is not None:
        if not pakhuis.exists():
            console.print(f"[red]Pakhuis {pakhuis} bestaat niet.[/]")
            raise typer.Exit(1)
        # The work list names allocations and pseudonyms: person-level output.
        with onder_doel(
            pakhuis,
            doel,
            "export",
            bronnen=("toewijzing", "levering", "declaratie", "bericht"),
            persoonsniveau=True,
            taak="kwaliteit",
        ) as v:
            try:
                result = werklijst(pakhuis, werklijst_uit, motor)
            except SparkError as exc:
                console.print(f"[red]Fout:[/] {exc}")
                raise typer.Exit(1) from None
            v.uitvoer = str(werklijst_uit)
        console.print(
            f"{len(result.bevindingen)} afwijkende gevallen in de werklijst; geschreven naar "
            f"{werklijst_uit}."
        )


def _show(pub: Publicatie, uit: Path | None) -> None:
    """Print the published scorecard, the gemeente's own rules and the cost outliers."""
    from stuurdata.publication.kwaliteit import provider_card, quality_view
    from stuurdata.report.kwaliteit import provider_label
    from stuurdata.report.publicatie import cost_block

    if "kwaliteit" in pub.weggelaten:
        console.print(pub.weggelaten["kwaliteit"])
        return
    view = quality_view(pub.cijfers)
    namen = pub.meta.namen
    card = provider_card(view, namen)
    if view.leeg:
        console.print("Ketenmonitor: de publicatie heeft geen cijfers over de berichten.")
    table = Table(
        title=f"Datakwaliteit per aanbieder, {view.periode.replace('/', ' t/m ')} "
        f"(meeste signalen eerst; {pub.regel_tekst})"
    )
    for column in ("Aanbieder", "Wetten", "Signalen", "Bedrag", "Gesignaleerd op"):
        table.add_column(column)
    for r in card.itertuples():
        table.add_row(
            provider_label(str(r.aanbieder), namen),
            str(r.wetten),
            str(r.signalen),
            "" if r.bedrag != r.bedrag else f"€ {r.bedrag:,.0f}".replace(",", "."),
            str(r.signaal),
        )
    print_table(console, table)
    mine = view.regels[view.regels["niveau"] == "gemeente"]
    for r in mine.itertuples():
        console.print(f"Gemeente {r.code}, {r.regel}: {r.zin or r.naam + ': te weinig gevallen.'}")
    _print_costs(cost_block(pub.meta.kwaliteit))
    if uit is not None:
        quality_export(pub, uit)
        console.print(f"Scorekaart geschreven naar {uit} ({pub.regel_tekst}).")


def _print_costs(blok: object) -> None:
    from stuurdata.report.aanbieders import AanbiedersBlok

    rows = []
    if isinstance(blok, AanbiedersBlok):
        for f in blok.figuren:
            rows += [(f.wet, r) for r in f.tabel.rijen if r.cellen[-1] in OPVALLEND]
    if not rows:
        console.print(
            "Kosten per cliënt: geen aanbieder wijkt meer af dan toeval zou geven (95%-grens)."
        )
        return
    table = Table(
        title="Kosten per cliënt buiten de toevalsmarge (een vraag aan de aanbieder, geen oordeel)"
    )
    for column in ("Wet", "Aanbieder", "Cliënten", "Kosten per cliënt", "Index", "Oordeel"):
        table.add_column(column)
    for wet, r in rows:
        table.add_row(
            "Wmo" if wet == "wmo" else "Jeugd",
            r.label,
            r.cellen[0],
            r.cellen[1],
            r.cellen[3],
            r.cellen[4],
        )
    print_table(console, table)
