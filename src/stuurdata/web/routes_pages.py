"""The pages for everyone who steers: Overzicht, Verkenner, Definities, Verantwoording,
Downloads. Each route is a few lines over ``figures`` and runs inside ``bekijk``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from stuurdata.indicators.registry import Definition
from stuurdata.report.format import fmt_date, period_label
from stuurdata.web import figures
from stuurdata.web.app import render
from stuurdata.web.context import Geweigerd, bekijk, signed_in, state_of
from stuurdata.web.export import filename, to_csv, to_parquet
from stuurdata.web.kaart import location_svg
from stuurdata.web.notes import NotitieOngeldig, add_note, notes_for, valid_area, valid_period
from stuurdata.web.publicatie import WebPublicatie
from stuurdata.web.roles import allowed
from stuurdata.web.security import same_token
from stuurdata.web.users import Gebruiker
from stuurdata.web.vergelijking import comparisons, signals

router = APIRouter()


def user_of(request: Request) -> Gebruiker:
    """Dependency: the signed-in user (kept on the request for error pages)."""
    user = signed_in(request)
    request.state.user = user
    return user


User = Annotated[Gebruiker, Depends(user_of)]


def period_or_none(periode: str | None) -> str | None:
    """A period as typed in a URL, only when it looks like one (anything else is dropped
    before it could reach a page or the audit log)."""
    return periode if periode and valid_period(periode) else None


def checked_soort(d: Definition, periodesoort: str) -> str:
    if periodesoort not in d.periodes:
        raise Geweigerd(f"Kies als periode: {', '.join(d.periodes)}.")
    return periodesoort


def definition(request: Request, maat: str) -> Definition:
    found = state_of(request).definitions.get(maat)
    if found is None:
        raise Geweigerd("Onbekende indicator: kies er een in de Verkenner.")
    return found


@router.get("/", name="overzicht")
def overzicht(request: Request, user: User) -> Response:
    state = state_of(request)
    with bekijk(request, "overzicht", user) as v:
        pub = state.publication()
        result = state.memo(("overzicht",), lambda: figures.overview(pub, state.definitions))
        signalen = state.memo(("signalen",), lambda: signals(pub, state.definitions))
        v.personen = result.personen if result else None
        v.bronnen = [b.bron for b in pub.bronnen]
    notities = {}
    if result is not None and pub.gemeente:
        cfg = state.config
        for block in result.blokken:
            for f in block.figures:
                found = notes_for(cfg.pakhuis, f.maat, gebieden={pub.gemeente}, url=cfg.store_url)
                notities[f.maat] = [n for n in found if n.periode == result.periode]
    return render(
        request,
        "overzicht.html",
        user,
        actief="overzicht",
        titel="Overzicht",
        o=result,
        notities=notities,
        signalen=signalen,
    )


@router.get("/verkenner", name="verkenner")
def verkenner(
    request: Request,
    user: User,
    maat: Annotated[str, Query(max_length=100)] = "clienten_wmo",
    niveau: Annotated[str, Query(max_length=20)] = "gemeente",
    periodesoort: Annotated[str, Query(max_length=20)] = "kwartaal",
    periode: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    state = state_of(request)
    d = definition(request, maat)
    periode = period_or_none(periode)
    niveaus = [n for n in state.levels(user) if n in d.niveaus]
    if niveau not in niveaus:
        niveau = niveaus[0] if niveaus else "gemeente"
    if periodesoort not in d.periodes:
        periodesoort = d.periodes[0]
    with bekijk(
        request,
        "verkenner",
        user,
        niveau=niveau,
        toelichting=f"{maat} {niveau} {periodesoort} {periode or ''}".strip(),
    ) as v:
        result = state.memo(
            ("verkenner", d.id, niveau, periodesoort, periode),
            lambda: figures.explore(state.publication(), d, niveau, periodesoort, periode),
        )
        v.personen = result.personen
    return explorer_page(request, user, result, niveaus)


def explorer_page(
    request: Request,
    user: Gebruiker,
    result: figures.Exploration,
    niveaus: Sequence[str],
    melding: str = "",
    status_code: int = 200,
) -> Response:
    """The explorer with the notes on what it shows (and the form, for who may write)."""
    state = state_of(request)
    cfg = state.config
    d = result.definitie
    gebieden = sorted(set(result.frame["gebiedscode"]))
    key = ("vergelijking", d.id, result.niveau, result.periodesoort, result.periode)
    pub = state.publication()
    vergelijkingen = state.memo(
        key,
        lambda: comparisons(pub, d, result.niveau, result.periodesoort, result.periode),
    )
    return render(
        request,
        "verkenner.html",
        user,
        actief="verkenner",
        titel=f"Verkenner: {d.naam}",
        e=result,
        definities=sorted(state.definitions.values(), key=lambda x: (x.wet, x.naam)),
        niveaus=niveaus,
        periode_label=period_label,
        notities=notes_for(cfg.pakhuis, d.id, gebieden=set(gebieden), url=cfg.store_url),
        mag_notitie=allowed(user.rol, "notitie_nieuw"),
        gebieden=[(code, state.publication().naam(code)) for code in gebieden],
        periodes=sorted(set(result.frame["periode"]), reverse=True),
        melding=melding,
        status_code=status_code,
        vergelijkingen=vergelijkingen,
    )


NIVEAU_VAN = figures.NIVEAU_VAN


@router.post("/verkenner/notitie", name="notitie_nieuw")
def notitie_nieuw(
    request: Request,
    user: User,
    maat: Annotated[str, Form(max_length=100)],
    periodesoort: Annotated[str, Form(max_length=20)],
    gebiedscode: Annotated[str, Form(max_length=20)],
    periode: Annotated[str, Form(max_length=20)],
    tekst: Annotated[str, Form(max_length=5000)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Keep a note on a figure (beleidsmedewerker, analist), then show the explorer again."""
    if not same_token(csrf, request.state.csrf):
        raise Geweigerd("Het formulier is verlopen of niet van deze site. Probeer het opnieuw.")
    state = state_of(request)
    cfg = state.config
    d = definition(request, maat)
    periodesoort = checked_soort(d, periodesoort)
    if not (valid_area(gebiedscode) and valid_period(periode)):
        raise Geweigerd("Kies een gebied en een periode uit de lijst.")
    niveau = NIVEAU_VAN[gebiedscode[:2]]
    back = f"/verkenner?maat={d.id}&niveau={niveau}&periodesoort={periodesoort}&periode={periode}"
    with bekijk(
        request,
        "notitie_nieuw",
        user,
        niveau=niveau,
        toelichting=f"notitie bij {d.id} {gebiedscode} {periode}",
    ):
        try:
            add_note(
                cfg.pakhuis,
                maat=d.id,
                gebiedscode=gebiedscode,
                periode=periode,
                tekst=tekst,
                auteur=user.naam,
                rol=user.rol,
                url=cfg.store_url,
            )
        except NotitieOngeldig as exc:
            result = figures.explore(state.publication(), d, niveau, periodesoort, periode)
            niveaus = [n for n in state.levels(user) if n in d.niveaus]
            return explorer_page(request, user, result, niveaus, str(exc), status_code=400)
    return RedirectResponse(back, status_code=303)


