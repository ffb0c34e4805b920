"""On a generated municipality, the analyses find exactly what the generator put in."""

from __future__ import annotations

from datetime import date

import pytest

from stuurdata.analysis import Periode, reach, relapse, stacking
from stuurdata.sources.cbs import LAAG_INKOMEN, load_table, select_period

pytestmark = pytest.mark.slow  # generating and loading the town takes ~20 s


def _periode(truth: dict) -> Periode:
    p = truth["periode"]
    return Periode(date.fromisoformat(p["van"]), date.fromisoformat(p["tot"]))


def test_provisions_in_the_period_match_the_exports(town, con) -> None:
    _, _, truth = town
    p = _periode(truth)
    rows = dict(
        con.execute(
            "SELECT wet, count(*) FROM voorziening WHERE start < ? "
            "AND coalesce(eind, DATE '9999-12-31') >= ? GROUP BY wet",
            [p.tot, p.van],
        ).fetchall()
    )
    assert rows == truth["regels"]


def test_stacking_combinations_equal_the_ground_truth(town, con) -> None:
    _, _, truth = town
    result = stacking(con, _periode(truth))
    for eenheid in ("personen", "huishoudens"):
        found = result.combinaties[result.combinaties["eenheid"] == eenheid]
        assert (
            dict(zip(found["combinatie"], found["aantal"], strict=True))
            == (truth["stapeling"][eenheid])
        )
    # Stacking really occurs: some households have three or more domains.
    assert any(k.count("+") >= 2 for k in truth["stapeling"]["huishoudens"])


def test_stacking_per_wijk_equals_the_ground_truth(town, con) -> None:
    _, _, truth = town
    w = stacking(con, _periode(truth)).per_wijk
    for eenheid in ("personen", "huishoudens"):
        rows = w[(w["eenheid"] == eenheid) & w["wijkcode"].str.startswith("WK")]
        found = {
            r.wijkcode: (int(r.met_voorziening), int(r.twee_of_meer)) for r in rows.itertuples()
        }
        expected = {
            wk: (v[eenheid], v[f"{eenheid}_2_of_meer"])
            for wk, v in truth["stapeling"]["per_wijk"].items()
        }
        assert found == expected


def test_reach_numerator_and_cbs_denominator_equal_the_ground_truth(town, con) -> None:
    root, _, truth = town
    cbs = select_period(load_table(LAAG_INKOMEN, root / "cbs"), truth["bereik"]["cbs_periode"])
    result = reach(con, _periode(truth), cbs)
    wijk = result[result["niveau"] == "wijk"].set_index("gebiedscode")
    for wk, v in truth["bereik"]["per_wijk"].items():
        assert wijk.loc[wk, "gebruikers"] == v["gebruikers"]
        assert wijk.loc[wk, "rechthebbend"] == v["rechthebbend_cbs"]
        assert wijk.loc[wk, "ondergrens"] < wijk.loc[wk, "bereik"] < wijk.loc[wk, "bovengrens"]
    gm = result[result["niveau"] == "gemeente"].iloc[0]
    total_users = sum(v["gebruikers"] for v in truth["bereik"]["per_wijk"].values())
    assert gm["gebruikers"] == total_users
    # Non-take-up exists: the true take-up among the entitled is well below 100%.
    entitled = sum(v["rechthebbend_cbs"] for v in truth["bereik"]["per_wijk"].values())
    taking = sum(v["rechthebbend_gebruikers"] for v in truth["bereik"]["per_wijk"].values())
    assert 0.4 < taking / entitled < 0.9
    assert gm["ondergrens"] < taking / entitled * 1.05


def test_relapse_equals_the_ground_truth(town, con) -> None:
    _, _, truth = town
    t = truth["terugval"]
    p = Periode(date.fromisoformat(t["eind_van"]), date.fromisoformat(t["eind_tot"]))
    for wet in ("participatiewet", "schuldhulp"):
        found = relapse(con, wet, p, t["dagen"])
        assert (found.beeindigd, found.terug) == (t[wet]["beeindigd"], t[wet]["terug"])
        assert found.beeindigd > 0
        lo, hi = found.interval()
        assert lo <= found.aandeel <= hi
