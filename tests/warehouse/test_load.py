"""Loading: row accounting, duplicates, idempotency, merges, quarantine and integrity."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

from stuurdata.warehouse.load import LoadResult, connect, load_sources
from stuurdata.warehouse.schema import STAGED

from helpers import BERICHTEN, elfproef_numbers, name_map, original, table_digest, test_bsns

BRP_HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden\n"
)


def assert_accounting(result: LoadResult) -> None:
    for f in result.bestanden:
        assert f.gelezen == f.geladen + f.gequarantaineerd + f.dubbel, f
    assert result.totaal("gelezen") == (
        result.totaal("geladen") + result.totaal("gequarantaineerd") + result.totaal("dubbel")
    )


def by_name(result: LoadResult, *roots: Path) -> dict[str, tuple[int, int, int, int]]:
    names = name_map(BERICHTEN, *roots)
    return {
        original(f.bestand, names): (f.gelezen, f.geladen, f.gequarantaineerd, f.dubbel)
        for f in result.bestanden
    }


def test_official_examples_load_except_the_two_invalid_ones(tmp_path, pseudo):
    result = load_sources([BERICHTEN], tmp_path / "p.duckdb", pseudo)
    counts = by_name(result)
    assert len(counts) == 28
    assert counts["JW315.xml"] == (1, 0, 1, 0)
    assert counts["JW318.xml"] == (1, 0, 1, 0)
    loaded = [name for name, c in counts.items() if c == (1, 1, 0, 0)]
    assert len(loaded) == 26
    assert_accounting(result)
    con = connect(tmp_path / "p.duckdb")
    rows = con.execute(
        "SELECT bestand, soort, melding FROM quarantaine ORDER BY bestand"
    ).fetchall()
    names = name_map(BERICHTEN)
    assert sorted(original(r[0], names) for r in rows) == ["JW315.xml", "JW318.xml"]
    assert all(r[1] == "xsd" for r in rows)
    assert "2027-06-31" in rows[0][2] and "XSD" in rows[0][2]
    assert "RetourCode" in rows[1][2]
    assert con.execute("SELECT count(*) FROM bericht").fetchall() == [(26,)]


def test_reading_twice_changes_nothing_and_counts_duplicates(tmp_path, pseudo):
    pakhuis = tmp_path / "p.duckdb"
    brp = tmp_path / "brp.csv"
    a, b = test_bsns(2)
    brp.write_text(
        BRP_HEADER
        + f"{a};1950-01-05;V;GM9901;WK990101;BU99010101;9901AA;1;H1;1990-01-01;;\n"
        + f"{b};2015-06-30;M;GM9901;WK990102;BU99010201;9901AB;2;H2;2015-06-30;;\n"
    )
    first = load_sources([BERICHTEN, brp], pakhuis, pseudo)
    before = table_digest(pakhuis)
    second = load_sources([BERICHTEN, brp], pakhuis, pseudo)
    assert table_digest(pakhuis) == before
    assert_accounting(second)
    assert second.totaal("geladen") == 0
    assert first.totaal("gequarantaineerd") == 2
    # The two invalid examples are read again: the same findings, counted as duplicates.
    assert second.totaal("gequarantaineerd") == 0
    assert second.totaal("dubbel") == first.totaal("geladen") + 2
    con = connect(pakhuis)
    assert con.execute("SELECT count(*) FROM quarantaine").fetchall() == [(2,)]


def test_zip_and_folder_in_one_call_and_duplicates_across_them(tmp_path, pseudo):
    archive = tmp_path / "inbox.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for xml in sorted((BERICHTEN / "iwmo").glob("*.xml")):
            zf.write(xml, f"maart/{xml.name}")
    result = load_sources([archive, BERICHTEN / "iwmo"], tmp_path / "p.duckdb", pseudo)
    assert_accounting(result)
    assert result.totaal("gelezen") == 28
    assert result.totaal("geladen") == 14
    assert result.totaal("dubbel") == 14
    names = name_map(BERICHTEN)
    members = [f.bestand for f in result.bestanden if "!" in f.bestand]
    assert len(members) == 14 and all(f.endswith(".xml") for f in members)
    assert all(m.split("!")[0].endswith(".zip") and "inbox" not in m for m in members)
    assert "WMO301.xml" in {original(m, names) for m in members}


def test_bad_input_is_quarantined_with_place_and_the_rest_loads(tmp_path, pseudo):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notities.txt").write_text("dit is geen bericht")
    (inbox / "kapot.xml").write_bytes(b"<?xml version='1.0'?><wmo301:Bericht xmlns:wmo301=")
    good = test_bsns(3)
    (inbox / "brp.csv").write_text(
        BRP_HEADER
        + f"{good[0]};1950-01-05;V;GM9901;WK990101;BU99010101;9901AA;1;H1;1990-01-01;;\n"
        + "123456789;1950-01-05;V;GM9901;WK990101;BU99010101;9901AA;1;H1;1990-01-01;;\n"
        + f"{good[1]};1950-02-30;V;GM9901;WK990101;BU99010101;9901AA;1;H1;1990-01-01;;\n"
        + f"{good[2]};1950-01-05;V;GM9901;WK990201;BU99010101;9901AA;1;H1;1990-01-01;;\n"
    )
    shutil.copy(BERICHTEN / "iwmo" / "WMO301.xml", inbox / "WMO301.xml")
    result = load_sources([inbox], tmp_path / "p.duckdb", pseudo)
    assert_accounting(result)
    counts = by_name(result, inbox)
    assert counts["brp.csv"] == (4, 1, 3, 0)
    assert counts["notities.txt"] == (1, 0, 1, 0)
    assert counts["kapot.xml"] == (1, 0, 1, 0)
    assert counts["WMO301.xml"] == (1, 1, 0, 0)
    con = connect(tmp_path / "p.duckdb")
    names = name_map(inbox)
    meldingen = {
        (original(b, names), p): m
        for b, p, m in con.execute("SELECT bestand, positie, melding FROM quarantaine").fetchall()
    }
    assert "elfproef" in meldingen[("brp.csv", "regel 3")]
    assert "geldige datum" in meldingen[("brp.csv", "regel 4")]
    assert "wijkcode" in meldingen[("brp.csv", "regel 5")]
    assert "Onbekend bestandsformaat" in meldingen[("notities.txt", "bestand")]
    assert any(name == "kapot.xml" for name, _ in meldingen)
    for melding in meldingen.values():
        assert not elfproef_numbers(melding.encode())


def test_brp_correction_updates_the_period(tmp_path, pseudo):
    pakhuis = tmp_path / "p.duckdb"
    (bsn,) = test_bsns(1)
    brp = tmp_path / "brp.csv"
    brp.write_text(
        BRP_HEADER + f"{bsn};1950-01-05;V;GM9901;WK990101;BU99010101;;;H1;1990-01-01;;\n"
    )
    load_sources([brp], pakhuis, pseudo)
    brp.write_text(
        BRP_HEADER + f"{bsn};1950-01-05;V;GM9901;WK990101;BU99010101;;;H1;1990-01-01;2025-03-01;\n"
    )
    result = load_sources([brp], pakhuis, pseudo)
    assert by_name(result, brp)["brp.csv"] == (1, 1, 0, 0)
    con = connect(pakhuis)
    assert con.execute("SELECT van, tot, reden_einde FROM verblijf").fetchall() == [
        (date(1990, 1, 1), date(2025, 3, 1), "vertrek")
    ]


def _message(template: Path, replacements: dict[str, str]) -> bytes:
    text = template.read_text()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode()


def test_start_for_unknown_allocation_is_quarantined_when_allocations_are_known(tmp_path, pseudo):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # The municipality 0384 allocates 300201 and 300202 (the official JW301 example).
    shutil.copy(BERICHTEN / "ijw" / "JW301.xml", inbox / "JW301.xml")
    # A provider starts 300201 (known) and, in a second message, 999999 (never allocated).
    to_0384 = {"<jw305:Ontvanger>0363</jw305:Ontvanger>": "<jw305:Ontvanger>0384</jw305:Ontvanger>"}
    (inbox / "JW305_bekend.xml").write_bytes(_message(BERICHTEN / "ijw" / "JW305.xml", to_0384))
    unknown = {
        **to_0384,
        ">123456789012<": ">123456789099<",
        ">300201<": ">999999<",
        ">300202<": ">999998<",
    }
    (inbox / "JW305_onbekend.xml").write_bytes(_message(BERICHTEN / "ijw" / "JW305.xml", unknown))
    result = load_sources([inbox], tmp_path / "p.duckdb", pseudo)
    assert_accounting(result)
    counts = by_name(result, inbox)
    assert counts["JW305_bekend.xml"] == (1, 1, 0, 0)
    assert counts["JW305_onbekend.xml"] == (1, 0, 1, 0)
    con = connect(tmp_path / "p.duckdb")
    melding = con.execute(
        "SELECT soort, melding, afzender, toewijzingnummers FROM quarantaine"
    ).fetchall()
    assert melding[0][0] == "bedrijfsregel"
    assert "999998, 999999" in melding[0][1] and "GM0384" in melding[0][1]
    assert melding[0][2] == "65656055"
    assert melding[0][3] == "999998,999999"  # structured, for the chain monitor
    starts = con.execute(
        "SELECT toewijzing_id, start FROM levering ORDER BY toewijzing_id"
    ).fetchall()
    assert [s[0] for s in starts] == ["jeugd:GM0384:300201", "jeugd:GM0384:300202"]


def test_start_and_stop_merge_into_one_delivery_and_latest_allocation_wins(tmp_path, pseudo):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(BERICHTEN / "ijw" / "JW301.xml", inbox / "JW301.xml")
    later_301 = {
        ">123456789012<": ">123456789077<",
        "Dagtekening>2026-04-01<": "Dagtekening>2026-05-01<",
        "Einddatum>2026-07-14<": "Einddatum>2026-06-30<",
    }
    (inbox / "JW301_wijziging.xml").write_bytes(
        _message(BERICHTEN / "ijw" / "JW301.xml", later_301)
    )
    to_0384 = {"<jw305:Ontvanger>0363</jw305:Ontvanger>": "<jw305:Ontvanger>0384</jw305:Ontvanger>"}
    (inbox / "JW305.xml").write_bytes(_message(BERICHTEN / "ijw" / "JW305.xml", to_0384))
    stop = {"<jw307:Ontvanger>0363</jw307:Ontvanger>": "<jw307:Ontvanger>0384</jw307:Ontvanger>"}
    (inbox / "JW307.xml").write_bytes(_message(BERICHTEN / "ijw" / "JW307.xml", stop))
    result = load_sources([inbox], tmp_path / "p.duckdb", pseudo)
    assert result.totaal("gequarantaineerd") == 0
    con = connect(tmp_path / "p.duckdb")
    einde = con.execute(
        "SELECT einddatum::VARCHAR FROM toewijzing WHERE toewijzing_id = 'jeugd:GM0384:300201'"
    ).fetchall()
    assert einde == [("2026-06-30",)]
    rows = con.execute(
        "SELECT start::VARCHAR, stop::VARCHAR, bericht_id_start IS NOT NULL, bericht_id_stop "
        "IS NOT NULL FROM levering WHERE toewijzing_id = 'jeugd:GM0384:300201'"
    ).fetchall()
    starts = {r[0]: r for r in rows}
    # the 305 and 307 examples agree on the start date of 300201: one period, both sides
    assert any(r[2] and r[3] for r in starts.values()), rows


def input_bsns(folder: Path) -> set[str]:
    """The BSNs that went in: every <...:Bsn> value of the messages."""
    pattern = re.compile(rb":Bsn>(\d{9})<")
    return {m.decode() for f in folder.rglob("*.xml") for m in pattern.findall(f.read_bytes())}


def test_no_bsn_anywhere_in_the_warehouse(tmp_path, pseudo):
    """The example messages reuse 9-digit identifications that happen to pass the elfproef
    (876543219), so here the scan looks for the BSNs that actually went in; the demo test
    scans for every elfproef-valid number."""
    bsns = input_bsns(BERICHTEN)
    assert bsns == {"999900006", "999900018"}
    pakhuis = tmp_path / "p.duckdb"
    load_sources([BERICHTEN], pakhuis, pseudo)
    con = connect(pakhuis)
    con.execute("CHECKPOINT")
    for table in [*STAGED, "quarantaine", "lading"]:
        for row in con.execute(f"SELECT * FROM {table}").fetchall():
            assert not any(b in repr(row) for b in bsns), table
    con.close()
    data = pakhuis.read_bytes()
    assert not any(b.encode() in data for b in bsns)


def test_a_change_keeps_the_first_allocation_date_whatever_the_order(tmp_path, pseudo):
    change = {
        ">123456789012<": ">123456789077<",
        "Dagtekening>2026-04-01<": "Dagtekening>2026-05-01<",
        "Toewijzingsdatum>2026-04-01<": "Toewijzingsdatum>2026-05-01<",
        "Einddatum>2026-07-14<": "Einddatum>2026-06-30<",
    }
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "JW301_wijziging.xml").write_bytes(_message(BERICHTEN / "ijw" / "JW301.xml", change))
    shutil.copy(BERICHTEN / "ijw" / "JW301.xml", second / "JW301.xml")
    pakhuis = tmp_path / "p.duckdb"
    load_sources([first], pakhuis, pseudo)
    load_sources([second], pakhuis, pseudo)  # the original arrives after its change
    con = connect(pakhuis)
    row = con.execute(
        "SELECT toewijzingsdatum::VARCHAR, eerste_dagtekening::VARCHAR, dagtekening::VARCHAR, "
        "einddatum::VARCHAR FROM toewijzing WHERE toewijzing_id = 'jeugd:GM0384:300201'"
    ).fetchall()
    assert row == [("2026-04-01", "2026-04-01", "2026-05-01", "2026-06-30")]


def test_a_warehouse_from_an_older_version_gets_the_new_columns(tmp_path, pseudo):
    """Columns added by a newer version are appended to an existing warehouse on load."""
    import duckdb

    from stuurdata.warehouse.schema import TABLES, columns

    path = tmp_path / "oud.duckdb"
    old = duckdb.connect(str(path))
    for name, ddl in TABLES.items():
        # Without comments, and without columns a newer version added (last in the table).
        lines = [line.split("--")[0].rstrip() for line in ddl.splitlines()]
        kept = [
            line
            for line in lines
            if line.strip()
            and "toewijzingnummers" not in line
            and "vierkant" not in line
            and not (name == "quarantaine" and "sha256" in line)
        ]
        body = "\n".join(kept).rstrip().rstrip(",")
        old.execute(f"CREATE TABLE {name} ({body})")
    old.close()
    result = load_sources([BERICHTEN], path, pseudo)
    assert_accounting(result)
    con = connect(path)
    have = [r[0] for r in con.execute("DESCRIBE quarantaine").fetchall()]
    assert have == columns("quarantaine")
    assert con.execute("SELECT count(*) FROM quarantaine").fetchall()[0][0] == 2
