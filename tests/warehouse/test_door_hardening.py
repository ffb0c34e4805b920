"""Issue 11, the input-parsing half: one test per point, named after it.

Each test loads hostile input into a real DuckDB warehouse and checks that nothing is lost
(read = loaded + quarantined + duplicate, the bad record quarantined with a Dutch reason)
and nothing leaks.
"""

from __future__ import annotations

import os
import random
import struct
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from quality.kwaliteit_data import new_warehouse, toewijzing, window
from stuurdata.cli import app
from stuurdata.privacy.bsn import is_valid_bsn, scrub
from stuurdata.privacy.governance import ensure_demo_purpose
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.quality import run_monitor
from stuurdata.quality.export import write_xlsx
from stuurdata.sources import files
from stuurdata.sources.istandaarden import reader
from stuurdata.warehouse.load import LoadResult, connect, load_sources
from warehouse.door_inputs import (
    BRP_HEADER,
    accounting_holds,
    brp_extract,
    brp_line,
    message,
    write_zip,
)

from helpers import BERICHTEN, elfproef_numbers, test_bsns


def load(paths: list[Path], tmp_path: Path, pseudo: Pseudonymiser) -> LoadResult:
    result = load_sources(paths, tmp_path / "p.duckdb", pseudo, workers=1)
    assert accounting_holds(result)
    return result


def quarantine(tmp_path: Path) -> list[tuple[str, str, str]]:
    con = connect(tmp_path / "p.duckdb")
    try:
        return con.execute(
            "SELECT positie, soort, melding FROM quarantaine ORDER BY lading_id, positie"
        ).fetchall()
    finally:
        con.close()


