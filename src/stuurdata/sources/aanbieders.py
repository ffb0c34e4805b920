"""Provider names from the list a municipality keeps: ``aanbieders.csv``.

Format: ``agb;naam`` (more columns, such as ``contract``, may follow and are not used yet),
``;`` or ``,`` separated, UTF-8. The AGB code is the provider's code in the iStandaarden
messages (8 digits); the name is shown beside it in the publication's CSV, the report's
chain-quality chapter, the ``kwaliteit`` export and the dashboard's Ketenmonitor. Names of
organisations are no personal data, but a name is still checked like an area name: no
formula, no number that looks like a BSN, no control characters. A bad line is skipped with
a Dutch message that names the file and the line; the other names are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from stuurdata.sources.csvtable import BadLine, decode, rows
from stuurdata.sources.gebieden import plain_name

BESTAND = "aanbieders.csv"
_AGB = re.compile(r"\d{8}")


@dataclass(frozen=True)
class Aanbiederslijst:
    """Names by AGB code, and what was wrong with lines that were skipped."""

    namen: dict[str, str] = field(default_factory=dict)
    meldingen: tuple[str, ...] = ()


def read_provider_names(path: Path) -> Aanbiederslijst:
    """The names in ``path``; a missing or unreadable file is one message, never an error."""
    path = Path(path)
    try:
        text = decode(path.read_bytes())
    except OSError:
        return Aanbiederslijst(meldingen=(f"{path.name}: het bestand is niet te lezen.",))
    if text is None:
        return Aanbiederslijst(meldingen=(f"{path.name}: het bestand is geen UTF-8-tekst.",))
    namen: dict[str, str] = {}
    meldingen: list[str] = []
    for item in rows(text):
        if isinstance(item, BadLine):
            meldingen.append(f"{path.name}, regel {item.line}: {item.reason}.")
            continue
        line, row = item
        agb = (row.get("agb") or row.get("agb-code") or row.get("agb_code") or "").strip()
        naam = (row.get("naam") or "").strip()
        if not _AGB.fullmatch(agb) or not naam:
            meldingen.append(
                f"{path.name}, regel {line}: geen AGB-code van 8 cijfers of geen naam; "
                "de regel is overgeslagen."
            )
        elif not plain_name(naam):
            meldingen.append(
                f"{path.name}, regel {line}: de naam is geen gewone naam (begint met =, +, - "
                "of @, bevat een getal van negen cijfers of een stuurteken, of is te lang); "
                "de regel is overgeslagen."
            )
        else:
            namen[agb] = naam
    return Aanbiederslijst(namen, tuple(meldingen))


def default_list(pakhuis: Path) -> Path | None:
    """``aanbieders.csv`` beside the warehouse (in an installation: its folder), if there."""
    found = Path(pakhuis).parent / BESTAND
    return found if found.is_file() else None
