"""Pooling with visibility: a member sees its own detail, the others as published, the region
protected as a region (no neighbour's hidden cell follows from the region total)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kleine_regio import build
from stuurdata.indicators import compute_indicators, load_definitions
from stuurdata.privacy.disclosure import ONDERDRUKT, DisclosureRule, protect_with_totals
from stuurdata.publication.regiozicht import member_of, member_view

RULE = DisclosureRule()
SOORT = {d.id: d.soort for d in load_definitions().values()}
KEYS = ["indicator", "periodesoort", "periode", "categorie"]


@pytest.fixture(scope="module")
def pooled(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    pakhuis, _ = build(Path(tmp_path_factory.mktemp("regio")))
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        return compute_indicators(con)
    finally:
        con.close()


def _values(frame: pd.DataFrame) -> pd.DataFrame:
    cols = ["indicator", "niveau", "gebiedscode", "periodesoort", "periode", "categorie"]
    out = frame[[*cols, "teller", "noemer", "waarde", "status"]]
    return out.sort_values(cols, ignore_index=True)


@pytest.mark.slow
def test_a_member_sees_its_own_detail_and_the_others_as_published(pooled) -> None:
    view = member_view(pooled, "GM9901", SOORT, rule=RULE)
    own = view[view["zicht"] == "eigen"]
    assert set(member_of(own["gebiedscode"])) == {"GM9901"}
    assert {"gemeente", "wijk", "buurt"} <= set(own["niveau"])
    other = view[view["zicht"] == "gepubliceerd"]
    assert set(member_of(other["gebiedscode"])) == {"GM9902"}
    # exactly what the neighbour's own publication shows, nothing more
    published = protect_with_totals(
        pooled[member_of(pooled["gebiedscode"]) == "GM9902"], RULE, SOORT
    )
    pd.testing.assert_frame_equal(_values(other), _values(published))
    assert (other["status"] != "").all()


@pytest.mark.slow
def test_internal_own_rows_are_unprotected_and_others_stay_protected(pooled) -> None:
    view = member_view(pooled, "GM9902", SOORT, rule=RULE, intern=True)
    own = view[view["zicht"] == "eigen"].drop(columns=["status", "zicht"])
    expected = pooled[member_of(pooled["gebiedscode"]) == "GM9902"]
    pd.testing.assert_frame_equal(
        own.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False
    )
    assert (view.loc[view["zicht"] == "gepubliceerd", "status"] != "").all()


@pytest.mark.slow
def test_region_totals_are_protected_as_a_region(pooled) -> None:
    view = member_view(pooled, "GM9901", SOORT, rule=RULE)
    regio = view[view["zicht"] == "regio"].assign(categorie=lambda f: f["categorie"].fillna(""))
    assert len(regio) > 100 and set(regio["niveau"]) == {"regio"}
    shown = regio[regio["status"] != ONDERDRUKT]
    assert len(shown) > 10 and len(regio) > len(shown)
    other = view[(view["zicht"] == "gepubliceerd") & (view["niveau"] == "gemeente")]
    other = other.assign(categorie=other["categorie"].fillna(""))
    hidden = set(other.loc[other["status"] == ONDERDRUKT, KEYS].itertuples(index=False, name=None))
    for row in shown[KEYS].itertuples(index=False, name=None):
        assert row not in hidden  # else region - own - shown neighbours = the hidden cell
    # a shown total is the rounded sum of the members' unrounded counts
    gemeenten = pooled[pooled["niveau"] == "gemeente"].assign(
        categorie=lambda f: f["categorie"].fillna("")
    )
    sums = gemeenten.groupby(KEYS)["teller"].sum()
    for row in shown[shown["teller"].notna()].head(50).itertuples(index=False):
        raw = sums[(row.indicator, row.periodesoort, row.periode, row.categorie)]
        assert abs(row.teller - raw) <= RULE.round_to / 2
        assert row.teller % RULE.round_to == 0


def test_a_gemeente_outside_the_region_is_refused() -> None:
    frame = pd.DataFrame({"gebiedscode": ["GM9901"], "niveau": ["gemeente"], "indicator": ["x"]})
    with pytest.raises(ValueError, match="GM0363 hoort niet bij deze regio"):
        member_view(frame, "GM0363", SOORT, rule=RULE)
