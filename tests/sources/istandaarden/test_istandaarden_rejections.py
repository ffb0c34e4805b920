"""Hand-made bad messages: each is quarantined with the right kind and a Dutch reason."""

from __future__ import annotations

import hashlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources.istandaarden import read_istandaarden
from stuurdata.sources.records import Rejection, SourceFile, Unit

from helpers import BERICHTEN

NINE = re.compile(r"(?<!\d)\d{9}(?!\d)")
WMO301 = (BERICHTEN / "iwmo" / "WMO301.xml").read_bytes()
JW307 = (BERICHTEN / "ijw" / "JW307.xml").read_bytes()
WMO315 = (BERICHTEN / "iwmo" / "WMO315.xml").read_bytes()
WMO323 = (BERICHTEN / "iwmo" / "WMO323.xml").read_bytes()


def read(data: bytes) -> Unit | Rejection:
    results = list(
        read_istandaarden(
            SourceFile("test.xml", data, hashlib.sha256(data).hexdigest()),
            Pseudonymiser(b"k" * 32),
        )
    )
    assert len(results) == 1
    return results[0]


def rejected(data: bytes, kind: str) -> Rejection:
    result = read(data)
    assert isinstance(result, Rejection), "expected a rejection"
    assert result.kind == kind, result.message
    assert not NINE.search(result.message), result.message
    assert "999900006" not in result.message
    return result


def replace_once(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) >= 1, old
    return data.replace(old, new, 1)


def test_garbage_bytes_are_unreadable():
    r = rejected(b"\x00\x01\x02 dit is geen xml", "onleesbaar")
    assert r.message.startswith("Bestand is geen leesbare XML: regel 1: ")


def test_empty_file_is_unreadable():
    r = rejected(b"", "onleesbaar")
    assert r.message.startswith("Bestand is geen leesbare XML")


def test_truncated_message_is_unreadable_with_line():
    r = rejected(WMO301[:1500], "onleesbaar")
    assert re.match(r"Bestand is geen leesbare XML: regel \d+: ", r.message)
    assert r.position.startswith("regel ")


def test_unknown_namespace_is_an_unknown_message():
    r = rejected(
        b'<?xml version="1.0"?>\n<Bericht xmlns="urn:iets:anders"><a/></Bericht>',
        "onbekend_bericht",
    )
    assert "urn:iets:anders" in r.message
    assert r.message.startswith("Onbekend bericht:")
    assert r.position == "regel 2"


def test_xml_without_namespace_is_an_unknown_message():
    r = rejected(b"<lijst><item>1</item></lijst>", "onbekend_bericht")
    assert "'lijst'" in r.message


def test_unsupported_istandaarden_message_names_the_type():
    data = WMO301.replace(b"iwmo/3_2/wmo301/schema", b"iwmo/3_2/wmo399/schema")
    r = rejected(data, "onbekend_bericht")
    assert "WMO399" in r.message
    assert r.berichttype == "399"


def test_xsd_error_is_dutch_and_names_the_line():
    data = replace_once(
        WMO301, b"<iwmo:Volume>10</iwmo:Volume>", b"<iwmo:Volume>tien</iwmo:Volume>"
    )
    r = rejected(data, "xsd")
    assert r.message.startswith(
        "Bericht WMO301 voldoet niet aan het officiële XSD-schema: regel 176: "
    )
    assert "'tien'" in r.message
    assert r.position == "regel 176"
    assert r.afzender == "0384"
    assert r.berichttype == "301"
    assert r.bericht_id == "iwmo:414:0384:123456789012"


def test_malformed_bsn_is_not_quoted_in_the_xsd_error():
    data = replace_once(
        WMO301, b"<wmo301:Bsn>999900006</wmo301:Bsn>", b"<wmo301:Bsn>99990000</wmo301:Bsn>"
    )
    r = rejected(data, "xsd")
    assert "99990000" not in r.message
    assert "Bsn" in r.message


def test_bsn_failing_the_elfproef_is_a_business_rule():
    data = replace_once(
        WMO301, b"<wmo301:Bsn>999900006</wmo301:Bsn>", b"<wmo301:Bsn>123456789</wmo301:Bsn>"
    )
    r = rejected(data, "bedrijfsregel")
    assert "elfproef" in r.message
    assert "123456789" not in r.message
    assert r.position == "regel 19"
    assert r.bericht_id == "iwmo:414:0384:123456789012"
    assert r.afzender == "0384"


