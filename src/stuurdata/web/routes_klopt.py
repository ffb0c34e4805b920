"""Klopt dit getal? The story of one figure, and reconciling an own list with it.

Both are library calls (``analysis.herleiding``, ``analysis.reconcile``) run inside
``bekijk``, so they are purpose-bound and audit-logged like every page; every count of
persons they return passed the installation's disclosure rule. The upload is read in memory
(limited below the size at which the server would spool it to disk), pseudonymised at once
and never stored; a bad upload changes nothing and gets a Dutch message per problem.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from stuurdata.analysis.herleiding import Herleiding, has_parts, herleid
from stuurdata.analysis.reconcile import (
    MAX_BYTES,
    UploadGeweigerd,
    compare_counts,
    read_upload,
    reconcile,
)
from stuurdata.config import settings
from stuurdata.errors import UserError
from stuurdata.indicators.registry import Definition
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.privacy.rule import installation_rule
from stuurdata.web.app import render
from stuurdata.web.context import Geweigerd, WebState, bekijk, state_of
from stuurdata.web.notes import valid_area, valid_period
from stuurdata.web.roles import PERSOONSNIVEAU, allowed
from stuurdata.web.routes_pages import NIVEAU_VAN, User, checked_soort, definition
from stuurdata.web.security import same_token
from stuurdata.web.users import Gebruiker

router = APIRouter()
T = TypeVar("T")
Tekst = Annotated[str, Query(max_length=100)]


def _choice(
    request: Request, maat: str, gebiedscode: str, periodesoort: str, periode: str
) -> tuple[Definition, str, str]:
    """The definition, level and period kind of a figure, checked before anything is used."""
    d = definition(request, maat)
    periodesoort = checked_soort(d, periodesoort)
    if not (valid_area(gebiedscode) and valid_period(periode)):
        raise Geweigerd("Kies een gebied en een periode uit de Verkenner.")
    return d, NIVEAU_VAN[gebiedscode[:2]], periodesoort


def _may_see_persons(state: WebState, user: Gebruiker) -> bool:
    found = state.purpose()
    return user.rol in PERSOONSNIVEAU and bool(found and found.persoonsniveau)


def story(
    request: Request,
    user: Gebruiker,
    route: str,
    maat: str,
    gebiedscode: str,
    periodesoort: str,
    periode: str,
) -> Herleiding:
    """``analysis.herleiding.herleid`` for one published figure, as a view under the purpose."""
    state = state_of(request)
    d, niveau, periodesoort = _choice(request, maat, gebiedscode, periodesoort, periode)
    pub = state.publication()
    with bekijk(
        request,
        route,
        user,
        niveau=niveau,
        bronnen=d.bronnen,
        toelichting=f"herleiding {d.id} {gebiedscode} {periodesoort} {periode}",
    ) as v:
        h = _guarded(
            lambda: herleid(
                state.config.pakhuis,
                pub.map,
                d,
                gebiedscode,
                periodesoort,
                periode,
                rule=installation_rule(state.purpose()),
                label=pub.labels.get(d.id),
            )
        )
        if h is None:
            raise Geweigerd("Dit cijfer staat niet in de publicatie. Kies het in de Verkenner.")
        v.personen = h.personen
    return h


@router.get("/klopt", name="klopt")
def klopt(
    request: Request,
    user: User,
    maat: Tekst,
    gebiedscode: Tekst,
    periode: Tekst,
    periodesoort: Tekst = "kwartaal",
) -> Response:
    """How one figure was made: rule, parts, loads, caveats; and the form to reconcile."""
    state = state_of(request)
    h = story(request, user, "klopt", maat, gebiedscode, periodesoort, periode)
    pub = state.publication()
    return render(
        request,
        "klopt.html",
        user,
        actief="verkenner",
        titel=f"Klopt dit getal? {h.definitie.naam}",
        h=h,
        gebied=pub.naam(gebiedscode),
        mag_afstemmen=allowed(user.rol, "afstemmen"),
        bsn_lijst=has_parts(h.definitie),
        max_mb=MAX_BYTES // 1_000_000,
    )


def _guarded(step: Callable[[], T]) -> T:
    """Run a warehouse step; a locked or damaged warehouse becomes a Dutch refusal."""
    try:
        return step()
    except UserError as exc:
        raise Geweigerd(str(exc)) from None


def _pseudonymiser(state: WebState) -> Pseudonymiser:
    """The installation's key, checked against the warehouse; never a new key."""
    from stuurdata.privacy.keys import pseudonymiser

    path = state.config.sleutel or settings().sleutel
    if not FilePath(path).exists():
        raise Geweigerd(
            "Het dashboard kan geen BSN's controleren: de sleutel van de installatie "
            "ontbreekt. Vraag de beheerder."
        )
    return _guarded(lambda: pseudonymiser(path, state.config.pakhuis))


