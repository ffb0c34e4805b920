"""Entries for the national Algoritmeregister (algoritmes.overheid.nl) for stuurdata's models.

A municipality that uses a forecast or a score from stuurdata to inform policy should publish
it in the Algoritmeregister. This module keeps one entry per model in the register's fields
(name, goal, legal basis, data, human intervention, risk management, link to the model card)
and writes it as JSON (the register's field names) and as Dutch Markdown. The municipality
fills in its own organisation and contact; the text describes what the software does.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

LABELS = {
    "name": "Naam",
    "organization": "Organisatie",
    "description_short": "Korte omschrijving",
    "goal": "Doel en impact",
    "lawful_basis": "Wettelijke grondslag",
    "source_data": "Gebruikte gegevens",
    "methods_and_models": "Methoden en modellen",
    "human_intervention": "Menselijke tussenkomst",
    "risk_management": "Risicobeheer",
    "url": "Modelkaart",
    "status": "Status",
}


@dataclass(frozen=True)
class RegisterEntry:
    """One algorithm in the fields of the Algoritmeregister publication standard."""

    name: str
    description_short: str
    goal: str
    lawful_basis: str
    source_data: str
    methods_and_models: str
    human_intervention: str
    risk_management: str
    url: str
    organization: str = "(in te vullen door de gemeente)"
    status: str = "In gebruik"

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"

    def markdown(self) -> str:
        data = asdict(self)
        lines = [f"# Algoritmeregister: {self.name}", ""]
        for key, label in LABELS.items():
            if key != "name":
                lines += [f"## {label}", "", str(data[key]), ""]
        return "\n".join(lines)


_BASIS = (
    "AVG art. 6 lid 1 sub e; Wmo 2015 art. 5.1.1 en Jeugdwet art. 7.4.0 (beleidsinformatie); "
    "Gemeentewet art. 212 (begroting)."
)
_MENS = (
    "Een beleidsmedewerker beoordeelt de prognose met de gemeten nauwkeurigheid (backtest) "
    "voordat die in een rapport verschijnt; college en raad besluiten, niet het model. De "
    "uitkomst gaat over groepen en wordt nooit gebruikt voor een beslissing over een inwoner."
)
_RISICO = (
    "Onthullingsbeheersing op alle uitvoer (onderdrukking < 10, afronding op 5, secundaire "
    "onderdrukking); doelbinding en een auditlog met hashketen; de gemeten fout en de "
    "onzekerheidsmarge staan bij elke prognose; de grenzen van het model staan op de modelkaart."
)
_GEMETEN = (
    "Gemeten nauwkeurigheid, een jaar vooruit. Op echte CBS-reeksen van alle gemeenten "
    "(2017-2022, rollende startperioden, benchmarks/prognose_cbs.py): Wmo-cliënten (322 "
    "gemeenten) mediane MASE 0,80 tegen naïef (laatste cijfer) en 0,43 tegen zelfde halfjaar "
    "vorig jaar, beter dan naïef bij 55% van de gemeenten, 93% van de uitkomsten binnen het "
    "80%-interval en 96% binnen het 95%-interval; jeugdzorg (355 gemeenten) MASE 1,04 en "
    "0,80, beter dan naïef bij 48%, 82% en 93% binnen de intervallen. Op gegenereerde "
    "gegevens (Demostad, 12 maanden vooruit, gemeente): MASE 0,33 tot 1,16, 78% tot 94% "
    "binnen het 80%-interval. Details en grenzen op de modelkaart."
)
MODELS: dict[str, RegisterEntry] = {
    "jaarprognose": RegisterEntry(
        name="stuurdata jaarprognose van de uitgaven Wmo en jeugdhulp",
        description_short="Schat waar de uitgaven van dit jaar uitkomen per wet en "
        "productcategorie, met 80%-interval, naast de begroting.",
        goal="Budgetbewaking: tijdig zien of de begroting wordt overschreden, zodat college en "
        "raad kunnen bijsturen. Geen besluiten over personen.",
        lawful_basis=_BASIS,
        source_data="Declaraties (iWmo/iJw 323) en lopende toewijzingen uit het pakhuis, "
        "gepseudonimiseerd en per maand opgeteld; de begroting van de gemeente.",
        methods_and_models="Per aanbieder: maanden die nog niet gedeclareerd zijn tegen de "
        "kosten per lopende toewijzing van de aanbieder; late regels van gedeclareerde maanden "
        "met chain-ladder en de standaardfout van Mack. Op gegenereerde gemeenten gemiddeld "
        "binnen 2% van wat nog kwam; elke publicatie toont ook de jaarprognoses van eerdere "
        "jaren naast hun uitkomst, op het pakhuis afgesneden op een eerdere datum (zie de "
        "modelkaart).",
        human_intervention=_MENS,
        risk_management=_RISICO,
        url="docs/modelkaart.md#1-jaarprognose-prognose-jaar",
    ),
    "meerjarige_prognose": RegisterEntry(
        name="stuurdata meerjarige prognose van cliënten en kosten",
        description_short="Voorspelt per wet, wijk en gemeente het aantal cliënten en de kosten "
        "1 tot 5 jaar vooruit, uit bevolkingsontwikkeling en trend.",
        goal="Meerjarenbegroting en inkoop; keuze van wijken voor preventie. Geen besluiten "
        "over personen.",
        lawful_basis=_BASIS,
        source_data="Bevolking per wijk, leeftijd en geslacht (BRP, gepseudonimiseerd) en "
        "gebruik en kosten per groep uit het pakhuis; eventueel een CBS-bevolkingsprognose.",
        methods_and_models="Cohort-componentenmodel voor de bevolking maal gebruik per "
        "leeftijdsgroep (verkleind naar het gemeentelijke cijfer voor kleine wijken), met trend "
        "(exponentiële afvlakking; vanaf 10 wijken delen de wijken parameters en trend). "
        + _GEMETEN,
        human_intervention=_MENS,
        risk_management=_RISICO,
        url="docs/modelkaart.md#2-meerjarige-prognose-prognose-meerjarig",
    ),
    "prognose_reeks": RegisterEntry(
        name="stuurdata prognose van open reeksen per gemeente of wijk",
        description_short="Voorspelt reeksen die de gemeente zelf aanlevert (zoals Wmo-cliënten "
        "en jongeren met jeugdzorg per gemeente uit CBS StatLine) enkele perioden vooruit, met "
        "80%- en 95%-interval, alle gebieden samen.",
        goal="Meerjarenbegroting en vergelijking met andere gemeenten op basis van open "
        "gegevens. Geen besluiten over personen.",
        lawful_basis=_BASIS,
        source_data="Alleen cijfers over groepen: open CBS-tabellen (86050NED, 84134NED, "
        "85099NED of andere) of eigen totalen per gebied en periode, eventueel met inwoners. "
        "Geen persoonsgegevens.",
        methods_and_models="Exponentiële afvlakking met gedempte trend op de logaritme van de "
        "reeks (per inwoner als inwoners bekend zijn). Alle gebieden samen: gedeelde "
        "parameters, de trend van elk gebied naar die van even grote gebieden getrokken "
        "(empirisch Bayes), intervallen uit de eigen fouten van alle gebieden. " + _GEMETEN,
        human_intervention=_MENS,
        risk_management="De invoer is al geaggregeerd (open CBS-cijfers zijn door CBS "
        "beschermd); stuurdata waarschuwt als er aantallen onder 10 in staan. Gaten, "
        "samengevoegde gemeenten en te korte reeksen geven een melding in plaats van een "
        "prognose; de gemeten fout en de grenzen staan op de modelkaart.",
        url="docs/modelkaart.md#3-prognose-van-eigen-reeksen-prognose-reeks",
    ),
}


def entry(model: str, *, organisation: str | None = None) -> RegisterEntry:
    """The entry of one model, with the municipality's name filled in when given."""
    if model not in MODELS:
        raise KeyError(f"Onbekend model '{model}'; bekend: {', '.join(sorted(MODELS))}.")
    found = MODELS[model]
    return replace(found, organization=organisation) if organisation else found


def export(map: Path, *, organisation: str | None = None) -> list[Path]:
    """Write ``<model>.json`` and ``<model>.md`` for every model into ``map``."""
    map = Path(map)
    map.mkdir(parents=True, exist_ok=True)
    written = []
    for model in sorted(MODELS):
        item = entry(model, organisation=organisation)
        for suffix, text in ((".json", item.as_json()), (".md", item.markdown())):
            path = map / f"{model}{suffix}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
