"""The indicator registry: definitions are data, one YAML file per indicator.

Keeping definitions out of the code means a policy adviser can read (and review) exactly
what a figure means, the report can show the text next to every number, and a changed
definition is visible as a bumped ``versie``. Each file is validated on load so a typo
fails loudly instead of silently producing a wrong figure.

``berekening`` names the computation family in ``compute.py`` (e.g. ``clienten``) and
``parameters`` tunes it (e.g. ``kwantiel: 0.9``), so a new indicator of a known kind for
another law is a new YAML file, not new code.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, field_validator, model_validator

from stuurdata.warehouse.schema import TABLES

Niveau = Literal["gemeente", "wijk", "buurt"]
Periodesoort = Literal["maand", "kwartaal", "jaar"]
Soort = Literal["aantal", "per_1000", "percentage", "dagen", "bedrag", "bedrag_per_client"]

PACKAGE = "stuurdata.indicators"


class Definition(BaseModel):
    """One indicator as published: what it counts, for which law, how, and which version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    naam: str = Field(min_length=3)
    definitie: str = Field(min_length=20)
    wet: Literal["wmo", "jeugd"]
    eenheid: str
    soort: Soort
    teller: str
    noemer: str | None = None
    niveaus: tuple[Niveau, ...] = ("gemeente", "wijk", "buurt")
    periodes: tuple[Periodesoort, ...] = ("maand", "kwartaal", "jaar")
    polariteit: Literal["hoger_is_beter", "lager_is_beter", "neutraal"]
    bronnen: tuple[str, ...]
    versie: PositiveInt
    referentie: str | None = None
    berekening: str = Field(pattern=r"^[a-z0-9_]+$")
    parameters: dict[str, float | int | str] = Field(default_factory=dict)
    per_categorie: bool = False
    groep: Literal["leeftijd", "geslacht", "huishouden"] | None = None

    @field_validator("bronnen")
    @classmethod
    def _known_tables(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in TABLES]
        if unknown:
            raise ValueError(f"onbekende bron(nen): {', '.join(unknown)}")
        return value

    @model_validator(mode="after")
    def _groups_per_gemeente(self) -> Definition:
        # A breakdown by group is only safe to publish as a one-dimensional table per
        # gemeente (see privacy/secondary.py); finer areas would need linked suppression.
        if self.groep is not None and self.niveaus != ("gemeente",):
            raise ValueError("een indicator naar groep heeft alleen niveau gemeente")
        return self

    @field_validator("niveaus", "periodes")
    @classmethod
    def _not_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("mag niet leeg zijn")
        return value


def _parse(text: str, name: str) -> Definition:
    """Validate one YAML document; the file name must equal the id (one place to look)."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"{name}: geen geldige indicatordefinitie")
    definition = Definition.model_validate(data)
    if Path(name).stem != definition.id:
        raise ValueError(f"{name}: bestandsnaam en id ({definition.id}) verschillen")
    return definition


def load_definitions(folder: Path | None = None) -> dict[str, Definition]:
    """All indicator definitions by id, validated (``folder`` overrides the bundled set)."""
    if folder is not None:
        files = sorted(folder.glob("*.yaml"))
        return _index(_parse(path.read_text(encoding="utf-8"), path.name) for path in files)
    return dict(_bundled())


@cache
def _bundled() -> tuple[tuple[str, Definition], ...]:
    """The bundled definitions, parsed once per process (they are package data)."""
    root = resources.files(PACKAGE) / "definitions"
    files = sorted(
        (item for item in root.iterdir() if item.name.endswith(".yaml")), key=lambda i: i.name
    )
    return tuple(
        _index(_parse(item.read_text(encoding="utf-8"), item.name) for item in files).items()
    )


def _index(definitions: Iterable[Definition]) -> dict[str, Definition]:
    result: dict[str, Definition] = {}
    for definition in definitions:
        if definition.id in result:
            raise ValueError(f"indicator {definition.id} is dubbel gedefinieerd")
        result[definition.id] = definition
    return result


NORM_INDICATOR = "aandeel_verzoek_binnen_norm_wmo"


def norm_dagen() -> int:
    """The OP274 answer norm in calendar days (5 working days), from its one definition.

    The share within the norm counts with it, and the report and dashboard draw it as the
    norm line beside the waiting time, so the line and the share never disagree.
    """
    return int(load_definitions()[NORM_INDICATOR].parameters["norm_dagen"])
