"""``stuurdata prognose``: year-end projection, multi-year forecast and its backtest.

``jaar`` and ``meerjarig`` show the forecast rows of a publication (read from a folder, or
made now with ``publiceer``), so they print and export exactly what the report and the
dashboard show; ``toets`` reruns the model backtest (no counts); ``reeks`` forecasts series
the user supplies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from stuurdata.cli_doel import DoelOptie, Pakhuis, doelgebonden
from stuurdata.cli_publiceer import Begroting, Gemeente
from stuurdata.cli_tabel import print_table
from stuurdata.forecast.basis import load_basis
from stuurdata.forecast.meerjarig import run_backtest, summarise
from stuurdata.report import prognose as rp
from stuurdata.report.format import fmt_euro, fmt_number

if TYPE_CHECKING:
    from stuurdata.publication.publish import Publicatie

app = typer.Typer(
    help="Prognoses: jaareinde, meerjarige vraag en kosten, de terugtoets, en eigen reeksen."
)
console = Console()


def _open(pakhuis: Path) -> duckdb.DuckDBPyConnection:
    if not pakhuis.exists():
        console.print(f"[red]Pakhuis {pakhuis} bestaat niet.[/red]")
        raise typer.Exit(1)
    return duckdb.connect(str(pakhuis), read_only=True)


def _euro(v: float) -> str:
    return "." if v != v else fmt_euro(v)


Publicatiemap = Annotated[
    Path | None,
    typer.Option(
        "--publicatie",
        help="Een publicatie (map van 'stuurdata publiceer'); zonder deze optie wordt eerst "
        "gepubliceerd uit het pakhuis.",
    ),
]


@contextmanager
def _publication(
    publicatie: Path | None,
    pakhuis: Path,
    doel: str | None,
    gemeente: str | None,
    begroting: Path | None,
) -> Iterator[Publicatie]:
    """The publication to show: read from a folder, or made now (under the purpose)."""
    from stuurdata.cli_publiceer import published
    from stuurdata.publication.store import PublicatieOnleesbaar, read_publication

    if publicatie is not None:
        try:
            yield read_publication(publicatie)
        except PublicatieOnleesbaar as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        return
    with published(pakhuis, doel, "export", gemeente, begroting) as pub:
        yield pub


def _no_forecast(pub: Publicatie) -> typer.Exit:
    reden = pub.weggelaten.get(
        "prognose", "De publicatie heeft geen prognose (te weinig historie)."
    )
    console.print(reden)
    return typer.Exit(1)


@app.command()
def jaar(
    *,
    pakhuis: Pakhuis,
    doel: DoelOptie = None,
    publicatie: Publicatiemap = None,
    gemeente: Gemeente = None,
    begroting: Begroting = None,
) -> None:
    """Waar komt dit jaar uit, per wet en productcategorie, tegen de begroting."""
    with _publication(publicatie, pakhuis, doel, gemeente, begroting) as pub:
        frame = rp.read_year_end(pub.cijfers)
    if frame.empty:
        raise _no_forecast(pub)
    table = Table(title=f"Jaarprognose {frame['jaar'].iloc[0]} ({pub.regel_tekst})")
    columns = ["Wet en categorie", "Jaartotaal", "80%-interval", "Begroting", "Verschil"]
    columns += ["Gerealiseerd", "Nog verwacht", "Rest jaar"]
    for col in columns:
        table.add_column(col, justify="left" if col == "Wet en categorie" else "right")
    for r in frame.itertuples():
        table.add_row(
            rp._label(r.wet, r.productcategorie),
            _euro(r.jaartotaal),
            rp._interval(r.lo80, r.hi80),
            _euro(r.begroting),
            _euro(r.verschil),
            _euro(r.gerealiseerd),
            _euro(r.nog_verwacht),
            _euro(r.rest_jaar),
        )
    print_table(console, table)
    late = rp.read_late(pub.cijfers)
    if not late.empty:
        console.print("\nNog niet gedeclareerd (aanbieders met minstens 10 cliënten):")
        for r in late.itertuples():
            console.print(
                f"  {rp.WETTEN.get(r.wet, r.wet)}: aanbieder {r.aanbieder}, "
                f"{rp._count(r.open_maanden)} maand(en) open, naar verwachting "
                f"{_euro(r.nog_verwacht)}; declareert gemiddeld "
                f"{rp.fmt_lag(r.vertraging)} na de zorg"
            )
    for zin in rp.backtest_warnings(rp.read_backtest(pub.cijfers)):
        console.print(f"[yellow]{zin}[/yellow]")


@app.command()
def meerjarig(
    *,
    pakhuis: Pakhuis,
    doel: DoelOptie = None,
    publicatie: Publicatiemap = None,
    gemeente: Gemeente = None,
    begroting: Begroting = None,
    inwoners: Annotated[
        float, typer.Option(min=-50, max=100, help="Scenario: inwoners, % verandering.")
    ] = 0.0,
    gebruik: Annotated[
        float, typer.Option(min=-50, max=100, help="Scenario: gebruik per inwoner, % verandering.")
    ] = 0.0,
    prijs: Annotated[
        float, typer.Option(min=-50, max=100, help="Scenario: prijs of tarief, % verandering.")
    ] = 0.0,
    uit: Annotated[
        Path | None,
        typer.Option(help="Schrijf de prognosecijfers van de publicatie als Excel-CSV."),
    ] = None,
) -> None:
    """Cliënten en kosten per wet voor de komende jaren, met 80%-interval en een scenario.

    Het scenario is herrekend uit de gepubliceerde prognose (vanaf het jaar na dit jaar).
    """
    from stuurdata.publication.contract import write_csv
    from stuurdata.publication.prognose import is_forecast

    with _publication(publicatie, pakhuis, doel, gemeente, begroting) as pub:
        cijfers = pub.cijfers
    factors = {"inwoners": inwoners / 100, "gebruik": gebruik / 100, "prijs": prijs / 100}
    shown = False
    for wet in ("wmo", "jeugd"):
        for maat in ("clienten", "kosten"):
            base = rp.read_multi_year(cijfers, wet, maat)
            if base.empty:
                continue
            shown = True
            what_if = rp.scenario(base, maat, **factors)
            fmt = rp._count if maat == "clienten" else _euro
            table = Table(title=f"{rp.WETTEN[wet]}: {rp.MATEN[maat]}")
            for col in ("Jaar", "Verwacht", "80%-interval", "Scenario"):
                table.add_column(col, justify="left" if col == "Jaar" else "right")
            for b, s in zip(base.itertuples(), what_if.itertuples(), strict=True):
                table.add_row(
                    f"{b.jaar}{' (realisatie)' if b.realisatie else ''}",
                    fmt(b.waarde),
                    "" if b.realisatie else rp._interval(b.lo80, b.hi80, fmt),
                    fmt(s.waarde),
                )
            print_table(console, table)
    if not shown:
        raise _no_forecast(pub)
    for zin in rp.toets_warnings(rp.read_toets(cijfers)):
        console.print(f"[yellow]{zin}[/yellow]")
    if uit:
        write_csv(cijfers[is_forecast(cijfers["maat"])], uit, pub.meta.namen)
        console.print(f"De prognosecijfers van de publicatie: {uit}")


@app.command()
@doelgebonden(
    "berekenen", bronnen=("toewijzing", "declaratie", "verblijf"), niveau="wijk", taak="prognose"
)
def toets(
    *,
    pakhuis: Pakhuis,
    doel: DoelOptie = None,
    oorsprongen: Annotated[int, typer.Option(min=1, help="Aantal startmaanden.")] = 6,
) -> None:
    """Terugtoets: MASE en dekking van de intervallen, per wet, niveau en horizon."""
    con = _open(pakhuis)
    basis = load_basis(con)
    if basis is None:
        console.print("Te weinig historie voor een terugtoets.")
        raise typer.Exit(1)
    res = summarise(run_backtest(basis, origins=oorsprongen))
    table = Table(title="Terugtoets (gemiddeld over startmaanden)")
    for col in [
        "Wet",
        "Niveau",
        "Maat",
        "Model",
        "Horizon",
        "MASE",
        "MASE vorig jaar",
        "Binnen 80%",
        "Binnen 95%",
    ]:
        table.add_column(col, justify="right" if col[0] in "MHB" and col != "Maat" else "left")
    for r in res.itertuples():
        table.add_row(
            r.wet,
            r.niveau,
            r.maat,
            r.variant,
            f"{r.horizon} mnd",
            fmt_number(r.mase, 2),
            fmt_number(r.mase_naief, 2),
            f"{fmt_number(100 * r.dekking80)}%",
            f"{fmt_number(100 * r.dekking95)}%",
        )
    print_table(console, table)


@app.command()
def reeks(
    invoer: Annotated[
        list[Path],
        typer.Option(
            "--invoer",
            help="CSV met gebied;periode;waarde (eventueel inwoners), of een CBS-tabel "
            "(RegioS;Perioden;...). Mag vaker: bijvoorbeeld twee CBS-tabellen na elkaar.",
        ),
    ],
    uit: Annotated[Path, typer.Option("--uit", help="Waar de prognose (CSV) komt.")],
    horizon: Annotated[int, typer.Option(min=1, max=24, help="Aantal perioden vooruit.")] = 4,
    periode: Annotated[
        str | None,
        typer.Option(
            help="Soort periode: halfjaar, jaar of maand (nodig als de invoer er meer heeft)."
        ),
    ] = None,
    breuk: Annotated[
        list[str] | None,
        typer.Option(
            help="Eerste periode na een breuk in de reeks (nieuwe definitie of "
            "CBS-tabel), bv. 2021HJ1. Mag vaker."
        ),
    ] = None,
    variant: Annotated[
        str,
        typer.Option(
            help="Model: gedempt (gedempte trend, standaard), niveau, trend, of kies "
            "(de beste in een terugtoets op uw eigen reeksen)."
        ),
    ] = "gedempt",
) -> None:
    """Prognose van reeksen die u zelf aanlevert (CBS StatLine of eigen cijfers), per gebied.

    Alle gebieden worden samen voorspeld: korte reeksen lenen kracht van vergelijkbare
    gebieden. Leest geen pakhuis en geen persoonsgegevens.
    """
    from stuurdata.forecast.perioden import SOORTEN, lees_periode
    from stuurdata.forecast.reeks import forecast_series, lees_reeksen, write_forecast

    if variant not in ("gedempt", "niveau", "trend", "kies"):
        console.print(
            f"[red]--variant moet gedempt, niveau, trend of kies zijn, niet '{variant}'.[/red]"
        )
        raise typer.Exit(1)
    if periode is not None and periode not in SOORTEN:
        console.print(f"[red]--periode moet halfjaar, jaar of maand zijn, niet '{periode}'.[/red]")
        raise typer.Exit(1)
    for pad in invoer:
        if not pad.is_file():
            console.print(f"[red]Invoerbestand {pad.name} bestaat niet.[/red]")
            raise typer.Exit(1)
    try:
        breuken = [lees_periode(b) for b in breuk or []]
        data = lees_reeksen(invoer, periode)
    except ValueError as err:
        console.print(f"[red]{err}[/red]")
        raise typer.Exit(1) from None
    result = forecast_series(data, horizon, variant, breuken)
    for melding in result.meldingen:
        console.print(f"[yellow]{melding}[/yellow]")
    if result.prognose.empty:
        console.print("[red]Geen enkele reeks is bruikbaar voor een prognose.[/red]")
        raise typer.Exit(1)
    small = any(0 < v < 10 for values in data.waarden.values() for v in values.values())
    if small:
        console.print(
            "[yellow]Let op: de invoer heeft aantallen onder 10. Publiceer de prognose van "
            "zulke kleine reeksen niet zonder onthullingscontrole.[/yellow]"
        )
    write_forecast(result.prognose, uit)
    console.print(
        f"{len(result.klaar)} reeksen voorspeld ({result.prognose['model'].iloc[0]}), "
        f"{horizon} perioden vooruit: {uit}"
    )
