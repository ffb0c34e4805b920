"""A household's area: the member who moved in last, the same on every run and engine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from stuurdata.analysis import Periode
from stuurdata.analysis.base import person_domains
from stuurdata.warehouse.load import connect, load_sources

from helpers import test_bsns

HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden;rd_x;rd_y\n"
)


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
    brp = tmp_path / "brp.csv"
    brp.write_text(HEADER + "\n".join(lines) + "\n")
    pakhuis = tmp_path / "p.duckdb"
    load_sources([brp], pakhuis, pseudo, workers=1)
    con = connect(pakhuis)
    try:
        frame = person_domains(con, Periode(date(2025, 1, 1), date(2026, 1, 1)))
    finally:
        con.close()
    assert len(frame) == 3
    assert set(frame["hh_wijkcode"]) == {"WK990102"}
    assert set(frame["hh_buurtcode"]) == {"BU99010201"}
