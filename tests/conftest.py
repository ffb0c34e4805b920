"""Shared fixtures: a pseudonymiser with a fixed key, the official example messages."""

from __future__ import annotations

import os
from pathlib import Path

# Rich wraps output at the terminal width, which differs per machine and per temporary path:
# tests read unwrapped lines. Tests about narrow terminals set their own width.
os.environ["COLUMNS"] = "1000"

import pytest

from stuurdata.privacy.pseudonym import Pseudonymiser

from helpers import BERICHTEN


@pytest.fixture
def pseudo() -> Pseudonymiser:
    return Pseudonymiser(b"test-key-" * 4)


@pytest.fixture
def berichten() -> Path:
    return BERICHTEN
