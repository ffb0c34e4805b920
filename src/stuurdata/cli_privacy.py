"""Commands for purposes, audit log, key, retention, projects and the algorithm register.

Each command is a few lines over a library function in ``stuurdata.privacy``; the main CLI
adds them with ``register(app)``.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from stuurdata.cli_doel import Pakhuis
from stuurdata.cli_tabel import print_table
from stuurdata.privacy.purposes import BRON_UITLEG
from stuurdata.privacy.sjablonen import UITLEG

console = Console()
err = Console(stderr=True)

Sleutel = Annotated[
    Path | None,
    typer.Option(
        "--sleutel", help="Sleutelbestand voor pseudonimisering.", envvar="STUURDATA_SLEUTEL"
    ),
]

doel_app = typer.Typer(help="Doelbinding: registreer en bekijk doelen.", no_args_is_help=True)
audit_app = typer.Typer(help="Het auditlog: bekijken en controleren.", no_args_is_help=True)
sleutel_app = typer.Typer(help="De pseudonimiseringssleutel beheren.", no_args_is_help=True)
project_app = typer.Typer(help="Het projectregister met publieke waarden.", no_args_is_help=True)
algoritme_app = typer.Typer(help="Beschrijvingen voor het Algoritmeregister.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]Fout:[/] {message}")
    return typer.Exit(code=1)


_BRON_HELP = "Toegestane bron (herhaalbaar): " + ", ".join(
    f"{k} ({v})" for k, v in BRON_UITLEG.items()
)
_SJABLOON_HELP = "Begin met een sjabloon; opties hieronder overschrijven het. " + "; ".join(
    f"{k}: {v}" for k, v in UITLEG.items()
)


@doel_app.command("nieuw")
def doel_nieuw(
    naam: Annotated[
        str | None, typer.Option(help="Korte naam (standaard: die van het sjabloon).")
    ] = None,
    sjabloon: Annotated[str | None, typer.Option(help=_SJABLOON_HELP)] = None,
    vraag: Annotated[str | None, typer.Option(help="De beleidsvraag.")] = None,
    handelingsperspectief: Annotated[
        str | None, typer.Option(help="Wat men met het antwoord kan doen.")
    ] = None,
    grondslag: Annotated[str | None, typer.Option(help="AVG art. 6 lid 1: a t/m f.")] = None,
    wet: Annotated[
        str | None, typer.Option(help="De specifieke wet, bv. 'Wmo 2015 art. 5.1.1'.")
    ] = None,
    verantwoordelijke: Annotated[
        str | None, typer.Option(help="Verwerkingsverantwoordelijke.")
    ] = None,
    bron: Annotated[list[str] | None, typer.Option(help=_BRON_HELP)] = None,
    niveau: Annotated[
        str | None,
        typer.Option(
            help="Meest gedetailleerde niveau: gemeente, wijk of buurt [standaard: buurt]."
        ),
    ] = None,
    persoonsniveau: Annotated[
        bool | None, typer.Option(help="Uitvoer op persoonsniveau toegestaan.")
    ] = None,
    bewaartermijn: Annotated[int | None, typer.Option(help="Bewaartermijn in maanden.")] = None,
    wie: Annotated[
        list[str] | None, typer.Option(help="Gebruiker of rol (herhaalbaar; * = iedereen).")
    ] = None,
    *,
    pakhuis: Pakhuis,
) -> None:
    """Registreer een doel (of vervang het doel met dezelfde naam), het liefst uit een sjabloon."""
    from stuurdata.config import installation
    from stuurdata.privacy.purposes import Doel, DoelOngeldig, save_doel
    from stuurdata.privacy.sjablonen import ALLE_SJABLONEN, template

    changes = _doel_changes(
        vraag,
        handelingsperspectief,
        grondslag,
        wet,
        verantwoordelijke,
        bron,
        niveau,
        persoonsniveau,
        bewaartermijn,
        wie,
    )
    try:
        if sjabloon is not None:
            if sjabloon not in ALLE_SJABLONEN:
                kies = ", ".join(ALLE_SJABLONEN)
                raise _fail(f"Onbekend sjabloon '{sjabloon}'; kies uit {kies}.")
            inst = installation()
            gemeente = inst.gemeentenaam if inst and inst.gemeentenaam else "de gemeente"
            doel = replace(template(sjabloon, naam=naam, gemeente=gemeente), **changes)
        else:
            required = {
                "--naam": naam,
                "--vraag": vraag,
                "--handelingsperspectief": handelingsperspectief,
                "--grondslag": grondslag,
                "--wet": wet,
                "--verantwoordelijke": verantwoordelijke,
                "--bron": bron,
            }
            missing = [option for option, value in required.items() if not value]
            if missing:
                raise _fail(
                    "Kies een sjabloon (--sjabloon monitor-sociaal-domein, ketenmonitor of "
                    f"prognose), of geef alles zelf op; nu ontbreekt: {', '.join(missing)}."
                )
            fields = {"naam": naam or "", "niveau": "buurt", **changes}
            for key in ("vraag", "handelingsperspectief", "grondslag_avg", "grondslag_wet"):
                fields.setdefault(key, "")
            fields.setdefault("verwerkingsverantwoordelijke", "")
            fields.setdefault("bronnen", ())
            doel = Doel(**fields)
    except DoelOngeldig as exc:
        hint = "" if sjabloon else " Tip: begin met --sjabloon (zie --help)."
        raise _fail(f"Doel niet geregistreerd: {exc}{hint}") from None
    save_doel(pakhuis, doel)
    console.print(f"Doel '{doel.naam}' geregistreerd. {doel.samenvatting()}")


@doel_app.command("wijzig")
def doel_wijzig(
    naam: Annotated[str, typer.Argument(help="Het doel dat verandert.")],
    bron: Annotated[list[str] | None, typer.Option(help="Bron erbij (herhaalbaar).")] = None,
    activiteit: Annotated[
        list[str] | None, typer.Option(help="Activiteit erbij (herhaalbaar).")
    ] = None,
    niveau: Annotated[str | None, typer.Option(help="Nieuw meest gedetailleerde niveau.")] = None,
    persoonsniveau: Annotated[
        bool | None, typer.Option(help="Uitvoer op persoonsniveau wel of niet toestaan.")
    ] = None,
    bewaartermijn: Annotated[int | None, typer.Option(help="Bewaartermijn in maanden.")] = None,
    wie: Annotated[list[str] | None, typer.Option(help="Gebruiker of rol erbij.")] = None,
    *,
    pakhuis: Pakhuis,
) -> None:
    """Verruim of verander een geregistreerd doel; de rest blijft zoals het was."""
    from stuurdata.privacy.purposes import DoelOngeldig, get_doel, save_doel

    current = get_doel(pakhuis, naam)
    if current is None:
        raise _fail(f"Doel '{naam}' is niet geregistreerd (zie 'stuurdata doel lijst').")
    changes: dict[str, Any] = {}
    if bron:
        changes["bronnen"] = tuple(dict.fromkeys([*current.bronnen, *bron]))
    if activiteit:
        changes["activiteiten"] = tuple(dict.fromkeys([*current.activiteiten, *activiteit]))
    if wie:
        changes["betrokkenen"] = tuple(dict.fromkeys([*current.betrokkenen, *wie]))
    for key, value in (
        ("niveau", niveau),
        ("persoonsniveau", persoonsniveau),
        ("bewaartermijn_maanden", bewaartermijn),
    ):
        if value is not None:
            changes[key] = value
    try:
        doel = replace(current, **changes)
    except DoelOngeldig as exc:
        raise _fail(f"Doel niet gewijzigd: {exc}") from None
    save_doel(pakhuis, doel)
    console.print(f"Doel '{doel.naam}' gewijzigd. {doel.samenvatting()}")


def _doel_changes(
    vraag: str | None,
    handelingsperspectief: str | None,
    grondslag: str | None,
    wet: str | None,
    verantwoordelijke: str | None,
    bron: list[str] | None,
    niveau: str | None,
    persoonsniveau: bool | None,
    bewaartermijn: int | None,
    wie: list[str] | None,
) -> dict[str, Any]:
    """The fields the user gave, by ``Doel`` field name."""
    given: dict[str, Any] = {
        "vraag": vraag,
        "handelingsperspectief": handelingsperspectief,
        "grondslag_avg": grondslag,
        "grondslag_wet": wet,
        "verwerkingsverantwoordelijke": verantwoordelijke,
        "bronnen": tuple(bron) if bron else None,
        "niveau": niveau,
        "persoonsniveau": persoonsniveau,
        "bewaartermijn_maanden": bewaartermijn,
        "betrokkenen": tuple(wie) if wie else None,
    }
    return {k: v for k, v in given.items() if v is not None}


@doel_app.command("lijst")
def doel_lijst(*, pakhuis: Pakhuis) -> None:
    """Toon de geregistreerde doelen."""
    from stuurdata.privacy.purposes import list_doelen

    table = Table("naam", "vraag", "grondslag", "niveau", "bewaartermijn")
    for d in list_doelen(pakhuis):
        table.add_row(d.naam, d.vraag, d.grondslag, d.niveau, f"{d.bewaartermijn_maanden} mnd")
    print_table(console, table)


@doel_app.command("toon")
def doel_toon(naam: str, *, pakhuis: Pakhuis) -> None:
    """Toon één doel volledig."""
    from stuurdata.privacy.purposes import get_doel

    d = get_doel(pakhuis, naam)
    if d is None:
        raise _fail(f"Doel '{naam}' is niet geregistreerd.")
    for label, value in (
        ("Vraag", d.vraag),
        ("Handelingsperspectief", d.handelingsperspectief),
        ("Grondslag", d.grondslag),
        ("Verantwoordelijke", d.verwerkingsverantwoordelijke),
        ("Bewaartermijn", f"{d.bewaartermijn_maanden} maanden"),
    ):
        console.print(f"[bold]{label}:[/] {value}")
    console.print(d.samenvatting())


@audit_app.command("toon")
def audit_toon(
    *,
    pakhuis: Pakhuis,
    doel: Annotated[str | None, typer.Option(help="Alleen dit doel.")] = None,
    activiteit: Annotated[str | None, typer.Option(help="Alleen deze activiteit.")] = None,
    wie: Annotated[str | None, typer.Option(help="Alleen deze gebruiker.")] = None,
    resultaat: Annotated[str | None, typer.Option(help="uitgevoerd, geweigerd of mislukt.")] = None,
    vanaf: Annotated[str | None, typer.Option(help="Vanaf datum (JJJJ-MM-DD).")] = None,
    tot: Annotated[str | None, typer.Option(help="Tot datum (JJJJ-MM-DD).")] = None,
) -> None:
    """Toon de records van het auditlog, gefilterd."""
    from stuurdata.privacy.audit import records

    table = Table(
        "nr",
        "tijdstip",
        "activiteit",
        "resultaat",
        "doel",
        "wie",
        "personen",
        "uitvoer / toelichting",
    )
    for r in records(
        pakhuis,
        doel=doel,
        activiteit=activiteit,
        actor=wie,
        resultaat=resultaat,
        vanaf=vanaf,
        tot=tot,
    ):
        table.add_row(
            str(r.volgnummer),
            r.tijdstip[:19].replace("T", " "),
            r.activiteit,
            r.resultaat,
            r.doel or "-",
            r.actor + (f" ({r.rol})" if r.rol else ""),
            "" if r.personen is None else str(r.personen),
            r.uitvoer or r.toelichting or "",
        )
    print_table(console, table)


@audit_app.command("controleer")
def audit_controleer(*, pakhuis: Pakhuis) -> None:
    """Controleer of het auditlog ongeschonden is (wijziging, verwijdering, volgorde)."""
    from stuurdata.privacy.audit import verify

    result = verify(pakhuis)
    if not result.ok:
        for problem in result.problemen:
            err.print(f"[red]•[/] {problem}")
        raise _fail(f"Het auditlog is aangetast ({len(result.problemen)} problemen).")
    console.print(f"Auditlog in orde: {result.aantal} records, keten en anker kloppen.")


@audit_app.command("kop")
def audit_kop(*, pakhuis: Pakhuis) -> None:
    """Toon het laatste volgnummer en de hash, om buiten het systeem te bewaren."""
    from stuurdata.privacy.audit import head

    number, digest = head(pakhuis)
    console.print(f"{number} {digest}")


@sleutel_app.command("roteer")
def sleutel_roteer(*, pakhuis: Pakhuis, sleutel: Sleutel = None) -> None:
    """Vervang de sleutel: alle pseudoniemen in het pakhuis in één transactie omgezet."""
    from stuurdata.privacy import audit
    from stuurdata.privacy.governance import current_actor
    from stuurdata.privacy.keys import key_path
    from stuurdata.privacy.pseudonym import KeyError_
    from stuurdata.privacy.rotation import rotate

    verwerking_id = uuid.uuid4().hex
    try:
        result = rotate(pakhuis, key_path(sleutel), verwerking_id=verwerking_id)
    except KeyError_ as exc:
        raise _fail(str(exc)) from None
    audit.append(
        pakhuis,
        verwerking_id=verwerking_id,
        activiteit="sleutelrotatie",
        resultaat=audit.UITGEVOERD,
        actor=current_actor(),
        personen=result.pseudoniemen,
        toelichting=f"nieuwe vingerafdruk {result.vingerafdruk}",
    )
    console.print(
        f"Sleutel geroteerd: {result.pseudoniemen} pseudoniemen in "
        f"{len(result.tabellen)} tabellen omgezet."
    )


def opschonen(
    *,
    pakhuis: Pakhuis,
    peildatum: Annotated[
        str | None, typer.Option(help="Rekenen vanaf deze datum (JJJJ-MM-DD).")
    ] = None,
) -> None:
    """Verwijder gegevens waarvan de bewaartermijn van elk doel verstreken is."""
    from stuurdata.privacy.retention import purge_and_log

    result = purge_and_log(pakhuis, today=date.fromisoformat(peildatum) if peildatum else None)
    for table, n in sorted(result.verwijderd.items()):
        console.print(f"  {table}: {n} rijen verwijderd")
    for bron in result.zonder_doel:
        console.print(
            f"[yellow]Let op:[/] geen doel staat de bron '{bron}' toe; die is niet opgeschoond."
        )
    console.print(f"Opgeschoond: {result.totaal} rijen.")


@project_app.command("sjabloon")
def project_sjabloon(
    uit: Annotated[Path, typer.Argument(help="YAML-bestand om in te vullen.")],
) -> None:
    """Schrijf een in te vullen projectbeschrijving (YAML), met de vragen erbij."""
    from stuurdata.installatie import project_questionnaire

    uit.write_text(project_questionnaire(()), encoding="utf-8")
    console.print(f"Sjabloon geschreven: {uit}")


@project_app.command("nieuw")
def project_nieuw(
    bestand: Annotated[Path, typer.Argument(help="Ingevulde YAML.")], *, pakhuis: Pakhuis
) -> None:
    """Registreer een project uit een ingevuld sjabloon."""
    from stuurdata.privacy.projects import Project, ProjectOngeldig, Waardeoordeel, save_project

    data = yaml.safe_load(bestand.read_text(encoding="utf-8")) or {}
    try:
        project = Project(
            str(data.get("naam", "")),
            str(data.get("vraag", "")),
            tuple(data.get("doelen") or ()),
            dict(data.get("stappen") or {}),
            {k: Waardeoordeel(**v) for k, v in (data.get("waarden") or {}).items()},
        )
        save_project(pakhuis, project)
    except (ProjectOngeldig, TypeError) as exc:
        raise _fail(f"Project niet geregistreerd: {exc}") from None
    console.print(f"Project '{project.naam}' geregistreerd.")


@project_app.command("toon")
def project_toon(naam: str, *, pakhuis: Pakhuis) -> None:
    """Toon een project met zijn stappen en publieke waarden."""
    from stuurdata.privacy.projects import get_project

    project = get_project(pakhuis, naam)
    if project is None:
        raise _fail(f"Project '{naam}' is niet geregistreerd.")
    console.print(project.markdown())


@project_app.command("lijst")
def project_lijst(*, pakhuis: Pakhuis) -> None:
    """Toon de geregistreerde projecten."""
    from stuurdata.privacy.projects import list_projects

    for project in list_projects(pakhuis):
        console.print(f"{project.naam}: {project.vraag} (doelen: {', '.join(project.doelen)})")


@algoritme_app.command("export")
def algoritme_export(
    map: Annotated[Path, typer.Option("--map", help="Map voor JSON en Markdown.")],
    organisatie: Annotated[str | None, typer.Option(help="Naam van de gemeente.")] = None,
) -> None:
    """Schrijf per model een beschrijving voor het Algoritmeregister (JSON en Markdown)."""
    from stuurdata.privacy.algoritmeregister import export

    for path in export(map, organisation=organisatie):
        console.print(f"Geschreven: {path}")


def register(app: typer.Typer) -> None:
    """Add the privacy commands to the main app (one call in ``cli.py``)."""
    app.add_typer(doel_app, name="doel")
    app.add_typer(audit_app, name="audit")
    app.add_typer(sleutel_app, name="sleutel")
    app.add_typer(project_app, name="project")
    app.add_typer(algoritme_app, name="algoritme")
    app.command("opschonen")(opschonen)
