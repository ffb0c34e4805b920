"""A generated municipality loaded into a real warehouse, with its suite exports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.synth import generate
from stuurdata.warehouse.load import load_sources

TOT = date(2025, 12, 1)
KEY = b"analysis-key-" * 3


def load_town(root: Path, pakhuis: Path, pseudo: Pseudonymiser) -> None:
    """Load everything in ``root/bronnen``, suite exports included."""
    load_sources([root / "bronnen"], pakhuis, pseudo, doel="test", workers=1)


@pytest.fixture(scope="session")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """Demostad (GM9901, 3,000 inhabitants, 12 months): (map, warehouse, suite truth)."""
    root = tmp_path_factory.mktemp("suite_town")
    generate(root, inwoners=3000, maanden=12, zaad=11, tot=TOT)
    pakhuis = root / "pakhuis.duckdb"
    load_town(root, pakhuis, Pseudonymiser(KEY))
    truth = json.loads((root / "waarheid" / "suite.json").read_text(encoding="utf-8"))
    return root, pakhuis, truth


@pytest.fixture
def con(town) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the loaded town."""
    connection = duckdb.connect(str(town[1]), read_only=True)
    yield connection
    connection.close()
