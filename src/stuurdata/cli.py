"""The command line (Dutch): one small function per command, the work is in the library.

Heavy modules (Ibis, Altair, the generator) are imported inside the commands, so that
``stuurdata --help`` answers at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import duckdb
import typer
import typer.rich_utils as help_text
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from stuurdata.cli_doel import DoelOptie, Pakhuis, onder_doel
from stuurdata.cli_export import Motor
from stuurdata.cli_guard import GuardedGroup
from stuurdata.cli_tabel import print_table
from stuurdata.engine import SparkError
from stuurdata.privacy.pseudonym import KeyError_

# The help screens are for Dutch users too.
help_text.OPTIONS_PANEL_TITLE = "Opties"
help_text.ARGUMENTS_PANEL_TITLE = "Argumenten"
help_text.COMMANDS_PANEL_TITLE = "Commando's"
help_text.ERRORS_PANEL_TITLE = "Fout"
help_text.DEFAULT_STRING = "[standaard: {}]"
help_text.ENVVAR_STRING = "[omgevingsvariabele: {}]"
help_text.REQUIRED_LONG_STRING = "[verplicht]"
help_text.ABORTED_TEXT = "Afgebroken."
help_text.RICH_HELP = "Probeer [blue]'{command_path} {help_option}'[/] voor hulp."

app = typer.Typer(
    help="stuurdata: datagedreven sturing in het sociaal domein (Wmo, Jeugdwet).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    cls=GuardedGroup,
)
console = Console()
err = Console(stderr=True)
log = logging.getLogger("stuurdata")

Sleutel = Annotated[
    Path | None,
    typer.Option(
        "--sleutel",
        help="Sleutelbestand voor pseudonimisering (standaard: STUURDATA_SLEUTEL of "
        "~/.config/stuurdata/sleutel.key). Wordt bij eerste gebruik aangemaakt (rechten 0600).",
        envvar="STUURDATA_SLEUTEL",
    ),
]


def _setup_log(pakhuis: Path) -> None:
    """Log beside the warehouse; the log holds counts and file names, never person data."""
    pakhuis.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(pakhuis.with_suffix(".log"), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]Fout:[/] {message}")
    log.error(message)
    return typer.Exit(code=1)


@contextmanager
def _warehouse(pakhuis: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An existing warehouse, opened for one command and closed after it (logging set up)."""
    from stuurdata.indicators.periods import CoverageError
    from stuurdata.warehouse.load import connect

    if not pakhuis.exists():
        raise _fail(
            f"Pakhuis {pakhuis} bestaat niet. Lees eerst bestanden in: stuurdata inlezen MAP"
        )
    _setup_log(pakhuis)
    con = connect(pakhuis)
    try:
        yield con
    except CoverageError as exc:  # data whose edges contradict each other: say so in Dutch
        raise _fail(str(exc)) from None
    finally:
        con.close()


@contextmanager
def _progress() -> Iterator[Progress]:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        yield bar


def _file_progress(bar: Progress, label: str) -> Callable[[int, int, str], None]:
    task = bar.add_task(label, total=None)

    def update(done: int, total: int, _name: str) -> None:
        bar.update(task, completed=done, total=total)

    return update


def _stage_progress(bar: Progress) -> Callable[[str, float], None]:
    task = bar.add_task("Genereren", total=100)

    def update(stage: str, fraction: float) -> None:
        bar.update(task, description=f"Genereren: {stage}", completed=round(fraction * 100))

    return update


def _print_load(result: object) -> None:
    from stuurdata.warehouse.load import LoadResult

    assert isinstance(result, LoadResult)
    table = Table(title="Inlezen", show_lines=False)
    for col in ("bron", "bestanden", "gelezen", "geladen", "in quarantaine", "dubbel"):
        table.add_column(col, justify="right" if col != "bron" else "left")
    for bron in sorted({f.bron for f in result.bestanden}):
        files = [f for f in result.bestanden if f.bron == bron]
        table.add_row(
            bron,
            str(len(files)),
            *(
                str(sum(getattr(f, k) for f in files))
                for k in ("gelezen", "geladen", "gequarantaineerd", "dubbel")
            ),
        )
    print_table(console, table)
    log.info(
        "lading %s: gelezen=%d geladen=%d quarantaine=%d dubbel=%d",
        result.run_id,
        result.totaal("gelezen"),
        result.totaal("geladen"),
        result.totaal("gequarantaineerd"),
        result.totaal("dubbel"),
    )