@router.get("/definities", name="definities")
def definities(request: Request, user: User) -> Response:
    state = state_of(request)
    with bekijk(request, "definities", user):
        defs = sorted(state.definitions.values(), key=lambda x: (x.wet, x.naam))
    return render(
        request, "definities.html", user, actief="verantwoording", titel="Definities", defs=defs
    )


@router.get("/verantwoording", name="verantwoording")
def verantwoording(request: Request, user: User) -> Response:
    from stuurdata.privacy.purposes import list_doelen

    state = state_of(request)
    cfg = state.config
    with bekijk(request, "verantwoording", user):
        pub = state.publication()
        doelen = list_doelen(cfg.pakhuis, url=cfg.store_url)
    return render(
        request,
        "verantwoording.html",
        user,
        actief="verantwoording",
        titel="Verantwoording",
        doelen=doelen,
        bronnen=pub.bronnen,
        defs=sorted(state.definitions.values(), key=lambda x: (x.wet, x.naam)),
        gebruikt=pub.definities,
        eind=fmt_date(pub.eind),
    )


@router.get("/downloads", name="downloads")
def downloads(request: Request, user: User) -> Response:
    state = state_of(request)
    with bekijk(request, "downloads", user):
        defs = sorted(state.definitions.values(), key=lambda x: (x.wet, x.naam))
    return render(
        request,
        "downloads.html",
        user,
        actief="downloads",
        titel="Downloads",
        defs=defs,
        niveaus=state.levels(user),
    )


