"""The measure registry of the ketenmonitor: every measure is data in ``regels.yaml``.

A contract manager must be able to see which business rule a figure checks, what the norm
is and exactly how it is counted; keeping that text next to the code (and showing it in
every output) makes a disputed figure a conversation about the definition, not the code.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveInt


class Maatregel(BaseModel):
    """One quality measure: which rule, which norm, how a provider gets flagged."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    naam: str = Field(min_length=3)
    # One sentence for a reader: what the share means, with its base ({aandeel}, {teller},
    # {noemer} are filled in from the published figures).
    zin: str = Field(min_length=10)
    regel: str = Field(pattern=r"^OP\d{3}")
    norm: str = Field(min_length=10)
    definitie: str = Field(min_length=20)
    partij: Literal["aanbieder", "gemeente"]
    drempel: float = Field(ge=0, le=1)
    min_aantal: PositiveInt
    versie: PositiveInt
    parameters: dict[str, float | int | str] = Field(default_factory=dict)

    def param(self, name: str) -> float:
        """A numeric parameter (fails loudly when the YAML lacks it)."""
        return float(self.parameters[name])


@cache
def load_measures() -> dict[str, Maatregel]:
    """All measures by id, in registry order (validated; ids must be unique)."""
    text = resources.files("stuurdata.quality").joinpath("regels.yaml").read_text("utf-8")
    items = [Maatregel.model_validate(item) for item in yaml.safe_load(text)]
    measures = {m.id: m for m in items}
    if len(measures) != len(items):
        raise ValueError("regels.yaml: dubbele id")
    return measures