def query(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    con = connect(tmp_path / "p.duckdb")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# -- point 2: a stray quote cannot swallow the rest of a CSV -------------------------------


def test_point2_stray_quote_quarantines_one_row_and_the_rest_loads(tmp_path, pseudo):
    _, text = brp_extract(102)
    lines = text.splitlines()
    lines[2] = lines[2].replace(";V;", ';"V;', 1)  # row 2 of the data, line 3 of the file
    brp = tmp_path / "brp.csv"
    brp.write_text("\n".join(lines) + "\n")
    result = load([brp], tmp_path, pseudo)
    assert result.totaal("gelezen") == 102
    assert result.totaal("geladen") == 101
    ((positie, soort, melding),) = quarantine(tmp_path)
    assert positie == "regel 3" and soort == "brp"
    assert "aanhalingstekens" in melding


def test_point2_quarantine_message_never_quotes_row_contents(tmp_path, pseudo):
    (bsn,) = test_bsns(1)
    rows = [
        BRP_HEADER,
        brp_line(bsn, born="1952-03-14x"),  # a birth date that is not a date
        f'{bsn};"1952-03-14;V;GM9901;WK990101;BU99010101;1234AB;17;H1;1990-01-01;;',
        brp_line(bsn).replace("GM9901;WK990101", "1234AB;WK990101"),
    ]
    brp = tmp_path / "brp.csv"
    brp.write_text("\n".join(rows) + "\n")
    load([brp], tmp_path, pseudo)
    meldingen = " ".join(m for _, _, m in quarantine(tmp_path))
    for secret in ("1952-03-14", "1234AB", bsn):
        assert secret not in meldingen


# -- point 3: claim-line identity and totals ------------------------------------------------

_LINE_RN001 = "<iwmo:ReferentieNummer>RN001</iwmo:ReferentieNummer>"


def test_point3_duplicate_claim_line_in_one_323_is_quarantined(tmp_path, pseudo):
    twice = message(
        "WMO323.xml",
        {
            "<iwmo:ReferentieNummer>RN002</iwmo:ReferentieNummer>": _LINE_RN001,
            "<wmo323:ToewijzingNummer>200730</wmo323:ToewijzingNummer>": (
                "<wmo323:ToewijzingNummer>20072</wmo323:ToewijzingNummer>"
            ),
            "<iwmo:Bedrag>24000</iwmo:Bedrag>": "<iwmo:Bedrag>5000</iwmo:Bedrag>",
            "<iwmo:TotaalBedrag>58000</iwmo:TotaalBedrag>": (
                "<iwmo:TotaalBedrag>39000</iwmo:TotaalBedrag>"
            ),
        },
    )
    path = tmp_path / "decl.xml"
    path.write_bytes(twice)
    result = load([path], tmp_path, pseudo)
    assert (result.totaal("geladen"), result.totaal("gequarantaineerd")) == (0, 1)
    ((_, soort, melding),) = quarantine(tmp_path)
    assert soort == "bedrijfsregel" and "al op regel" in melding


def test_point3_claim_lines_resent_under_a_new_identification_are_quarantined(tmp_path, pseudo):
    first = tmp_path / "a.xml"
    first.write_bytes(message("WMO323.xml"))
    again = tmp_path / "b.xml"
    again.write_bytes(message("WMO323.xml", {">765432198<": ">NIEUW-2<", "DN001": "DN002"}))
    result = load([first, again], tmp_path, pseudo)
    assert result.totaal("geladen") == 1
    assert result.totaal("gequarantaineerd") == 1
    ((_, _, melding),) = quarantine(tmp_path)
    assert "al eerder zijn gedeclareerd" in melding
    (total,) = query(tmp_path, "SELECT sum(bedrag_cent) FROM declaratie")[0]
    assert total == 58000  # counted once
    # In a later load too.
    third = tmp_path / "c.xml"
    third.write_bytes(message("WMO323.xml", {">765432198<": ">NIEUW-3<"}))
    later = load([third], tmp_path, pseudo)
    assert later.totaal("gequarantaineerd") == 1


def test_point3_total_that_does_not_match_its_lines_is_quarantined(tmp_path, pseudo):
    path = tmp_path / "decl.xml"
    path.write_bytes(
        message(
            "WMO323.xml",
            {">58000</iwmo:TotaalBedrag>": ">99999</iwmo:TotaalBedrag>"},
        )
    )
    result = load([path], tmp_path, pseudo)
    assert result.totaal("gequarantaineerd") == 1
    ((_, _, melding),) = quarantine(tmp_path)
    assert "TotaalIngediendBedrag" in melding and "€ 580,00" in melding


# -- point 4: xs:integer fields are numbers ------------------------------------------------


def test_point4_allocation_numbers_compare_as_integers(tmp_path, pseudo):
    to_0384 = {"<jw305:Ontvanger>0363</jw305:Ontvanger>": "<jw305:Ontvanger>0384</jw305:Ontvanger>"}
    allocation = tmp_path / "301.xml"
    allocation.write_bytes(message("JW301.xml"))
    start = tmp_path / "305.xml"
    start.write_bytes(
        message(
            "JW305.xml",
            {**to_0384, ">300201<": ">0300201<", ">300202<": ">+300202<"},
        )
    )
    again = tmp_path / "301b.xml"
    again.write_bytes(
        message("JW301.xml", {">123456789012<": ">123456789099<", ">300201<": ">00300201<"})
    )
    result = load([allocation, start, again], tmp_path, pseudo)
    assert result.totaal("gequarantaineerd") == 0
    ids = query(tmp_path, "SELECT toewijzing_id FROM toewijzing ORDER BY 1")
    assert ids == [("jeugd:GM0384:300201",), ("jeugd:GM0384:300202",)]
    starts = query(tmp_path, "SELECT toewijzing_id FROM levering ORDER BY 1")
    assert starts == ids


# -- point 5: a BSN has ASCII digits only ---------------------------------------------------


def test_point5_bsn_with_non_ascii_digits_is_refused(tmp_path, pseudo):
    (bsn,) = test_bsns(1)
    fullwidth = bsn.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    arabic = bsn.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert not is_valid_bsn(fullwidth) and not is_valid_bsn(arabic)
    brp = tmp_path / "brp.csv"
    brp.write_text("\n".join([BRP_HEADER, brp_line(fullwidth), brp_line(arabic, n=2)]) + "\n")
    result = load([brp], tmp_path, pseudo)
    assert result.totaal("geladen") == 0 and result.totaal("gequarantaineerd") == 2
    assert all("elfproef" in m for _, _, m in quarantine(tmp_path))
    assert scrub(f"x {arabic} y") == "x ********* y"


# -- point 6: nothing read twice, nothing skipped without a word ----------------------------


def test_point6_duplicate_zip_member_names_are_each_read_once(tmp_path, pseudo):
    archive = tmp_path / "inbox.zip"
    with pytest.warns(UserWarning, match="Duplicate name"):
        write_zip(
            archive,
            [("bericht.xml", message("WMO301.xml")), ("bericht.xml", message("WMO305.xml"))],
        )
    result = load([archive], tmp_path, pseudo)
    assert result.totaal("gelezen") == 2 and result.totaal("geladen") == 2
    assert query(tmp_path, "SELECT count(DISTINCT berichttype) FROM bericht") == [(2,)]


def test_point6_symlinked_folder_is_reported_not_skipped(tmp_path, pseudo):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    (elsewhere / "WMO301.xml").write_bytes(message("WMO301.xml"))
    (inbox / "link").symlink_to(elsewhere, target_is_directory=True)
    (inbox / "WMO305.xml").write_bytes(message("WMO305.xml"))
    result = load([inbox], tmp_path, pseudo)
    assert result.totaal("gelezen") == 2
    assert result.totaal("geladen") == 1
    ((positie, soort, melding),) = quarantine(tmp_path)
    assert (positie, soort) == ("bestand", "onleesbaar") and "snelkoppeling" in melding


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder and file")
def test_point6_unreadable_folder_and_file_are_reported(tmp_path, pseudo):
    inbox = tmp_path / "inbox"
    (inbox / "dicht").mkdir(parents=True)
    (inbox / "dicht" / "WMO301.xml").write_bytes(message("WMO301.xml"))
    (inbox / "geheim.xml").write_bytes(message("WMO305.xml"))
    os.chmod(inbox / "dicht", 0)
    os.chmod(inbox / "geheim.xml", 0)
    try:
        result = load([inbox], tmp_path, pseudo)
    finally:
        os.chmod(inbox / "dicht", 0o755)
        os.chmod(inbox / "geheim.xml", 0o644)
    assert result.totaal("gequarantaineerd") == 2
    meldingen = " ".join(m for _, _, m in quarantine(tmp_path))
    assert "Map kon niet worden gelezen" in meldingen and "geen leesrechten" in meldingen


def test_point6_duplicate_bsn_column_is_refused(tmp_path, pseudo):
    a, b = test_bsns(2)
    brp = tmp_path / "brp.csv"
    brp.write_text(BRP_HEADER + ";bsn\n" + brp_line(a) + f";{b}\n")
    result = load([brp], tmp_path, pseudo)
    assert result.totaal("geladen") == 0 and result.totaal("gequarantaineerd") == 1
    ((positie, _, melding),) = quarantine(tmp_path)
    assert positie == "regel 2" and "kolom bsn staat meer dan één keer" in melding


def test_point6_implausible_dates_are_quarantined(tmp_path, pseudo):
    (bsn,) = test_bsns(1)
    brp = tmp_path / "brp.csv"
    brp.write_text(BRP_HEADER + "\n" + brp_line(bsn, van="2099-01-01") + "\n")
    year_one = tmp_path / "301.xml"
    year_one.write_bytes(message("WMO301.xml", {">2023-01-01<": ">0001-01-01<"}))
    result = load([brp, year_one], tmp_path, pseudo)
    meldingen = quarantine(tmp_path)
    assert result.totaal("geladen") == 0, meldingen
    assert any("datum_vestiging" in m and "onwaarschijnlijk" in m for _, _, m in meldingen)
    assert any("onwaarschijnlijk" in m and "0001-01-01" in m for _, _, m in meldingen)


# -- point 8: every header and free-text field scrubbed before it is stored ------------------


def test_point8_invalid_message_header_fields_are_not_stored_raw(tmp_path, pseudo):
    (bsn,) = test_bsns(1)
    dotted = f"{bsn[:3]}.{bsn[3:6]}.{bsn[6:]}"
    spaced = f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}"
    bad = tmp_path / "bad.xml"
    bad.write_bytes(
        message(
            "WMO305.xml",
            {
                ">65656055<": f">{bsn}<",
                ">123456789013<": f">{dotted}<",
                "<wmo305:Bsn>999900006</wmo305:Bsn>": f"<wmo305:Bsn>{spaced}</wmo305:Bsn>",
            },
        )
    )
    formula = tmp_path / "formula.xml"
    formula.write_bytes(message("WMO305.xml", {">65656055<": ">=HYPERLINK(&quot;x&quot;)<"}))
    load([bad, formula], tmp_path, pseudo)
    rows = query(tmp_path, "SELECT afzender, bericht_id, melding FROM quarantaine")
    assert len(rows) == 2
    stored = repr(rows)
    for secret in (bsn, dotted, spaced, "HYPERLINK"):
        assert secret not in stored
    assert all(afzender is None for afzender, _, _ in rows)


