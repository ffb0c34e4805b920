"""Reader for suite exports (Participatiewet, schuldhulp, minima) through a column mapping.

Social-domain suites export benefits, debt-help trajectories and minimaregelingen as CSV or
Excel in their own layouts. Rather than one reader per suite, a small YAML mapping
(*koppelbestand*, see docs/koppelbestanden.md) says which column holds the BSN, the start and
end date, the kind and the amount, how dates are written and whether amounts use a decimal
comma. Every row ends up in the canonical ``voorziening`` table through the same door as the
other sources: the BSN becomes a pseudonym, a bad row is quarantined with a Dutch reason that
names the line and the column, and nothing is dropped silently.

A file is recognised by its header: the mapping whose columns are all present wins (the one
naming the most columns when several fit). Mappings come from ``sources/mappings/`` and from
the folders in the environment variable ``STUURDATA_KOPPELINGEN`` (``os.pathsep``-separated).
"""

from __future__ import annotations

import io
import math
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from stuurdata.privacy.bsn import is_valid_bsn, scrub
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources import files
from stuurdata.sources.csvtable import BadLine, decode, header_fields, rows
from stuurdata.sources.records import Rejection, Row, SourceFile, Unit

MAPPINGS_DIR = Path(__file__).parent / "mappings"
ENV_DIRS = "STUURDATA_KOPPELINGEN"
WETTEN = ("participatiewet", "schuldhulp", "minima")
_GM = re.compile(r"GM\d{4}")
_EARLIEST = date(1900, 1, 1)
_LATEST = date(2100, 1, 1)
_MAX_DIGITS = 10  # euros: a provision above 9,999,999,999 is a typing error
_MAX_CENTS = 10**12


class MappingError(Exception):
    """A mapping file is unreadable or incomplete; the message is Dutch for the user."""


class Kolommen(BaseModel):
    """Source column names (as in the export's header) per canonical field."""

    model_config = ConfigDict(extra="forbid")

    bsn: str
    start: str
    soort: str | None = None
    eind: str | None = None
    bedrag: str | None = None
    gemeentecode: str | None = None


class Mapping(BaseModel):
    """One koppelbestand: how one suite's export maps onto ``voorziening``."""

    model_config = ConfigDict(extra="forbid")

    naam: str
    omschrijving: str = ""
    wet: str
    kolommen: Kolommen
    datumformaat: str = "%Y-%m-%d"
    decimaalteken: str = "."
    soorten: dict[str, str] = Field(default_factory=dict)
    soort: str | None = None  # fixed kind when the export has no kind column
    gemeentecode: str | None = None  # fixed municipality when the export has none

    @field_validator("wet")
    @classmethod
    def _known_law(cls, value: str) -> str:
        if value not in WETTEN:
            raise ValueError(f"wet moet een van {', '.join(WETTEN)} zijn")
        return value

    @field_validator("decimaalteken")
    @classmethod
    def _separator(cls, value: str) -> str:
        if value not in (".", ","):
            raise ValueError("decimaalteken moet '.' of ',' zijn")
        return value

    @field_validator("soorten")
    @classmethod
    def _codes(cls, value: dict[str, str]) -> dict[str, str]:
        return {str(k).strip().lower(): v for k, v in value.items()}

    @model_validator(mode="after")
    def _kind_given(self) -> Mapping:
        if self.kolommen.soort is None and self.soort is None:
            raise ValueError("geef kolommen.soort of een vaste soort")
        return self

    def required_columns(self) -> set[str]:
        """Lower-cased header names the export must contain."""
        return {c.lower() for c in self.kolommen.model_dump().values() if c}


def _read_mapping(path: Path) -> Mapping:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Mapping.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"Koppelbestand {path.name} is niet leesbaar: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'bestand'}: {e['msg']}" for e in exc.errors()
        )
        raise MappingError(f"Koppelbestand {path.name} is onvolledig: {problems}") from exc


def mapping_dirs() -> list[Path]:
    """The bundled mappings first, then the folders named in ``STUURDATA_KOPPELINGEN``."""
    extra = [Path(p) for p in os.environ.get(ENV_DIRS, "").split(os.pathsep) if p]
    return [MAPPINGS_DIR, *extra]


def load_mappings(dirs: Iterable[Path] | None = None) -> list[Mapping]:
    """Every ``*.yaml`` mapping in ``dirs`` (default: ``mapping_dirs()``), sorted by name."""
    found = [
        _read_mapping(p)
        for d in (mapping_dirs() if dirs is None else dirs)
        for p in sorted(Path(d).glob("*.yaml"))
    ]
    return sorted(found, key=lambda m: m.naam)


@lru_cache(maxsize=8)
def _cached_mappings(env: str) -> tuple[Mapping, ...]:
    return tuple(load_mappings())


def _mappings() -> tuple[Mapping, ...]:
    return _cached_mappings(os.environ.get(ENV_DIRS, ""))


def is_xlsx(data: bytes) -> bool:
    """An Excel workbook (a zip with the OOXML workbook part)."""
    return data[:4] == b"PK\x03\x04" and b"xl/workbook" in data[:65536]


