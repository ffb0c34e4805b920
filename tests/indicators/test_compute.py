"""Indicator values on the hand-made warehouse (conftest.py), worked out by hand.

Key facts of the warehouse: coverage 2026-01-01..2026-03-20. Wmo allocations: T1 p01 from
01-01 open; T2 p02 01-10..01-31 (p02 also had T0 in 2025); T3 p03 from 02-01; T4 p06 (no
residence) from 03-01; T5 p01 02-10..03-15; TX withdrawn. p03 moves from BU99010201
(WK990102) to BU99010101 (WK990101) on 02-15. Jeugd: J1 p04 01-15..02-28, J2 p05 from 03-01,
J3 p13 (no residence) from 03-05. The data end on 03-20: March, K1 and 2026 are cut there
(reference day 03-20) and marked incomplete.
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from stuurdata.indicators.compute import COLUMNS, compute_indicators
from stuurdata.indicators.registry import load_definitions
from stuurdata.warehouse.schema import create_all


def value(frame, indicator, periode, code="GM9901", categorie=""):
    niveau = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}[code[:2]]
    rows = frame[
        (frame.indicator == indicator)
        & (frame.niveau == niveau)
        & (frame.gebiedscode == code)
        & (frame.periode == periode)
        & (frame.categorie == categorie)
    ]
    assert len(rows) <= 1
    return None if rows.empty else rows.iloc[0]


def test_contract(computed):
    assert list(computed.columns) == COLUMNS
    assert set(computed.indicator) == set(load_definitions())
    assert set(computed.periodesoort) == {"maand", "kwartaal", "jaar"}
    assert set(computed.periode) == {"2026-01", "2026-02", "2026-03", "2026-K1", "2026"}
    assert computed.n.dtype == "int64"
    assert computed.teller.dtype == "float64"
    assert not computed.duplicated(
        ["indicator", "niveau", "gebiedscode", "periodesoort", "periode", "categorie"]
    ).any()


@pytest.mark.parametrize(
    ("periode", "code", "expected"),
    [
        ("2026-01", "GM9901", 2),  # p01, p02
        ("2026-02", "GM9901", 2),  # p01, p03 (TX withdrawn, T2 ended)
        ("2026-03", "GM9901", 3),  # p01, p03, p06 (no residence: gemeente only)
        ("2026-K1", "GM9901", 4),
        ("2026", "GM9901", 4),
        ("2026-01", "WK990101", 2),
        ("2026-01", "BU99010101", 1),
        ("2026-01", "BU99010102", 1),
        ("2026-02", "WK990101", 2),  # p03 counts where he lived last in February
        ("2026-02", "BU99010101", 2),
        ("2026-K1", "WK990101", 3),
        ("2026-K1", "BU99010102", 1),
        ("2026-03", "WK990101", 2),
    ],
)
def test_clients_wmo(computed, periode, code, expected):
    row = value(computed, "clienten_wmo", periode, code)
    assert row.teller == row.waarde == row.n == expected
    assert math.isnan(row.noemer)


def test_clients_absent_where_nobody(computed):
    assert value(computed, "clienten_wmo", "2026-02", "WK990102") is None
    assert value(computed, "clienten_wmo", "2026-01", "WK990102") is None


def test_clients_jeugd(computed):
    assert value(computed, "clienten_jeugd", "2026-01").n == 1
    assert value(computed, "clienten_jeugd", "2026-K1").n == 3  # p04, p05, p13 (gemeente only)
    assert value(computed, "clienten_jeugd", "2026-K1", "WK990102").n == 2


def test_clients_per_category(computed):
    ind = "clienten_per_categorie_wmo"
    assert value(computed, ind, "2026-01", categorie="02").n == 2
    assert value(computed, ind, "2026-01", categorie="04") is None
    assert value(computed, ind, "2026-02", categorie="02").n == 1
    assert value(computed, ind, "2026-02", categorie="04").n == 2
    assert value(computed, ind, "2026-03", categorie="02").n == 2


@pytest.mark.parametrize(
    ("indicator", "periode", "code", "teller", "noemer"),
    [
        ("clienten_per_1000_wmo", "2026-01", "GM9901", 2, 10),
        ("clienten_per_1000_wmo", "2026-02", "GM9901", 2, 9),  # p11 left on 02-01
        ("clienten_per_1000_wmo", "2026-03", "GM9901", 2, 10),  # p12 came on 03-10; p06 no home
        ("clienten_per_1000_wmo", "2026-01", "WK990101", 2, 5),
        ("clienten_per_1000_wmo", "2026-03", "WK990101", 2, 6),
        # under 23: p04, p05, p08, p10 (18 since 03-01); p13 has no residence
        ("clienten_per_1000_jeugd", "2026-01", "GM9901", 1, 4),
        ("clienten_per_1000_jeugd", "2026-03", "GM9901", 1, 4),
        ("clienten_per_1000_jeugd", "2026-K1", "GM9901", 2, 4),
    ],
)
def test_per_1000(computed, indicator, periode, code, teller, noemer):
    row = value(computed, indicator, periode, code)
    assert (row.teller, row.noemer, row.n) == (teller, noemer, teller)
    assert row.waarde == pytest.approx(1000 * teller / noemer)


def test_inflow_outflow(computed):
    assert value(computed, "instroom_wmo", "2026-01").n == 1  # p01; p02 had T0 in 2025
    assert value(computed, "instroom_wmo", "2026-02").n == 1  # p03; T5 of p01 is no inflow
    assert value(computed, "instroom_wmo", "2026-03").n == 1  # p06
    assert value(computed, "instroom_wmo", "2026-K1").n == 3
    assert value(computed, "uitstroom_wmo", "2026-01").n == 1  # p02
    assert value(computed, "uitstroom_wmo", "2026-03") is None  # T5 ends, T1 runs on
    assert value(computed, "uitstroom_jeugd", "2026-02").n == 1
    assert value(computed, "instroom_wmo", "2026-02", "BU99010101").n == 1  # p03 in Feb


def test_active_allocations(computed):
    assert value(computed, "actieve_toewijzingen_wmo", "2026-01").teller == 2  # T1, T2
    feb = value(computed, "actieve_toewijzingen_wmo", "2026-02")
    assert (feb.teller, feb.n) == (3, 2)  # T1, T3, T5 of p01 and p03
    assert value(computed, "actieve_toewijzingen_wmo", "2026-03").teller == 3  # T1, T3, T4


@pytest.mark.parametrize(
    ("indicator", "periode", "teller", "n", "waarde"),
    [
        # request -> allocation: Jan waits 3, 4 (V1, V7 -> T1) and 10 (V2 -> T3)
        ("wachttijd_verzoek_toewijzing_mediaan_wmo", "2026-01", 3, 2, 4.0),
        ("wachttijd_verzoek_toewijzing_p90_wmo", "2026-01", 3, 2, 8.8),
        # Feb: 20 (V3 -> T4) and 9 (V4 -> T5 via its ingangsdatum)
        ("wachttijd_verzoek_toewijzing_mediaan_wmo", "2026-02", 2, 2, 14.5),
        ("wachttijd_verzoek_toewijzing_p90_wmo", "2026-02", 2, 2, 18.9),
        ("wachttijd_verzoek_toewijzing_mediaan_wmo", "2026-K1", 5, 3, 9.0),
        ("wachttijd_verzoek_toewijzing_p90_wmo", "2026-K1", 5, 3, 16.0),
        # allocation -> start: T1 3 days (first delivery), T3 4 days, T4 negative -> 0
        ("wachttijd_toewijzing_start_mediaan_wmo", "2026-01", 1, 1, 3.0),
        ("wachttijd_toewijzing_start_mediaan_wmo", "2026-02", 2, 2, 2.0),
        ("wachttijd_toewijzing_start_p90_wmo", "2026-K1", 3, 3, 3.8),
        # duration: T2 22 days (Jan), T5 34 days (Mar)
        ("duur_toewijzing_mediaan_wmo", "2026-01", 1, 1, 22.0),
        ("duur_toewijzing_mediaan_wmo", "2026-K1", 2, 2, 28.0),
    ],
)
def test_day_statistics(computed, indicator, periode, teller, n, waarde):
    row = value(computed, indicator, periode)
    assert (row.teller, row.n) == (teller, n)
    assert row.waarde == pytest.approx(waarde)


@pytest.mark.parametrize(
    ("periode", "code", "teller", "noemer", "n"),
    [
        # Jan: waits 3 and 4 (p01) within 7 days, 10 (p03) not: 2 of 3, one person each side
        ("2026-01", "GM9901", 2, 3, 1),
        # Feb: 20 (p06) and 9 (p01), none within: the persons outside are the base
        ("2026-02", "GM9901", 0, 2, 2),
        # K1: 2 of 5; p01 within (and outside in Feb), p03, p06 outside
        ("2026-K1", "GM9901", 2, 5, 1),
    ],
)
def test_share_of_requests_within_the_norm(computed, periode, code, teller, noemer, n):
    row = value(computed, "aandeel_verzoek_binnen_norm_wmo", periode, code)
    assert (row.teller, row.noemer, row.n) == (teller, noemer, n)
    assert row.waarde == pytest.approx(100 * teller / noemer)
    # the requests measured are exactly those of the waiting time beside it
    wait = value(computed, "wachttijd_verzoek_toewijzing_mediaan_wmo", periode, code)
    assert row.noemer == wait.teller


def test_share_of_inflow_with_a_request(computed):
    # Wmo: p01 (V1/V7 -> T1), p03 (V2 -> T3), p06 (V3 -> T4) all started after a request
    k1 = value(computed, "aandeel_instroom_met_verzoek_wmo", "2026-K1")
    assert (k1.teller, k1.noemer, k1.waarde, k1.n) == (3, 3, 100.0, 3)
    # Jeugd: of three new clients only p04's allocation followed a request (VJ)
    jeugd = value(computed, "aandeel_instroom_met_verzoek_jeugd", "2026-K1")
    assert (jeugd.teller, jeugd.noemer, jeugd.n) == (1, 3, 1)
    # the noemer is the inflow, cell for cell, so protection links the two
    share = computed[computed.indicator == "aandeel_instroom_met_verzoek_wmo"]
    inflow = computed[computed.indicator == "instroom_wmo"]
    keys = ["niveau", "gebiedscode", "periodesoort", "periode"]
    inflow = inflow[inflow.niveau == "gemeente"]
    both = share.merge(inflow, on=keys, suffixes=("", "_in"), validate="one_to_one")
    assert len(both) == len(share) == len(inflow)
    assert (both.noemer == both.teller_in).all()


def test_shares_are_published_for_the_gemeente_only(computed):
    shares = computed[computed.indicator.str.startswith("aandeel_")]
    assert set(shares.niveau) == {"gemeente"}


def test_waiting_times_jeugd(computed):
    assert value(computed, "wachttijd_verzoek_toewijzing_mediaan_jeugd", "2026-01").waarde == 5
    assert value(computed, "wachttijd_toewijzing_start_p90_jeugd", "2026-01").waarde == 10


def test_waiting_time_by_area(computed):
    # Jan: V1 and V7 of p01 (BU99010101), V2 of p03 who then lived in WK990102
    assert (
        value(computed, "wachttijd_verzoek_toewijzing_mediaan_wmo", "2026-01", "WK990102").waarde
        == 10
    )
    assert (
        value(computed, "wachttijd_verzoek_toewijzing_mediaan_wmo", "2026-01", "BU99010101").waarde
        == 3.5
    )


def test_costs_with_credit_line(computed):
    jan = value(computed, "kosten_wmo", "2026-01")
    assert (jan.teller, jan.waarde, jan.n) == (125.0, 125.0, 2)  # 100 + 50 - 25
    assert value(computed, "kosten_wmo", "2026-K1").waarde == 225.0
    per = value(computed, "kosten_per_client_wmo", "2026-01")
    assert (per.teller, per.noemer, per.waarde) == (125.0, 2.0, 62.5)
    assert value(computed, "kosten_jeugd", "2026-01").waarde == 300.0


def test_lineage(computed):
    assert value(computed, "clienten_wmo", "2026-01").ladingen == "1,10"
    # February: T1 (10), T3 and T5 (11), p01's residence (1), p03's new residence (2)
    assert value(computed, "clienten_wmo", "2026-02").ladingen == "1,2,10,11"
    assert value(computed, "kosten_wmo", "2026-01").ladingen == "1,20,21"
    assert value(computed, "instroom_wmo", "2026-03").ladingen == "11"  # p06: no residence
    assert (
        value(computed, "wachttijd_toewijzing_start_mediaan_wmo", "2026-01").ladingen == "1,10,40"
    )


def test_versions(computed):
    definitions = load_definitions()
    for indicator, versie in (
        computed[["indicator", "versie"]].drop_duplicates().itertuples(index=False)
    ):
        assert versie == definitions[indicator].versie


def test_selected_ids(warehouse):
    frame = compute_indicators(warehouse, ["kosten_wmo"])
    assert set(frame.indicator) == {"kosten_wmo"}
    with pytest.raises(ValueError, match="Onbekende indicator"):
        compute_indicators(warehouse, ["bestaat_niet"])


def test_empty_warehouse():
    con = duckdb.connect()
    create_all(con)
    frame = compute_indicators(con)
    assert frame.empty
    assert list(frame.columns) == COLUMNS
    assert isinstance(frame, pd.DataFrame)