def test_point8_bsn_as_message_identification_is_not_stored(tmp_path, pseudo):
    (bsn,) = test_bsns(1)
    path = tmp_path / "301.xml"
    path.write_bytes(message("WMO301.xml", {">123456789012<": f">{bsn}<"}))
    result = load([path], tmp_path, pseudo)
    assert result.totaal("geladen") == 1
    ((ident, bericht_id),) = query(tmp_path, "SELECT identificatie, bericht_id FROM bericht")
    assert bsn not in ident and bsn not in bericht_id and ident.startswith("~")
    # Re-sending the same message is still recognised as a duplicate.
    again = load([path], tmp_path, pseudo)
    assert again.totaal("dubbel") == 1


def test_point8_xsd_errors_never_quote_personal_values(tmp_path, pseudo):
    born = tmp_path / "born.xml"
    born.write_bytes(message("WMO301.xml", {"<iwmo:Datum>": "<iwmo:Datum>1952-02-30x"}))
    house = tmp_path / "house.xml"
    house.write_bytes(message("WMO301.xml", {"<iwmo:Huisnummer>": "<iwmo:Huisnummer>1234567"}))
    load([born, house], tmp_path, pseudo)
    meldingen = [m for _, _, m in quarantine(tmp_path)]
    assert len(meldingen) == 2 and all("'***'" in m for m in meldingen)
    assert not any("1952" in m or "1234567" in m for m in meldingen)


