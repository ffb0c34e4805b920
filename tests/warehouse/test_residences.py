"""Overlapping residences are trimmed at the door: the later start wins (one address a day)."""

from __future__ import annotations

from datetime import date

from stuurdata.warehouse.load import LoadResult, connect, load_sources

from helpers import table_digest, test_bsns

HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden\n"
)
BU1, BU2, BU3 = "WK990101;BU99010101", "WK990101;BU99010102", "WK990102;BU99010201"


def row(bsn: str, buurt: str, van: str, tot: str = "", overleden: str = "") -> str:
    return f"{bsn};1950-03-14;V;GM9901;{buurt};;;;{van};{tot};{overleden}\n"


def residences(pakhuis, pseudo, bsn: str) -> list[tuple[date, date | None, str | None, str]]:
    con = connect(pakhuis)
    try:
        return con.execute(
            "SELECT van, tot, reden_einde, buurtcode FROM verblijf WHERE persoon_id = ? "
            "ORDER BY van",
            [pseudo.persoon(bsn)],
        ).fetchall()
    finally:
        con.close()


def counts(result: LoadResult) -> tuple[int, int, int, int]:
    (f,) = result.bestanden
    return f.gelezen, f.geladen, f.gequarantaineerd, f.dubbel


def test_open_old_residence_ends_where_the_next_begins(tmp_path, pseudo):
    a, b = test_bsns(2)
    brp = tmp_path / "brp.csv"
    brp.write_text(
        HEADER
        # a: the old address has no departure date (a common extract error)
        + row(a, BU1, "2000-01-01")
        + row(a, BU2, "2025-06-01")
        # b: the old address ends after the new one starts, and a stay inside another
        + row(b, BU1, "2000-01-01", "2026-01-01")
        + row(b, BU2, "2020-01-01", "2021-01-01")
        + row(b, BU3, "2021-01-01")
    )
    pakhuis = tmp_path / "p.duckdb"
    assert counts(load_sources([brp], pakhuis, pseudo)) == (5, 5, 0, 0)
    assert residences(pakhuis, pseudo, a) == [
        (date(2000, 1, 1), date(2025, 6, 1), "vertrek", "BU99010101"),
        (date(2025, 6, 1), None, None, "BU99010102"),
    ]
    assert residences(pakhuis, pseudo, b) == [
        (date(2000, 1, 1), date(2020, 1, 1), "vertrek", "BU99010101"),
        (date(2020, 1, 1), date(2021, 1, 1), "vertrek", "BU99010102"),
        (date(2021, 1, 1), None, None, "BU99010201"),
    ]
    # Re-reading the same extract changes nothing and counts every row as a duplicate.
    before = table_digest(pakhuis)
    assert counts(load_sources([brp], pakhuis, pseudo)) == (5, 0, 0, 5)
    assert table_digest(pakhuis) == before


def test_a_later_delivery_with_only_the_new_address_shortens_the_stored_one(tmp_path, pseudo):
    (a,) = test_bsns(1)
    pakhuis = tmp_path / "p.duckdb"
    first, second = tmp_path / "brp1.csv", tmp_path / "brp2.csv"
    first.write_text(HEADER + row(a, BU1, "2000-01-01"))
    second.write_text(HEADER + row(a, BU3, "2026-02-15"))
    load_sources([first], pakhuis, pseudo)
    assert counts(load_sources([second], pakhuis, pseudo)) == (1, 1, 0, 0)
    assert residences(pakhuis, pseudo, a) == [
        (date(2000, 1, 1), date(2026, 2, 15), "vertrek", "BU99010101"),
        (date(2026, 2, 15), None, None, "BU99010201"),
    ]
    # The first extract again: its open row equals the stored, trimmed one (a duplicate).
    assert counts(load_sources([first], pakhuis, pseudo)) == (1, 0, 0, 1)


def test_no_person_has_two_addresses_on_one_day(tmp_path, pseudo):
    a, b = test_bsns(2)
    brp = tmp_path / "brp.csv"
    brp.write_text(
        HEADER
        + row(a, BU1, "2000-01-01", "2030-01-01")
        + row(a, BU2, "2010-01-01", "", "2030-06-01")
        + row(a, BU3, "2012-05-05", "2012-05-06")
        + row(b, BU1, "2001-01-01")
    )
    pakhuis = tmp_path / "p.duckdb"
    load_sources([brp], pakhuis, pseudo)
    con = connect(pakhuis)
    overlaps = con.execute(
        "SELECT count(*) FROM verblijf v JOIN verblijf w ON v.persoon_id = w.persoon_id "
        "AND v.van < w.van AND coalesce(v.tot, DATE '9999-12-31') > w.van"
    ).fetchall()
    empty = con.execute("SELECT count(*) FROM verblijf WHERE tot <= van").fetchall()
    con.close()
    assert overlaps == [(0,)] and empty == [(0,)]
