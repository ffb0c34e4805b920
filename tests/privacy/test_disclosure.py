"""Disclosure control: known tables, and properties that must hold for any table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stuurdata.privacy.disclosure import RATE_FACTORS, DisclosureRule, protect

SOORT = {
    "clienten_wmo": "aantal",
    "clienten_per_1000_wmo": "per_1000",
    "kosten_wmo": "bedrag",
    "kosten_per_client_wmo": "bedrag_per_client",
    "wachttijd_verzoek_toewijzing_mediaan_wmo": "dagen",
}


def frame(rows):
    return pd.DataFrame(
        rows, columns=["indicator", "gebiedscode", "teller", "noemer", "waarde", "n"]
    )


def test_known_table():
    out = protect(
        frame(
            [
                ("clienten_wmo", "WK1", 7, np.nan, 7, 7),
                ("clienten_wmo", "WK2", 12, np.nan, 12, 12),
                ("clienten_wmo", "WK3", 15, np.nan, 15, 15),
                ("clienten_per_1000_wmo", "WK1", 7, 700, 10.0, 7),
                ("clienten_per_1000_wmo", "WK2", 12, 1203, 12 / 1203 * 1000, 12),
                ("kosten_wmo", "WK2", 1234.56, np.nan, 1234.56, 12),
                ("kosten_wmo", "WK1", 99.0, np.nan, 99.0, 3),
                ("kosten_per_client_wmo", "WK2", 1234.56, 12, 102.88, 12),
                ("wachttijd_verzoek_toewijzing_mediaan_wmo", "WK2", 23, np.nan, 14.5, 12),
                ("wachttijd_verzoek_toewijzing_mediaan_wmo", "WK1", 9, np.nan, 14.5, 9),
            ]
        ),
        soort=SOORT,
    )
    status = out.status.tolist()
    assert status == [
        "onderdrukt",
        "afgerond",
        "ok",
        "onderdrukt",
        "afgerond",
        "afgerond",  # n rounded 12 -> 10, the amount itself is not
        "onderdrukt",
        "afgerond",
        "afgerond",
        "onderdrukt",
    ]
    assert out.loc[0, ["teller", "noemer", "waarde"]].isna().all()
    assert pd.isna(out.loc[0, "n"])
    assert (out.loc[1, "teller"], out.loc[1, "waarde"], out.loc[1, "n"]) == (10, 10, 10)
    # the rate rests on its rounded counts, so it cannot give the exact count back
    assert out.loc[4, "waarde"] == pytest.approx(round(10 / 1205 * 1000, 2))
    assert (out.loc[4, "teller"], out.loc[4, "noemer"]) == (10, 1205)
    assert out.loc[5, "teller"] == 1234.56  # euros are not rounded
    assert (out.loc[7, "teller"], out.loc[7, "noemer"], out.loc[7, "waarde"]) == (
        1234.56,
        10,
        123.46,  # 1234.56 / 10: amount / cost per client gives the rounded count only
    )
    assert (out.loc[8, "teller"], out.loc[8, "waarde"]) == (25, 14.5)


def test_input_untouched_and_copy():
    data = frame([("clienten_wmo", "WK1", 3, np.nan, 3, 3)])
    protect(data, soort=SOORT)
    assert data.loc[0, "teller"] == 3
    assert "status" not in data.columns


def test_unknown_kind_is_rounded_as_count():
    out = protect(frame([("iets_anders", "GM", 12, 13, 12, 12)]))
    assert (out.loc[0, "teller"], out.loc[0, "noemer"], out.loc[0, "waarde"]) == (10, 15, 10)


def test_configurable_rule():
    data = frame([("clienten_wmo", "WK1", 7, np.nan, 7, 7)])
    out = protect(data, DisclosureRule(min_count=5, round_to=3), soort=SOORT)
    assert (out.loc[0, "teller"], out.loc[0, "status"]) == (6, "afgerond")
    with pytest.raises(ValueError):
        DisclosureRule(min_count=0)
    with pytest.raises(ValueError):
        DisclosureRule(round_to=0)


def test_soort_column_used_without_mapping():
    data = frame([("x", "WK1", 1234.0, np.nan, 1234.0, 20)]).assign(soort="bedrag")
    assert protect(data).loc[0, "teller"] == 1234.0


# --- properties ----------------------------------------------------------------------------

KINDS = st.sampled_from(list(SOORT))
ROWS = st.lists(
    st.tuples(KINDS, st.integers(0, 400), st.integers(0, 5000), st.floats(0, 1e6)),
    min_size=1,
    max_size=40,
)
RULES = st.builds(DisclosureRule, min_count=st.integers(1, 30), round_to=st.integers(1, 10))


def table(rows):
    """Consistent rows: counts are the persons, amounts/days arbitrary non-negative."""
    out = []
    for indicator, n, inhabitants, amount in rows:
        kind = SOORT[indicator]
        if kind == "aantal":
            out.append((indicator, "G", n, np.nan, n, n))
        elif kind == "per_1000":
            noemer = max(inhabitants, n, 1)
            out.append((indicator, "G", n, noemer, 1000 * n / noemer, n))
        elif kind == "bedrag":
            out.append((indicator, "G", amount, np.nan, amount, n))
        elif kind == "bedrag_per_client":
            out.append((indicator, "G", amount, n, amount / max(n, 1), n))
        else:
            out.append((indicator, "G", n + 3, np.nan, amount, n))
    return frame(out)


def count_columns(kind):
    return {
        "aantal": ["teller", "waarde"],
        "per_1000": ["teller", "noemer"],
        "bedrag": [],
        "bedrag_per_client": ["noemer"],
        "dagen": ["teller"],
    }[kind]


@settings(max_examples=60, deadline=None)
@given(ROWS, RULES)
def test_properties(rows, rule):
    data = table(rows)
    out = protect(data, rule, soort=SOORT)
    assert len(out) == len(data)
    for i in range(len(data)):
        true, pub = data.iloc[i], out.iloc[i]
        if true.n < rule.min_count:
            # nothing resting on too few persons is published
            assert pub.status == "onderdrukt"
            assert pd.isna(pub.n)
            assert all(math.isnan(pub[c]) for c in ("teller", "noemer", "waarde"))
            continue
        assert pub.status in ("ok", "afgerond")
        for column in ["n", *count_columns(SOORT[true.indicator])]:
            value, original = float(pub[column]), float(true[column])
            if math.isnan(original):
                continue
            assert value % rule.round_to == 0  # every published count a multiple
            assert abs(value - original) <= rule.round_to / 2  # and close to the truth
        kind = SOORT[true.indicator]
        if kind in RATE_FACTORS and pub.noemer > 0:
            # rates rest on the published counts only: they reveal nothing more
            expected = round(RATE_FACTORS[kind] * pub.teller / pub.noemer, 2)
            assert pub.waarde == pytest.approx(expected)
        elif kind in ("bedrag", "dagen"):
            assert pub.waarde == true.waarde or (math.isnan(pub.waarde) and math.isnan(true.waarde))
        if rule.min_count % rule.round_to == 0:
            assert pub.n >= rule.min_count  # no published count below the threshold


@settings(max_examples=40, deadline=None)
@given(ROWS, RULES, RULES)
def test_suppression_is_never_undone(rows, first, second):
    once = protect(table(rows), first, soort=SOORT)
    twice = protect(once, second, soort=SOORT)
    assert (twice.status[once.status == "onderdrukt"] == "onderdrukt").all()
    assert twice.loc[once.status == "onderdrukt", "waarde"].isna().all()