def test_point8_formatted_bsns_in_error_texts_are_masked():
    for text in ("999.901.825", "999 901 825", "999-901-825", "999901825"):
        assert scrub(f"waarde {text} fout") == "waarde ********* fout"


# -- point 9: file names are never stored ----------------------------------------------------


def test_point9_file_names_are_never_stored(tmp_path, pseudo):
    (bsn,) = test_bsns(1)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = [f"client_{bsn}.xml", "Jansen, Piet 1952-03-14 Dorpsstraat 1.xml"]
    (inbox / names[0]).write_bytes(message("WMO301.xml"))
    (inbox / names[1]).write_bytes(b"<kapot")
    write_zip(inbox / f"{bsn}.zip", [(f"Jansen_{bsn}.xml", message("WMO305.xml"))])
    seen: list[str] = []
    result = load_sources(
        [inbox], tmp_path / "p.duckdb", pseudo, workers=1, progress=lambda d, t, n: seen.append(n)
    )
    stored = repr(
        query(tmp_path, "SELECT bestand FROM lading")
        + query(tmp_path, "SELECT bestand FROM bericht")
        + query(tmp_path, "SELECT bestand FROM quarantaine")
    )
    printed = " ".join([*seen, *(f.bestand for f in result.bestanden)])
    for text in (stored, printed):
        assert bsn not in text and "Jansen" not in text and "1952" not in text
    assert all(f.bestand.split("!")[0].endswith((".xml", ".zip")) for f in result.bestanden)


# -- point 11: no formula in the chain-monitor workbook -------------------------------------


def test_point11_chain_monitor_cells_are_text_never_formulas(tmp_path):
    con = new_warehouse(tmp_path)
    window(con, date(2026, 1, 1), date(2026, 6, 30))
    evil = '=HYPERLINK("http://example.org","klik")'
    toewijzing(con, "1", date(2026, 2, 2), None, aanbieder=evil)
    k = run_monitor(con)
    out = write_xlsx(k, tmp_path / "monitor.xlsx")
    with zipfile.ZipFile(out) as zf:
        sheets = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/")]
    assert any(b"HYPERLINK" in s for s in sheets)  # the value is there, as text
    assert not any(b"<f>" in s or b"<f " in s for s in sheets)


# -- point 12: the XML parser reads no external resource -------------------------------------


