"""The commands ``stuurdata web`` and ``stuurdata gebruiker``: serve the dashboard, make accounts.

A sub-app registered in ``cli.py`` with one line; the work is in ``stuurdata.web``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from stuurdata.cli_doel import DoelOptie, Pakhuis

WACHTWOORD_ENV = "STUURDATA_WACHTWOORD"
LOKAAL = ("127.0.0.1", "localhost", "::1")

app = typer.Typer(add_completion=False, rich_markup_mode="rich")
gebruiker_app = typer.Typer(
    help="Accounts voor het dashboard (naam, rol, wachtwoord).",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]Fout:[/] {message}")
    return typer.Exit(code=1)


@app.command("web")
def web(
    *,
    pakhuis: Pakhuis,
    host: Annotated[str, typer.Option("--host", help="Adres waarop het dashboard luistert.")] = (
        "127.0.0.1"
    ),
    poort: Annotated[int, typer.Option("--poort", help="Poort van het dashboard.")] = 8000,
    publicatie: Annotated[
        Path | None,
        typer.Option(
            "--publicatie",
            help="Map van de publicatie; standaard de nieuwste naast het pakhuis.",
        ),
    ] = None,
    https_cookie: Annotated[
        bool | None,
        typer.Option(
            "--https-cookie/--geen-https-cookie",
            help="Sessiecookie alleen over https (standaard: aan, behalve op 127.0.0.1).",
        ),
    ] = None,
    proxy_kop: Annotated[
        str | None,
        typer.Option(
            "--proxy-kop",
            help="Aanmelden via een vertrouwde reverse proxy die de gebruikersnaam in deze "
            "kop meegeeft (bv. X-Remote-User); alleen achter die proxy gebruiken.",
        ),
    ] = None,
    doel: DoelOptie = None,
) -> None:
    """Start het dashboard in de browser: cijfers uit de nieuwste publicatie, na inloggen."""
    import uvicorn

    from stuurdata.web import WebConfig, create_app
    from stuurdata.web.publicatie import GeenPublicatie, find_publication

    try:
        folder = find_publication(pakhuis, publicatie)
    except GeenPublicatie as exc:
        raise _fail(str(exc)) from None
    secure = https_cookie if https_cookie is not None else host not in LOKAAL
    config = WebConfig(
        pakhuis=pakhuis,
        publicatie=publicatie,
        doel=doel,
        secure_cookies=secure,
        proxy_kop=proxy_kop,
    )
    application = create_app(config)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"Dashboard met de publicatie in {folder}.")
    console.print(f"Open [bold]http://{shown}:{poort}/[/] en log in. Stoppen: Ctrl+C.")
    uvicorn.run(application, host=host, port=poort, log_level="warning", access_log=False)


@gebruiker_app.command("nieuw")
def gebruiker_nieuw(
    *,
    naam: Annotated[str, typer.Option("--naam", help="Gebruikersnaam (kleine letters).")],
    rol: Annotated[
        str,
        typer.Option(
            "--rol",
            help="raadslid, beleidsmedewerker, controller, contractmanager, analist of beheerder.",
        ),
    ],
    pakhuis: Pakhuis,
) -> None:
    """Maak een account voor het dashboard (of geef een bestaand een nieuw wachtwoord).

    Het wachtwoord wordt gevraagd, of gelezen uit STUURDATA_WACHTWOORD (voor scripts).
    """
    from stuurdata.web.users import GebruikerOngeldig, create_user

    wachtwoord = os.environ.get(WACHTWOORD_ENV)
    if not wachtwoord:
        wachtwoord = str(typer.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True))
    try:
        user = create_user(pakhuis, naam, rol, wachtwoord)
    except GebruikerOngeldig as exc:
        raise _fail(str(exc)) from None
    from stuurdata.privacy import audit
    from stuurdata.privacy.governance import current_actor

    audit.append(
        pakhuis,
        activiteit="gebruiker",
        resultaat=audit.UITGEVOERD,
        actor=current_actor(),
        uitvoer=f"gebruiker {user.naam}",
        toelichting=f"rol {user.rol}",
    )
    console.print(f"Gebruiker {user.naam} ({user.rol}) is klaar om in te loggen.")


@gebruiker_app.command("lijst")
def gebruiker_lijst(*, pakhuis: Pakhuis) -> None:
    """Toon de accounts van het dashboard (naam, rol, actief)."""
    from stuurdata.web.users import list_users

    users = list_users(pakhuis)
    if not users:
        console.print("Nog geen gebruikers. Maak er een met 'stuurdata gebruiker nieuw'.")
    for user in users:
        console.print(f"{user.naam}\t{user.rol}\t{'actief' if user.actief else 'uit'}")


def register(main: typer.Typer) -> None:
    """Add ``web`` and ``gebruiker`` to the main CLI."""
    main.registered_commands.extend(app.registered_commands)
    main.add_typer(gebruiker_app, name="gebruiker")


def dashboard_hint(pakhuis: Path) -> str:
    """What `make demo` prints last: how to open the dashboard on this warehouse."""
    return (
        "\nDashboard: maak een account en start de server:\n"
        f"  stuurdata gebruiker nieuw --naam anna --rol beleidsmedewerker --pakhuis {pakhuis}\n"
        f"  stuurdata web --pakhuis {pakhuis}\n"
        "  en open http://127.0.0.1:8000/ in de browser."
    )
