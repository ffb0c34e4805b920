"""Docs that cannot drift: the generated references equal what the code says now."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _gendocs():
    spec = importlib.util.spec_from_file_location("gendocs", ROOT / "tools" / "gendocs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_docs_are_current():
    gendocs = _gendocs()
    for rel, make in gendocs.DOCS.items():
        current = (ROOT / rel).read_text(encoding="utf-8")
        assert current == make(), f"{rel} is verouderd: draai `python tools/gendocs.py`"


def test_every_command_and_indicator_is_documented():
    gendocs = _gendocs()
    cli = gendocs.cli_reference()
    paths = gendocs.command_paths()
    # The walk reaches the sub-apps, not only the top-level commands.
    assert ("doel", "nieuw") in paths and ("prognose", "jaar") in paths and ("init",) in paths
    for path in paths:
        assert f"## stuurdata {' '.join(path)}\n" in cli, path
    from stuurdata.indicators import load_definitions

    text = gendocs.indicator_reference()
    for ident, definition in load_definitions().items():
        assert f"`{ident}`" in text
        assert definition.definitie.strip(), ident


def test_every_setting_is_documented():
    from stuurdata.config import Settings

    readme = (ROOT / "docs" / "configuratie.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"STUURDATA_{name.upper()}" in readme, name
