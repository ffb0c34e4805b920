"""Stacking per household: its square and area, ground truth, disclosure control."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stuurdata.analysis import Periode, stacking
from stuurdata.analysis.base import person_domains
from stuurdata.analysis.stacking import Stapeling, household_squares
from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.sources.vierkant import vierkant_500
from stuurdata.warehouse.load import connect, load_sources

from helpers import published_squares, test_bsns

HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden;rd_x;rd_y\n"
)
PERIODE = Periode(date(2025, 1, 1), date(2026, 1, 1))
AREA = "GM9901;WK990101;BU99010101;;"


def _warehouse(tmp_path: Path, pseudo, lines: list[str]) -> Path:
    """A warehouse loaded from a BRP extract of ``lines``."""
    brp = tmp_path / "brp.csv"
    brp.write_text(HEADER + "\n".join(lines) + "\n")
    pakhuis = tmp_path / "p.duckdb"
    load_sources([brp], pakhuis, pseudo, workers=1)
    return pakhuis


@pytest.fixture
def small(tmp_path: Path, pseudo) -> tuple[Path, list[str]]:
    """Four households; one moves within the period, one's new address has no coordinates."""
    a, b, c, d, e = test_bsns(5)
    lines = [
        # H1 (a, b) moves in June 2025 from E1500N4400 to E1512N4418.
        f"{a};1960-01-01;V;{AREA};H1;1990-01-01;2025-06-01;;150050.0;440050.0",
        f"{a};1960-01-01;V;{AREA};H1b;2025-06-01;;;151250.0;441850.0",
        f"{b};1962-01-01;M;{AREA};H1;1990-01-01;2025-06-01;;150050.0;440050.0",
        f"{b};1962-01-01;M;{AREA};H1b;2025-06-01;;;151250.0;441850.0",
        # H2 (c) moves to an address without coordinates: no square, not the old one.
        f"{c};1970-01-01;V;{AREA};H2;1990-01-01;2025-03-01;;150150.0;440150.0",
        f"{c};1970-01-01;V;{AREA};H2b;2025-03-01;;;;",
        # H3 (d) lives in the same 500 m square as H1 did; e has no household number.
        f"{d};1980-01-01;M;{AREA};H3;2000-01-01;;;150450.0;440450.0",
        f"{e};1985-01-01;V;{AREA};;2000-01-01;;;150350.0;440350.0",
    ]
    pakhuis = _warehouse(tmp_path, pseudo, lines)
    con = connect(pakhuis)
    try:
        for bsn, wet in ((a, "minima"), (b, "schuldhulp"), (d, "minima"), (e, "participatiewet")):
            con.execute(
                "INSERT INTO voorziening VALUES (?, 'GM9901', ?, 'x', DATE '2025-02-01', NULL, "
                "NULL, 'test', 0)",
                [wet, pseudo.persoon(bsn)],
            )
    finally:
        con.close()
    return pakhuis, [a, b, c, d, e]


def test_the_square_is_that_of_the_households_latest_address(small, pseudo) -> None:
    pakhuis, (a, _, c, d, e) = small
    con = connect(pakhuis)
    try:
        squares = household_squares(con, PERIODE)
        by_person = {
            pid: sq
            for pid, sq in con.execute(
                "SELECT persoon_id, arg_max(huishouden_id, van) FROM verblijf GROUP BY 1"
            ).fetchall()
        }
        result = stacking(con, PERIODE)
    finally:
        con.close()
    got = dict(zip(squares["huishouden_id"], squares["vierkant"], strict=True))
    assert got[by_person[pseudo.persoon(a)]] == "E1512N4418"  # after the move
    assert pd.isna(got[by_person[pseudo.persoon(c)]])  # latest address has no square
    assert got[by_person[pseudo.persoon(d)]] == "E1504N4404"
    assert got["persoon:" + pseudo.persoon(e)] == "E1503N4403"  # a household of one
    v = result.per_vierkant.set_index(["grootte", "vierkant"])
    # H1 has two domains (minima + schuldhulp) in its new square.
    assert tuple(v.loc[(100, "E1512N4418"), ["met_voorziening", "twee_of_meer", "totaal"]]) == (
        1,
        1,
        1,
    )
    # The 500 m square E1500N4400 holds H3 and e (one domain each), not H1 (moved away).
    assert tuple(v.loc[(500, "E1500N4400"), ["met_voorziening", "twee_of_meer", "totaal"]]) == (
        2,
        0,
        2,
    )
    assert set(v.loc[100].index) == {"E1512N4418", "E1504N4404", "E1503N4403"}


def test_without_coordinates_the_grid_is_empty(tmp_path: Path, pseudo) -> None:
    (a,) = test_bsns(1)
    con = connect(_warehouse(tmp_path, pseudo, [f"{a};1960-01-01;V;{AREA};H1;1990-01-01;;;;"]))
    try:
        result = stacking(con, PERIODE)
    finally:
        con.close()
    assert result.per_vierkant.empty
    published = published_squares(result)
    assert published.empty and "vierkant" in published.columns


