"""Scope, the figures a publication keeps, and the rule check: small tables, no warehouse."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.privacy.rule import RegelGeweigerd, describe_rule, installation_rule
from stuurdata.publication.chapters import decode, encode
from stuurdata.publication.scope import Scope, ScopeError, decide_scope
from stuurdata.publication.selection import merge_small_groups, shown
from stuurdata.report.model import Block, Section, Table, TableRow

from .conftest import ALLES, doel


def test_scope_refuses_to_guess_between_gemeenten() -> None:
    with pytest.raises(ScopeError, match="GM9901, GM9902"):
        decide_scope(["GM9902", "GM9901"], None)
    with pytest.raises(ScopeError, match="GM9903 staat niet in het pakhuis"):
        decide_scope(["GM9901", "GM9902"], None, "GM9903")
    assert decide_scope(["GM9901"], None).gemeente == "GM9901"
    region = decide_scope(["GM9901", "GM9902"], None, regio=["GM9902", "GM9901"])
    assert region.regio and region.covers("BU99010101") and not region.covers("WK990301")


def test_complete_periods_follow_the_end_of_data() -> None:
    scope = Scope(("GM9901",), date(2025, 12, 28))
    assert scope.complete("2025-K4") and scope.complete("2025")  # a quiet last week
    scope = Scope(("GM9901",), date(2025, 11, 15))
    assert not scope.complete("2025-K4") and scope.complete("2025-10")
    assert Scope.from_dict(scope.to_dict()) == scope


def _rows(indicator: str, counts: dict[str, int], periode: str = "2025") -> list[dict]:
    return [
        {
            "indicator": indicator,
            "versie": 1,
            "niveau": "gemeente",
            "gebiedscode": "GM9901",
            "periodesoort": "jaar",
            "periode": periode,
            "categorie": cat,
            "teller": float(n),
            "noemer": 10.0 * n if "per_1000" in indicator else np.nan,
            "waarde": 100.0 if "per_1000" in indicator else float(n),
            "n": n,
            "ladingen": "1",
        }
        for cat, n in counts.items()
    ]


def test_small_age_group_merges_with_its_neighbour_in_every_period() -> None:
    ages = {"0-3": 26, "4-11": 300, "12-17": 250, "18-22": 40, "23+": 8}
    later = {**ages, "23+": 12}
    frame = pd.DataFrame(
        _rows("clienten_naar_leeftijd_jeugd", ages)
        + _rows("clienten_naar_leeftijd_jeugd", later, "2024")
        + _rows("clienten_per_1000_naar_leeftijd_jeugd", ages)
        + _rows("clienten_naar_geslacht_wmo", {"man": 1840, "vrouw": 2270, "onbekend": 2})
        + _rows("clienten_naar_huishouden_jeugd", {"alleenstaand": 8, "overig": 120, "paar": 500})
    )
    out = merge_small_groups(frame, 10)
    counts = out[out["indicator"] == "clienten_naar_leeftijd_jeugd"]
    assert sorted(set(counts["categorie"])) == ["0-3", "12-17", "18+", "4-11"]
    merged = counts[(counts["categorie"] == "18+") & (counts["periode"] == "2025")]
    assert merged["teller"].item() == 48 and merged["n"].item() == 48
    rates = out[out["indicator"] == "clienten_per_1000_naar_leeftijd_jeugd"]
    rate = rates[rates["categorie"] == "18+"]
    assert rate["waarde"].item() == pytest.approx(1000 * 48 / 480)
    sexes = out[out["indicator"] == "clienten_naar_geslacht_wmo"]
    assert sorted(sexes["categorie"]) == ["man", "vrouw"]  # onbekend only in the total
    homes = out[out["indicator"] == "clienten_naar_huishouden_jeugd"].set_index("categorie")
    assert homes["teller"].to_dict() == {"overig": 128, "paar": 500}


def test_figures_no_output_shows_are_left_out() -> None:
    rows = _rows("clienten_wmo", {"": 300}) + _rows("clienten_per_categorie_wmo", {"02": 40})
    frame = pd.DataFrame(rows * 2)
    frame.loc[len(rows) :, ["niveau", "gebiedscode"]] = ["wijk", "WK990101"]
    kept = shown(frame)
    assert set(zip(kept["indicator"], kept["niveau"], strict=True)) == {
        ("clienten_wmo", "gemeente"),
        ("clienten_wmo", "wijk"),
        ("clienten_per_categorie_wmo", "gemeente"),
    }
    assert set(shown(frame, "gemeente")["niveau"]) == {"gemeente"}


def test_weak_rule_only_with_person_level_purpose(monkeypatch) -> None:
    monkeypatch.setenv("STUURDATA_ONDERDRUK_ONDER", "5")
    with pytest.raises(RegelGeweigerd, match="zwakker dan de CBS-regel"):
        installation_rule(doel("sturing", ALLES))
    with pytest.raises(RegelGeweigerd):
        installation_rule(None)
    rule = installation_rule(doel("intern", ALLES, persoonsniveau=True))
    assert rule == DisclosureRule(5, 5)
    monkeypatch.setenv("STUURDATA_ONDERDRUK_ONDER", "50")
    assert installation_rule(doel("sturing", ALLES)) == DisclosureRule(50, 5)
    assert describe_rule(DisclosureRule(50, 1)) == (
        "aantallen onder de 50 niet getoond, overige aantallen niet afgerond"
    )


def test_stored_chapters_round_trip_and_refuse_other_classes() -> None:
    table = Table("T", "Wijk", (), (TableRow("a", ("1", "2"), totaal=True),))
    section = Section("x", "X", "2025", (Block("b", "B", tabellen=(table,)),))
    assert decode(encode(section)) == section
    with pytest.raises(ValueError, match="onbekend onderdeel"):
        decode({"__type__": "os:system", "command": "true"})
