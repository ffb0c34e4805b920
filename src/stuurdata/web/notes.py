"""Het verhaal achter de cijfers: short notes on indicator x area x period, with who and when.

A beleidsmedewerker or analist explains a figure ("in maart ging een nieuwe aanbieder van
start"). Notes are plain text, kept in the management store, shown escaped beside the
figure. A note is about a figure, never about a person: text with a number that could be a
BSN (nine digits passing the elfproef, also written with dots or spaces) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from stuurdata.privacy.bsn import is_valid_bsn
from stuurdata.privacy.store import annotatie_table, engine_for

MAX_LENGTE = 2000
_GEBIED = re.compile(r"^(GM|WK|BU)\d{4,8}$")
_PERIODE = re.compile(r"^\d{4}(-K[1-4]|-\d{2})?$")
# Nine digits, possibly grouped with dots, spaces or dashes (1234.56.789, 123 456 789).
_NEGEN_CIJFERS = re.compile(r"(?<!\d)(\d[\s.\-]?){8}\d(?!\d)")


class NotitieOngeldig(ValueError):
    """A note that cannot be kept as written; the message is Dutch."""


@dataclass(frozen=True)
class Notitie:
    id: int
    maat: str
    gebiedscode: str
    periode: str
    tekst: str
    auteur: str
    rol: str
    tijdstip: str


def valid_area(code: str) -> bool:
    return bool(_GEBIED.match(code))


def valid_period(periode: str) -> bool:
    return bool(_PERIODE.match(periode))


def check_text(tekst: str) -> str:
    """The note's text, stripped, or ``NotitieOngeldig`` in Dutch."""
    tekst = tekst.strip()
    if not tekst:
        raise NotitieOngeldig("De notitie is leeg.")
    if len(tekst) > MAX_LENGTE:
        raise NotitieOngeldig(f"De notitie is te lang: hooguit {MAX_LENGTE} tekens.")
    for match in _NEGEN_CIJFERS.finditer(tekst):
        if is_valid_bsn(re.sub(r"\D", "", match.group(0))):
            raise NotitieOngeldig(
                "De notitie bevat een nummer dat een BSN kan zijn. Een notitie gaat over een "
                "cijfer, niet over een persoon: laat het nummer weg."
            )
    return tekst


def add_note(
    pakhuis: Path,
    *,
    maat: str,
    gebiedscode: str,
    periode: str,
    tekst: str,
    auteur: str,
    rol: str,
    url: str | None = None,
) -> Notitie:
    """Keep one note (the caller checks role and purpose)."""
    if not valid_area(gebiedscode):
        raise NotitieOngeldig(f"Onbekende gebiedscode {gebiedscode!r}.")
    if not valid_period(periode):
        raise NotitieOngeldig(f"Onbekende periode {periode!r}.")
    row = {
        "maat": maat,
        "gebiedscode": gebiedscode,
        "periode": periode,
        "tekst": check_text(tekst),
        "auteur": auteur,
        "rol": rol,
        "tijdstip": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with engine_for(pakhuis, url).begin() as conn:
        result = conn.execute(annotatie_table.insert().values(**row))
        key = result.inserted_primary_key
    return Notitie(id=int(key[0]) if key else 0, **row)


def notes_for(
    pakhuis: Path, maat: str, *, gebieden: set[str] | None = None, url: str | None = None
) -> list[Notitie]:
    """The notes on one measure (optionally only these areas), newest first."""
    table = annotatie_table
    query = select(table).where(table.c.maat == maat).order_by(table.c.id.desc())
    with engine_for(pakhuis, url).connect() as conn:
        rows = conn.execute(query).mappings().all()
    notes = [Notitie(**dict(r)) for r in rows]
    if gebieden is not None:
        notes = [n for n in notes if n.gebiedscode in gebieden]
    return notes
