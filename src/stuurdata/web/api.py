"""The JSON API under ``/api/`` (OpenAPI at ``/api/openapi.json``): the pages' data.

Same rules as the pages: a signed-in session (the browser's cookie), the access matrix, the
purpose and one audit record per call. Only published (protected) figures leave here.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from stuurdata.web import figures
from stuurdata.web.context import Geweigerd, NietIngelogd, WebState, bekijk, signed_in, state_of
from stuurdata.web.publicatie import COLUMNS, GeenPublicatie
from stuurdata.web.users import Gebruiker


class Ik(BaseModel):
    naam: str
    rol: str
    niveaus: list[str]


class Indicator(BaseModel):
    id: str
    naam: str
    definitie: str
    wet: str
    eenheid: str
    soort: str
    niveaus: list[str]
    periodes: list[str]
    versie: int


class Cijfer(BaseModel):
    maat: str
    versie: int | None
    niveau: str
    gebiedscode: str
    periodesoort: str
    periode: str
    categorie: str
    teller: float | None
    noemer: float | None
    waarde: float | None
    n: float | None
    ondergrens: float | None
    bovengrens: float | None
    eenheid: str
    status: str


class Kerncijfer(BaseModel):
    maat: str
    naam: str
    waarde: str
    vorige: str
    verschil_vorige: str
    vorig_jaar: str
    verschil_jaar: str


class Wet(BaseModel):
    wet: str
    titel: str
    kerncijfers: list[Kerncijfer]


class Overzicht(BaseModel):
    periode: str | None
    gemeente: str | None
    wetten: list[Wet]


class Bron(BaseModel):
    bron: str
    naam: str
    bestanden: int
    gelezen: int
    geladen: int
    gequarantaineerd: int
    dubbel: int
    laatst_geladen: str | None


class Verantwoording(BaseModel):
    gemaakt: str
    doel: str | None
    regel: str
    eind: str | None
    bronnen: list[Bron]


class Onderdeel(BaseModel):
    label: str
    aantal: float | None
    status: str


class Lading(BaseModel):
    bron: str
    bestand: str
    gelezen: int
    geladen: int
    gequarantaineerd: int
    dubbel: int
    klaar: str


class Herleiding(BaseModel):
    maat: str
    naam: str
    versie: int
    niveau: str
    gebiedscode: str
    periodesoort: str
    periode: str
    waarde: float | None
    status: str
    volledig: bool | None
    telregel: list[str]
    onderdelen: list[Onderdeel]
    aantal_ladingen: int
    ladingen: list[Lading]
    kanttekeningen: list[str]


class Fout(BaseModel):
    detail: str


def _user(request: Request) -> Gebruiker:
    user = signed_in(request)
    request.state.user = user
    return user


User = Annotated[Gebruiker, Depends(_user)]
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Fout, "description": "Niet ingelogd"},
    403: {"model": Fout, "description": "Geen toegang voor deze rol of dit doel"},
}


def _clean(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def create_api(state: WebState) -> FastAPI:
    """The API app, mounted at ``/api`` by ``create_app``."""
    api = FastAPI(
        title="stuurdata API",
        description="Gepubliceerde cijfers sociaal domein (beveiligd). Inloggen via /inloggen.",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served below, behind the sign-in like every other route
    )
    api.state.web = state

    @api.get("/openapi.json", name="api_openapi", include_in_schema=False)
    def openapi(request: Request, user: User) -> JSONResponse:
        with bekijk(request, "api_openapi", user):
            return JSONResponse(api.openapi())

    @api.exception_handler(NietIngelogd)
    async def _unauthorized(_r: Request, _e: NietIngelogd) -> Response:
        return JSONResponse({"detail": "Niet ingelogd."}, status_code=401)

    @api.exception_handler(Geweigerd)
    async def _refused(_r: Request, exc: Geweigerd) -> Response:
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @api.exception_handler(RequestValidationError)
    async def _invalid(_r: Request, exc: RequestValidationError) -> Response:
        from stuurdata.web.app import invalid_fields

        fields = ", ".join(invalid_fields(exc))
        return JSONResponse({"detail": f"Ongeldige invoer: {fields}."}, status_code=422)

    @api.exception_handler(404)
    async def _not_found(request: Request, _e: Exception) -> Response:
        try:
            signed_in(request)
        except NietIngelogd:
            return JSONResponse({"detail": "Niet ingelogd."}, status_code=401)
        return JSONResponse({"detail": "Niet gevonden."}, status_code=404)

    @api.exception_handler(GeenPublicatie)
    async def _missing(_r: Request, exc: GeenPublicatie) -> Response:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @api.get("/ik", name="api_ik", response_model=Ik, responses=_ERRORS)
    def ik(request: Request, user: User) -> Ik:
        with bekijk(request, "api_ik", user):
            return Ik(naam=user.naam, rol=user.rol, niveaus=list(state.levels(user)))

    @api.get(
        "/indicatoren", name="api_indicatoren", response_model=list[Indicator], responses=_ERRORS
    )
    def indicatoren(request: Request, user: User) -> list[Indicator]:
        with bekijk(request, "api_indicatoren", user):
            return [
                Indicator(
                    id=d.id,
                    naam=d.naam,
                    definitie=d.definitie,
                    wet=d.wet,
                    eenheid=d.eenheid,
                    soort=d.soort,
                    niveaus=list(d.niveaus),
                    periodes=list(d.periodes),
                    versie=d.versie,
                )
                for d in sorted(state.definitions.values(), key=lambda x: x.id)
            ]

    @api.get("/cijfers", name="api_cijfers", response_model=list[Cijfer], responses=_ERRORS)
    def cijfers(
        request: Request,
        user: User,
        maat: Annotated[str, Query(max_length=100)],
        niveau: Annotated[str, Query(max_length=20)] = "gemeente",
        periodesoort: Annotated[str, Query(max_length=20)] = "kwartaal",
        periode: Annotated[str | None, Query(max_length=20)] = None,
    ) -> list[Cijfer]:
        if maat not in state.definitions:
            raise Geweigerd("Onbekende indicator; zie /api/indicatoren.")
        with bekijk(request, "api_cijfers", user, niveau=niveau) as v:
            rows = figures.select_rows(state.publication(), maat, niveau, periodesoort, periode)
            ns = rows["n"].dropna()
            v.personen = int(ns.max()) if not ns.empty else None
            return [Cijfer(**{c: _clean(r[c]) for c in COLUMNS}) for r in rows.to_dict("records")]

    @api.get("/overzicht", name="api_overzicht", response_model=Overzicht, responses=_ERRORS)
    def overzicht(request: Request, user: User) -> Overzicht:
        with bekijk(request, "api_overzicht", user) as v:
            result = figures.overview(state.publication(), state.definitions)
            v.personen = result.personen if result else None
        if result is None:
            return Overzicht(periode=None, gemeente=None, wetten=[])
        return Overzicht(
            periode=result.periode,
            gemeente=result.gemeente,
            wetten=[
                Wet(
                    wet=b.wet,
                    titel=b.titel,
                    kerncijfers=[
                        Kerncijfer(
                            maat=f.maat,
                            naam=f.naam,
                            waarde=f.waarde,
                            vorige=f.vorige,
                            verschil_vorige=f.verschil_vorige,
                            vorig_jaar=f.vorig_jaar,
                            verschil_jaar=f.verschil_jaar,
                        )
                        for f in b.figures
                    ],
                )
                for b in result.blokken
            ],
        )

    @api.get(
        "/verantwoording",
        name="api_verantwoording",
        response_model=Verantwoording,
        responses=_ERRORS,
    )
    def verantwoording(request: Request, user: User) -> Verantwoording:
        with bekijk(request, "api_verantwoording", user):
            pub = state_of(request).publication()
        return Verantwoording(
            gemaakt=pub.gemaakt.isoformat(),
            doel=pub.doel,
            regel=pub.regel,
            eind=pub.eind.isoformat() if pub.eind else None,
            bronnen=[Bron(**b.__dict__) for b in pub.bronnen],
        )

    @api.get("/herleiding", name="api_herleiding", response_model=Herleiding, responses=_ERRORS)
    def herleiding(
        request: Request,
        user: User,
        maat: Annotated[str, Query(max_length=100)],
        gebiedscode: Annotated[str, Query(max_length=20)],
        periode: Annotated[str, Query(max_length=20)],
        periodesoort: Annotated[str, Query(max_length=20)] = "kwartaal",
    ) -> Herleiding:
        """Klopt dit getal?: how one published figure was made (see docs/dashboard.md)."""
        from stuurdata.web.routes_klopt import story

        h = story(request, user, "api_herleiding", maat, gebiedscode, periodesoort, periode)
        return Herleiding(
            maat=h.definitie.id,
            naam=h.definitie.naam,
            versie=h.definitie.versie,
            niveau=h.niveau,
            gebiedscode=h.gebiedscode,
            periodesoort=h.periodesoort,
            periode=h.periode,
            waarde=h.waarde,
            status=h.status,
            volledig=h.volledig,
            telregel=h.regel,
            onderdelen=[
                Onderdeel(label=o.label, aantal=o.aantal, status=o.status) for o in h.onderdelen
            ],
            aantal_ladingen=h.aantal_ladingen,
            ladingen=[Lading(**vars(x)) for x in h.ladingen],
            kanttekeningen=h.kanttekeningen,
        )

    return api