def _xlsx_rows(data: bytes) -> list[list[object]]:
    """The cell values of the first sheet; a broken workbook raises ``MappingError``."""
    from openpyxl import load_workbook

    check_unpacked_size(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise MappingError(f"Excel-bestand is niet te lezen ({type(exc).__name__}).") from exc


def check_unpacked_size(data: bytes) -> None:
    """Refuse a workbook whose parts unpack beyond the door's limits (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(i.file_size for i in zf.infolist())
            packed = sum(i.compress_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise MappingError("Excel-bestand is niet te lezen (beschadigd zip-archief).") from None
    if total > files.MAX_BYTES or total > max(packed * files.MAX_RATIO, 1 << 20):
        raise MappingError(
            "Excel-bestand pakt uit tot een onmogelijke grootte (mogelijk een zip-bom); "
            "niet gelezen."
        )


def _header(data: bytes) -> list[str]:
    if is_xlsx(data):
        try:
            first = _xlsx_rows(data)[:1]
        except MappingError:
            return []
        return [str(v).strip().lower() for v in first[0] if v is not None] if first else []
    return header_fields(data)


def find_mapping(data: bytes, mappings: Iterable[Mapping] | None = None) -> Mapping | None:
    """The mapping whose columns all occur in the file's header (most specific wins)."""
    fields = set(_header(data))
    candidates = _mappings() if mappings is None else mappings
    fits = [m for m in candidates if fields and m.required_columns() <= fields]
    return max(fits, key=lambda m: (len(m.required_columns()), m.naam), default=None)


def near_mapping(data: bytes, mappings: Iterable[Mapping] | None = None) -> Mapping | None:
    """A mapping the file almost fits: its BSN column and at least 60% of its columns.

    Such a file is meant for that mapping but lacks a column (a changed suite export); it
    must be reported, not ignored as an unknown format.
    """
    fields = set(_header(data))
    best, best_share = None, 0.0
    for m in _mappings() if mappings is None else mappings:
        need = m.required_columns()
        share = len(need & fields) / len(need)
        if m.kolommen.bsn.lower() in fields and share >= 0.6 and share > best_share:
            best, best_share = m, share
    return best


def is_mapped(data: bytes) -> bool:
    """A suite export that a known mapping recognises (or almost: then a column is missing)."""
    return find_mapping(data) is not None or near_mapping(data) is not None


class _RowError(Exception):
    """A row breaks the mapping; the message names the column in Dutch."""


def _human_format(fmt: str) -> str:
    return fmt.replace("%d", "DD").replace("%m", "MM").replace("%Y", "JJJJ").replace("%y", "JJ")


def _parse_date(text: str, fmt: str) -> date:
    """``strptime`` with a fast path for the two usual layouts (strptime is slow per row).

    The fast path only takes text ``strptime`` would read the same way: ten ASCII
    characters with the separators in place; anything else goes to ``strptime``.
    """
    if len(text) == 10 and text.isascii():
        if fmt == "%Y-%m-%d" and text[4] == text[7] == "-" and text.replace("-", "").isdigit():
            return date(int(text[:4]), int(text[5:7]), int(text[8:]))
        if fmt == "%d-%m-%Y" and text[2] == text[5] == "-" and text.replace("-", "").isdigit():
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))
    return datetime.strptime(text, fmt).date()


def _date(m: Mapping, row: dict[str, object], column: str | None, required: bool) -> date | None:
    if column is None:
        return None
    value = row.get(column.lower())
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    else:
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                raise _RowError(f"kolom {column} is leeg")
            return None
        try:
            parsed = _parse_date(text, m.datumformaat)
        except ValueError:
            raise _RowError(
                f"kolom {column}: geen geldige datum (verwacht {_human_format(m.datumformaat)})"
            ) from None
    if not _EARLIEST <= parsed < _LATEST:
        raise _RowError(
            f"kolom {column}: datum is onwaarschijnlijk (voor {_EARLIEST.year} of vanaf "
            f"{_LATEST.year})"
        )
    return parsed


def _amount(m: Mapping, row: dict[str, object], column: str | None) -> int | None:
    if column is None:
        return None
    value = row.get(column.lower())
    if isinstance(value, int | float):
        cents = float(value) * 100
        if not math.isfinite(cents) or abs(cents) > _MAX_CENTS:
            raise _RowError(f"kolom {column}: bedrag is onmogelijk groot of geen getal")
        return round(cents)
    text = "" if value is None else str(value).strip().replace("€", "").replace(" ", "")
    if not text:
        return None
    thousands = "." if m.decimaalteken == "," else ","
    normal = text.replace(thousands, "").replace(m.decimaalteken, ".")
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", normal):
        raise _RowError(f"kolom {column}: geen bedrag (decimaalteken '{m.decimaalteken}')")
    if len(normal.lstrip("-").split(".")[0]) > _MAX_DIGITS:
        raise _RowError(f"kolom {column}: bedrag is onmogelijk groot")
    return round(float(normal) * 100)


def _text(row: dict[str, object], column: str | None) -> str:
    if column is None:
        return ""
    value = row.get(column.lower())
    return "" if value is None else str(value).strip()


