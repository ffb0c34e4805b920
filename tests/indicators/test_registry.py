"""The YAML definitions load, validate and cover every id the CLI and report use."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stuurdata.indicators.families import FAMILIES
from stuurdata.indicators.groups import GROEPEN
from stuurdata.indicators.registry import load_definitions

REQUIRED = [
    f"{name}_{wet}"
    for wet in ("wmo", "jeugd")
    for name in (
        "clienten",
        "clienten_per_1000",
        "clienten_per_categorie",
        "instroom",
        "uitstroom",
        "actieve_toewijzingen",
        "wachttijd_verzoek_toewijzing_mediaan",
        "wachttijd_verzoek_toewijzing_p90",
        "wachttijd_toewijzing_start_mediaan",
        "wachttijd_toewijzing_start_p90",
        "duur_toewijzing_mediaan",
        "kosten",
        "kosten_per_client",
        "clienten_zonder_woonadres",
        "aandeel_verzoek_binnen_norm",
        "aandeel_instroom_met_verzoek",
        *(f"clienten{r}_naar_{g}" for r in ("", "_per_1000") for g in GROEPEN),
    )
]


def test_required_ids_present():
    definitions = load_definitions()
    assert sorted(REQUIRED) == sorted(definitions)


def test_every_definition_is_documented_and_computable():
    for definition in load_definitions().values():
        assert definition.berekening in FAMILIES
        assert definition.id.endswith(definition.wet)
        assert definition.definitie.endswith(".")
        assert definition.versie >= 1
    assert load_definitions()["clienten_wmo"].referentie.startswith("CBS")


def test_invalid_definition_is_rejected(tmp_path):
    (tmp_path / "fout.yaml").write_text(
        "id: fout\nnaam: Fout\ndefinitie: Een definitie die lang genoeg is.\nwet: wmo\n"
        "eenheid: personen\nsoort: onbekend\nteller: x\npolariteit: neutraal\n"
        "bronnen: [toewijzing]\nversie: 1\nberekening: clienten\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError):
        load_definitions(tmp_path)


def test_file_name_must_match_id(tmp_path):
    text = (
        "id: anders\nnaam: Anders\ndefinitie: Een definitie die lang genoeg is.\nwet: wmo\n"
        "eenheid: personen\nsoort: aantal\nteller: x\npolariteit: neutraal\n"
        "bronnen: [toewijzing]\nversie: 1\nberekening: clienten\n"
    )
    (tmp_path / "fout.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="bestandsnaam"):
        load_definitions(tmp_path)
    (tmp_path / "fout.yaml").rename(tmp_path / "anders.yaml")
    assert load_definitions(tmp_path)["anders"].soort == "aantal"
