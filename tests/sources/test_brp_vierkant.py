"""BRP extract with address coordinates: only the CBS 100 m square passes the door."""

from __future__ import annotations

from pathlib import Path

import duckdb

from stuurdata.sources.brp import read_brp
from stuurdata.sources.records import Rejection, SourceFile, Unit
from stuurdata.warehouse.load import connect, load_sources
from stuurdata.warehouse.schema import TABLES

from helpers import test_bsns

HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden"
)
AREA = "GM9901;WK990101;BU99010101;9901AA;1;H1;1990-01-01;;"


def source(text: str) -> SourceFile:
    return SourceFile("brp.csv", text.encode(), "x")


def _items(pseudo, coordinates: list[tuple[str, str]]) -> list[Unit | Rejection]:
    bsns = test_bsns(len(coordinates))
    lines = [HEADER + ";rd_x;rd_y"]
    lines += [
        f"{b};1950-01-05;V;{AREA};{x};{y}" for b, (x, y) in zip(bsns, coordinates, strict=True)
    ]
    return list(read_brp(source("\n".join(lines)), pseudo))


def _square(item: Unit | Rejection) -> str | None:
    assert isinstance(item, Unit), item
    return item.rows["verblijf"][0]["vierkant"]  # type: ignore[return-value]


def test_coordinates_become_the_100_m_square_at_the_edges(pseudo) -> None:
    items = _items(
        pseudo,
        [
            ("120550.3", "448750.7"),  # inside
            ("120500", "448700"),  # on the lower-left corner: this square
            ("120599.9", "448799.9"),  # just inside the far edges
            ("120600.0", "448800.0"),  # on the far edges: the next square
            ("120550,5", "448750,5"),  # decimal comma, as some exports write it
            ("", ""),  # no coordinates: no square
        ],
    )
    assert [_square(i) for i in items] == [
        "E1205N4487",
        "E1205N4487",
        "E1205N4487",
        "E1206N4488",
        "E1205N4487",
        None,
    ]
    rows = repr([i.rows for i in items if isinstance(i, Unit)])
    assert "120550" not in rows and "448750" not in rows  # the coordinates themselves: gone


def test_an_extract_without_coordinate_columns_still_reads(pseudo) -> None:
    (b,) = test_bsns(1)
    (item,) = read_brp(source(f"{HEADER}\n{b};1950-01-05;V;{AREA}"), pseudo)
    assert _square(item) is None


def test_bad_coordinates_are_quarantined_naming_the_column(pseudo) -> None:
    items = _items(
        pseudo,
        [
            ("abc", "448750"),
            ("120550", "nan"),
            ("120550", ""),
            ("", "448750"),
            ("-5", "448750"),
            ("120550", "250000"),  # in Belgium
            ("120550", "700000"),
        ],
    )
    assert all(isinstance(i, Rejection) for i in items)
    messages = [i.message for i in items]  # type: ignore[union-attr]
    expected = [
        ("rd_x", "geen getal"),
        ("rd_y", "geen getal"),
        ("rd_y", "leeg"),
        ("rd_x", "leeg"),
        ("rd_x", "buiten Nederland"),
        ("rd_y", "buiten Nederland"),
        ("rd_y", "buiten Nederland"),
    ]
    for message, (col, words) in zip(messages, expected, strict=True):
        assert f"kolom {col}" in message and words in message, message
        # A coordinate locates an address: the message never repeats one.
        assert "120550" not in message and "448750" not in message


def test_no_coordinate_is_stored_anywhere(tmp_path: Path, pseudo) -> None:
    a, b = test_bsns(2)
    brp = tmp_path / "bron" / "brp.csv"
    brp.parent.mkdir()
    brp.write_text(
        f"{HEADER};rd_x;rd_y\n"
        f"{a};1950-01-05;V;{AREA};155123.4;463987.6\n"
        f"{b};1950-01-05;V;{AREA};155321.7;\n"  # quarantined: rd_y missing
    )
    pakhuis = tmp_path / "pakhuis" / "p.duckdb"
    pakhuis.parent.mkdir()
    result = load_sources([brp], pakhuis, pseudo)
    assert result.totaal("geladen") == 1 and result.totaal("gequarantaineerd") == 1
    con = connect(pakhuis)
    try:
        assert con.execute("SELECT vierkant FROM verblijf").fetchall() == [("E1551N4639",)]
        for table in TABLES:
            cells = con.execute(f"SELECT * FROM {table}").fetchall()
            text = repr(cells)
            for fragment in ("155123", "463987", "155321"):
                assert fragment not in text, (table, fragment)
    finally:
        con.close()
    # Nor in any file the load wrote (warehouse, logs, audit trail).
    for path in pakhuis.parent.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for fragment in (b"155123", b"463987", b"155321"):
                assert fragment not in data, (path.name, fragment)


def test_a_redelivery_with_coordinates_updates_the_period(tmp_path: Path, pseudo) -> None:
    (a,) = test_bsns(1)
    brp = tmp_path / "brp.csv"
    pakhuis = tmp_path / "p.duckdb"
    brp.write_text(f"{HEADER}\n{a};1950-01-05;V;{AREA}\n")
    load_sources([brp], pakhuis, pseudo)
    brp.write_text(f"{HEADER};rd_x;rd_y\n{a};1950-01-05;V;{AREA};155123.4;463987.6\n")
    second = load_sources([brp], pakhuis, pseudo)
    assert (second.totaal("geladen"), second.totaal("dubbel")) == (1, 0)
    third = load_sources([brp], pakhuis, pseudo)  # the same again: nothing new
    assert (third.totaal("geladen"), third.totaal("dubbel")) == (0, 1)
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        assert con.execute("SELECT count(*), any_value(vierkant) FROM verblijf").fetchall() == [
            (1, "E1551N4639")
        ]
    finally:
        con.close()