@pytest.mark.timeout(60)
def test_point12_doctype_is_refused_before_parsing_even_towards_a_fifo(tmp_path, pseudo):
    fifo = tmp_path / "pijp"
    os.mkfifo(fifo)
    body = message("WMO301.xml").decode()
    declaration, rest = body.split("\n", 1)
    cases = {
        "passwd.xml": f'{declaration}\n<!DOCTYPE x SYSTEM "file:///etc/passwd">\n{rest}',
        "fifo.xml": f'{declaration}\n<!DOCTYPE x SYSTEM "file://{fifo}">\n{rest}',
        "stdin.xml": f'{declaration}\n<!DOCTYPE x SYSTEM "/dev/stdin">\n{rest}',
        "entity.xml": f'{declaration}\n<!DOCTYPE x [<!ENTITY e SYSTEM "{fifo}">]>\n{rest}',
        "utf7.xml": '<?xml version="1.0" encoding="UTF-7"?>\n' + rest,
    }
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, text in cases.items():
        (inbox / name).write_text(text)
    os.symlink(fifo, inbox / "pijp.xml")  # a FIFO in the inbox itself must not block either
    result = load([inbox], tmp_path, pseudo)
    assert result.totaal("gequarantaineerd") == len(cases) + 1
    meldingen = [m for _, _, m in quarantine(tmp_path)]
    assert sum("DOCTYPE" in m for m in meldingen) == 4
    assert any("tekenset" in m for m in meldingen)
    assert any("pijp" in m for m in meldingen)
    # Second layer: the parser itself, given such a DOCTYPE, reads neither file nor FIFO.
    for target in ("/etc/passwd", str(fifo)):
        doc = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{target}">]><x>&e;</x>'.encode()
        parsed = etree.fromstring(doc, reader._PARSER)
        assert etree.tostring(parsed) == b"<x>&e;</x>"


# -- Crashes: each bad file is quarantined and the load goes on -------------------------------


def _corrupt(archive: Path, find: bytes, replace: bytes) -> None:
    data = archive.read_bytes()
    assert find in data
    archive.write_bytes(data.replace(find, replace, 1))


def test_crashes_bad_zip_members_are_quarantined_and_the_rest_loads(tmp_path, pseudo):
    good = message("WMO301.xml")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    crc = write_zip(inbox / "crc.zip", [("a.xml", good)])
    _corrupt(crc, b"<wmo301:Header>", b"<wmo301:Headex>")  # stored: the CRC no longer fits
    deflate = write_zip(inbox / "deflate.zip", [("a.xml", good)], compression=zipfile.ZIP_DEFLATED)
    data = bytearray(deflate.read_bytes())
    data[60:80] = b"\xff" * 20  # inside the compressed stream
    deflate.write_bytes(bytes(data))
    encrypted = write_zip(inbox / "encrypted.zip", [("a.xml", good)])
    raw = bytearray(encrypted.read_bytes())
    raw[6] |= 0x1  # local header flag: encrypted
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 8] |= 0x1
    encrypted.write_bytes(bytes(raw))
    method = write_zip(inbox / "method.zip", [("a.xml", good)])
    raw = bytearray(method.read_bytes())
    raw[8:10] = struct.pack("<H", 99)
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 10 : central + 12] = struct.pack("<H", 99)
    method.write_bytes(bytes(raw))
    write_zip(inbox / "ok.zip", [("b.xml", message("WMO305.xml"))])
    result = load([inbox], tmp_path, pseudo)
    assert result.totaal("geladen") == 1
    assert result.totaal("gequarantaineerd") == 4
    meldingen = " ".join(m for _, _, m in quarantine(tmp_path))
    for word in ("controlegetal", "versleuteld", "compressiemethode", "beschadigd"):
        assert word in meldingen


def test_crashes_zip_bomb_is_refused_by_size_and_by_ratio(tmp_path, pseudo, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 4 << 20)
    bomb = write_zip(
        tmp_path / "bom.zip",
        [("a.xml", random.Random(1).randbytes(5 << 20)), ("b.xml", b"x" * (2 << 20))],
        compression=zipfile.ZIP_DEFLATED,
    )
    result = load([bomb], tmp_path, pseudo)
    assert result.totaal("gelezen") == 2 and result.totaal("gequarantaineerd") == 2
    meldingen = " ".join(m for _, _, m in quarantine(tmp_path))
    assert "meer dan 4 MB" in meldingen and f"{files.MAX_RATIO} keer" in meldingen
    assert "zip-bom" in meldingen


