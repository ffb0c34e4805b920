"""Reader for area names (gemeente, wijk, buurt), so reports can say "Oude Dorp", not a code.

Format: ``gebiedscode;naam;niveau`` with CBS codes (GM0363, WK036301, BU03630101); the same
list CBS publishes with Kerncijfers wijken en buurten.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stuurdata.privacy.bsn import has_bsn_shape
from stuurdata.sources.csvtable import BadLine, decode, header_fields, rows
from stuurdata.sources.records import Rejection, Row, SourceFile, Unit

_CODE = {
    "gemeente": re.compile(r"GM\d{4}"),
    "wijk": re.compile(r"WK\d{6}"),
    "buurt": re.compile(r"BU\d{8}"),
}


_MAX_NAME = 100


def plain_name(naam: str) -> bool:
    """A name that is safe to show in reports and spreadsheets: no formula, no BSN."""
    return (
        len(naam) <= _MAX_NAME
        and naam[0] not in "=+-@"
        and naam.isprintable()
        and not has_bsn_shape(naam)
    )


def is_gebieden(data: bytes) -> bool:
    """Recognised by its header."""
    fields = header_fields(data)
    return "gebiedscode" in fields and "naam" in fields


def read_gebieden(file: SourceFile) -> Iterator[Unit | Rejection]:
    """One Unit per area; a bad code or level is quarantined with its line."""
    text = decode(file.data)
    if text is None:
        yield Rejection("bestand", "onleesbaar", "Gebiedenbestand is geen UTF-8-tekst.")
        return
    for item in rows(text):
        if isinstance(item, BadLine):
            yield Rejection(
                f"regel {item.line}", "gebied", f"Gebiedsregel afgekeurd: {item.reason}."
            )
            continue
        line, row = item
        code, naam = row.get("gebiedscode", ""), row.get("naam", "")
        niveau = row.get("niveau", "").lower() or next(
            (k for k, rx in _CODE.items() if rx.fullmatch(code)), ""
        )
        pattern = _CODE.get(niveau)
        if pattern is None or not pattern.fullmatch(code) or not naam:
            yield Rejection(
                f"regel {line}",
                "gebied",
                "Gebiedsregel afgekeurd: geen geldige CBS-code voor het niveau (gemeente, "
                "wijk of buurt) of de naam ontbreekt.",
            )
            continue
        if not plain_name(naam):
            yield Rejection(
                f"regel {line}",
                "gebied",
                "Gebiedsregel afgekeurd: de naam is geen gewone plaatsnaam (begint met =, +, "
                "- of @, bevat een getal van negen cijfers of een stuurteken, of is langer "
                f"dan {_MAX_NAME} tekens).",
            )
            continue
        row_out: Row = {"gebiedscode": code, "naam": naam, "niveau": niveau}
        yield Unit(
            key=f"{code}|{naam}|{niveau}",
            kind="gebied",
            position=f"regel {line}",
            rows={"gebied": [row_out]},
        )
