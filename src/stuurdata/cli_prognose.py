"""``stuurdata prognose``: year-end projection, multi-year forecast and its backtest.

Each command is a few lines over a library function in ``stuurdata.forecast``; every
figure printed passes disclosure control first (``report.prognose.shield``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from stuurdata.cli_doel import DoelOptie, Pakhuis, doelgebonden
from stuurdata.cli_tabel import print_table
from stuurdata.forecast import Scenario, prognose, year_end
from stuurdata.forecast.basis import load_basis
from stuurdata.forecast.jaar import MONEY_COLUMNS, late_claimers
from stuurdata.forecast.meerjarig import run_backtest, summarise
from stuurdata.pipeline import disclosure_rule
from stuurdata.report.format import fmt_euro, fmt_number
from stuurdata.report.prognose import shield

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


@app.command()
@doelgebonden("berekenen", bronnen=("toewijzing", "declaratie"), taak="prognose")
def jaar(
    *,
    pakhuis: Pakhuis,
    doel: DoelOptie = None,
    begroting: Annotated[
        Path | None, typer.Option(help="Begrotingsbestand (jaar;wet;productcategorie;bedrag).")
    ] = None,
) -> None:
    """Waar komt dit jaar uit, per wet en productcategorie, met 80%- en 95%-interval."""
    con = _open(pakhuis)
    frame = year_end(con, begroting)
    if frame.empty:
        console.print("Te weinig declaraties voor een jaarprognose.")
        raise typer.Exit(1)
    safe = shield(frame, list(MONEY_COLUMNS), "bedrag", disclosure_rule())
    table = Table(title=f"Jaarprognose {int(frame['jaar'].iloc[0])}")
    for col in [
        "Wet",
        "Categorie",
        "Gerealiseerd",
        "Nog verwacht",
        "Rest jaar",
        "Jaartotaal",
        "80%-interval",
        "95%-interval",
        "Begroting",
        "Verschil",
    ]:
        table.add_column(col, justify="left" if col in ("Wet", "Categorie") else "right")
    for r in safe.itertuples():
        table.add_row(
            r.wet,
            r.productcategorie or "totaal",
            _euro(r.gerealiseerd),
            _euro(r.nog_verwacht),
            _euro(r.rest_jaar),
            _euro(r.jaartotaal),
            f"{_euro(r.lo80)} – {_euro(r.hi80)}",
            f"{_euro(r.lo95)} – {_euro(r.hi95)}",
            _euro(r.begroting),
            _euro(r.verschil),
        )
    print_table(console, table)
    late = late_claimers(con)
    if not late.empty:
        console.print("\nNog niet gedeclareerd (aanbieders met de grootste openstaande maanden):")
        for r in late.itertuples():
            amount = round(r.nog_verwacht, -3)
            console.print(
                f"  {r.wet}: aanbieder {r.aanbieder}, {r.open_maanden} maand(en) open, "
                f"naar verwachting ongeveer {_euro(amount)}"
            )


@app.command()
@doelgebonden(
    "berekenen", bronnen=("toewijzing", "declaratie", "verblijf"), niveau="wijk", taak="prognose"
)
def meerjarig(
    *,
    pakhuis: Pakhuis,
    doel: DoelOptie = None,
    jaren: Annotated[int, typer.Option(min=1, max=5, help="Aantal jaren vooruit.")] = 5,
    tarief: Annotated[
        list[str] | None, typer.Option(help="Tariefwijziging, bv. wmo:01:5 (+5%).")
    ] = None,
    doelgroep: Annotated[
        list[str] | None, typer.Option(help="Doelgroep maal factor, bv. wmo:1.08.")
    ] = None,
    migratie: Annotated[bool, typer.Option(help="Ook hoge en lage migratie tonen.")] = False,
    uit: Annotated[
        Path | None, typer.Option(help="Schrijf alle (beschermde) cijfers als CSV.")
    ] = None,
) -> None:
    """Cliënten en kosten per wet voor 1-5 jaar, per wijk en gemeente, met scenario's."""
    con = _open(pakhuis)
    lijst = []
    if tarief or doelgroep:
        t = {
            (p.split(":")[0], p.split(":")[1].zfill(2)): float(p.split(":")[2]) / 100
            for p in tarief or []
        }
        d = {p.split(":")[0]: float(p.split(":")[1]) for p in doelgroep or []}
        lijst.append(Scenario("wat_als", tarief=t, doelgroep=d))
    if migratie:
        lijst += [
            Scenario("hoge_migratie", migratie="hoge_migratie"),
            Scenario("lage_migratie", migratie="lage_migratie"),
        ]
    result = prognose(con, jaren=jaren, lijst=lijst)
    if result is None:
        console.print("Te weinig historie voor een prognose.")
        raise typer.Exit(1)
    frame = result.prognose
    parts = []
    for maat, soort in (("clienten", "aantal"), ("kosten", "bedrag")):
        sel = frame[frame["maat"] == maat]
        parts.append(
            shield(sel, ["waarde", "lo80", "hi80", "lo95", "hi95"], soort, disclosure_rule())
        )
    import pandas as pd

    safe = pd.concat(parts).drop(columns=["n"])
    gm = safe[safe["niveau"] == "gemeente"]
    for (wet, maat), part in gm.groupby(["wet", "maat"]):
        fmt = (lambda v: "." if v != v else fmt_number(v)) if maat == "clienten" else _euro
        table = Table(title=f"{wet}: {'cliënten per maand' if maat == 'clienten' else 'kosten'}")
        table.add_column("Jaar")
        scen = list(dict.fromkeys(part["scenario"]))
        for s in scen:
            table.add_column(s, justify="right")
        table.add_column("80%-interval (basis)", justify="right")
        for jaar_, rows in part.groupby("jaar"):
            base = rows[rows["scenario"] == "basis"].iloc[0]
            cells = [fmt(rows[rows["scenario"] == s]["waarde"].iloc[0]) for s in scen]
            table.add_row(str(jaar_), *cells, f"{fmt(base['lo80'])} – {fmt(base['hi80'])}")
        print_table(console, table)
    if uit:
        safe.to_csv(uit, index=False, sep=";")
        console.print(f"Alle cijfers: {uit}")


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