def test_crashes_archive_total_and_excel_bomb_are_refused(tmp_path, pseudo, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 1 << 20)
    monkeypatch.setattr(files, "MAX_ARCHIVE", 2)
    noise = random.Random(1)
    archive = write_zip(
        tmp_path / "veel.zip", [(f"{i}.bin", noise.randbytes(900_000)) for i in range(4)]
    )
    excel = tmp_path / "export.xlsx"
    with zipfile.ZipFile(excel, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", " " * (4 << 20))
    result = load([archive, excel], tmp_path, pseudo)
    assert result.totaal("gelezen") == 5 and result.totaal("gequarantaineerd") == 5
    meldingen = [m for _, _, m in quarantine(tmp_path)]
    assert sum("in totaal" in m for m in meldingen) == 1
    assert any("Excel" in m and "zip-bom" in m for m in meldingen)


def test_crashes_dangling_link_removed_file_and_fifo_are_quarantined(tmp_path, pseudo):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "weg.xml").symlink_to(tmp_path / "bestaat-niet.xml")
    (inbox / "goed.xml").write_bytes(message("WMO301.xml"))
    listed = files.list_files([inbox])
    (inbox / "goed.xml").unlink()  # removed after listing
    sources = list(files.iter_sources(listed))
    assert [s.error is not None for s in sources] == [True, True]
    assert all("bestaat niet" in (s.error or "") for s in sources)


def test_crashes_csv_oddities_are_one_row_each(tmp_path, pseudo):
    bsns, _ = brp_extract(4)
    cr_only = tmp_path / "cr.csv"
    cr_only.write_bytes(
        "\r".join([BRP_HEADER, *(brp_line(b, n=i) for i, b in enumerate(bsns[:2]))]).encode()
    )
    big = tmp_path / "groot.csv"
    big.write_text(
        "\n".join([BRP_HEADER, brp_line(bsns[2]) + "x" * (200 * 1024), brp_line(bsns[3], n=2)])
        + "\n"
    )
    amount = tmp_path / "bedrag.csv"
    amount.write_text(
        "Burgerservicenummer;Gemeente;Uitkeringssoort;Ingangsdatum;Einddatum;"
        "Netto bedrag per maand\n"
        f"{bsns[0]};GM9901;ALG;01-02-2025;;99999999999999999999\n"
        f"{bsns[1]};GM9901;ALG;01-02-2025;;900,00\n"
    )
    result = load([cr_only, big, amount], tmp_path, pseudo)
    counts = [(f.gelezen, f.geladen, f.gequarantaineerd) for f in result.bestanden]
    assert counts == [(2, 2, 0), (2, 1, 1), (2, 1, 1)]
    meldingen = " ".join(m for _, _, m in quarantine(tmp_path))
    assert "langer dan 128 kB" in meldingen and "bedrag is onmogelijk groot" in meldingen


def test_crashes_foreign_encodings_and_long_prologs_get_an_accurate_reason(tmp_path, pseudo):
    text = message("WMO301.xml").decode()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "utf16.xml").write_bytes(text.replace("UTF-8", "UTF-16").encode("utf-16"))
    (inbox / "ebcdic.xml").write_bytes(text.encode("cp500"))
    declaration, rest = text.split("\n", 1)
    (inbox / "prolog.xml").write_text(f"{declaration}\n<!--{'x' * 20000}-->\n{rest}")
    result = load([inbox], tmp_path, pseudo)
    meldingen = {m for _, _, m in quarantine(tmp_path)}
    assert result.totaal("geladen") == 1  # the long prolog is just a message
    assert len(meldingen) == 2
    assert any("UTF-16" in m for m in meldingen) and any("EBCDIC" in m for m in meldingen)
    assert not any("Onbekend bestandsformaat" in m for m in meldingen)


def test_no_bsn_in_any_quarantine_text_of_the_examples(tmp_path, pseudo):
    load([BERICHTEN], tmp_path, pseudo)
    for row in query(tmp_path, "SELECT * FROM quarantaine"):
        assert not elfproef_numbers(repr(row).encode())


# -- the scan: nothing a hostile inbox carries ends up in what loading writes -----------------


