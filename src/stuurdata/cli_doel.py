"""Purpose binding for every command: the shared ``--doel`` option and the wrapper.

Each command that touches the warehouse runs inside ``onder_doel``: the purpose is checked
before any data is read (a refusal is printed in Dutch and exits 1) and the audit log gets
one record afterwards (``privacy.governance.verwerking``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from stuurdata.config import default_pakhuis
from stuurdata.privacy.governance import DoelGeweigerd, Verwerking, verwerking

DoelOptie = Annotated[
    str | None,
    typer.Option(
        "--doel",
        help="Het geregistreerde doel waaronder deze verwerking valt (zie 'stuurdata doel').",
        envvar="STUURDATA_DOEL",
    ),
]
# The warehouse option of every command: the installation's warehouse when not given.
Pakhuis = Annotated[
    Path,
    typer.Option(
        "--pakhuis",
        help="Het pakhuis (DuckDB-bestand); standaard dat van de installatie (stuurdata init).",
        envvar="STUURDATA_PAKHUIS",
        default_factory=default_pakhuis,
        show_default="uit de installatie, anders stuurdata.duckdb",
    ),
]
_err = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def onder_doel(
    pakhuis: Path,
    doel: str | None,
    activiteit: str,
    *,
    bronnen: Sequence[str] = (),
    niveau: str = "gemeente",
    persoonsniveau: bool = False,
    taak: str = "standaard",
) -> Iterator[Verwerking]:
    """Run the body as a processing under ``doel``; a refusal ends the command (exit 1).

    ``taak`` picks the installation's default purpose when ``--doel`` is not given (e.g. the
    chain monitor runs under the installation's ``ketenmonitor`` purpose).
    """
    try:
        with verwerking(
            pakhuis,
            doel=doel,
            activiteit=activiteit,
            bronnen=bronnen,
            niveau=niveau,
            persoonsniveau=persoonsniveau,
            taak=taak,
        ) as running:
            yield running
    except DoelGeweigerd as exc:
        _err.print(f"[bold red]Geweigerd:[/] {escape(str(exc))}")
        if exc.hint:
            _err.print(escape(exc.hint), soft_wrap=True)
        raise typer.Exit(code=1) from None


def doelgebonden(
    activiteit: str,
    *,
    bronnen: Sequence[str] = (),
    niveau: str = "gemeente",
    taak: str = "standaard",
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator for commands with ``pakhuis`` and ``doel`` options: run under the purpose."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            pakhuis = Path(kwargs["pakhuis"])  # type: ignore[arg-type]
            doel = kwargs.get("doel")
            with onder_doel(pakhuis, doel, activiteit, bronnen=bronnen, niveau=niveau, taak=taak):  # type: ignore[arg-type]
                return func(*args, **kwargs)

        return wrapper

    return decorate
