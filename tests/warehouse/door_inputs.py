"""Hostile inputs for the door tests (issue 11): messages, extracts and archives built from the
official examples, so each test changes exactly one thing."""

from __future__ import annotations

import zipfile
from pathlib import Path

from stuurdata.warehouse.load import LoadResult

from helpers import BERICHTEN, test_bsns

BRP_HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden"
)


def message(name: str, replace: dict[str, str] | None = None) -> bytes:
    """An official example message with text replaced (each replacement must apply)."""
    folder = "iwmo" if name.startswith("WMO") else "ijw"
    text = (BERICHTEN / folder / name).read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode()


def brp_line(bsn: str, *, born: str = "1950-01-05", van: str = "1990-01-01", n: int = 1) -> str:
    return f"{bsn};{born};V;GM9901;WK990101;BU99010101;9901AA;{n};H{n};{van};;"


def brp_extract(rows: int) -> tuple[list[str], str]:
    """(BSNs, text) of a valid BRP extract with ``rows`` people."""
    bsns = test_bsns(rows)
    lines = [BRP_HEADER, *(brp_line(b, n=i) for i, b in enumerate(bsns, 1))]
    return bsns, "\n".join(lines) + "\n"


def write_zip(path: Path, members: list[tuple[str, bytes]], **kwargs: object) -> Path:
    with zipfile.ZipFile(path, "w", **kwargs) as zf:  # type: ignore[arg-type]
        for name, data in members:
            zf.writestr(name, data)
    return path


def accounting_holds(result: LoadResult) -> bool:
    return all(f.gelezen == f.geladen + f.gequarantaineerd + f.dubbel for f in result.bestanden)