def _known_gm(value: str) -> str | None:
    """A municipality code from a row only when it is one: never store other row text."""
    return value if _GM.fullmatch(value) else None


def _unit(m: Mapping, row: dict[str, object], line: int, pseudo: Pseudonymiser) -> Unit:
    k = m.kolommen
    bsn = _text(row, k.bsn)
    if len(bsn) == 8 and bsn.isascii() and bsn.isdigit():
        bsn = "0" + bsn  # Excel drops the leading zero
    if not is_valid_bsn(bsn):
        raise _RowError(f"kolom {k.bsn}: geen geldig BSN (elfproef)")
    start = _date(m, row, k.start, required=True)
    eind = _date(m, row, k.eind, required=False)
    assert start is not None
    if eind is not None and eind < start:
        raise _RowError(f"kolom {k.eind}: einddatum ligt voor de begindatum")
    if k.soort is not None:
        code = _text(row, k.soort)
        if not code:
            raise _RowError(f"kolom {k.soort} is leeg")
        soort = m.soorten.get(code.lower()) if m.soorten else code.lower()
        if soort is None:
            known = ", ".join(sorted(c.upper() for c in m.soorten))
            raise _RowError(f"kolom {k.soort}: onbekende code (bekend: {known})")
    else:
        soort = str(m.soort)
    gm = _text(row, k.gemeentecode) or m.gemeentecode or None
    if gm is not None and not _GM.fullmatch(gm):
        raise _RowError(f"kolom {k.gemeentecode}: geen CBS-code zoals GM0363")
    bedrag = _amount(m, row, k.bedrag)
    persoon_id = pseudo.persoon(bsn)
    out: Row = {
        "wet": m.wet,
        "gemeentecode": gm,
        "persoon_id": persoon_id,
        "soort": soort,
        "start": start,
        "eind": eind,
        "bedrag_cent": bedrag,
        "bron": m.naam,
    }
    key = "|".join(str(out[c]) for c in ("wet", "persoon_id", "soort", "start", "eind"))
    key += f"|{bedrag}|{gm}"
    return Unit(
        key=key,
        kind="voorziening",
        position=f"regel {line}",
        afzender=gm,
        rows={"voorziening": [out]},
    )


def _table_rows(data: bytes) -> Iterator[tuple[int, dict[str, object]] | BadLine]:
    """(line, row) pairs with lower-cased keys, from CSV text or the first Excel sheet."""
    if is_xlsx(data):
        cells = _xlsx_rows(data)
        header = [("" if h is None else str(h)).strip().lower() for h in (cells[:1] or [[]])[0]]
        twice = sorted({h for h in header if h and header.count(h) > 1})
        for number, values in enumerate(cells[1:], start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            if twice:
                yield BadLine(
                    number,
                    scrub(f"kolom {', '.join(twice)} staat meer dan één keer in de kopregel"),
                )
                continue
            row: dict[str, object] = {h: v for h, v in zip(header, values, strict=False) if h}
            if len(values) > len(header) and any(v is not None for v in values[len(header) :]):
                row["__extra__"] = "1"
            yield number, row
        return
    text = decode(data)
    if text is None:
        raise MappingError("Suite-export is geen UTF-8-tekst.")
    for item in rows(text):
        yield item if isinstance(item, BadLine) else (item[0], dict(item[1]))


def read_mapped(file: SourceFile, pseudo: Pseudonymiser) -> Iterator[Unit | Rejection]:
    """One Unit (``voorziening``) per valid row; one Rejection per bad row, in Dutch."""
    mapping = find_mapping(file.data)
    if mapping is None:
        near = near_mapping(file.data)
        if near is None:
            message = "Geen koppelbestand past bij de kopregel van deze suite-export."
        else:
            header = set(_header(file.data))
            names = [c for c in near.kolommen.model_dump().values() if c]
            missing = ", ".join(c for c in names if c.lower() not in header)
            message = (
                f"Suite-export past bij koppelbestand {near.naam} maar mist kolommen: {missing}."
            )
        yield Rejection("regel 1 (kopregel)", "koppeling", message)
        return
    try:
        for item in _table_rows(file.data):
            if isinstance(item, BadLine):
                yield Rejection(
                    f"regel {item.line}",
                    "koppeling",
                    f"Regel afgekeurd ({mapping.naam}): {item.reason}.",
                    afzender=mapping.gemeentecode,
                )
                continue
            line, row = item
            try:
                if "__extra__" in row:
                    raise _RowError("de regel heeft meer velden dan de kopregel")
                yield _unit(mapping, row, line, pseudo)
            except _RowError as exc:
                yield Rejection(
                    f"regel {line}",
                    "koppeling",
                    scrub(f"Regel afgekeurd ({mapping.naam}): {exc}."),
                    afzender=_known_gm(_text(row, mapping.kolommen.gemeentecode))
                    or mapping.gemeentecode,
                )
    except MappingError as exc:
        yield Rejection("bestand", "onleesbaar", str(exc))


__all__ = [
    "Mapping",
    "MappingError",
    "find_mapping",
    "is_mapped",
    "load_mappings",
    "near_mapping",
    "read_mapped",
]