@router.post("/klopt/afstemmen", name="afstemmen")
async def afstemmen(request: Request, user: User) -> Response:
    """Reconcile an uploaded list with one figure; the list is never stored."""
    size = request.headers.get("content-length")
    if size is None or not size.isdigit() or int(size) > MAX_BYTES + 20_000:
        with bekijk(request, "afstemmen", user, toelichting="afstemmen: bestand te groot"):
            return _refused(request, user, [_too_large()])
    async with request.form(max_files=1, max_fields=10) as form:
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("bestand")
        data = b""
        naam = ""
        if isinstance(upload, UploadFile):
            data = await upload.read(MAX_BYTES + 1)
            naam = "lijst" + FilePath(upload.filename or "").suffix.lower()  # extension only
    if not same_token(fields.get("csrf", ""), request.state.csrf):
        raise Geweigerd("Het formulier is verlopen of niet van deze site. Probeer het opnieuw.")
    return await run_in_threadpool(_reconcile, request, user, fields, data, naam)


def _too_large() -> str:
    return f"Het bestand is te groot (meer dan {MAX_BYTES // 1_000_000} MB). Splits de lijst."


def _refused(
    request: Request, user: Gebruiker, meldingen: list[str], status_code: int = 400
) -> Response:
    return render(
        request,
        "afstemming.html",
        user,
        actief="verkenner",
        titel="Afstemmen: lijst niet gebruikt",
        meldingen=meldingen,
        a=None,
        vergelijking=None,
        status_code=status_code,
    )


def _reconcile(
    request: Request, user: Gebruiker, fields: dict[str, str], data: bytes, naam: str
) -> Response:
    state = state_of(request)
    d, niveau, periodesoort = _choice(
        request,
        fields.get("maat", "")[:100],
        fields.get("gebiedscode", "")[:20],
        fields.get("periodesoort", "")[:20],
        fields.get("periode", "")[:20],
    )
    gebiedscode, periode = fields["gebiedscode"], fields["periode"]
    pub = state.publication()
    persons = _may_see_persons(state, user)
    with bekijk(
        request,
        "afstemmen",
        user,
        niveau=niveau,
        bronnen=[*d.bronnen, "persoon"],
        persoonsniveau=persons,
        toelichting=f"afstemmen {d.id} {gebiedscode} {periodesoort} {periode}",
    ) as v:
        try:
            if not data:
                raise UploadGeweigerd(["Kies een bestand (CSV of Excel) met uw lijst."])
            pseudo = _pseudonymiser(state) if has_parts(d) else None
            lijst = read_upload(data, naam, pseudo)
            del data
            if lijst.soort == "aantallen":
                vergelijking = compare_counts(pub.cijfers, lijst, d, periodesoort, periode)
                v.toelichting = f"{v.toelichting} (aantallen per gebied)"
                a = None
            else:
                a = _guarded(
                    lambda: reconcile(
                        state.config.pakhuis,
                        lijst,
                        d,
                        gebiedscode,
                        periodesoort,
                        periode,
                        niveau=niveau,
                        gemeente=pub.gemeente or "GM" + gebiedscode[2:6],
                        rule=installation_rule(state.purpose()),
                        persoonsniveau=persons,
                    )
                )
                vergelijking = None
                v.personen = a.personen
        except UploadGeweigerd as exc:
            v.toelichting = f"{v.toelichting}: lijst geweigerd"
            return _refused(request, user, exc.meldingen)
    return render(
        request,
        "afstemming.html",
        user,
        actief="verkenner",
        titel=f"Afstemmen: {d.naam}",
        meldingen=[],
        a=a,
        vergelijking=vergelijking,
        gebied=pub.naam(gebiedscode),
        naam=pub.naam,
        terug=f"/klopt?maat={d.id}&gebiedscode={gebiedscode}"
        f"&periodesoort={periodesoort}&periode={periode}",
    )
