"""How every command runs: private files, and a Dutch message instead of a traceback.

``GuardedGroup`` is the Typer group class of the main app (``typer.Typer(cls=GuardedGroup)``),
so it wraps every command and sub-command, also under Typer's test runner:

- the process umask is tightened first (``errors.private_files``), so the warehouse, its WAL
  file, its log, the management store and the audit anchor are created 0600;
- an error a user can fix (``errors.user_message``: a wrong or missing key, a locked or
  damaged warehouse, a damaged management store, a bad setting) is printed as one Dutch line
  and the command exits with code 1. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from stuurdata.errors import private_files, user_message

_err = Console(stderr=True)


class GuardedGroup(TyperGroup):
    """The main app's group: private files, Dutch messages, exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        private_files()
        try:
            return super().invoke(ctx)
        except Exception as exc:  # typer's Exit and Abort: no user_message, re-raised as is
            message = user_message(exc)
            if message is None:
                raise
            _err.print(f"[bold red]Fout:[/] {message}", highlight=False)
            raise typer.Exit(code=1) from None
