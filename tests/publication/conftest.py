"""Two synthetic gemeenten (GM9901, GM9902) in one warehouse, with purposes registered."""

from __future__ import annotations

from pathlib import Path

import pytest

from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.privacy.purposes import Doel, save_doel
from stuurdata.warehouse.load import load_sources

from helpers import generate_towns

TOWNS = (("GM9901", "Demostad", 2500, 1), ("GM9902", "Proefdorp", 2000, 2))
ALLES = ("istandaarden", "brp", "suite", "cbs", "gebieden")


def doel(naam: str, bronnen: tuple[str, ...], *, persoonsniveau: bool = False) -> Doel:
    return Doel(
        naam=naam,
        vraag="Hoe ontwikkelt het gebruik van Wmo en jeugdhulp zich?",
        handelingsperspectief="Bijsturen van inkoop en toegang.",
        grondslag_avg="e",
        grondslag_wet="Wmo 2015 art. 2.1.1; Jeugdwet art. 2.1",
        verwerkingsverantwoordelijke="College van B&W",
        bronnen=bronnen,
        niveau="buurt",
        persoonsniveau=persoonsniveau,
    )


@pytest.fixture(scope="package")
def regio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse of two gemeenten, with purposes 'sturing', 'smal' and 'intern'."""
    root = tmp_path_factory.mktemp("publicatie")
    maps = generate_towns(root, TOWNS, maanden=24)
    pakhuis = root / "regio.duckdb"
    load_sources(maps, pakhuis, Pseudonymiser(b"publicatie-" * 4), doel="test")
    save_doel(pakhuis, doel("sturing", ALLES))
    save_doel(pakhuis, doel("smal", ("istandaarden", "brp", "gebieden")))
    save_doel(pakhuis, doel("intern", ALLES, persoonsniveau=True))
    return pakhuis
