"""Messages of other releases are recognised and quarantined with what they are."""

from __future__ import annotations

import base64
import hashlib

import pytest

from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources.detect import UNKNOWN, detect, read_source
from stuurdata.sources.istandaarden import is_istandaarden, read_istandaarden
from stuurdata.sources.records import Rejection, SourceFile, Unit

from helpers import BERICHTEN

JW315 = (BERICHTEN / "ijw" / "JW315.xml").read_bytes()
JW301 = (BERICHTEN / "ijw" / "JW301.xml").read_bytes()
WMO301 = (BERICHTEN / "iwmo" / "WMO301.xml").read_bytes()


def source(data: bytes) -> SourceFile:
    return SourceFile("test.xml", data, hashlib.sha256(data).hexdigest())


def read(data: bytes) -> Unit | Rejection:
    (result,) = read_istandaarden(source(data), Pseudonymiser(b"k" * 32))
    return result


def release(data: bytes, standaard: str, _old: str, new: str, sub: str, versie: str = "3") -> bytes:
    """The message moved to another release: namespaces and header version changed."""
    data = data.replace(f"/{standaard}/3_2/".encode(), f"/{standaard}/{new}/".encode())
    prefix = "jw" if standaard == "ijw" else "wmo"
    data = data.replace(
        f"BerichtSubversie>2</{prefix}".encode(), f"BerichtSubversie>{sub}</{prefix}".encode()
    )
    return data.replace(
        f"BerichtVersie>3</{prefix}".encode(), f"BerichtVersie>{versie}</{prefix}".encode()
    )


def test_ijw_30_request_is_named_with_its_release():
    data = release(JW315, "ijw", "3_2", "3_0", "0")
    assert is_istandaarden(data)
    assert detect(source(data)) == "istandaarden"
    r = read(data)
    assert isinstance(r, Rejection)
    assert r.kind == "versie"
    assert r.message == "iJw 3.0-bericht JW315: release 3.0 wordt niet ingelezen; alleen 3.2."
    assert r.berichttype == "315"
    assert r.afzender == "42420001"  # the provider, so the chain monitor can count it


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (release(JW301, "ijw", "3_2", "3_1", "1"), "iJw 3.1-bericht JW301: release 3.1"),
        (release(WMO301, "iwmo", "3_2", "2_0", "0", "2"), "iWmo 2.0-bericht WMO301: release 2.0"),
        (release(WMO301, "iwmo", "3_2", "2_4", "4", "2"), "iWmo 2.4-bericht WMO301: release 2.4"),
        (
            release(WMO301, "iwmo", "3_2", "2_1", "1", "2").replace(
                b"/wmo301/schema", b"/wmo301/schema/2_1"
            ),
            "iWmo 2.1-bericht WMO301: release 2.1",
        ),
    ],
)
def test_other_releases_of_both_standards(data, expected):
    r = read(data)
    assert isinstance(r, Rejection) and r.kind == "versie"
    assert r.message.startswith(expected + " wordt niet ingelezen; alleen 3.2.")


def test_header_version_must_match_the_namespace():
    data = WMO301.replace(b"BerichtSubversie>2</wmo301", b"BerichtSubversie>1</wmo301")
    r = read(data)
    assert isinstance(r, Rejection) and r.kind == "versie"
    assert r.message.startswith("iWmo 3.1-bericht WMO301: release 3.1 wordt niet ingelezen")
    assert "namespace zegt 3.2" in r.message


def test_a_later_32_xsd_version_is_read_when_it_validates():
    data = WMO301.replace(
        b"<iwmo:BerichtXsdVersie>1.0.0</iwmo:BerichtXsdVersie>",
        b"<iwmo:BerichtXsdVersie>1.0.3</iwmo:BerichtXsdVersie>",
        1,
    )
    r = read(data)
    assert isinstance(r, Unit)
    assert r.rows["bericht"][0]["xsd_versie"] == "1.0.3"


def test_a_soap_envelope_says_what_it_is():
    inner = base64.b64encode(WMO301).decode()
    envelope = (
        '<?xml version="1.0"?><soap:Envelope xmlns:soap='
        '"http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Bestand>'
        f"{inner}</Bestand></soap:Body></soap:Envelope>"
    ).encode()
    file = source(envelope)
    assert detect(file) == UNKNOWN
    (r,) = read_source(UNKNOWN, file, Pseudonymiser(b"k" * 32))
    assert isinstance(r, Rejection) and r.kind == "envelop"
    assert "transportenvelop" in r.message and "niet uitgepakt" in r.message
