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


def _college(gemeente: str) -> str:
    return f"College van B&W van {gemeente}"


def template(sjabloon: str, *, naam: str | None = None, gemeente: str = "de gemeente") -> Doel:
    """The purpose of template ``sjabloon`` for ``gemeente``, named ``naam`` (default: the
    template's name). Raises ``KeyError`` for an unknown template."""
    make = {MONITOR: _monitor, KETENMONITOR: _ketenmonitor, PROGNOSE: _prognose}[sjabloon]
    return make(naam or sjabloon, gemeente)


SJABLONEN = (MONITOR, KETENMONITOR, PROGNOSE)
# What each template is for, in one line (help texts and `stuurdata init`).
UITLEG = {
    MONITOR: "cijfers per wet, wijk en buurt voor raad en beleid (groepsniveau)",
    KETENMONITOR: "datakwaliteit per aanbieder, met werklijsten op persoonsniveau "
    "(gepseudonimiseerd) voor het contractmanagement",
    PROGNOSE: "prognose van vraag en kosten tegen de begroting",
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
