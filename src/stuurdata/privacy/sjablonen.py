"""Purpose templates: the purposes a municipality starts with, with their legal basis.

A new installation should not have to invent a legal basis, a level of detail and a retention
period before its first figure. Each template fills in a ``Doel`` for one common use; the
municipality's privacy officer checks it (``stuurdata doel toon``) and may change any field
(``stuurdata doel wijzig``). The texts name the articles that municipalities cite for these
uses; whether they hold for a given municipality is the privacy officer's judgement, not the
software's.
"""

from __future__ import annotations

from stuurdata.privacy.purposes import ALLE_BRONNEN, Doel

MONITOR = "monitor-sociaal-domein"
KETENMONITOR = "ketenmonitor"
PROGNOSE = "prognose"
REGIO_KOPPELING = "regio-koppeling"


def _college(gemeente: str) -> str:
    return f"College van B&W van {gemeente}"


def template(sjabloon: str, *, naam: str | None = None, gemeente: str = "de gemeente") -> Doel:
    """The purpose of template ``sjabloon`` for ``gemeente``, named ``naam`` (default: the
    template's name). Raises ``KeyError`` for an unknown template."""
    make = {
        MONITOR: _monitor,
        KETENMONITOR: _ketenmonitor,
        PROGNOSE: _prognose,
        REGIO_KOPPELING: _regio_koppeling,
    }[sjabloon]
    return make(naam or sjabloon, gemeente)


SJABLONEN = (MONITOR, KETENMONITOR, PROGNOSE)
# Templates an installation only gets when asked for: they need an agreement first.
ALLE_SJABLONEN = (*SJABLONEN, REGIO_KOPPELING)
# What each template is for, in one line (help texts and `stuurdata init`).
UITLEG = {
    MONITOR: "cijfers per wet, wijk en buurt voor raad en beleid (groepsniveau)",
    KETENMONITOR: "datakwaliteit per aanbieder, met werklijsten op persoonsniveau "
    "(gepseudonimiseerd) voor het contractmanagement",
    PROGNOSE: "prognose van vraag en kosten tegen de begroting",
    REGIO_KOPPELING: "personen volgen over de gemeenten van een regio heen, met een "
    "regiosleutel die de gemeenten samen hebben afgesproken",
}


def _monitor(naam: str, gemeente: str) -> Doel:
    return Doel(
        naam=naam,
        vraag=f"Hoe ontwikkelen gebruik, instroom, wachttijden en kosten van Wmo, jeugdhulp "
        f"en Participatiewet zich in {gemeente}, per wijk en buurt?",
        handelingsperspectief="De raad en het college stellen budget, inkoop en beleid bij en "
        "kiezen wijken voor preventie.",
        grondslag_avg="e",
        grondslag_wet="Wmo 2015 art. 5.1.1, Jeugdwet art. 7.4.0 en Participatiewet art. 7 "
        "(beleidsinformatie en uitvoering); alleen cijfers op groepsniveau",
        verwerkingsverantwoordelijke=_college(gemeente),
        bronnen=ALLE_BRONNEN,
        niveau="buurt",
        persoonsniveau=False,
        bewaartermijn_maanden=60,
    )


def _ketenmonitor(naam: str, gemeente: str) -> Doel:
    return Doel(
        naam=naam,
        vraag="Welke aanbieders leveren onvolledige of late berichten, en over welke "
        "toewijzingen moeten we met hen in gesprek?",
        handelingsperspectief="De contractmanager bespreekt de werklijst met de aanbieder en "
        "spreekt verbetering af; de cijfers krijgen een kwaliteitslabel.",
        grondslag_avg="e",
        grondslag_wet="Wmo 2015 art. 2.6.4 en Jeugdwet art. 2.12 (contractbeheer en toezicht "
        "op rechtmatigheid); werklijsten met pseudoniemen, alleen voor het contractmanagement",
        verwerkingsverantwoordelijke=_college(gemeente),
        bronnen=("istandaarden",),
        niveau="gemeente",
        persoonsniveau=True,
        bewaartermijn_maanden=24,
        activiteiten=("inlezen", "berekenen", "bekijken", "export"),
    )


def _prognose(naam: str, gemeente: str) -> Doel:
    return Doel(
        naam=naam,
        vraag=f"Hoeveel Wmo en jeugdhulp zal {gemeente} de komende jaren nodig hebben, en wat "
        "kost dat tegen de begroting?",
        handelingsperspectief="Het college en de controller stellen de begroting en de inkoop "
        "bij; de raad ziet waar een overschrijding vandaan komt.",
        grondslag_avg="e",
        grondslag_wet="Wmo 2015 art. 2.1.2 en Jeugdwet art. 2.2 (beleidsplan, voldoende "
        "aanbod) en Gemeentewet art. 212 (begroting); alleen cijfers op groepsniveau",
        verwerkingsverantwoordelijke=_college(gemeente),
        bronnen=("istandaarden", "brp", "gebieden", "cbs"),
        niveau="wijk",
        persoonsniveau=False,
        bewaartermijn_maanden=60,
        activiteiten=("berekenen", "rapport", "export", "bekijken"),
    )


def _regio_koppeling(naam: str, gemeente: str) -> Doel:
    """Linking persons across the members of a region with a shared regional key.

    Each member's own key gives a person another pseudonym in every gemeente, so a person
    who moves within the region is two persons in pooled data. A regional warehouse loaded
    by every member with one *regional* key (``stuurdata inlezen --sleutel regio.key``)
    gives the same person the same pseudonym. That is a processing of its own: the members
    decide on it together (joint controllers, art. 26 AVG) and it gets its own purpose,
    retention and log; the municipal warehouses keep their own keys.
    """
    return Doel(
        naam=naam,
        vraag="Hoeveel inwoners van de regio krijgen zorg in meer dan één gemeente, en lopen "
        "hulp en kosten door als iemand binnen de regio verhuist?",
        handelingsperspectief="De gemeenten van de regio stemmen inkoop en overdracht bij "
        "verhuizing af en tellen inwoners in regiocijfers maar één keer.",
        grondslag_avg="e",
        grondslag_wet="Wmo 2015 art. 5.1.1 en Jeugdwet art. 7.4.0 (beleidsinformatie), met een "
        "regeling voor gezamenlijke verwerkingsverantwoordelijkheid (art. 26 AVG) van de "
        "deelnemende gemeenten; regiosleutel alleen in het regiopakhuis; alleen cijfers op "
        "groepsniveau",
        verwerkingsverantwoordelijke=f"{_college(gemeente)}, samen met de colleges van de "
        "andere gemeenten in de regio (art. 26 AVG)",
        bronnen=("istandaarden", "brp", "gebieden"),
        niveau="gemeente",
        persoonsniveau=False,
        bewaartermijn_maanden=24,
        activiteiten=("inlezen", "berekenen", "bekijken", "export"),
    )
