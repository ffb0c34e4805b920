"""Generate the reference docs that must never drift from the code.

- docs/cli.md from the CLI's own ``--help`` texts;
- docs/indicatoren.md from the indicator definitions (YAML).

``python tools/gendocs.py`` rewrites both; ``tests/test_docs.py`` fails when they are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.indicators import load_definitions

ROOT = Path(__file__).resolve().parents[1]


COMMANDS = ("demo", "synth", "inlezen", "indicatoren", "publiceer", "rapport")
_ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env=_ENV, prog_name="stuurdata")
    assert result.exit_code == 0, result.output
    return "\n".join(line.rstrip() for line in result.output.splitlines()).strip()


def cli_reference() -> str:
    """Markdown with the help text of the CLI and of every command, as users see it."""
    parts = [
        "# Commando's (`stuurdata`)\n",
        "Gegenereerd uit `stuurdata --help` door `tools/gendocs.py`; niet met de hand bewerken.\n",
        "```\n" + _help() + "\n```\n",
    ]
    for name in COMMANDS:
        parts.append(f"## stuurdata {name}\n\n```\n{_help(name)}\n```\n")
    return "\n".join(parts)


def indicator_reference() -> str:
    """Markdown with every indicator's definition, as shown beside each figure."""
    lines = [
        "# Indicatoren\n",
        "Gegenereerd uit `src/stuurdata/indicators/definitions/*.yaml` door `tools/gendocs.py`.\n",
    ]
    for d in sorted(load_definitions().values(), key=lambda d: d.id):
        lines.append(f"## {d.naam} (`{d.id}`, versie {d.versie})\n")
        lines.append(f"{d.definitie.strip()}\n")
        lines.append(f"- Wet: {d.wet}; eenheid: {d.eenheid}; soort: {d.soort}")
        lines.append(f"- Niveaus: {', '.join(d.niveaus)}; perioden: {', '.join(d.periodes)}")
        if getattr(d, "referentie", None):
            lines.append(f"- Officiële definitie: {d.referentie}")
        lines.append("")
    return "\n".join(lines)


DOCS = {"docs/cli.md": cli_reference, "docs/indicatoren.md": indicator_reference}


def main() -> int:
    for rel, make in DOCS.items():
        (ROOT / rel).write_text(make(), encoding="utf-8")
        print(f"geschreven: {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
