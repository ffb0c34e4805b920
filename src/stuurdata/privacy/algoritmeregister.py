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
MODELS: dict[str, RegisterEntry] = {
    "jaarprognose": RegisterEntry(
        name="stuurdata jaarprognose van de uitgaven Wmo en jeugdhulp",
        description_short="Schat waar de uitgaven van dit jaar uitkomen per wet en "
        "productcategorie, met 80%- en 95%-interval, naast de begroting.",
        goal="Budgetbewaking: tijdig zien of de begroting wordt overschreden, zodat college en "
        "raad kunnen bijsturen. Geen besluiten over personen.",
        lawful_basis=_BASIS,
        source_data="Declaraties (iWmo/iJw 323) en lopende toewijzingen uit het pakhuis, "
        "gepseudonimiseerd en per maand opgeteld; de begroting van de gemeente.",
        methods_and_models="Chain-ladder op de ontwikkeldriehoek van declaraties met de "
        "standaardfout van Mack; Bornhuetter-Ferguson voor de nieuwste maanden.",
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
        "leeftijdsgroep (verkleind naar het gemeentelijke cijfer voor kleine wijken), met trend.",
        human_intervention=_MENS,
        risk_management=_RISICO,
        url="docs/modelkaart.md#2-meerjarige-prognose-prognose-meerjarig",
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
