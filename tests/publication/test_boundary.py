"""The publication is the one boundary: nothing outside it calls the disclosure functions.

Walks the source tree and reads every import (module level or inside a function) with
``ast``. Outside ``publication/`` and ``privacy/`` itself, no module may import
``protect``, ``protect_with_totals``, ``round_count`` or anything of ``privacy.secondary``;
``DisclosureRule`` (the rule's type) may be passed around. The modules that still protect
on their own are listed in ``REMAINING`` with who is moving them; an entry that no longer
imports fails too, so the list can only shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

import stuurdata

SRC = Path(stuurdata.__file__).parent
DISCLOSURE = "stuurdata.privacy.disclosure"
SECONDARY = "stuurdata.privacy.secondary"
FORBIDDEN = {"protect", "protect_with_totals", "round_count"}
INSIDE = ("publication/", "privacy/")
# Callers that remain, each on its way across the boundary (issue 12).
REMAINING: dict[str, str] = {}


def _protecting_imports(tree: ast.AST) -> list[str]:
    """The disclosure functions a module imports, wherever the import statement stands."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {a.name for a in node.names}
            if node.module == DISCLOSURE:
                found += sorted(names & FORBIDDEN | {n for n in names if n == "*"})
            elif node.module == SECONDARY:
                found += sorted(names)
            elif node.module == "stuurdata.privacy":
                found += sorted(names & {"disclosure", "secondary"})
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name in (DISCLOSURE, SECONDARY)]
    return found


def callers() -> dict[str, list[str]]:
    """Module (relative to the package) -> the disclosure functions it imports."""
    out: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name.startswith(INSIDE):
            continue
        found = _protecting_imports(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            out[name] = found
    return out


def test_only_the_publication_protects() -> None:
    found = callers()
    new = {name: names for name, names in found.items() if name not in REMAINING}
    assert not new, f"protects outside the publication (use publiceer): {new}"


def test_the_list_of_remaining_callers_is_current() -> None:
    found = callers()
    gone = sorted(set(REMAINING) - set(found))
    assert not gone, f"no longer protects, remove from REMAINING: {gone}"


def test_the_walk_finds_an_import_inside_a_function() -> None:
    source = (
        "def f():\n"
        "    from stuurdata.privacy.disclosure import DisclosureRule, protect\n"
        "    from stuurdata.privacy.secondary import secondary_mask\n"
        "    import stuurdata.privacy.disclosure\n"
    )
    assert _protecting_imports(ast.parse(source)) == [
        "protect",
        "secondary_mask",
        DISCLOSURE,
    ]
    allowed = "from stuurdata.privacy.disclosure import DisclosureRule\n"
    assert _protecting_imports(ast.parse(allowed)) == []