def _internal(rows: list[tuple[int, str, int, int]]) -> Stapeling:
    frame = pd.DataFrame(rows, columns=["grootte", "vierkant", "met_voorziening", "twee_of_meer"])
    frame["totaal"] = frame["met_voorziening"] * 3
    frame["aandeel_twee_of_meer"] = 100 * frame["twee_of_meer"] / frame["met_voorziening"]
    return Stapeling(PERIODE, pd.DataFrame(), pd.DataFrame(), frame)


def test_publication_suppresses_small_squares_and_extreme_shares() -> None:
    internal = _internal(
        [
            (500, "E1500N4400", 203, 61),  # shown: rounded counts, share from those
            (500, "E1505N4400", 16, 12),  # 4 with one domain: the share would say "almost all"
            (500, "E1510N4400", 42, 6),  # too few with 2+ domains
            (100, "E1500N4400", 8, 3),  # everything below the threshold
        ]
    )
    out = published_squares(internal, DisclosureRule()).set_index(["grootte", "vierkant"])
    assert len(out) == 4 and out.index.is_unique
    row = out.loc[(500, "E1500N4400")]
    assert (row["met_voorziening"], row["teller"]) == (205, 60)
    assert row["waarde"] == pytest.approx(round(100 * 60 / 205, 2))
    row = out.loc[(500, "E1505N4400")]
    assert np.isnan(row["waarde"]) and row["status"] == "onderdrukt"
    # The count with 2+ domains is hidden with its share: beside the base it would tell
    # that (almost) every household with help there has several domains.
    assert row["met_voorziening"] == 15 and np.isnan(row["teller"])
    row = out.loc[(500, "E1510N4400")]
    assert np.isnan(row["waarde"]) and np.isnan(row["teller"]) and row["met_voorziening"] == 40
    row = out.loc[(100, "E1500N4400")]
    assert row[["met_voorziening", "teller", "waarde"]].isna().all()
    # Every count that is shown is a multiple of 5 and at least the threshold.
    shown = pd.concat([out["met_voorziening"], out["teller"]]).dropna()
    assert ((shown % 5 == 0) & (shown >= 10)).all()


@pytest.mark.slow
def test_stacking_per_500_m_square_equals_the_ground_truth(town, con) -> None:
    _, _, truth = town
    p = truth["periode"]
    result = stacking(con, Periode(date.fromisoformat(p["van"]), date.fromisoformat(p["tot"])))
    v = result.per_vierkant
    found = {
        r.vierkant: {
            "huishoudens": int(r.met_voorziening),
            "huishoudens_2_of_meer": int(r.twee_of_meer),
        }
        for r in v[(v["grootte"] == 500) & (v["met_voorziening"] > 0)].itertuples()
    }
    expected = truth["stapeling"]["per_vierkant_500"]
    assert len(expected) >= 4 and found == expected
    # The 100 m squares add up to their 500 m squares.
    small = v[v["grootte"] == 100].assign(groot=lambda d: d["vierkant"].map(vierkant_500))
    sums = small.groupby("groot")[["met_voorziening", "twee_of_meer", "totaal"]].sum()
    big = v[v["grootte"] == 500].set_index("vierkant")[
        ["met_voorziening", "twee_of_meer", "totaal"]
    ]
    pd.testing.assert_frame_equal(sums.sort_index(), big.sort_index(), check_names=False)
    # As intended, most 100 m squares are too small to publish a share; 500 m squares often are.
    published = published_squares(result)
    shown = published.groupby("grootte")["waarde"].apply(lambda s: s.notna().mean())
    assert shown[100] < 0.25 and shown[500] > shown[100]


def test_members_who_moved_in_on_the_same_day_give_the_greatest_area(
    tmp_path: Path, pseudo
) -> None:
    a, b, c = test_bsns(3)
    lines = [
        # H1: a and b registered on the same day in different wijken (a data error).
        f"{a};1960-01-01;V;GM9901;WK990102;BU99010201;;;H1;2020-01-01;;;;",
        f"{b};1962-01-01;M;GM9901;WK990101;BU99010101;;;H1;2020-01-01;;;;",
        # H1 also has c, who moved in earlier elsewhere: the latest day wins first.
        f"{c};1990-01-01;V;GM9901;WK990103;BU99010301;;;H1;2010-01-01;;;;",
    ]
    pakhuis = _warehouse(tmp_path, pseudo, lines)
    con = connect(pakhuis)
    try:
        frame = person_domains(con, Periode(date(2025, 1, 1), date(2026, 1, 1)))
    finally:
        con.close()
    assert len(frame) == 3
    assert set(frame["hh_wijkcode"]) == {"WK990102"}
    assert set(frame["hh_buurtcode"]) == {"BU99010201"}
