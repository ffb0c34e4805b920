"""Indicator presentation: law, kind of number, names from dicts or objects."""

from __future__ import annotations

import math
from types import SimpleNamespace

from stuurdata.report.categories import category_name
from stuurdata.report.layout import NO_DEFINITION, describe, format_value, split_id


def test_split_id():
    assert split_id("kosten_per_client_jeugd") == ("kosten_per_client", "jeugd")
    assert split_id("instroom_wmo") == ("instroom", "wmo")
    assert split_id("bijstand") == ("bijstand", None)


def test_describe_accepts_dicts_and_objects():
    defs = {
        "kosten_wmo": {
            "naam": "Kosten Wmo",
            "definitie": "Som van declaraties.",
            "eenheid": "euro",
        },
        "instroom_jeugd": SimpleNamespace(
            naam="Instroom",
            definitie="Nieuwe cliënten.",
            eenheid="aantal",
            versie=2,
            referentie=None,
        ),
    }
    kosten = describe("kosten_wmo", defs)
    assert (kosten.naam, kosten.soort, kosten.wet) == ("Kosten Wmo", "euro", "wmo")
    instroom = describe("instroom_jeugd", defs)
    assert (instroom.versie, instroom.definitie, instroom.soort) == (
        2,
        "Nieuwe cliënten.",
        "aantal",
    )


def test_describe_without_definition_falls_back_but_says_so():
    info = describe("wachttijd_toewijzing_start_p90_wmo", {})
    assert info.soort == "dagen"
    assert "90e percentiel" in info.naam
    assert info.definitie == NO_DEFINITION


def test_cents_are_shown_as_euros():
    info = describe("kosten_wmo", {"kosten_wmo": {"eenheid": "eurocent"}})
    assert info.factor == 0.01


def test_format_value_shows_suppression_as_a_dot():
    assert format_value(math.nan, "onderdrukt", "aantal") == "."
    assert format_value(12.0, "onderdrukt", "ratio") == "."
    assert format_value(math.nan, "ok", "aantal") == "–"
    assert format_value(1235.0, "afgerond", "aantal") == "1.235"
    assert format_value(82.345, "ok", "ratio") == "82,3"
    assert format_value(17.0, "ok", "dagen", unit=True) == "17 dagen"
    assert format_value(20.25, "ok", "dagen") == "20,2"


def test_category_names_from_the_official_lists():
    assert category_name("wmo", "01") == "Hulp bij het huishouden"
    assert category_name("wmo", "1") == "Hulp bij het huishouden"
    assert category_name("jeugd", "45") == "Jeugdhulp ambulant"
    assert category_name("jeugd", "99") == "Categorie 99"
