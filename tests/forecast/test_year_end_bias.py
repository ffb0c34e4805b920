"""The year-end projection is unbiased and honest about its uncertainty, over several towns.

Five generated municipalities (fixed seeds and sizes) whose generator knows every claim that
is still to come. The test asserts what the model card publishes: the late claims still
expected ("nog verwacht") are right on average within 3%, and the 80% intervals are neither
too narrow nor too wide (the mean absolute z-score of a calibrated normal forecast is 0.80).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from stuurdata.forecast import year_end
from stuurdata.forecast.models import Z80
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.synth import generate
from stuurdata.warehouse.load import load_sources

pytestmark = pytest.mark.slow

TOWNS = ((21, 6000), (22, 8000), (23, 10000), (24, 7000), (25, 9000))


def _outcomes(root: Path, seed: int, inwoners: int) -> list[tuple[float, float]]:
    """(relative error of nog_verwacht, z-score) per law for one generated town."""
    folder = root / f"gemeente-{seed}"
    generate(folder / "synth", inwoners=inwoners, maanden=24, zaad=seed, tot=date(2026, 10, 1))
    load_sources([folder / "synth" / "bronnen"], folder / "p.duckdb", Pseudonymiser(b"k" * 32))
    with duckdb.connect(str(folder / "p.duckdb"), read_only=True) as con:
        frame = year_end(con)
    truth = pd.DataFrame(
        json.loads((folder / "synth" / "waarheid" / "waarheid.json").read_text())["totalen"][
            "declaratie_compleet"
        ]
    )
    truth = truth[truth["maand"].str.startswith("2026")]
    out = []
    for wet in ("wmo", "jeugd"):
        row = frame[(frame["wet"] == wet) & (frame["productcategorie"] == "")].iloc[0]
        part = truth[truth["wet"] == wet]
        still = float((part["bedrag_cent"] - part["ontvangen_cent"]).sum()) / 100
        out.append((row["nog_verwacht"] / still - 1, (still - row["nog_verwacht"]) / row["se_nog"]))
    return out


def test_late_claims_are_unbiased_and_intervals_calibrated(tmp_path: Path):
    results = [o for seed, n in TOWNS for o in _outcomes(tmp_path, seed, n)]
    errors = np.array([e for e, _ in results])
    z = np.abs([z for _, z in results])
    assert abs(errors.mean()) < 0.03, errors
    assert np.abs(errors).max() < 0.15, errors  # no town far off
    # Calibrated: mean |z| of a normal forecast is 0.80, and about 80% within ±1.28.
    assert 0.5 < z.mean() < 1.1, z
    assert 0.6 <= (z < Z80).mean() <= 1.0, z