@app.command()
def init(
    gemeente: Annotated[
        str | None, typer.Option("--gemeente", help="CBS-gemeentecode, bv. GM0363.")
    ] = None,
    naam: Annotated[str | None, typer.Option("--naam", help="Naam van de gemeente.")] = None,
    map: Annotated[
        Path, typer.Option("--map", help="Map van de installatie (pakhuis, beheer, doelen).")
    ] = Path("."),
    sleutel: Annotated[
        Path | None,
        typer.Option(
            "--sleutel",
            help="Sleutelbestand, buiten de map (standaard ~/.config/stuurdata/GMxxxx.key; "
            "een bestaand bestand wordt gebruikt, anders aangemaakt met rechten 0600).",
        ),
    ] = None,
    sjabloon: Annotated[
        list[str] | None,
        typer.Option(
            "--sjabloon",
            help="Doel uit een sjabloon (herhaalbaar; standaard alle drie): "
            "monitor-sociaal-domein, ketenmonitor, prognose.",
        ),
    ] = None,
) -> None:
    """Richt stuurdata in voor een gemeente: één map met pakhuis, doelen en sleutel.

    Zonder opties stelt het de vragen; met opties werkt het in scripts. Daarna werken
    'stuurdata inlezen MAP', 'stuurdata publiceer' en 'stuurdata rapport' in die map zonder
    verdere opties.
    """
    from stuurdata.installatie import InstallatieFout, create_installation
    from stuurdata.privacy.pseudonym import KeyError_
    from stuurdata.privacy.sjablonen import SJABLONEN

    code = gemeente or _ask("CBS-gemeentecode (bv. GM0363)", "--gemeente")
    name = naam or _ask("Naam van de gemeente", "--naam")
    try:
        done = create_installation(
            map,
            gemeentecode=code,
            gemeentenaam=name,
            sleutel=sleutel,
            sjablonen=tuple(sjabloon) if sjabloon else SJABLONEN,
        )
    except (InstallatieFout, KeyError_) as exc:
        raise _fail(str(exc)) from None
    inst = done.installatie
    console.print(f"Installatie voor {inst.gemeentenaam} ({inst.gemeentecode}) in {inst.map}.")
    state = "nieuw aangemaakt (rechten 0600)" if done.sleutel_nieuw else "bestaand, gebruikt"
    console.print(f"  Sleutel: {inst.sleutel} ({state}); vingerafdruk {inst.sleutel_vingerafdruk}.")
    console.print("  Bewaar een kopie van de sleutel veilig, buiten deze map.")
    console.print(f"  Doelen: {', '.join(done.doelen)} (bekijk met 'stuurdata doel toon NAAM').")
    console.print(
        f"  Projectregister: vul {done.projectbestand.name} in en registreer met "
        f"'stuurdata project nieuw {done.projectbestand.name}'."
    )
    here = inst.map == Path.cwd().resolve()
    console.print("\nVolgende stappen" + ("" if here else f" (in {inst.map})") + ":")
    if not here:
        console.print(f"  cd {inst.map}")
    console.print("  stuurdata inlezen MAP-MET-BESTANDEN")
    console.print("  stuurdata publiceer")
    console.print("  stuurdata rapport")


def _ask(question: str, option: str) -> str:
    """Ask on a terminal; in a script, say which option is missing."""
    import sys

    if not sys.stdin.isatty():
        raise _fail(f"{option} ontbreekt. Geef het op, bijvoorbeeld: stuurdata init {option} ...")
    return str(typer.prompt(question))


@app.command()
def synth(
    map: Annotated[Path, typer.Option("--map", help="Map voor de gegenereerde bestanden.")],
    inwoners: Annotated[int, typer.Option(help="Aantal inwoners.")] = 60_000,
    maanden: Annotated[int, typer.Option(help="Aantal maanden berichtenverkeer.")] = 36,
    zaad: Annotated[int, typer.Option(help="Startwaarde van de toevalsgenerator.")] = 1,
    gemeente: Annotated[str, typer.Option(help="CBS-gemeentecode (GM99xx).")] = "GM9901",
    naam: Annotated[str, typer.Option(help="Naam van de gemeente.")] = "Demostad",
    tot: Annotated[
        str | None, typer.Option(help="Laatste maand (JJJJ-MM); standaard de vorige maand.")
    ] = None,
) -> None:
    """Maak een synthetische gemeente: BRP-extract en iWmo/iJw-berichten (voor demo en tests)."""
    from stuurdata.synth import generate

    last = date.fromisoformat(f"{tot}-01") if tot else None
    with _progress() as bar:
        summary = generate(
            map,
            inwoners=inwoners,
            maanden=maanden,
            zaad=zaad,
            gemeentecode=gemeente,
            naam=naam,
            tot=last,
            progress=_stage_progress(bar),
        )
    console.print(
        f"Gemeente {summary.naam} ({summary.gemeentecode}): {summary.bestanden} bestanden "
        f"in {Path(map) / 'bronnen'}."
    )