def _download_rows(
    request: Request, user: Gebruiker, route: str, maat: str, niveau: str, periodesoort: str
) -> tuple[WebPublicatie, pd.DataFrame]:
    """The published rows of one table, as an audited export under the purpose."""
    state = state_of(request)
    d = definition(request, maat)
    periodesoort = checked_soort(d, periodesoort)
    with bekijk(
        request,
        route,
        user,
        activiteit="export",
        niveau=niveau,
        toelichting=f"{maat} {niveau} {periodesoort}",
    ) as v:
        pub = state.publication()
        c = pub.cijfers
        rows = c[
            (c["maat"] == d.id) & (c["niveau"] == niveau) & (c["periodesoort"] == periodesoort)
        ]
        ns = rows["n"].dropna()
        v.personen = int(ns.max()) if not ns.empty else None
    return pub, rows


Maat = Annotated[str, Query(max_length=100)]
Niveau = Annotated[str, Query(max_length=20)]
Soort = Annotated[str, Query(max_length=20)]


@router.get("/downloads/cijfers.csv", name="download_csv")
def download_csv(
    request: Request,
    user: User,
    maat: Maat,
    niveau: Niveau = "gemeente",
    periodesoort: Soort = "kwartaal",
) -> Response:
    pub, rows = _download_rows(request, user, "download_csv", maat, niveau, periodesoort)
    return Response(
        to_csv(pub, rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename(maat, niveau, periodesoort)}"'
        },
    )


@router.get("/downloads/cijfers.parquet", name="download_parquet")
def download_parquet(
    request: Request,
    user: User,
    maat: Maat,
    niveau: Niveau = "gemeente",
    periodesoort: Soort = "kwartaal",
) -> Response:
    pub, rows = _download_rows(request, user, "download_parquet", maat, niveau, periodesoort)
    name = filename(maat, niveau, periodesoort).removesuffix(".csv") + ".parquet"
    return Response(
        to_parquet(pub, rows),
        media_type="application/vnd.apache.parquet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _chart(
    request: Request,
    user: Gebruiker,
    route: str,
    maat: str,
    niveau: str,
    periodesoort: str,
    periode: str | None,
) -> tuple[str, str]:
    """The explorer's chart as SVG text, as an audited export; and the file name's stem."""
    state = state_of(request)
    d = definition(request, maat)
    periodesoort = checked_soort(d, periodesoort)
    periode = period_or_none(periode)
    with bekijk(
        request,
        route,
        user,
        activiteit="export",
        niveau=niveau,
        toelichting=f"{maat} {niveau} {periodesoort} {periode or ''}".strip(),
    ) as v:
        result = state.memo(
            ("verkenner", d.id, niveau, periodesoort, periode),
            lambda: figures.explore(state.publication(), d, niveau, periodesoort, periode),
        )
        v.personen = result.personen
    if not result.svg:
        raise Geweigerd("Voor deze keuze is er geen grafiek; download de tabel.")
    return result.svg, filename(maat, niveau, periodesoort).removesuffix(".csv")


Periode = Annotated[str | None, Query(max_length=20)]


@router.get("/verkenner/grafiek.svg", name="grafiek_svg")
def grafiek_svg(
    request: Request,
    user: User,
    maat: Maat,
    niveau: Niveau = "gemeente",
    periodesoort: Soort = "kwartaal",
    periode: Periode = None,
) -> Response:
    """The explorer's chart as an SVG file (for a memo or a presentation)."""
    svg, stem = _chart(request, user, "grafiek_svg", maat, niveau, periodesoort, periode)
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg
    return Response(
        body.encode("utf-8"),
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="{stem}.svg"'},
    )


