"""Reader for the BRP population extract (residence periods), see docs/brp-extract.md.

The contract is one row per residence period with the columns in ``COLUMNS``. Only the
birth month, the sex and the area survive the door: the BSN becomes a keyed pseudonym, the
postcode and house number only feed the household pseudonym when no household number is
given, the address coordinates (``rd_x``, ``rd_y``, optional) only become the CBS 100 m
square, and nothing else is kept.

Residences that cannot be (ending before they start, or on the day they start) go to
quarantine here. A residence starting on the birth date starts on the first of the birth
month instead, so ``verblijf.van`` never gives the exact birth date away. Overlaps between
rows of one person need the other rows: ``warehouse/residences.py`` trims them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date, timedelta

from stuurdata.privacy.bsn import is_valid_bsn
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources.csvtable import BadLine, decode, header_fields, rows
from stuurdata.sources.records import Rejection, SourceFile, Unit
from stuurdata.sources.vierkant import RD_X, RD_Y, vierkant_code

COLUMNS = (
    "bsn",
    "geboortedatum",
    "geslacht",
    "gemeentecode",
    "wijkcode",
    "buurtcode",
    "postcode",
    "huisnummer",
    "huishouden",
    "datum_vestiging",
    "datum_vertrek",
    "datum_overlijden",
    "rd_x",
    "rd_y",
)
REQUIRED = ("bsn", "geboortedatum", "gemeentecode", "datum_vestiging")
# BRP spells sex as M/V/O; the warehouse keeps the iStandaarden code (COD046).
GESLACHT = {"m": "1", "v": "2", "o": "0", "1": "1", "2": "2", "0": "0", "9": "9", "": "0"}
_GM = re.compile(r"GM\d{4}")
_WK = re.compile(r"WK\d{6}")
_BU = re.compile(r"BU\d{8}")
_EARLIEST = date(1880, 1, 1)
# An extract is a snapshot: a settlement or departure in its future is a typing error
# (2099 for 2009), allowing for an extract made ahead of a planned move.
_AHEAD = timedelta(days=366)


def is_brp(data: bytes) -> bool:
    """A BRP extract is recognised by its header, whatever the file is called."""
    fields = set(header_fields(data))
    return {"bsn", "buurtcode", "datum_vestiging"} <= fields


class _RowError(Exception):
    """A row breaks the contract; the message names the column in Dutch."""


def _date(row: dict[str, str], column: str, today: date, *, required: bool = False) -> date | None:
    value = row.get(column, "")
    if not value:
        if required:
            raise _RowError(f"kolom {column} is leeg")
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise _RowError(f"kolom {column}: geen geldige datum (JJJJ-MM-DD)") from None
    latest = today + _AHEAD if column != "geboortedatum" else today
    if parsed < _EARLIEST or parsed > latest:
        raise _RowError(
            f"kolom {column}: datum is onwaarschijnlijk (voor {_EARLIEST.year} of na "
            f"{latest:%d-%m-%Y})"
        )
    return parsed


def _area(row: dict[str, str]) -> tuple[str, str | None, str | None]:
    gm, wk, bu = row.get("gemeentecode", ""), row.get("wijkcode", ""), row.get("buurtcode", "")
    if not _GM.fullmatch(gm):
        raise _RowError("kolom gemeentecode: geen CBS-code zoals GM0363")
    if wk and not (_WK.fullmatch(wk) and wk[2:6] == gm[2:]):
        raise _RowError(f"kolom wijkcode: geen CBS-wijkcode van {gm} (zoals WK{gm[2:]}01)")
    if bu and not (_BU.fullmatch(bu) and (not wk or bu[2:8] == wk[2:])):
        raise _RowError(f"kolom buurtcode: geen CBS-buurtcode binnen wijk {wk or gm}")
    if bu and not wk:
        wk = "WK" + bu[2:8]
    return gm, wk or None, bu or None


def _rd(row: dict[str, str], column: str, bounds: tuple[float, float]) -> float:
    """One RD coordinate in metres; the value itself is never quoted (it locates an address)."""
    text = row.get(column, "").replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _RowError(f"kolom {column}: geen getal (RD-coördinaat in meters)")
    if not bounds[0] <= value <= bounds[1]:
        raise _RowError(
            f"kolom {column}: ligt buiten Nederland (RD {column[-1]} van "
            f"{bounds[0] / 1000:.0f} tot {bounds[1] / 1000:.0f} km)"
        )
    return value


def _vierkant(row: dict[str, str]) -> str | None:
    """The CBS 100 m square of the address, or None when the extract has no coordinates.

    The coordinates go no further than this function: only the square code is kept.
    """
    x_text, y_text = row.get("rd_x", ""), row.get("rd_y", "")
    if not x_text and not y_text:
        return None
    if not x_text or not y_text:
        filled, empty = ("rd_x", "rd_y") if x_text else ("rd_y", "rd_x")
        raise _RowError(f"kolom {empty} is leeg terwijl {filled} gevuld is")
    return vierkant_code(_rd(row, "rd_x", RD_X), _rd(row, "rd_y", RD_Y))


def _unit(row: dict[str, str], line: int, pseudo: Pseudonymiser, today: date) -> Unit:
    bsn = row.get("bsn", "")
    if not is_valid_bsn(bsn):
        raise _RowError("kolom bsn: geen geldig BSN (elfproef)")
    geboren = _date(row, "geboortedatum", today, required=True)
    van = _date(row, "datum_vestiging", today, required=True)
    vertrek = _date(row, "datum_vertrek", today)
    overleden = _date(row, "datum_overlijden", today)
    assert geboren is not None and van is not None
    if van < geboren:
        raise _RowError("datum_vestiging ligt voor de geboortedatum")
    if vertrek and vertrek < van:
        raise _RowError("datum_vertrek ligt voor datum_vestiging")
    if overleden and (overleden < geboren or overleden < van):
        raise _RowError("datum_overlijden ligt voor de geboortedatum of de vestiging")
    if van in (vertrek, overleden):
        raise _RowError(
            "het verblijf duurt nul dagen (vertrek of overlijden op de dag van vestiging), "
            "dus iemand heeft hier nooit een dag gewoond"
        )
    geslacht = GESLACHT.get(row.get("geslacht", "").lower())
    if geslacht is None:
        raise _RowError("kolom geslacht: geen M, V of O")
    gm, wk, bu = _area(row)
    vierkant = _vierkant(row)
    ends = [d for d in (vertrek, overleden) if d]
    tot = min(ends) if ends else None
    reden = None if tot is None else ("overlijden" if overleden and tot == overleden else "vertrek")
    huishouden_raw = row.get("huishouden") or (
        f"adres:{row.get('postcode', '').replace(' ', '').upper()}:{row.get('huisnummer', '')}"
        if row.get("postcode")
        else ""
    )
    # Born here: the residence starts on the birth date. Only the birth month may survive
    # the door, so such a residence starts on the first of the birth month (the day the
    # warehouse takes as the birthday anyway).
    if van == geboren:
        van = geboren.replace(day=1)
    persoon_id = pseudo.persoon(bsn)
    huishouden_id = pseudo.huishouden(huishouden_raw) if huishouden_raw else None
    parts: tuple[object, ...] = (
        persoon_id,
        van,
        tot,
        reden,
        gm,
        wk,
        bu,
        huishouden_id,
        f"{geboren:%Y-%m}",
        geslacht,
    )
    # The square joins the identity, so a re-delivery that adds coordinates is an update.
    key = "|".join(map(str, parts + ((vierkant,) if vierkant else ())))
    return Unit(
        key=key,
        kind="verblijf",
        position=f"regel {line}",
        afzender=gm,
        rows={
            "persoon": [
                {
                    "persoon_id": persoon_id,
                    "geboortemaand": geboren.replace(day=1),
                    "geslacht": geslacht,
                    "bron": "brp",
                    "regio_persoon_id": pseudo.regio(bsn),
                }
            ],
            "verblijf": [
                {
                    "persoon_id": persoon_id,
                    "huishouden_id": huishouden_id,
                    "gemeentecode": gm,
                    "wijkcode": wk,
                    "buurtcode": bu,
                    "van": van,
                    "tot": tot,
                    "reden_einde": reden,
                    "vierkant": vierkant,
                }
            ],
        },
    )


def read_brp(file: SourceFile, pseudo: Pseudonymiser) -> Iterator[Unit | Rejection]:
    """One Unit per valid row; one Rejection (Dutch, with the line) per bad row."""
    text = decode(file.data)
    if text is None:
        yield Rejection("bestand", "onleesbaar", "BRP-bestand is geen UTF-8-tekst.")
        return
    header = header_fields(file.data)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        yield Rejection(
            "regel 1 (kopregel)",
            "brp",
            "BRP-bestand mist verplichte kolommen: " + ", ".join(missing) + ".",
        )
        return
    today = date.today()  # once per file, not four times per row
    for item in rows(text):
        if isinstance(item, BadLine):
            yield Rejection(f"regel {item.line}", "brp", f"BRP-regel afgekeurd: {item.reason}.")
            continue
        line, row = item
        try:
            if "__extra__" in row:
                raise _RowError("de regel heeft meer velden dan de kopregel")
            yield _unit(row, line, pseudo, today)
        except _RowError as exc:
            yield Rejection(f"regel {line}", "brp", f"BRP-regel afgekeurd: {exc}.")
