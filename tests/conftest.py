"""Shared fixtures: a pseudonymiser with a fixed key, the official example messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from stuurdata.privacy.pseudonym import Pseudonymiser

from helpers import BERICHTEN


@pytest.fixture
def pseudo() -> Pseudonymiser:
    return Pseudonymiser(b"test-key-" * 4)


@pytest.fixture
def berichten() -> Path:
    return BERICHTEN
