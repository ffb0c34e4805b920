"""Pages for the beheerder: user accounts and the audit log (with its chain check)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from stuurdata.privacy import audit
from stuurdata.web.app import render
from stuurdata.web.context import Geweigerd, bekijk, state_of
from stuurdata.web.roles import ROL_UITLEG, ROLLEN
from stuurdata.web.routes_pages import User
from stuurdata.web.security import same_token
from stuurdata.web.users import GebruikerOngeldig, create_user, list_users

router = APIRouter(prefix="/beheer")
GETOOND = 200  # newest audit records on the page


def _users_page(
    request: Request, user: User, melding: str = "", status_code: int = 200
) -> Response:
    cfg = state_of(request).config
    return render(
        request,
        "gebruikers.html",
        user,
        actief="gebruikers",
        titel="Gebruikers",
        gebruikers=list_users(cfg.pakhuis, url=cfg.store_url),
        rollen=[(r, ROL_UITLEG[r]) for r in ROLLEN],
        melding=melding,
        status_code=status_code,
    )


@router.get("/gebruikers", name="gebruikers")
def gebruikers(request: Request, user: User) -> Response:
    with bekijk(request, "gebruikers", user):
        return _users_page(request, user)


@router.post("/gebruikers", name="gebruiker_nieuw")
def gebruiker_nieuw(
    request: Request,
    user: User,
    naam: Annotated[str, Form(max_length=100)] = "",
    rol: Annotated[str, Form(max_length=40)] = "",
    wachtwoord: Annotated[str, Form(max_length=1000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if not same_token(csrf, request.state.csrf):
        raise Geweigerd("Het formulier is verlopen of niet van deze site. Probeer het opnieuw.")
    cfg = state_of(request).config
    with bekijk(request, "gebruiker_nieuw", user, toelichting=f"gebruiker {rol} aangemaakt"):
        try:
            create_user(cfg.pakhuis, naam.strip().lower(), rol, wachtwoord, url=cfg.store_url)
        except GebruikerOngeldig as exc:
            return _users_page(request, user, str(exc), status_code=400)
    return RedirectResponse("/beheer/gebruikers", status_code=303)


@router.get("/audit", name="auditlog")
def auditlog(request: Request, user: User) -> Response:
    cfg = state_of(request).config
    with bekijk(request, "auditlog", user):
        rows = audit.records(cfg.pakhuis, url=cfg.store_url)
        check = audit.verify(cfg.pakhuis, url=cfg.store_url)
    return render(
        request,
        "auditlog.html",
        user,
        actief="auditlog",
        titel="Auditlog",
        records=list(reversed(rows[-GETOOND:])),
        totaal=len(rows),
        check=check,
    )
