"""Roles and the access matrix: which role may open which page, down to which area level.

One table answers "may this role see this": the routes check it, the tests walk every role
against every route, and docs/dashboard.md prints it. A role never widens what the purpose
allows: the shown area levels are those of the role *and* the purpose.
"""

from __future__ import annotations

RAADSLID = "raadslid"
BELEIDSMEDEWERKER = "beleidsmedewerker"
CONTROLLER = "controller"
CONTRACTMANAGER = "contractmanager"
ANALIST = "analist"
BEHEERDER = "beheerder"
ROLLEN = (RAADSLID, BELEIDSMEDEWERKER, CONTROLLER, CONTRACTMANAGER, ANALIST, BEHEERDER)

ROL_UITLEG = {
    RAADSLID: "gepubliceerde cijfers van gemeente en wijken",
    BELEIDSMEDEWERKER: "gepubliceerde cijfers tot op buurt, verantwoording, notities",
    CONTROLLER: "gepubliceerde cijfers tot op buurt, kosten en verantwoording",
    CONTRACTMANAGER: "gepubliceerde cijfers tot op buurt, ketenmonitor per aanbieder met "
    "werklijst als het doel dat toelaat",
    ANALIST: "cijfers tot op buurt, werklijst van de ketenmonitor als het doel dat toelaat",
    BEHEERDER: "gebruikers, doelen en het auditlog, en de gepubliceerde cijfers",
}

# The finest area level each role may see (the purpose may restrict further).
FIJNSTE_NIVEAU = {
    RAADSLID: "wijk",
    BELEIDSMEDEWERKER: "buurt",
    CONTROLLER: "buurt",
    CONTRACTMANAGER: "buurt",
    ANALIST: "buurt",
    BEHEERDER: "buurt",
}
NIVEAUS = ("gemeente", "wijk", "buurt")

IEDEREEN = frozenset(ROLLEN)
ALLEEN_BEHEER = frozenset({BEHEERDER})
# The chain monitor's work list names allocations and pseudonyms: contract management and
# the analyst only, and only under a purpose that allows person-level output.
WERKLIJST = frozenset({CONTRACTMANAGER, ANALIST})

# Roles that may see person-level differences (pseudonyms) of a reconciliation, when the
# purpose allows person-level output too.
PERSOONSNIVEAU = frozenset({ANALIST})

# Route name -> roles allowed. Every route the app serves to a signed-in user is listed;
# a test fails when one is missing.
TOEGANG: dict[str, frozenset[str]] = {
    "overzicht": IEDEREEN,
    "verkenner": IEDEREEN,
    "definities": IEDEREEN,
    "gebieden": IEDEREEN,
    "wijkprofiel": IEDEREEN,
    "prognose": IEDEREEN,
    "verantwoording": IEDEREEN,
    "downloads": IEDEREEN,
    "download_csv": IEDEREEN,
    "download_parquet": IEDEREEN,
    "grafiek_svg": IEDEREEN,
    "kaart_svg": IEDEREEN,
    "notitie_nieuw": frozenset({BELEIDSMEDEWERKER, ANALIST}),
    "ketenmonitor": IEDEREEN,
    "ketenmonitor_werklijst": WERKLIJST,
    "grafiek_png": IEDEREEN,
    "klopt": IEDEREEN,
    "afstemmen": frozenset({BELEIDSMEDEWERKER, CONTROLLER, CONTRACTMANAGER, ANALIST}),
    "gebruikers": ALLEEN_BEHEER,
    "gebruiker_nieuw": ALLEEN_BEHEER,
    "auditlog": ALLEEN_BEHEER,
    "api_openapi": IEDEREEN,
    "api_ik": IEDEREEN,
    "api_indicatoren": IEDEREEN,
    "api_cijfers": IEDEREEN,
    "api_overzicht": IEDEREEN,
    "api_verantwoording": IEDEREEN,
    "api_herleiding": IEDEREEN,
}


def allowed(rol: str, route: str) -> bool:
    """True when ``rol`` may use ``route`` (unknown routes are refused)."""
    return rol in TOEGANG.get(route, frozenset())


def levels_for(rol: str, purpose_levels: tuple[str, ...]) -> tuple[str, ...]:
    """The area levels shown: those the role and the purpose both allow, coarse to fine."""
    finest = NIVEAUS.index(FIJNSTE_NIVEAU.get(rol, "gemeente"))
    return tuple(n for n in NIVEAUS[: finest + 1] if n in purpose_levels)
