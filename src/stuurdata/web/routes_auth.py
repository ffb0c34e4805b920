"""Signing in and out: ``/inloggen`` (fields ``naam``, ``wachtwoord``) and ``/uitloggen``.

Both sign-in and sign-out are audit-logged (activity ``bekijken`` is for views; these use
``inloggen``/``uitloggen`` as the route in ``uitvoer``), without the password and, for a
failed attempt, without the name typed (it may be a password typed in the wrong field).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from stuurdata.privacy import audit
from stuurdata.web.app import render
from stuurdata.web.context import Geweigerd, NietIngelogd, signed_in, state_of
from stuurdata.web.security import SESSIE, VOORSESSIE, new_token, same_token
from stuurdata.web.users import authenticate

router = APIRouter()


def _cookie(response: Response, request: Request, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="strict",
        secure=state_of(request).config.secure_cookies,
        path="/",
    )


def _login_page(request: Request, melding: str = "", status_code: int = 200) -> Response:
    """The form with the pre-session CSRF token (signed cookie + hidden field).

    A still valid token is kept, so a second tab or a background request that lands here
    (a browser asking for /favicon.ico) does not invalidate the form already shown.
    """
    pre = state_of(request).signer.unsign(request.cookies.get(VOORSESSIE), max_age=3600)
    token = str(pre["c"]) if pre and pre.get("c") else new_token()
    request.state.csrf = token
    response = render(
        request, "inloggen.html", None, melding=melding, status_code=status_code, titel="Inloggen"
    )
    _cookie(response, request, VOORSESSIE, state_of(request).signer.sign({"c": token}))
    return response


@router.get("/inloggen", name="inloggen")
def login_form(request: Request) -> Response:
    if state_of(request).config.proxy_kop:  # no own form: the proxy signs users in
        return RedirectResponse("/", status_code=303)
    try:
        signed_in(request)
        return RedirectResponse("/", status_code=303)
    except NietIngelogd:
        return _login_page(request)


@router.post("/inloggen", name="inloggen_verzenden")
def login(
    request: Request,
    naam: Annotated[str, Form(max_length=100)] = "",
    wachtwoord: Annotated[str, Form(max_length=1000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    state = state_of(request)
    cfg = state.config
    if cfg.proxy_kop:
        raise Geweigerd("Aanmelden gaat via de inlogvoorziening van de gemeente.")
    pre = state.signer.unsign(request.cookies.get(VOORSESSIE), max_age=3600)
    if pre is None or not same_token(csrf, pre.get("c")):
        return _login_page(
            request,
            "Het formulier is verlopen of niet van deze site. Probeer het opnieuw.",
            status_code=400,
        )
    client = request.client.host if request.client else "onbekend"
    keys = (f"naam:{naam.strip().lower()}", f"adres:{client}")
    wait = state.throttle.wait_seconds(*keys)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        return _login_page(
            request,
            f"Te veel mislukte pogingen. Probeer het over {minutes} minuten opnieuw.",
            status_code=429,
        )
    user = authenticate(cfg.pakhuis, naam.strip().lower(), wachtwoord, url=cfg.store_url)
    if user is None:
        state.throttle.failed(*keys)
        audit.append(
            cfg.pakhuis,
            activiteit="bekijken",
            resultaat=audit.GEWEIGERD,
            actor="onbekend",
            doel=state.doel(),
            uitvoer="/inloggen",
            toelichting="inloggen mislukt",
            url=cfg.store_url,
        )
        return _login_page(request, "Naam of wachtwoord klopt niet.", status_code=401)
    state.throttle.succeeded(keys[0])
    audit.append(
        cfg.pakhuis,
        activiteit="bekijken",
        resultaat=audit.UITGEVOERD,
        actor=user.naam,
        rol=user.rol,
        doel=state.doel(),
        uitvoer="/inloggen",
        toelichting="ingelogd",
        url=cfg.store_url,
    )
    response = RedirectResponse("/", status_code=303)
    _cookie(response, request, SESSIE, state.signer.sign({"n": user.naam, "c": new_token()}))
    response.delete_cookie(VOORSESSIE, path="/")
    return response


@router.post("/uitloggen", name="uitloggen")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    user = signed_in(request)
    request.state.user = user
    if not same_token(csrf, request.state.csrf):
        raise Geweigerd("Het formulier is verlopen of niet van deze site. Probeer het opnieuw.")
    cfg = state_of(request).config
    audit.append(
        cfg.pakhuis,
        activiteit="bekijken",
        resultaat=audit.UITGEVOERD,
        actor=user.naam,
        rol=user.rol,
        doel=state_of(request).doel(),
        uitvoer="/uitloggen",
        toelichting="uitgelogd",
        url=cfg.store_url,
    )
    state_of(request).uitgelogd.add(request.state.csrf)
    response = RedirectResponse("/inloggen", status_code=303)
    response.delete_cookie(SESSIE, path="/")
    return response
