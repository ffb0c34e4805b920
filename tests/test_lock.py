"""The lock is the install: pyproject's pins agree with it, and the environment matches it."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            pins[canonicalize_name(name)] = pinned.split(";", 1)[0].strip()
    return pins


def _direct() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs += extra
    return [Requirement(s) for s in specs]


def test_every_direct_dependency_is_locked_at_a_version_pyproject_allows():
    lock = _lock()
    for req in _direct():
        name = canonicalize_name(req.name)
        assert name in lock, f"{req.name} staat niet in requirements.lock: draai `make lock`"
        assert req.specifier.contains(lock[name], prereleases=True), (
            f"{req.name}: pyproject vraagt {req.specifier}, het slot heeft {lock[name]}; "
            "draai `make lock`"
        )


def test_installed_packages_are_the_locked_versions():
    wrong = []
    for name, pinned in _lock().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            wrong.append(f"{name}: niet geïnstalleerd")
            continue
        if installed != pinned:
            wrong.append(f"{name}: {installed} in plaats van {pinned}")
    assert not wrong, "installatie wijkt af van requirements.lock: " + "; ".join(wrong)
