"""A small generated region (two municipalities in one warehouse) for the exchange and
engine tests: small enough for Spark in CI, real enough to exercise every indicator.

``hold_back`` leaves the newest message month of one gemeente out of the first load, so a
test can load it afterwards as "a new month".
"""

from __future__ import annotations

from pathlib import Path

from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.warehouse.load import load_sources

from helpers import generate_towns

TOWNS = (("GM9901", "Demostad", 900, 1), ("GM9902", "Proefdorp", 600, 2))
KEY = Pseudonymiser(b"kleine-regio-" * 3)


def build(root: Path, *, hold_back: str | None = None) -> tuple[Path, list[Path]]:
    """Generate the towns under ``root`` and load them into ``root/regio.duckdb``.

    Returns the warehouse and the message folders held back (empty without ``hold_back``).
    """
    sources: list[Path] = []
    held: list[Path] = []
    for (code, *_), bronnen in zip(TOWNS, generate_towns(root, TOWNS, maanden=12), strict=True):
        if code != hold_back:
            sources.append(bronnen)
            continue
        newest = max(p.name for p in (bronnen / "berichten").glob("*/*") if p.is_dir())
        for folder in sorted((bronnen / "berichten").glob("*/*")):
            (held if folder.name == newest else sources).append(folder)
        sources += [p for p in bronnen.iterdir() if p.name != "berichten"]
    pakhuis = root / "regio.duckdb"
    result = load_sources(sources, pakhuis, KEY, doel="test")
    assert result.totaal("gequarantaineerd") == 0
    return pakhuis, held


def load_more(pakhuis: Path, folders: list[Path]) -> None:
    """Load the held-back folders (a new month arrives)."""
    result = load_sources(folders, pakhuis, KEY, doel="test")
    assert result.totaal("geladen") > 0
