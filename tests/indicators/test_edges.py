"""Counting rules at the edges, each on a small warehouse built for it (see compute.py).

Residences come in through the real BRP reader (so the door's rules apply); allocations
and claims are written straight into the tables, like the hand-made warehouse in
conftest.py. Every warehouse here is also checked against the plain-pandas reference.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.indicators.compute import compute_indicators, data_coverage
from stuurdata.indicators.periods import CoverageError
from stuurdata.privacy.governance import ensure_demo_purpose
from stuurdata.warehouse.load import connect, load_sources
from stuurdata.warehouse.schema import create_all

from helpers import test_bsns

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

from pandas_reference import reference_indicators

D = date.fromisoformat
HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden\n"
)
BU1, BU2, BU3 = "BU99010101", "BU99010102", "BU99010201"


class Pakhuis:
    """A small warehouse: BRP rows through the reader, allocations and claims by SQL."""

    def __init__(self, tmp_path: Path, pseudo) -> None:
        self.path = tmp_path / "pakhuis.duckdb"
        self.tmp = tmp_path
        self.pseudo = pseudo
        self.bsns = iter(test_bsns(40))
        self.ids: dict[str, str] = {}
        self.brp: list[str] = []
        self.allocations: list[tuple] = []
        self.claims: list[tuple] = []

    def person(self, name: str) -> str:
        if name not in self.ids:
            self.ids[name] = next(self.bsns)
        return self.pseudo.persoon(self.ids[name])

    def woont(self, name, buurt, van, tot="", geboren="1950-03-14", overleden="") -> None:
        self.person(name)
        wk = "WK" + buurt[2:8]
        self.brp.append(
            f"{self.ids[name]};{geboren};V;GM9901;{wk};{buurt};;;;{van};{tot};{overleden}\n"
        )

    def toewijzing(self, name, wet, ingang, eind=None, dagtekening=None) -> None:
        number = f"T{len(self.allocations)}"
        self.allocations.append(
            (number, wet, self.person(name), D(ingang), eind and D(eind), D(dagtekening or ingang))
        )

    def declaratie(self, name, wet, begin, dagtekening) -> None:
        self.claims.append((wet, self.person(name), D(begin), D(dagtekening)))

    def build(self) -> tuple[int, int]:
        """Load the BRP rows and write the rest; returns (loaded, quarantined) BRP rows."""
        loaded = quarantined = 0
        if self.brp:
            csv = self.tmp / "brp.csv"
            csv.write_text(HEADER + "".join(self.brp))
            (f,) = load_sources([csv], self.path, self.pseudo).bestanden
            loaded, quarantined = f.geladen, f.gequarantaineerd
        con = connect(self.path)
        create_all(con)
        for number, wet, pid, ingang, eind, dag in self.allocations:
            con.execute(
                "INSERT INTO toewijzing (toewijzing_id, toewijzingnummer, wet, gemeentecode,"
                " persoon_id, aanbieder, productcategorie, toewijzingsdatum, ingangsdatum,"
                " einddatum, dagtekening, bericht_id, lading_id)"
                " VALUES (?, ?, ?, 'GM9901', ?, 'A1', '02', ?, ?, ?, ?, 'b', 10)",
                [number, number, wet, pid, ingang, ingang, eind, dag],
            )
        for regel, (wet, pid, begin, dag) in enumerate(self.claims):
            con.execute(
                "INSERT INTO declaratie (bericht_id, regel, toewijzing_id, wet, gemeentecode,"
                " persoon_id, aanbieder, periode_begin, periode_eind, bedrag_cent, dagtekening,"
                " lading_id) VALUES ('D', ?, 'T0', ?, 'GM9901', ?, 'A1', ?, ?, 1000, ?, 20)",
                [regel, wet, pid, begin, begin, dag],
            )
        con.close()
        return loaded, quarantined

    def compute(self, ids=None) -> pd.DataFrame:
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            ours = compute_indicators(con, ids)
            reference = reference_indicators(con, ids)
        finally:
            con.close()
        pd.testing.assert_frame_equal(ours, reference, check_exact=False, rtol=1e-12)
        return ours


def row(frame, indicator, periode, code="GM9901", categorie=""):
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


def test_an_impossible_residence_never_picks_the_area(tmp_path, pseudo):
    w = Pakhuis(tmp_path, pseudo)
    w.woont("a", BU1, "2000-01-01")
    w.woont("a", BU2, "2026-03-10", "2026-03-10")  # zero length
    w.woont("a", BU3, "2026-03-20", "2026-03-15")  # reversed
    w.woont("a", BU3, "2026-03-25", "", overleden="2026-03-25")  # died the day of settling
    w.toewijzing("a", "wmo", "2026-01-01", dagtekening="2026-01-01")
    w.toewijzing("a", "wmo", "2026-02-01", dagtekening="2026-03-31")
    assert w.build() == (1, 3)
    got = w.compute(["clienten_wmo"])
    march = got[got.periode == "2026-03"]
    assert set(march.gebiedscode) == {"GM9901", "WK990101", BU1}
    assert row(got, "clienten_wmo", "2026-03", BU1).n == 1


def test_overlapping_residences_count_a_person_once(tmp_path, pseudo):
    w = Pakhuis(tmp_path, pseudo)
    w.woont("a", BU1, "2000-01-01")  # no departure date ...
    w.woont("a", BU2, "2025-06-01")  # ... though a moved here: the later start wins
    w.woont("b", BU1, "2000-01-01")
    w.toewijzing("b", "wmo", "2026-01-01", dagtekening="2026-01-01")
    w.toewijzing("b", "wmo", "2026-01-05", dagtekening="2026-01-31")
    assert w.build() == (3, 0)
    got = w.compute(["clienten_per_1000_wmo"])
    assert row(got, "clienten_per_1000_wmo", "2026-01").noemer == 2
    assert row(got, "clienten_per_1000_wmo", "2026-01", BU1).noemer == 1
    assert row(got, "clienten_per_1000_wmo", "2026-01", BU1).waarde == 1000


def test_clients_without_a_residence_stay_out_of_the_rate(tmp_path, pseudo):
    # The case: 3 clients over 1 inhabitant used to give 3,000 per 1,000.
    w = Pakhuis(tmp_path, pseudo)
    w.woont("a", BU1, "2000-01-01")
    for name in ("a", "b", "c"):
        w.toewijzing(name, "wmo", "2026-01-01", dagtekening="2026-01-01")
    w.toewijzing("a", "wmo", "2026-01-02", dagtekening="2026-01-31")
    w.build()
    got = w.compute(["clienten_wmo", "clienten_per_1000_wmo", "clienten_zonder_woonadres_wmo"])
    assert row(got, "clienten_wmo", "2026-01").n == 3  # the gemeente's clients: all three
    rate = row(got, "clienten_per_1000_wmo", "2026-01")
    assert (rate.teller, rate.noemer, rate.waarde) == (1, 1, 1000)
    apart = row(got, "clienten_zonder_woonadres_wmo", "2026-01")
    assert (apart.teller, apart.n) == (2, 2)
    assert set(got[got.indicator == "clienten_zonder_woonadres_wmo"].niveau) == {"gemeente"}


def test_birthdays_on_the_last_day_of_a_period(tmp_path, pseudo):
    """Age on the reference day, birth month as day 1: on a month's last day that is the
    exact age, so a birthday on 31 December counts in that year."""
    w = Pakhuis(tmp_path, pseudo)
    born = {
        "y1": "2008-12-31",  # 18 on 2026-12-31: 18-22 in 2026
        "y2": "2009-01-01",  # 17 on 2026-12-31: 12-17
        "y3": "2003-12-31",  # 23 on 2026-12-31: out of the youth population for 2026
        "y4": "2004-01-01",  # 22 on 2026-12-31: in it
    }
    for name, day in born.items():
        w.woont(name, BU1, day, geboren=day)  # born here
        w.toewijzing(name, "jeugd", "2026-01-01", dagtekening="2026-01-01")
    w.toewijzing("y1", "jeugd", "2026-06-01", dagtekening="2027-01-10")  # data into 2027
    w.build()
    ids = ["clienten_naar_leeftijd_jeugd", "clienten_per_1000_jeugd"]
    got = w.compute(ids)
    ages = got[(got.indicator == ids[0]) & (got.periode == "2026")]
    assert dict(zip(ages.categorie, ages.n, strict=True)) == {"12-17": 1, "18-22": 2, "23+": 1}
    year = row(got, "clienten_per_1000_jeugd", "2026")
    assert (year.teller, year.noemer, year.volledig) == (3, 3, True)
    november = row(got, "clienten_per_1000_jeugd", "2026-11")  # y3 still 22 on 11-30
    assert (november.teller, november.noemer) == (4, 4)


def test_eighteenth_birthday_on_a_period_edge(tmp_path, pseudo):
    """Turning 18 on the first day of a year makes an adult in that year only, for the
    household type too (adults are 18 or older)."""
    w = Pakhuis(tmp_path, pseudo)
    w.woont("kind", BU1, "2009-01-01", geboren="2009-01-01")  # 18 on 2027-01-01
    w.brp[-1] = w.brp[-1].replace(";;;;", ";;;H1;")
    w.woont("ouder", BU1, "1980-01-01", geboren="1970-01-01")
    w.brp[-1] = w.brp[-1].replace(";;;;", ";;;H1;")
    w.toewijzing("kind", "jeugd", "2026-01-01", dagtekening="2026-01-01")
    w.toewijzing("kind", "jeugd", "2026-01-02", dagtekening="2027-06-30")
    w.build()
    got = w.compute(["clienten_naar_huishouden_jeugd", "clienten_naar_leeftijd_jeugd"])
    by_year = {(r.indicator, r.periode): (r.categorie, r.volledig) for r in got.itertuples()}
    assert by_year == {
        ("clienten_naar_huishouden_jeugd", "2026"): ("eenoudergezin", True),  # 17 on 12-31
        ("clienten_naar_huishouden_jeugd", "2027"): ("paar zonder kinderen", False),
        ("clienten_naar_leeftijd_jeugd", "2026"): ("12-17", True),
        ("clienten_naar_leeftijd_jeugd", "2027"): ("18-22", False),  # on 2027-06-30
    }


def test_facts_after_the_last_message_do_not_count(tmp_path, pseudo):
    w = Pakhuis(tmp_path, pseudo)
    for name in ("p1", "p2", "p3", "p5"):
        w.woont(name, BU1, "2000-01-01", "2026-12-01" if name == "p5" else "")
    w.woont("p4", BU2, "2026-11-01")  # moves in after the data end
    w.toewijzing("p1", "wmo", "2026-10-10", dagtekening="2026-10-15")  # the newest message
    w.toewijzing("p2", "wmo", "2026-10-20", dagtekening="2026-10-01")  # starts after it
    w.toewijzing("p3", "wmo", "2026-06-01", "2026-06-30", dagtekening="2026-05-20")
    w.declaratie("p3", "wmo", "2026-07-01", "2026-08-05")  # the first claim month: July
    w.build()
    con = duckdb.connect(str(w.path), read_only=True)
    assert data_coverage(con) == (D("2026-07-01"), D("2026-10-15"))
    con.close()
    got = w.compute(["clienten_wmo", "clienten_per_1000_wmo", "actieve_toewijzingen_wmo"])
    for periode in ("2026-10", "2026-K4", "2026"):
        assert row(got, "clienten_wmo", periode).n == 1, periode  # p1 only
    assert row(got, "actieve_toewijzingen_wmo", "2026-10").teller == 1
    # the reference day of 2026 is the data end, 2026-10-15: p4 not yet, p5 still here
    assert row(got, "clienten_per_1000_wmo", "2026").noemer == 4
    assert row(got, "clienten_per_1000_wmo", "2026-K4", BU2) is None
    complete = got.drop_duplicates("periode").set_index("periode").volledig.to_dict()
    assert complete == {"2026-10": False, "2026-K4": False, "2026": False}
    # months and quarters the data hold completely are marked so
    claims = w.compute(["kosten_wmo"])
    assert claims.set_index("periode").volledig.to_dict() == {
        "2026-07": True,
        "2026-K3": True,
        "2026": False,
    }


def test_a_reversed_coverage_stops_with_a_dutch_message(tmp_path, pseudo):
    w = Pakhuis(tmp_path, pseudo)
    w.woont("a", BU1, "2000-01-01")
    w.toewijzing("a", "wmo", "2026-01-01", dagtekening="2026-10-15")
    w.declaratie("a", "wmo", "2026-11-01", "2026-10-05")  # claims a month still to come
    w.build()
    con = duckdb.connect(str(w.path), read_only=True)
    with pytest.raises(CoverageError, match=r"declaratie \(11-2026\) ligt na het nieuwste"):
        compute_indicators(con)
    con.close()
    ensure_demo_purpose(w.path)
    result = CliRunner().invoke(app, ["indicatoren", "--pakhuis", str(w.path), "--doel", "demo"])
    assert result.exit_code == 1
    assert "Fout:" in result.output and "ligt na het nieuwste bericht" in result.output
    assert "Traceback" not in result.output
