"""Suite exports through a column mapping: recognition, parsing, quarantine in Dutch."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from stuurdata.sources.mapped import (
    MappingError,
    find_mapping,
    is_mapped,
    load_mappings,
    read_mapped,
)
from stuurdata.sources.records import Rejection, SourceFile, Unit

from helpers import elfproef_numbers, test_bsns

PW_HEADER = (
    "Burgerservicenummer;Gemeente;Uitkeringssoort;Ingangsdatum;Einddatum;Netto bedrag per maand"
)


def _file(text: str | bytes, name: str = "export.csv") -> SourceFile:
    data = text.encode() if isinstance(text, str) else text
    return SourceFile(name, data, hashlib.sha256(data).hexdigest())


def _read(text: str | bytes, pseudo) -> tuple[list[Unit], list[Rejection]]:
    items = list(read_mapped(_file(text), pseudo))
    return [i for i in items if isinstance(i, Unit)], [i for i in items if isinstance(i, Rejection)]


def test_bundled_mappings_load_and_recognise_their_exports() -> None:
    names = {m.naam for m in load_mappings()}
    assert names == {"demo-suite-participatiewet", "demo-suite-schuldhulp", "demo-suite-minima"}
    assert find_mapping((PW_HEADER + "\n").encode()).naam == "demo-suite-participatiewet"
    assert is_mapped(
        b"bsn_klant,gemeente_code,traject_type,datum_start_traject,datum_einde_traject\n"
    )
    assert not is_mapped(b"bsn;geboortedatum;geslacht;gemeentecode;buurtcode;datum_vestiging\n")
    assert not is_mapped(b"gebiedscode;naam;niveau\n")


def test_a_valid_row_becomes_a_pseudonymised_voorziening(pseudo) -> None:
    bsn = test_bsns(1)[0]
    units, rejected = _read(f"{PW_HEADER}\n{bsn};GM9901;ALG;12-01-2025;;1.251,73\n", pseudo)
    assert not rejected and len(units) == 1
    unit = units[0]
    assert unit.kind == "voorziening" and unit.position == "regel 2"
    row = unit.rows["voorziening"][0]
    assert row == {
        "wet": "participatiewet",
        "gemeentecode": "GM9901",
        "persoon_id": pseudo.persoon(bsn),
        "soort": "algemene_bijstand",
        "start": date(2025, 1, 12),
        "eind": None,
        "bedrag_cent": 125173,
        "bron": "demo-suite-participatiewet",
    }
    assert bsn not in unit.key and not elfproef_numbers(repr(unit).encode())


def test_every_bad_row_is_quarantined_in_dutch_and_nothing_is_dropped(pseudo) -> None:
    good, other = test_bsns(2)
    lines = [
        PW_HEADER,
        f"{good};GM9901;ALG;01-02-2025;30-06-2025;900,00",  # fine
        f"{other};GM9901;XYZ;01-02-2025;;900,00",  # unknown code
        f"{good};GM9901;ALG;31-02-2025;;900,00",  # impossible date
        f"{good};GM9901;ALG;2025-03-01;;900,00",  # wrong date format
        "123456789;GM9901;ALG;01-03-2025;;900,00",  # elfproef fails
        f"{good};GM9901;ALG;01-05-2025;01-04-2025;900,00",  # end before start
        f"{good};GM9901;ALG;01-05-2025;;negen",  # not an amount
        f"{good};GM9901;ALG;;;900,00",  # start missing
        f"{good};Demostad;ALG;01-06-2025;;900,00",  # not a CBS code
        f"{good};GM9901;ALG;01-07-2025;;900,00;extra",  # too many fields
    ]
    units, rejected = _read("\n".join(lines) + "\n", pseudo)
    assert len(units) + len(rejected) == len(lines) - 1
    assert len(units) == 1
    by_line = {r.position: r.message for r in rejected}
    assert "onbekende code" in by_line["regel 3"] and "ALG" in by_line["regel 3"]
    assert "XYZ" not in by_line["regel 3"]  # row contents are never quoted
    assert "geen geldige datum (verwacht DD-MM-JJJJ)" in by_line["regel 4"]
    assert "31-02-2025" not in by_line["regel 4"]
    assert "Ingangsdatum" in by_line["regel 5"]
    assert "elfproef" in by_line["regel 6"] and "123456789" not in by_line["regel 6"]
    assert "einddatum ligt voor de begindatum" in by_line["regel 7"]
    assert "geen bedrag" in by_line["regel 8"]
    assert "kolom Ingangsdatum is leeg" in by_line["regel 9"]
    assert "geen CBS-code" in by_line["regel 10"]
    assert "meer velden" in by_line["regel 11"]
    assert all(r.kind == "koppeling" for r in rejected)
    assert not any(elfproef_numbers(r.message.encode()) for r in rejected)


def test_a_missing_column_names_the_column(pseudo) -> None:
    header = PW_HEADER.replace(";Ingangsdatum", "")
    units, rejected = _read(f"{header}\n{test_bsns(1)[0]};GM9901;ALG;;1,00\n", pseudo)
    assert not units and len(rejected) == 1
    assert "mist kolommen: Ingangsdatum" in rejected[0].message
    assert is_mapped((header + "\n").encode())


def test_an_excel_export_reads_like_the_csv(pseudo) -> None:
    bsn = test_bsns(1)[0]
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["BSN", "Gemeentecode", "Regeling", "Datum toekenning", "Datum einde", "Bedrag (EUR)"]
    )
    sheet.append([int(bsn), "GM9902", "BB", date(2025, 3, 4), date(2025, 3, 4), 350.5])
    buffer = io.BytesIO()
    book.save(buffer)
    units, rejected = _read(buffer.getvalue(), pseudo)
    assert not rejected
    row = units[0].rows["voorziening"][0]
    assert (row["soort"], row["start"], row["bedrag_cent"]) == (
        "bijzondere_bijstand",
        date(2025, 3, 4),
        35050,
    )


def test_a_broken_mapping_file_is_explained(tmp_path: Path) -> None:
    (tmp_path / "kapot.yaml").write_text("naam: x\nwet: wmo\nkolommen: {bsn: BSN}\n")
    with pytest.raises(MappingError) as info:
        load_mappings([tmp_path])
    message = str(info.value)
    assert "kapot.yaml" in message and "wet" in message and "start" in message


def test_user_mappings_come_from_the_environment(tmp_path: Path, monkeypatch, pseudo) -> None:
    (tmp_path / "eigen.yaml").write_text(
        "naam: eigen-suite\nwet: schuldhulp\nsoort: schuldhulp\n"
        "kolommen: {bsn: Klant-BSN, start: Aanmelding}\ndatumformaat: '%d/%m/%Y'\n"
    )
    monkeypatch.setenv("STUURDATA_KOPPELINGEN", str(tmp_path))
    units, rejected = _read(f"Klant-BSN;Aanmelding\n{test_bsns(1)[0]};05/06/2025\n", pseudo)
    assert not rejected
    assert units[0].rows["voorziening"][0]["start"] == date(2025, 6, 5)
    assert units[0].rows["voorziening"][0]["bron"] == "eigen-suite"


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("2024-02-29", "%Y-%m-%d"),
        ("2024-02-30", "%Y-%m-%d"),
        ("2024-1-5", "%Y-%m-%d"),
        ("20240105", "%Y-%m-%d"),
        ("2024-13-01", "%Y-%m-%d"),
        ("31-12-2024", "%d-%m-%Y"),
        ("00-12-2024", "%d-%m-%Y"),
        ("3-1-2024", "%d-%m-%Y"),
        ("３１-12-2024", "%d-%m-%Y"),
        ("31/12/2024", "%d/%m/%Y"),
    ],
)
def test_fast_date_path_reads_as_strptime_does(text, fmt):
    from datetime import datetime

    from stuurdata.sources.mapped import _parse_date

    try:
        expected = datetime.strptime(text, fmt).date()
    except ValueError:
        with pytest.raises(ValueError):
            _parse_date(text, fmt)
    else:
        assert _parse_date(text, fmt) == expected