@app.command()
def inlezen(
    paden: Annotated[list[Path], typer.Argument(help="Bestanden, mappen of zip-archieven.")],
    *,
    pakhuis: Pakhuis,
    sleutel: Sleutel = None,
    doel: DoelOptie = None,
) -> None:
    """Lees berichten (iWmo/iJw), BRP-extracten, suite-exports, gebiedenlijsten en
    wijk- en buurtgrenzen (GeoJSON van PDOK) in."""
    from stuurdata.privacy.keys import pseudonymiser
    from stuurdata.sources.files import SourcePathError
    from stuurdata.warehouse.load import load_sources

    try:
        with onder_doel(pakhuis, doel, "inlezen") as v:
            _setup_log(pakhuis)
            pseudo = pseudonymiser(sleutel, pakhuis)
            with _progress() as bar:
                result = load_sources(
                    paden,
                    pakhuis,
                    pseudo,
                    doel=v.doel.naam,
                    progress=_file_progress(bar, "Inlezen"),
                    bronnen=v.doel.bronnen,
                    verwerking_id=v.verwerking_id,
                )
            v.bronnen = sorted({f.bron for f in result.bestanden if f.geladen})
            v.personen = result.personen
            v.uitvoer = str(pakhuis)
    except (SourcePathError, KeyError_) as exc:
        raise _fail(str(exc)) from None
    _print_load(result)
    if result.totaal("gequarantaineerd"):
        console.print(
            f"{result.totaal('gequarantaineerd')} records in quarantaine; "
            "zie de tabel quarantaine in het pakhuis voor bestand, plaats en reden."
        )


@app.command()
def indicatoren(
    *,
    pakhuis: Pakhuis,
    uit: Annotated[Path | None, typer.Option("--uit", help="CSV-bestand (lang formaat).")] = None,
    intern: Annotated[
        bool,
        typer.Option(
            "--intern",
            help="Onbeschermde waarden (alleen voor intern gebruik; het doel moet "
            "uitvoer op persoonsniveau toestaan).",
        ),
    ] = False,
    doel: DoelOptie = None,
    motor: Motor = "duckdb",
) -> None:
    """Bereken de indicatoren; zonder --intern alleen beschermde (afgeronde) waarden."""
    from stuurdata.pipeline import write_indicators
    from stuurdata.privacy.rule import RegelGeweigerd
    from stuurdata.publication.publish import indicator_sources

    activiteit = "export" if uit else "berekenen"
    with (
        _warehouse(pakhuis) as con,
        onder_doel(
            pakhuis,
            doel,
            activiteit,
            bronnen=indicator_sources(),
            persoonsniveau=intern,
        ) as v,
    ):
        try:
            frame = write_indicators(con, uit, intern=intern, doel=v.doel, motor=motor)
        except (SparkError, RegelGeweigerd) as exc:
            raise _fail(str(exc)) from None
        v.uitvoer = str(uit) if uit else None
    log.info("indicatoren: %d waarden (intern=%s)", len(frame), intern)
    console.print(
        f"{len(frame)} indicatorwaarden berekend" + (f", geschreven naar {uit}." if uit else ".")
    )


@app.command()
def demo(
    map: Annotated[Path, typer.Option("--map", help="Map voor de demo.")] = Path("demo"),
    inwoners: Annotated[int, typer.Option(help="Aantal inwoners.")] = 60_000,
    maanden: Annotated[int, typer.Option(help="Aantal maanden.")] = 36,
    zaad: Annotated[int, typer.Option(help="Startwaarde van de toevalsgenerator.")] = 1,
    sleutel: Sleutel = None,
) -> None:
    """Genereer Demostad, lees alles in, bereken de indicatoren en schrijf het rapport."""
    from stuurdata.cli_web import dashboard_hint
    from stuurdata.demo import run_demo

    _setup_log(map / "pakhuis.duckdb")
    with _progress() as bar:
        result = run_demo(
            map,
            inwoners=inwoners,
            maanden=maanden,
            zaad=zaad,
            sleutel=sleutel,
            synth_progress=_stage_progress(bar),
            load_progress=_file_progress(bar, "Inlezen"),
        )
    _print_load(result.lading)
    console.print(
        f"\n[bold]{result.synth.naam}[/] ({result.synth.gemeentecode}), "
        f"{result.synth.eerste_maand:%m-%Y} t/m {result.synth.laatste_maand:%m-%Y}"
    )
    for label, value in result.kerncijfers.items():
        console.print(f"  {label}: {value}")
    console.print(f"\nIndicatoren: {result.indicatoren}")
    console.print(f"Rapport: [bold]{result.rapport}[/]")
    console.print(dashboard_hint(result.pakhuis), soft_wrap=True, markup=False)
    log.info("demo klaar: %s", result.rapport)


def _register_subapps() -> None:
    """Commands of other layers, each a Typer sub-app in its own module."""
    from stuurdata import (
        cli_domein,
        cli_export,
        cli_kwaliteit,
        cli_privacy,
        cli_prognose,
        cli_publiceer,
        cli_web,
    )

    cli_privacy.register(app)
    cli_web.register(app)  # web, gebruiker
    app.add_typer(cli_kwaliteit.app)
    app.add_typer(cli_publiceer.app)  # publiceer, rapport
    app.add_typer(cli_domein.app, name="domein")
    app.add_typer(cli_prognose.app, name="prognose")
    app.add_typer(cli_export.app, name="export")


_register_subapps()

if __name__ == "__main__":  # pragma: no cover
    app()
