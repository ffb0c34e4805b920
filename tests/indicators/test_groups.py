"""Breakdowns by age group, sex and household type on the hand-made warehouse.

Worked out by hand from ``conftest.py`` for the year 2026 (last day 2026-12-31), gemeente GM9901.
Wmo clients: p01 (76, man, h1 with p07: two adults), p02 (65, vrouw, alone), p03 (80, vrouw,
alone in h7 after her move), p06 (71, man, no residence: household unknown). Jeugd clients:
p04 and p05, children of h5 with one adult (p09).
"""

from __future__ import annotations

from datetime import date

import ibis
import pandas as pd
import pytest

from stuurdata.indicators.groups import age_labels, bounds, household_types

D = date.fromisoformat


def _gemeente(computed: pd.DataFrame, indicator: str, periode: str = "2026") -> dict:
    rows = computed[
        (computed.indicator == indicator)
        & (computed.niveau == "gemeente")
        & (computed.periode == periode)
    ]
    return {r.categorie: (r.teller, r.noemer) for r in rows.itertuples()}


def test_age_labels_follow_the_bounds():
    assert age_labels(bounds("18,65,75,85")) == ["0-17", "18-64", "65-74", "75-84", "85+"]
    assert age_labels(bounds("4,12,18,23")) == ["0-3", "4-11", "12-17", "18-22", "23+"]


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        ("clienten_naar_leeftijd_wmo", {"65-74": 2, "75-84": 2}),
        ("clienten_naar_geslacht_wmo", {"man": 2, "vrouw": 2}),
        (
            "clienten_naar_huishouden_wmo",
            {"alleenstaand": 2, "paar zonder kinderen": 1, "onbekend": 1},
        ),
        # p13 has no residence, so no household: onbekend; he is 14 on 2026-03-20
        ("clienten_naar_huishouden_jeugd", {"eenoudergezin": 2, "onbekend": 1}),
        ("clienten_naar_leeftijd_jeugd", {"4-11": 1, "12-17": 2}),
    ],
)
def test_client_groups(computed, indicator, expected):
    got = _gemeente(computed, indicator)
    assert {k: v[0] for k, v in got.items()} == expected


def test_groups_add_up_to_the_total(computed):
    """Everyone is in exactly one group: disclosure control relies on it."""
    keys = ["niveau", "gebiedscode", "periodesoort", "periode"]
    for wet in ("wmo", "jeugd"):
        total = computed[computed.indicator == f"clienten_{wet}"].set_index(keys)["teller"]
        for groep in ("leeftijd", "geslacht", "huishouden"):
            parts = computed[computed.indicator == f"clienten_naar_{groep}_{wet}"]
            summed = parts.groupby(keys)["teller"].sum()
            assert len(summed) > 0
            assert summed.eq(total.reindex(summed.index)).all(), (wet, groep)


def test_denominators_are_the_group_itself(computed):
    # Jeugd per household type counts young people under 23 on the reference day 2026-03-20
    # (the data end): in an eenoudergezin p04, p05 (h5) and p08 (h3, joined by adult p12 on
    # 2026-03-10); p10 (18) lives alone.
    got = _gemeente(computed, "clienten_per_1000_naar_huishouden_jeugd")
    assert got["eenoudergezin"] == (2, 3)
    # Wmo 65-74: p02 lives here; p06 (a client) has no residence, so is in neither the
    # numerator nor the denominator (he counts in clienten_zonder_woonadres_wmo).
    assert _gemeente(computed, "clienten_per_1000_naar_leeftijd_wmo")["65-74"] == (1, 1)


def test_household_type_changes_with_who_lives_there(warehouse):
    """h3 is a child alone on 2026-01-31 ('overig'), an eenoudergezin on 2026-03-31."""
    backend = ibis.duckdb.from_connection(warehouse)
    keys = ibis.memtable(
        {"hh": ["h3", "h3", "h1"], "dag": [D("2026-01-31"), D("2026-03-31"), D("2026-03-31")]}
    )
    expr = household_types(backend.table("verblijf"), backend.table("persoon"), keys)
    got = {(r.hh, str(r.dag)[:10]): r.huishoudtype for r in backend.execute(expr).itertuples()}
    assert got == {
        ("h3", "2026-01-31"): "overig",
        ("h3", "2026-03-31"): "eenoudergezin",
        ("h1", "2026-03-31"): "paar zonder kinderen",
    }
