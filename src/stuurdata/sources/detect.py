"""Which reader a file needs, decided by its content, never by its name."""

from __future__ import annotations

from collections.abc import Iterator

from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources.brp import is_brp, read_brp
from stuurdata.sources.envelop import REASON as ENVELOPE_REASON
from stuurdata.sources.envelop import is_envelope
from stuurdata.sources.gebieden import is_gebieden, read_gebieden
from stuurdata.sources.istandaarden import is_istandaarden, read_istandaarden
from stuurdata.sources.mapped import is_mapped, read_mapped
from stuurdata.sources.records import Rejection, SourceFile, Unit

UNKNOWN = "onbekend"


def detect(file: SourceFile) -> str:
    """``istandaarden``, ``brp``, ``suite`` (an export with a column mapping), ``gebieden``
    or ``onbekend``."""
    if is_istandaarden(file.data):
        return "istandaarden"
    if is_brp(file.data):
        return "brp"
    if is_mapped(file.data):
        return "suite"
    if is_gebieden(file.data):
        return "gebieden"
    return UNKNOWN


def read_source(kind: str, file: SourceFile, pseudo: Pseudonymiser) -> Iterator[Unit | Rejection]:
    """The reader for ``kind``; an unknown format is one quarantined record."""
    if kind == "istandaarden":
        return read_istandaarden(file, pseudo)
    if kind == "brp":
        return read_brp(file, pseudo)
    if kind == "suite":
        return read_mapped(file, pseudo)
    if kind == "gebieden":
        return read_gebieden(file)
    if is_envelope(file.data):
        return iter([Rejection("bestand", "envelop", ENVELOPE_REASON)])
    return iter(
        [
            Rejection(
                "bestand",
                "onbekend_formaat",
                "Onbekend bestandsformaat: geen iWmo/iJw-bericht, BRP-extract, "
                "suite-export met koppelbestand of gebiedenlijst.",
            )
        ]
    )
