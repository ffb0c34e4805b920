"""The BRP extract reader: the documented contract, its variants and its refusals."""

from __future__ import annotations

from datetime import date

from stuurdata.sources.brp import is_brp, read_brp
from stuurdata.sources.records import Rejection, SourceFile, Unit

from helpers import test_bsns

HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden"
)


def source(text: str, *, bom: bool = False) -> SourceFile:
    data = ("\ufeff" if bom else "").encode() + text.encode()
    return SourceFile("brp.csv", data, "x")


def test_documented_example_reads(pseudo):
    a, b = test_bsns(2)
    text = "\n".join(
        [
            HEADER,
            f"{a};1952-03-14;V;GM9901;WK990101;BU99010101;9901AA;12;H0001;1980-05-01;2025-06-01;",
            f"{a};1952-03-14;V;GM9901;WK990103;BU99010307;9901BC;3;H0417;2025-06-01;;2026-01-10",
            f"{b};2019-11-02;M;GM9901;WK990102;;9901AB;8;;2019-11-02;;",
        ]
    )
    items = list(read_brp(source(text, bom=True), pseudo))
    assert all(isinstance(i, Unit) for i in items)
    first, second, third = (i.rows["verblijf"][0] for i in items)  # type: ignore[union-attr]
    assert first["tot"] == date(2025, 6, 1) and first["reden_einde"] == "vertrek"
    assert second["tot"] == date(2026, 1, 10) and second["reden_einde"] == "overlijden"
    assert third["buurtcode"] is None and third["wijkcode"] == "WK990102"
    assert third["huishouden_id"] is not None  # from postcode + huisnummer
    persoon = items[0].rows["persoon"][0]  # type: ignore[union-attr]
    assert persoon["geboortemaand"] == date(1952, 3, 1)
    assert persoon["geslacht"] == "2"
    assert persoon["persoon_id"] == pseudo.persoon(a)
    assert a not in repr(items)


def test_comma_separated_is_recognised_by_content(pseudo):
    (a,) = test_bsns(1)
    text = HEADER.replace(";", ",") + f"\n{a},1990-01-01,M,GM9901,,,,,,2000-01-01,,\n"
    assert is_brp(text.encode())
    assert not is_brp(b"gebiedscode;naam;niveau\n")
    (unit,) = read_brp(source(text), pseudo)
    assert isinstance(unit, Unit)


def test_missing_required_column_rejects_the_file(pseudo):
    text = "bsn;geslacht;buurtcode;datum_vestiging\n999900006;M;BU99010101;2000-01-01\n"
    (rejection,) = read_brp(source(text), pseudo)
    assert isinstance(rejection, Rejection)
    assert "geboortedatum" in rejection.message and "gemeentecode" in rejection.message


def test_each_bad_row_is_rejected_with_its_line(pseudo):
    (a,) = test_bsns(1)
    rows = [
        HEADER,
        f"{a};1990-01-01;X;GM9901;WK990101;BU99010101;;;;2000-01-01;;",
        f"{a};1990-01-01;M;9901;WK990101;BU99010101;;;;2000-01-01;;",
        f"{a};1990-01-01;M;GM9901;WK990101;BU99020101;;;;2000-01-01;;",
        f"{a};1990-01-01;M;GM9901;WK990101;BU99010101;;;;1980-01-01;;",
        f"{a};1990-01-01;M;GM9901;WK990101;BU99010101;;;;2000-01-01;1999-01-01;",
        f"{a};1990-01-01;M;GM9901;WK990101;BU99010101;;;;2000-01-01;;;extra",
        f"{a};1790-01-01;M;GM9901;WK990101;BU99010101;;;;2000-01-01;;",
    ]
    items = list(read_brp(source("\n".join(rows)), pseudo))
    assert [type(i) for i in items] == [Rejection] * 7
    assert [i.position for i in items] == [f"regel {n}" for n in range(2, 9)]
    words = [
        "geslacht",
        "gemeentecode",
        "buurtcode",
        "geboortedatum",
        "vestiging",
        "velden",
        "onwaarschijnlijk",
    ]
    for item, word in zip(items, words, strict=True):
        assert word in item.message, (item.message, word)  # type: ignore[union-attr]


def test_zero_length_residence_is_quarantined(pseudo):
    (a,) = test_bsns(1)
    rows = [
        HEADER,
        f"{a};1990-01-01;M;GM9901;WK990101;BU99010101;;;;2000-01-01;2000-01-01;",
        f"{a};1990-01-01;M;GM9901;WK990101;BU99010101;;;;2000-01-01;;2000-01-01",
        f"{a};1990-01-01;M;GM9901;WK990101;BU99010101;;;;2000-01-01;2000-01-02;",
    ]
    items = list(read_brp(source("\n".join(rows)), pseudo))
    assert [type(i) for i in items] == [Rejection, Rejection, Unit]
    assert all("nul dagen" in i.message for i in items[:2])  # type: ignore[union-attr]


def test_residence_from_birth_starts_on_the_first_of_the_birth_month(pseudo):
    a, b = test_bsns(2)
    rows = [
        HEADER,
        # born here on 2019-11-02, moved within the birth month, on 2019-11-20
        f"{a};2019-11-02;M;GM9901;WK990101;BU99010101;;;;2019-11-02;2019-11-20;",
        f"{a};2019-11-02;M;GM9901;WK990101;BU99010102;;;;2019-11-20;;",
        # moved in at 30: the date of settling is no birth date and stays
        f"{b};1990-06-17;V;GM9901;WK990101;BU99010101;;;;2020-06-17;;",
    ]
    items = list(read_brp(source("\n".join(rows)), pseudo))
    vans = [i.rows["verblijf"][0]["van"] for i in items]  # type: ignore[union-attr]
    assert vans == [date(2019, 11, 1), date(2019, 11, 20), date(2020, 6, 17)]
    assert items[0].rows["verblijf"][0]["tot"] == date(2019, 11, 20)  # type: ignore[union-attr]
    assert "2019-11-02" not in repr(items)
