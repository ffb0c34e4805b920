"""Helpers for tests: paths of the sample data, test BSNs, a scanner for BSN leaks."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from stuurdata.privacy.bsn import is_valid_bsn
from stuurdata.sources.files import safe_name
from stuurdata.warehouse.schema import STAGED

DATA = Path(__file__).parent / "data"
BERICHTEN = DATA / "berichten"


def test_bsns(count: int, start: int = 999_900_000) -> list[str]:
    """Elfproef-valid BSNs from the official test range (9999xxxxx)."""
    out: list[str] = []
    candidate = start
    while len(out) < count:
        candidate += 1
        if is_valid_bsn(str(candidate)):
            out.append(str(candidate))
    return out


test_bsns.__test__ = False  # type: ignore[attr-defined]

NINE_DIGITS = re.compile(rb"(?<!\d)\d{9}(?!\d)")
# A BSN written as text stands between separators; hex pseudonyms and hashes contain digit
# runs glued to letters, which are not numbers.
STANDALONE_NINE_DIGITS = re.compile(rb"(?<![0-9A-Za-z])\d{9}(?![0-9A-Za-z])")


# Nine digits, also in groups of three with dots or spaces, standing alone: what a scan for
# BSNs in stored text looks for. Hashes and pseudonyms (hex) have digit runs glued to letters.
_BSN_SHAPED_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{3}[ .]?\d{3}[ .]?\d{3}(?![0-9A-Za-z])")


def bsn_shaped(text: str) -> bool:
    """True when ``text`` holds a stand-alone BSN-shaped number (any script's digits)."""
    return _BSN_SHAPED_TEXT.search(text) is not None


def elfproef_numbers(data: bytes) -> set[str]:
    """Every elfproef-valid stand-alone 9-digit number in a byte string (a possible BSN)."""
    return {m.decode() for m in STANDALONE_NINE_DIGITS.findall(data) if is_valid_bsn(m.decode())}


def leaked(bsns: set[str], data: bytes) -> set[str]:
    """The given BSNs that occur anywhere in ``data`` (also glued to other characters)."""
    return {m.decode() for m in NINE_DIGITS.findall(data)} & bsns


def name_map(*roots: Path) -> dict[str, str]:
    """Stored (hash-based) name -> original file name, for every file below ``roots``.

    The warehouse never keeps input file names (``sources.files.safe_name``); tests that
    want to say which file they mean translate back with this.
    """
    out: dict[str, str] = {}
    for root in roots:
        for path in [root] if root.is_file() else sorted(root.rglob("*")):
            if path.is_file():
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
                out[safe_name(sha, path.name)] = path.name
    return out


def original(stored: str, names: dict[str, str]) -> str:
    """The original name of a stored name (the member's, for ``archive.zip!member``)."""
    return names.get(stored.rsplit("!", 1)[-1], stored)


def table_digest(pakhuis: Path) -> dict[str, str]:
    """A content hash per canonical table, order-independent."""
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        out = {}
        for table in STAGED:
            rows = con.execute(f"SELECT * EXCLUDE (lading_id) FROM {table}").fetchall()
            out[table] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
        return out
    finally:
        con.close()


def generate_towns(
    root: Path, towns: tuple[tuple[str, str, int, int], ...], *, maanden: int
) -> list[Path]:
    """Generate each (code, name, inhabitants, seed) town under ``root/code`` up to December
    2025 and return their ``bronnen`` folders, for a region loaded into one warehouse."""
    from stuurdata.synth import generate

    for code, naam, inwoners, zaad in towns:
        generate(
            root / code,
            inwoners=inwoners,
            maanden=maanden,
            zaad=zaad,
            gemeentecode=code,
            naam=naam,
            tot=date(2025, 12, 1),
        )
    return [root / code / "bronnen" for code, *_ in towns]


def published_squares(result: Any, rule: Any = None) -> Any:
    """The grid squares of a stacking result after the publication's one protection step."""
    import pandas as pd

    from stuurdata.privacy.disclosure import DisclosureRule, protect_with_totals
    from stuurdata.publication import integraal

    rows = pd.DataFrame(integraal.square_rows(result, "2025-01-01/2025-12-31"))
    if rows.empty:
        return integraal.published_squares(rows)
    protected = protect_with_totals(rows, rule or DisclosureRule(), integraal.SOORT)
    return integraal.published_squares(integraal.contract_rows(protected))
