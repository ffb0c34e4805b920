"""Which reader a file needs, decided by its content, never by its name.

A file no reader claims gets an accurate reason: text in UTF-16/UTF-32 or EBCDIC is named
as such (the door reads UTF-8), and any XML is handed to the message reader, which says
what is wrong with it (not well-formed, an unknown root element, a DOCTYPE) instead of
"unknown format" (a message whose root element lies beyond a long prolog included).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources.brp import is_brp, read_brp
from stuurdata.sources.envelop import REASON as ENVELOPE_REASON
from stuurdata.sources.envelop import is_envelope
from stuurdata.sources.gebieden import is_gebieden, read_gebieden
from stuurdata.sources.grenzen import is_grenzen, read_grenzen
from stuurdata.sources.istandaarden import is_istandaarden, read_istandaarden
from stuurdata.sources.mapped import (
    MappingError,
    check_unpacked_size,
    is_mapped,
    is_xlsx,
    read_mapped,
)
from stuurdata.sources.records import Rejection, SourceFile, Unit

UNKNOWN = "onbekend"


def detect(file: SourceFile) -> str:
    """``istandaarden``, ``brp``, ``suite`` (an export with a column mapping), ``gebieden``
    (a list of areas, or their boundaries as GeoJSON) or ``onbekend``."""
    if is_istandaarden(file.data):
        return "istandaarden"
    if is_brp(file.data):
        return "brp"
    if is_mapped(file.data):
        return "suite"
    if is_gebieden(file.data) or is_grenzen(file.data):
        return "gebieden"
    if _XML_START.match(file.data) and not is_envelope(file.data):
        return "istandaarden"  # any other XML: the message reader names what is wrong
    return UNKNOWN


_XML_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*<[?!A-Za-z_]")
_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def _encoding(data: bytes) -> str | None:
    """The name of a text encoding the door does not read, when the bytes show one."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:64]
    head = head[: len(head) // 2 * 2]
    for zeros, text in ((head[0::2], head[1::2]), (head[1::2], head[0::2])):
        # UTF-16 without a BOM: every other byte zero, the others printable ASCII.
        if len(head) >= 8 and not any(zeros) and all(9 <= b < 127 for b in text):
            return "UTF-16"
    if head.startswith(b"\x4c\x6f\xa7\x94"):  # "<?xm" in EBCDIC
        return "EBCDIC"
    return None


def _unknown_reason(data: bytes) -> str:
    encoding = _encoding(data)
    if encoding is not None:
        return (
            f"Bestand is tekst in {encoding}; berichten, BRP-extracten en exports moeten "
            "UTF-8 zijn. Sla het bestand op als UTF-8 en lees het opnieuw in."
        )
    if not data:
        return "Bestand is leeg."
    if is_xlsx(data):
        try:
            check_unpacked_size(data)
        except MappingError as exc:
            return str(exc)
        return "Excel-bestand waarvan de kopregel bij geen koppelbestand past."
    return (
        "Onbekend bestandsformaat: geen iWmo/iJw-bericht, BRP-extract, "
        "suite-export met koppelbestand, gebiedenlijst of GeoJSON met wijk- en buurtgrenzen."
    )


def read_source(kind: str, file: SourceFile, pseudo: Pseudonymiser) -> Iterator[Unit | Rejection]:
    """The reader for ``kind``; an unknown format is one quarantined record."""
    if kind == "istandaarden":
        return read_istandaarden(file, pseudo)
    if kind == "brp":
        return read_brp(file, pseudo)
    if kind == "suite":
        return read_mapped(file, pseudo)
    if kind == "gebieden":
        return read_grenzen(file) if is_grenzen(file.data) else read_gebieden(file)
    if is_envelope(file.data):
        return iter([Rejection("bestand", "envelop", ENVELOPE_REASON)])
    return iter([Rejection("bestand", "onbekend_formaat", _unknown_reason(file.data))])