def test_allocation_ending_before_it_starts():
    data = replace_once(
        WMO301,
        b"<wmo301:Einddatum>2023-12-31</wmo301:Einddatum>",
        b"<wmo301:Einddatum>2022-12-31</wmo301:Einddatum>",
    )
    r = rejected(data, "bedrijfsregel")
    assert r.message == (
        "Bericht WMO301 schendt een bedrijfsregel: regel 164, ToewijzingNummer 101: "
        "einddatum 2022-12-31 ligt voor ingangsdatum 2023-01-01"
    )
    assert r.position == "regel 164"


def test_request_ending_before_it_starts():
    data = replace_once(
        WMO315,
        b"<wmo315:ToewijzingEinddatum>2023-06-30</wmo315:ToewijzingEinddatum>",
        b"<wmo315:ToewijzingEinddatum>2023-05-30</wmo315:ToewijzingEinddatum>",
    )
    r = rejected(data, "bedrijfsregel")
    assert (
        "regel 34, AangevraagdProduct 1: einddatum 2023-05-30 ligt voor ingangsdatum 2023-06-01"
        in r.message
    )


def test_stop_before_start():
    data = replace_once(
        JW307,
        b"<jw307:Einddatum>2026-07-17</jw307:Einddatum>",
        b"<jw307:Einddatum>2026-03-17</jw307:Einddatum>",
    )
    r = rejected(data, "bedrijfsregel")
    assert (
        "ToewijzingNummer 300201: stopdatum 2026-03-17 ligt voor begindatum 2026-04-03" in r.message
    )


def test_claim_period_reversed():
    at = WMO323.index(b"<wmo323:ProductPeriode>")
    tail = replace_once(WMO323[at:], b"2023-04-30</iwmo:Einddatum>", b"2023-03-30</iwmo:Einddatum>")
    r = rejected(WMO323[:at] + tail, "bedrijfsregel")
    assert "regel 33, Prestatie 1: einddatum productperiode 2023-03-30" in r.message


def test_several_broken_lines_are_all_named():
    data = WMO315.replace(
        b"2023-06-30</wmo315:ToewijzingEinddatum>", b"2023-05-30</wmo315:ToewijzingEinddatum>"
    )
    r = rejected(data, "bedrijfsregel")
    assert "AangevraagdProduct 1" in r.message and "AangevraagdProduct 2" in r.message


def test_entities_are_not_expanded():
    data = WMO301.replace(
        b'<?xml version="1.0" encoding="UTF-8"?>',
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    ).replace(b"Client commentaar", b"&e;")
    result = read(data)
    if isinstance(result, Unit):
        assert "root:" not in repr(result.rows)
    else:
        assert "root:" not in result.message


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_exactly_one_result(data):
    result = read(data)
    if isinstance(result, Rejection):
        assert result.kind in {"onleesbaar", "onbekend_bericht"}
        assert not NINE.search(result.message)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=len(WMO301.rstrip()) - 1))
def test_every_truncation_is_rejected_not_raised(cut):
    result = read(WMO301[:cut])
    assert isinstance(result, Rejection)
    assert result.kind == "onleesbaar"


def test_claim_head_period_reversed_names_its_line():
    data = replace_once(
        WMO323,
        b"<iwmo:Begindatum>2023-04-01</iwmo:Begindatum>",
        b"<iwmo:Begindatum>2023-05-01</iwmo:Begindatum>",
    )
    r = rejected(data, "bedrijfsregel")
    assert r.message == (
        "Bericht WMO323 schendt een bedrijfsregel: regel 20, DeclaratieNummer DN001: "
        "einddatum declaratieperiode 2023-04-30 ligt voor begindatum 2023-05-01"
    )


def test_comments_and_whitespace_inside_a_valid_message_are_tolerated():
    data = replace_once(WMO301, b"<wmo301:Afzender>", b"<!-- opmerking --><wmo301:Afzender>")
    data = replace_once(
        data,
        b"<wmo301:ToewijzingNummer>101</wmo301:ToewijzingNummer>",
        b"<wmo301:ToewijzingNummer> 101\n</wmo301:ToewijzingNummer>",
    )
    data = replace_once(data, b"<iwmo:Volume>10</iwmo:Volume>", b"<iwmo:Volume>\t10 </iwmo:Volume>")
    u = read(data)
    assert isinstance(u, Unit), getattr(u, "message", u)
    assert u.key == "iwmo:414:0384:123456789012"
    (toewijzing,) = u.rows["toewijzing"]
    assert toewijzing["toewijzing_id"] == "wmo:GM0384:101"
    assert toewijzing["volume"] == 10


def test_relation_birth_dates_do_not_replace_the_clients():
    # The client's own birth date is 1967-08-13; the first Relatie was born 1967-01-13.
    u = read(WMO301)
    assert isinstance(u, Unit)
    assert u.rows["persoon"][0]["geboortemaand"].month == 8