@router.get("/verkenner/grafiek.png", name="grafiek_png")
def grafiek_png(
    request: Request,
    user: User,
    maat: Maat,
    niveau: Niveau = "gemeente",
    periodesoort: Soort = "kwartaal",
    periode: Periode = None,
) -> Response:
    """The same chart as a PNG image (twice the screen size: sharp in a slide or a memo)."""
    import vl_convert

    svg, stem = _chart(request, user, "grafiek_png", maat, niveau, periodesoort, periode)
    return Response(
        bytes(vl_convert.svg_to_png(svg, scale=2.0)),
        media_type="image/png",
        headers={"Content-Disposition": f'attachment; filename="{stem}.png"'},
    )


@router.get("/gebieden", name="gebieden")
def gebieden(request: Request, user: User) -> Response:
    """The wijken and buurten this user may open a profile of."""
    state = state_of(request)
    with bekijk(request, "gebieden", user):
        lijst = figures.areas(state.publication(), state.levels(user))
    return render(
        request, "gebieden.html", user, actief="gebieden", titel="Wijken en buurten", lijst=lijst
    )


@router.get("/gebied/{code}", name="wijkprofiel")
def wijkprofiel(
    request: Request, user: User, code: Annotated[str, Path(pattern=r"^(WK|BU)\d{6,8}$")]
) -> Response:
    """One wijk or buurt: every law's key figures, with the gemeente beside them."""
    state = state_of(request)
    niveau = NIVEAU_VAN[code[:2]]
    with bekijk(request, "wijkprofiel", user, niveau=niveau, toelichting=code) as v:
        pub = state.publication()
        if code not in set(pub.cijfers["gebiedscode"]):
            raise Geweigerd(f"Gebied {code} staat niet in de publicatie.")
        result = state.memo(
            ("wijkprofiel", code), lambda: figures.overview(pub, state.definitions, code=code)
        )
        meer = state.memo(
            ("wijkprofiel-meer", code), lambda: figures.more_figures(pub, state.definitions, code)
        )
        ns = [f.n for f in meer] + [result.personen if result else None]
        found = [n for n in ns if n is not None]
        v.personen = int(max(found)) if found else None
    ligging = state.memo(
        ("wijkprofiel-kaart", code),
        lambda: location_svg(
            figures.own_map(pub), code, "ligging", f"Kaart: ligging van {pub.naam(code)}"
        ),
    )
    return render(
        request,
        "wijkprofiel.html",
        user,
        actief="gebieden",
        titel=f"Wijkprofiel {pub.naam(code)}",
        o=result,
        code=code,
        niveau=niveau,
        meer=meer,
        ligging=ligging,
    )


@router.get("/verkenner/kaart.svg", name="kaart_svg")
def kaart_svg(
    request: Request,
    user: User,
    maat: Maat,
    niveau: Niveau = "wijk",
    periodesoort: Soort = "kwartaal",
    periode: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """The explorer's map as an SVG file (for a memo or a presentation)."""
    state = state_of(request)
    d = definition(request, maat)
    periodesoort = checked_soort(d, periodesoort)
    periode = period_or_none(periode)
    if niveau not in ("wijk", "buurt"):
        raise Geweigerd("Een kaart is er per wijk of per buurt.")
    with bekijk(
        request,
        "kaart_svg",
        user,
        activiteit="export",
        niveau=niveau,
        toelichting=f"{maat} {niveau} {periodesoort} {periode or ''}".strip(),
    ) as v:
        result = figures.explore(state.publication(), d, niveau, periodesoort, periode)
        v.personen = result.personen
    if not result.kaart:
        raise Geweigerd("Voor deze keuze is er geen kaart; download de tabel.")
    name = filename(maat, niveau, periodesoort).removesuffix(".csv") + "-kaart.svg"
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + result.kaart
    return Response(
        body.encode("utf-8"),
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
