"""The iWmo/iJw 3.2 reader against the 28 official example messages (real XSDs, no mocks)."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import pytest

from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources.istandaarden import is_istandaarden, read_istandaarden
from stuurdata.sources.istandaarden.extract import protect
from stuurdata.sources.records import Rejection, SourceFile, Unit
from stuurdata.warehouse.schema import columns

from helpers import BERICHTEN

EXAMPLES = sorted(BERICHTEN.glob("*/*.xml"))
INVALID = {"JW315.xml", "JW318.xml"}
EXAMPLE_BSNS = ("999900006", "999900018")
NINE = re.compile(r"(?<!\d)\d{9}(?!\d)")
# Identity columns: message identifications are 9-12 digit numbers in the official examples,
# and hex digests (sha256, pseudonyms) may contain nine decimal digits in a row by chance.
IDENTITY_COLUMNS = {
    "bericht_id",
    "identificatie",
    "retour_identificatie",
    "sha256",
    "inhoud",
    "persoon_id",
    "bericht_id_start",
    "bericht_id_stop",
}


def pseudo() -> Pseudonymiser:
    return Pseudonymiser(b"k" * 32)


def read(path: Path | str, data: bytes | None = None) -> Unit | Rejection:
    if data is None:
        path = Path(path)
        data = path.read_bytes()
    results = list(
        read_istandaarden(SourceFile(str(path), data, hashlib.sha256(data).hexdigest()), pseudo())
    )
    assert len(results) == 1
    return results[0]


def example(name: str) -> Path:
    folder = "iwmo" if name.startswith("WMO") else "ijw"
    return BERICHTEN / folder / name


def unit(name: str) -> Unit:
    result = read(example(name))
    assert isinstance(result, Unit), result
    return result


def test_all_examples_are_present():
    assert len(EXAMPLES) == 28


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_example_gives_one_unit_or_the_xsd_rejection(path):
    result = read(path)
    if path.name in INVALID:
        assert isinstance(result, Rejection)
        assert result.kind == "xsd"
        assert result.berichttype == path.stem[-3:]
        assert result.afzender and result.bericht_id
        assert result.message.startswith(f"Bericht {path.stem} voldoet niet aan het officiële")
    else:
        assert isinstance(result, Unit), getattr(result, "message", result)
        assert result.kind == "bericht"
        assert result.berichttype == path.stem[-3:]
        assert result.key == result.rows["bericht"][0]["bericht_id"]
        assert result.position == "regel 2"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_rows_have_exactly_the_canonical_columns(path):
    result = read(path)
    if isinstance(result, Rejection):
        return
    assert len(result.rows["bericht"]) == 1
    for table, rows in result.rows.items():
        expected = [c for c in columns(table) if c != "lading_id"]
        for row in rows:
            assert list(row) == expected, table


def test_jw315_names_the_impossible_date():
    result = read(example("JW315.xml"))
    assert isinstance(result, Rejection)
    assert result.position == "regel 44"
    assert "regel 44" in result.message
    assert "ToewijzingEinddatum" in result.message
    assert "'2027-06-31' is geen geldige datum" in result.message
    assert result.bericht_id == "ijw:446:42420001:123456789012"


def test_jw318_names_the_misplaced_retourcode():
    result = read(example("JW318.xml"))
    assert isinstance(result, Rejection)
    assert result.position == "regel 33"
    assert "Element 'RetourCode': Dit element hoort hier niet" in result.message
    assert "{http" not in result.message  # namespaces stripped for the reader


def test_wmo301_allocation():
    u = unit("WMO301.xml")
    (bericht,) = u.rows["bericht"]
    assert bericht["bericht_id"] == "iwmo:414:0384:123456789012"
    assert bericht["standaard"] == "iwmo"
    assert bericht["wet"] == "wmo"
    assert bericht["berichttype"] == "301"
    assert bericht["berichtcode"] == 414
    assert bericht["gemeentecode"] == "GM0384"
    assert bericht["aanbieder"] == "42420001"
    assert bericht["dagtekening"] == date(2023, 8, 13)
    assert bericht["aantal_regels"] == 1
    assert bericht["status"] == "geladen"
    assert bericht["retour_identificatie"] is None
    data = example("WMO301.xml").read_bytes()
    assert bericht["sha256"] == hashlib.sha256(data).hexdigest()

    (toewijzing,) = u.rows["toewijzing"]
    assert toewijzing["toewijzing_id"] == "wmo:GM0384:101"
    assert toewijzing["toewijzingnummer"] == "101"
    assert toewijzing["ingangsdatum"] == date(2023, 1, 1)
    assert toewijzing["einddatum"] == date(2023, 12, 31)
    assert toewijzing["toewijzingsdatum"] == date(2023, 8, 13)
    assert toewijzing["volume"] == 10
    assert toewijzing["eenheid"] == "01"
    assert toewijzing["frequentie"] == "1"
    assert toewijzing["productcategorie"] == "01"
    assert toewijzing["productcode"] == "01A01"
    assert toewijzing["aanbieder"] == "42420001"
    assert toewijzing["budget_cent"] is None
    assert toewijzing["bericht_id"] == bericht["bericht_id"]

    (persoon,) = u.rows["persoon"]
    assert persoon["persoon_id"] == pseudo().persoon("999900006")
    assert toewijzing["persoon_id"] == persoon["persoon_id"]
    assert persoon["geboortemaand"] == date(1967, 8, 1)
    assert persoon["geslacht"] == "1"
    assert persoon["bron"] == "bericht"


def test_wmo323_claim_lines_sum_to_the_total():
    u = unit("WMO323.xml")
    lines = u.rows["declaratie"]
    assert len(lines) == 4
    assert sum(line["bedrag_cent"] for line in lines) == 58000
    assert [line["regel"] for line in lines] == [1, 2, 3, 4]
    first = lines[0]
    assert first["toewijzing_id"] == "wmo:GM0384:20072"
    assert first["tarief_cent"] == 1250
    assert first["volume"] == 4
    assert first["eenheid"] == "04"
    assert first["periode_begin"] == date(2023, 4, 1)
    assert first["periode_eind"] == date(2023, 4, 30)
    assert first["declaratienummer"] == "DN001"
    assert first["referentienummer"] == "RN001"
    assert first["dagtekening"] == date(2023, 5, 6)
    assert first["aanbieder"] == "65656055"
    # Two clients, both in persoon (with only the BSN known) and used by the lines.
    personen = {p["persoon_id"]: p for p in u.rows["persoon"]}
    assert set(personen) == {pseudo().persoon(b) for b in EXAMPLE_BSNS}
    assert {line["persoon_id"] for line in lines} == set(personen)
    assert all(p["geboortemaand"] is None and p["geslacht"] is None for p in personen.values())
    assert u.rows["bericht"][0]["aantal_regels"] == 4


def test_credit_lines_are_negative():
    data = example("WMO323.xml").read_bytes()
    data = data.replace(
        b"<iwmo:DebetCredit>D</iwmo:DebetCredit>", b"<iwmo:DebetCredit>C</iwmo:DebetCredit>"
    )
    u = read("credit.xml", data)
    assert isinstance(u, Unit)
    assert sum(line["bedrag_cent"] for line in u.rows["declaratie"]) == -58000


def test_jw307_stop_rows():
    u = unit("JW307.xml")
    rows = u.rows["levering"]
    assert len(rows) == 2
    assert rows[0]["toewijzing_id"] == "jeugd:GM0363:300201"
    assert rows[0]["start"] == date(2026, 4, 3)
    assert rows[0]["stop"] == date(2026, 7, 17)
    assert rows[0]["reden_beeindiging"] == "31"
    assert rows[0]["dagtekening_stop"] == date(2026, 7, 20)
    assert rows[0]["bericht_id_stop"] == u.key
    assert rows[0]["dagtekening_start"] is None and rows[0]["bericht_id_start"] is None
    assert rows[0]["aanbieder"] == "65656055"
    assert rows[0]["wet"] == "jeugd"


def test_jw305_start_rows():
    u = unit("JW305.xml")
    rows = u.rows["levering"]
    assert [r["start"] for r in rows] == [date(2026, 4, 3), date(2026, 4, 15)]
    assert all(r["stop"] is None and r["reden_beeindiging"] is None for r in rows)
    assert all(r["bericht_id_start"] == u.key for r in rows)
    assert all(r["dagtekening_start"] == date(2026, 4, 15) for r in rows)


def test_wmo315_request_rows():
    u = unit("WMO315.xml")
    rows = u.rows["verzoek"]
    assert [r["regel"] for r in rows] == [1, 2]
    assert rows[0]["ingangsdatum"] == date(2023, 6, 1)
    assert rows[0]["einddatum"] == date(2023, 6, 30)
    assert rows[0]["verwijzer_type"] == "04"
    assert rows[0]["ontvangen"] == date(2023, 7, 15)
    assert rows[0]["gemeentecode"] == "GM0384"
    assert rows[0]["aanbieder"] == "42420001"
    assert rows[1]["productcategorie"] == "02"
    assert u.rows["persoon"][0]["geboortemaand"] == date(1972, 7, 1)


def test_wmo317_change_and_new_product_rows():
    u = unit("WMO317.xml")
    wijzig, nieuw = u.rows["verzoek"]
    assert wijzig["toewijzingnummer"] == "10072"
    assert wijzig["productcode"] is None
    assert wijzig["einddatum"] == date(2023, 12, 31)
    assert nieuw["toewijzingnummer"] is None
    assert nieuw["productcode"] == "01A12"
    assert nieuw["volume"] == 20
    assert nieuw["berichttype"] == "317"
    assert u.rows["persoon"][0]["geboortemaand"] is None


@pytest.mark.parametrize(
    ("name", "retour", "codes", "regels", "gemeente"),
    [
        ("JW302.xml", "9452b7eb-c87", "8848", 0, "GM0384"),
        ("JW306.xml", "7ae60051-e0f", "8848", 0, "GM0363"),
        ("JW308.xml", "8a554e87-5a3", None, 0, "GM0363"),
        ("JW316.xml", "ef8eaf5d-2bf", "0200,9347,0200,0200", 2, "GM0384"),
        ("JW320.xml", "RT321", "0200,9360", 0, "GM0384"),
        ("JW319.xml", "9003", None, 0, "GM0384"),
        ("WMO319.xml", "9003", None, 0, "GM0384"),
        # A nine-digit identification may be a BSN: stored as a keyed stand-in.
        (
            "JW325.xml",
            protect("765432198", pseudo()),
            "0200,0611,9339,9340,9341,0200,9307,0200,0200",
            3,
            "GM0384",
        ),
        ("WMO302.xml", "123456TT", "0200,0200,0200,0200,0200,0200,0200,9332,0200", 2, "GM0384"),
        ("WMO306.xml", "7ae60051-e0f", "8848", 0, "GM0363"),
        ("WMO308.xml", "8a554e87-5a3", None, 0, "GM0363"),
        ("WMO316.xml", "bf385732-a6f", None, 0, "GM0384"),
        ("WMO318.xml", "RT12345", "0200,9350,0200,0200,0200,0200", 2, "GM0384"),
        ("WMO320.xml", "RT321", "0200,9360", 0, "GM0384"),
        (
            "WMO325.xml",
            protect("765432198", pseudo()),
            "0200,0611,9339,9340,9341,0200,9307,0200,0200",
            3,
            "GM0384",
        ),
    ],
)
def test_return_messages(name, retour, codes, regels, gemeente):
    u = unit(name)
    assert set(u.rows) == {"bericht"}
    (bericht,) = u.rows["bericht"]
    assert bericht["retour_identificatie"] == retour
    assert bericht["retourcodes"] == codes
    assert bericht["aantal_regels"] == regels
    assert bericht["gemeentecode"] == gemeente


@pytest.mark.parametrize(
    ("name", "dagtekening_retour"),
    [
        ("WMO302.xml", date(2023, 8, 13)),
        ("WMO306.xml", date(2023, 7, 26)),
        ("WMO316.xml", date(2023, 7, 17)),
        ("WMO320.xml", date(2023, 1, 5)),
        ("WMO325.xml", date(2023, 5, 6)),  # from DeclaratieIdentificatie
        ("JW325.xml", date(2023, 5, 7)),
        ("WMO319.xml", None),  # an answer, not a return message
    ],
)
def test_return_messages_keep_the_date_of_the_message_answered(name, dagtekening_retour):
    (bericht,) = unit(name).rows["bericht"]
    assert bericht["dagtekening_retour"] == dagtekening_retour


def test_answers_to_requests_keep_the_answer_and_reason():
    (wmo319,) = unit("WMO319.xml").rows["bericht"]
    assert (wmo319["verzoek_antwoord"], wmo319["reden_afwijzing"]) == ("1", "7")
    (wmo320,) = unit("WMO320.xml").rows["bericht"]
    assert wmo320["verzoek_antwoord"] == "2"  # in onderzoek, as the 319 it answers said


def test_requests_keep_the_providers_reference():
    rows = unit("WMO315.xml").rows["verzoek"]
    assert [r["referentie"] for r in rows] == ["42420001", "42420002"]


def test_identity_includes_the_message_code():
    # WMO301 and WMO315 share identification 123456789012; their keys must differ.
    assert unit("WMO301.xml").key != unit("WMO315.xml").key


def test_is_istandaarden():
    for path in EXAMPLES:
        assert is_istandaarden(path.read_bytes()), path.name
    assert not is_istandaarden(b"bsn;geboortedatum;geslacht\n999900006;2001-01-01;M\n")
    assert not is_istandaarden(b'<?xml version="1.0"?><root xmlns="urn:x"><a/></root>')
    assert not is_istandaarden(b"<html><body>hallo</body></html>")
    assert not is_istandaarden(b"")
    assert not is_istandaarden(b"\x00\xff\xfe garbage")
    # A long comment before the root element is looked past.
    padded = example("JW301.xml").read_bytes().replace(b"?>", b"?>\n<!--" + b"x" * 5000 + b"-->", 1)
    assert is_istandaarden(padded)


def test_no_bsn_or_nine_digit_number_leaks_from_examples():
    for path in EXAMPLES:
        result = read(path)
        if isinstance(result, Rejection):
            assert not NINE.search(result.message)
            assert not NINE.search(result.position)
            continue
        for table, rows in result.rows.items():
            for row in rows:
                for column, value in row.items():
                    text = str(value)
                    for bsn in EXAMPLE_BSNS:
                        assert bsn not in text, (path.name, table, column)
                    if column not in IDENTITY_COLUMNS:
                        assert not NINE.search(text), (path.name, table, column, text)
