"""The Ketenmonitor: provider scorecards per rule from the publication, and the work list
for a role and purpose that allow it. Each route is a few lines over ``web.keten``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from stuurdata.config import default_doel
from stuurdata.quality.registry import load_measures
from stuurdata.web import keten
from stuurdata.web.app import render
from stuurdata.web.context import Geweigerd, bekijk, state_of
from stuurdata.web.roles import allowed
from stuurdata.web.routes_pages import User

router = APIRouter()
Agb = Annotated[str | None, Query(pattern=r"^\d{8}$")]


@router.get("/ketenmonitor", name="ketenmonitor")
def ketenmonitor(request: Request, user: User, aanbieder: Agb = None) -> Response:
    state = state_of(request)
    with bekijk(request, "ketenmonitor", user, toelichting=aanbieder) as v:
        pub = state.publication()
        result = state.memo(("ketenmonitor", aanbieder), lambda: keten.ketenmonitor(pub, aanbieder))
        if aanbieder is not None and not any(k.code == aanbieder for k in result.kaarten):
            raise Geweigerd(f"Aanbieder {aanbieder} staat niet in de publicatie.")
        v.personen = result.personen
    return render(
        request,
        "ketenmonitor.html",
        user,
        actief="ketenmonitor",
        titel="Ketenmonitor",
        k=result,
        werklijst=allowed(user.rol, "ketenmonitor_werklijst"),
    )


@router.get("/ketenmonitor/werklijst", name="ketenmonitor_werklijst")
def werklijst(
    request: Request,
    user: User,
    aanbieder: Annotated[str, Query(pattern=r"^\d{8}$")],
    maatregel: Annotated[str, Query(pattern=r"^[a-z_]{2,40}$")],
) -> Response:
    """The cases behind one provider's rule, with pseudonyms: person-level, so the purpose
    (the installation's purpose for the ``kwaliteit`` task) must allow it."""
    state = state_of(request)
    if maatregel not in load_measures():
        raise Geweigerd("Onbekende regel: kies er een op de Ketenmonitor.")
    with bekijk(
        request,
        "ketenmonitor_werklijst",
        user,
        activiteit="bekijken",
        toelichting=f"{aanbieder} {maatregel}",
        persoonsniveau=True,
        doel=state.config.doel or default_doel("kwaliteit"),
    ) as v:
        lijst = keten.werklijst(state.config.pakhuis, aanbieder, maatregel)
        v.personen = lijst.personen
    naam = state.publication().naam(aanbieder)
    return render(
        request,
        "werklijst.html",
        user,
        actief="ketenmonitor",
        titel=f"Werklijst {lijst.naam}",
        w=lijst,
        aanbieder_label=f"{naam} ({aanbieder})" if naam != aanbieder else aanbieder,
    )