def test_scan_of_everything_written_finds_no_bsn_and_no_file_name(tmp_path, pseudo):
    bsns = test_bsns(4)
    forms = [
        f(b)
        for b in bsns
        for f in (
            lambda b: b,
            lambda b: f"{b[:3]}.{b[3:6]}.{b[6:]}",
            lambda b: f"{b[:3]} {b[3:6]} {b[6:]}",
        )
    ]
    inbox = tmp_path / f"inbox_{bsns[0]}"
    inbox.mkdir()
    (inbox / f"client_{bsns[0]}.xml").write_bytes(
        message("WMO301.xml", {">123456789012<": f">{forms[1]}<"})
    )
    (inbox / f"Jansen, Piet {bsns[1]}.xml").write_bytes(
        message("WMO305.xml", {">65656055<": f">{bsns[1]}<", ">0363<": f">{forms[5]}<"})
    )
    (inbox / f"{bsns[2]}.csv").write_text(
        "\n".join(
            [
                BRP_HEADER,
                brp_line(bsns[2]),
                f'{bsns[3]};"1952-03-14;V;GM9901;WK990101;BU99010101;1234AB;1;H1;1990-01-01;;',
                brp_line(forms[10], n=3),
                brp_line(bsns[3], van="2099-01-01", n=4),
            ]
        )
        + "\n"
    )
    write_zip(inbox / f"Jansen_{bsns[3]}.zip", [(f"{bsns[3]}.xml", message("WMO323.xml"))])
    # Through the command line, so its output, log and management store are scanned too.
    work = tmp_path / "werk"
    work.mkdir()
    pakhuis = work / "p.duckdb"
    ensure_demo_purpose(pakhuis)
    args = ["inlezen", str(inbox), "--pakhuis", str(pakhuis), "--doel", "demo"]
    cli = CliRunner().invoke(app, [*args, "--sleutel", str(tmp_path / "sleutel.key")])
    assert cli.exit_code == 0, cli.output
    assert "in quarantaine" in cli.output
    con = connect(pakhuis)
    try:
        con.execute("CHECKPOINT")
        tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        dump = repr([con.execute(f"SELECT * FROM {t}").fetchall() for t in tables])
        assert con.execute("SELECT sum(gelezen) FROM lading").fetchall() == [(7,)]
    finally:
        con.close()
    written = [p.read_bytes().decode("latin-1") for p in sorted(work.iterdir()) if p.is_file()]
    assert len(written) >= 3  # warehouse, log, management store
    for text in (dump, cli.output, *written):
        for secret in [*forms, "Jansen", "client_", "inbox_"]:
            assert secret not in text, secret
    assert not elfproef_numbers(dump.encode())


def test_crashes_a_reader_failure_quarantines_only_that_file(tmp_path, pseudo, monkeypatch):
    # No known input makes a reader fail any more; the safety net is tested with a reader
    # that fails half-way, after yielding a unit (which must then not be loaded).
    from stuurdata.sources import brp, detect

    def failing(file, pseudo):  # type: ignore[no-untyped-def]
        yield from list(brp.read_brp(file, pseudo))[:1]
        raise OverflowError("1952-03-14")

    monkeypatch.setattr(detect, "read_brp", failing)
    _, text = brp_extract(3)
    (tmp_path / "brp.csv").write_text(text)
    (tmp_path / "301.xml").write_bytes(message("WMO301.xml"))
    result = load([tmp_path / "brp.csv", tmp_path / "301.xml"], tmp_path, pseudo)
    assert [(f.gelezen, f.geladen, f.gequarantaineerd) for f in result.bestanden] == [
        (1, 0, 1),
        (1, 1, 0),
    ]
    ((_, _, melding),) = quarantine(tmp_path)
    assert "OverflowError" in melding and "1952" not in melding
    assert query(tmp_path, "SELECT count(*) FROM verblijf") == [(0,)]


def test_point9_a_stored_name_leads_back_to_the_file(tmp_path, pseudo):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "Jansen.xml").write_bytes(b"<kapot")
    write_zip(inbox / "maart.zip", [("a/Pietersen.xml", message("WMO301.xml"))])
    result = load([inbox], tmp_path, pseudo)
    stored = sorted(f.bestand for f in result.bestanden)
    found = [files.locate(name, [inbox]) for name in stored]
    assert sorted(map(tuple, found)) == [
        (str(inbox / "Jansen.xml"),),
        (f"{inbox / 'maart.zip'}!a/Pietersen.xml",),
    ]


def test_point11_area_names_that_are_formulas_or_hold_a_bsn_are_refused(tmp_path, pseudo):
    (bsn,) = test_bsns(1)
    lijst = tmp_path / "gebieden.csv"
    lijst.write_text(
        "gebiedscode;naam;niveau\n"
        "GM9901;Demostad;gemeente\n"
        'WK990101;=HYPERLINK("http://x");wijk\n'
        f"WK990102;Wijk {bsn};wijk\n"
    )
    result = load([lijst], tmp_path, pseudo)
    assert (result.totaal("geladen"), result.totaal("gequarantaineerd")) == (1, 2)
    assert query(tmp_path, "SELECT naam FROM gebied") == [("Demostad",)]
