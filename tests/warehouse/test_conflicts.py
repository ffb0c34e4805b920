"""Duplicates versus conflicts, and reading quarantined files again."""

from __future__ import annotations

import hashlib
from pathlib import Path

from stuurdata.warehouse.load import LoadResult, connect, load_sources

from helpers import BERICHTEN

JW301 = BERICHTEN / "ijw" / "JW301.xml"


def edited(replacements: dict[str, str]) -> bytes:
    text = JW301.read_text()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode()


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def counts(result: LoadResult) -> tuple[int, int, int, int]:
    for f in result.bestanden:
        assert f.gelezen == f.geladen + f.gequarantaineerd + f.dubbel, f
    return (
        result.totaal("gelezen"),
        result.totaal("geladen"),
        result.totaal("gequarantaineerd"),
        result.totaal("dubbel"),
    )


def short_sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def test_the_same_message_in_another_file_is_a_duplicate(tmp_path, pseudo):
    pakhuis = tmp_path / "p.duckdb"
    load_sources([write(tmp_path / "a", "JW301.xml", JW301.read_bytes())], pakhuis, pseudo)
    # Same content, other whitespace and file name: the same message sent twice.
    copy = JW301.read_bytes().replace(b"\t", b"  ")
    result = load_sources([write(tmp_path / "b", "kopie.xml", copy)], pakhuis, pseudo)
    assert counts(result) == (1, 0, 0, 1)


def test_same_identity_other_content_is_a_conflict_and_the_first_stays(tmp_path, pseudo):
    pakhuis = tmp_path / "p.duckdb"
    original = JW301.read_bytes()
    load_sources([write(tmp_path / "a", "JW301.xml", original)], pakhuis, pseudo)
    other = edited(
        {"Dagtekening>2026-04-01<": "Dagtekening>2026-04-02<", "Volume>2<": "Volume>12<"}
    )
    source = write(tmp_path / "b", "geheim-dossier-jansen.xml", other)
    result = load_sources([source], pakhuis, pseudo)
    assert counts(result) == (1, 0, 1, 0)
    con = connect(pakhuis)
    soort, melding, bestand = con.execute(
        "SELECT soort, melding, bestand FROM quarantaine"
    ).fetchone()
    assert soort == "conflict"
    assert melding.startswith("Conflict: bericht ijw:")
    assert "Verschillend: dagtekening, regels" in melding
    assert short_sha(original) in melding and short_sha(other) in melding
    assert "jansen" not in melding  # files are named by their hash, never by name
    assert "eerder geladen versie blijft staan" in melding
    assert con.execute("SELECT dagtekening::VARCHAR FROM bericht").fetchall() == [("2026-04-01",)]
    assert con.execute("SELECT DISTINCT volume FROM toewijzing").fetchall() == [(2,)]
    assert bestand.endswith(".xml") and "jansen" not in bestand  # a hash, never the name
    # Reading the conflicting file again adds nothing: a duplicate of that finding.
    again = load_sources([source], pakhuis, pseudo)
    assert counts(again) == (1, 0, 0, 1)
    assert con.execute("SELECT count(*) FROM quarantaine").fetchall() == [(1,)]


def test_conflict_within_one_load_keeps_the_first_in_reading_order(tmp_path, pseudo):
    inbox = tmp_path / "inbox"
    first = JW301.read_bytes()
    second = edited({"Einddatum>2026-07-14<": "Einddatum>2026-06-30<"})
    write(inbox, "a.xml", first)
    write(inbox, "b.xml", second)
    pakhuis = tmp_path / "p.duckdb"
    result = load_sources([inbox], pakhuis, pseudo)
    assert counts(result) == (2, 1, 1, 0)
    con = connect(pakhuis)
    (melding,) = con.execute("SELECT melding FROM quarantaine").fetchone()
    assert "komt in deze inleesronde al voor" in melding
    assert short_sha(first) in melding and "Verschillend: regels" in melding
    assert con.execute("SELECT sha256 FROM bericht").fetchall() == [
        (hashlib.sha256(first).hexdigest(),)
    ]


def test_rereading_a_folder_adds_no_quarantine_rows(tmp_path, pseudo):
    inbox = tmp_path / "inbox"
    write(inbox, "kapot.xml", b"<?xml version='1.0'?><wmo301:Bericht xmlns:wmo301=")
    write(inbox, "notities.txt", b"dit is geen bericht")
    write(inbox, "JW315.xml", (BERICHTEN / "ijw" / "JW315.xml").read_bytes())
    pakhuis = tmp_path / "p.duckdb"
    assert counts(load_sources([inbox], pakhuis, pseudo)) == (3, 0, 3, 0)
    assert counts(load_sources([inbox], pakhuis, pseudo)) == (3, 0, 0, 3)
    # The same folder twice in one call: the second copy is a duplicate too.
    assert counts(load_sources([inbox, inbox], pakhuis, pseudo)) == (6, 0, 0, 6)
    con = connect(pakhuis)
    assert con.execute("SELECT count(*) FROM quarantaine").fetchall() == [(3,)]


def test_a_quarantined_start_loads_once_its_allocation_arrives(tmp_path, pseudo):
    """Quarantine that depends on the warehouse is re-judged when the file is read again."""
    pakhuis = tmp_path / "p.duckdb"
    other_301 = edited({">300201<": ">300299<", ">300202<": ">300298<", ">123456789012<": ">1<"})
    load_sources([write(tmp_path / "a", "JW301.xml", other_301)], pakhuis, pseudo)
    start = (
        (BERICHTEN / "ijw" / "JW305.xml")
        .read_bytes()
        .replace(
            b"<jw305:Ontvanger>0363</jw305:Ontvanger>", b"<jw305:Ontvanger>0384</jw305:Ontvanger>"
        )
    )
    start_file = write(tmp_path / "b", "JW305.xml", start)
    assert counts(load_sources([start_file], pakhuis, pseudo)) == (1, 0, 1, 0)
    assert counts(load_sources([start_file], pakhuis, pseudo)) == (1, 0, 0, 1)
    load_sources([write(tmp_path / "c", "JW301.xml", JW301.read_bytes())], pakhuis, pseudo)
    assert counts(load_sources([start_file], pakhuis, pseudo)) == (1, 1, 0, 0)
