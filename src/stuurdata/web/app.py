"""The dashboard as a FastAPI app: ``create_app(WebConfig(pakhuis=...))``.

Server-rendered pages (Jinja2), htmx for partial updates, charts as inline SVG with a table
beside each. Only ``/inloggen`` and ``/static`` answer without a session; every other route
needs a signed-in user and runs through ``context.bekijk`` (role, purpose, audit record).
Every asset ships in the package: the pages make no request outside the server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from stuurdata.web.context import (
    Geweigerd,
    NietIngelogd,
    WebConfig,
    WebState,
    signed_in,
    state_of,
)
from stuurdata.web.publicatie import GeenPublicatie
from stuurdata.web.roles import allowed
from stuurdata.web.users import Gebruiker

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

# Content Security Policy: scripts and styles from this server only (inline style attributes
# are needed by the SVG charts); no frames, no form posts elsewhere.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

MENU = (
    ("overzicht", "/", "Overzicht"),
    ("verkenner", "/verkenner", "Verkenner"),
    ("gebieden", "/gebieden", "Wijken"),
    ("ketenmonitor", "/ketenmonitor", "Ketenmonitor"),
    ("prognose", "/prognose", "Prognose en begroting"),
    ("verantwoording", "/verantwoording", "Verantwoording"),
    ("downloads", "/downloads", "Downloads"),
    ("gebruikers", "/beheer/gebruikers", "Gebruikers"),
    ("auditlog", "/beheer/audit", "Auditlog"),
)


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response


def render(
    request: Request,
    template: str,
    user: Gebruiker | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page with the menu for this user's role and the publication's colophon."""
    state = state_of(request)
    try:
        pub = state.publication()
    except GeenPublicatie:
        pub = None
    menu = [
        (href, label, route == context.get("actief"))
        for route, href, label in MENU
        if user is not None and allowed(user.rol, route)
    ]
    return templates.TemplateResponse(
        request,
        template,
        {
            "user": user,
            "menu": menu,
            "csrf": getattr(request.state, "csrf", ""),
            "pub": pub,
            "proxy": bool(state.config.proxy_kop),
            **context,
        },
        status_code=status_code,
    )


def invalid_fields(exc: RequestValidationError) -> list[str]:
    """The names of the fields that failed validation, never their values."""
    names = [str(e.get("loc", ("", "?"))[-1]) for e in exc.errors()]
    return sorted(set(names)) or ["de invoer"]


def create_app(config: WebConfig) -> FastAPI:
    """The dashboard for one warehouse (its newest publication) and its management store."""
    from stuurdata.web import (
        api,
        routes_auth,
        routes_beheer,
        routes_keten,
        routes_klopt,
        routes_pages,
        routes_prognose,
    )

    app = FastAPI(
        title="stuurdata dashboard",
        description="Stuurinformatie sociaal domein: gepubliceerde (beveiligde) cijfers.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.web = WebState.create(config)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(routes_auth.router)
    app.include_router(routes_pages.router)
    app.include_router(routes_prognose.router)
    app.include_router(routes_beheer.router)
    app.include_router(routes_keten.router)
    app.include_router(routes_klopt.router)
    app.mount("/api", api.create_api(app.state.web))

    @app.exception_handler(NietIngelogd)
    async def _login(request: Request, _exc: NietIngelogd) -> Response:
        if config.proxy_kop:  # the proxy signs in; without its header nobody is known
            return render(
                request,
                "fout.html",
                None,
                status_code=401,
                titel="Niet aangemeld",
                melding="Meld u aan via de inlogvoorziening van de gemeente. Heeft u nog geen "
                "account in stuurdata, vraag dan de beheerder.",
            )
        return RedirectResponse("/inloggen", status_code=303)

    @app.exception_handler(Geweigerd)
    async def _refused(request: Request, exc: Geweigerd) -> Response:
        user = getattr(request.state, "user", None)
        return render(
            request, "fout.html", user, status_code=403, titel="Geen toegang", melding=str(exc)
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # Never echo the input: it is whatever someone typed, a BSN included.
        return render(
            request,
            "fout.html",
            getattr(request.state, "user", None),
            status_code=400,
            titel="Deze keuze bestaat niet",
            melding=f"Controleer {', '.join(invalid_fields(exc))} en kies opnieuw in het menu.",
        )

    @app.exception_handler(GeenPublicatie)
    async def _no_publication(request: Request, exc: GeenPublicatie) -> Response:
        user = getattr(request.state, "user", None)
        return render(
            request,
            "fout.html",
            user,
            status_code=503,
            titel="Nog geen cijfers",
            melding=str(exc),
        )

    @app.exception_handler(404)
    async def _not_found(request: Request, _exc: Exception) -> Response:
        try:
            user = signed_in(request)  # without a session, not even "not found"
        except NietIngelogd:
            if request.url.path.startswith("/api/"):
                return JSONResponse({"detail": "Niet ingelogd."}, status_code=401)
            return await _login(request, NietIngelogd())
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "Niet gevonden."}, status_code=404)
        return render(
            request,
            "fout.html",
            user,
            status_code=404,
            titel="Pagina niet gevonden",
            melding="Deze pagina bestaat niet. Kies een onderdeel in het menu.",
        )

    return app
