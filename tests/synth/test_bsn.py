"""Synthetic BSNs: valid, unique, and in a range no real person has."""

from __future__ import annotations

import numpy as np

from stuurdata.privacy.bsn import is_valid_bsn
from stuurdata.synth.bsn import bsn_prefix, draw_bsns


def test_small_sets_use_the_official_test_range() -> None:
    bsns = draw_bsns(np.random.default_rng(1), 5000)
    assert len(set(bsns)) == 5000
    assert all(b.startswith("9999") and is_valid_bsn(b) for b in bsns)


def test_larger_sets_fall_back_to_a_shorter_prefix_of_nines() -> None:
    assert bsn_prefix(8000) == "9999"
    assert bsn_prefix(60_000) == "999"
    assert bsn_prefix(500_000) == "99"
    bsns = draw_bsns(np.random.default_rng(2), 20_000)
    assert len(set(bsns)) == 20_000
    assert all(b.startswith("999") and is_valid_bsn(b) for b in bsns[:3000])
