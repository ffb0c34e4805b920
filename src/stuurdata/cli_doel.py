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

from stuurdata.privacy.governance import DoelGeweigerd, Verwerking, verwerking

DoelOptie = Annotated[
    str | None,
    typer.Option(
        "--doel",
        help="Het geregistreerde doel waaronder deze verwerking valt (zie 'stuurdata doel').",
        envvar="STUURDATA_DOEL",
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
) -> Iterator[Verwerking]:
    """Run the body as a processing under ``doel``; a refusal ends the command (exit 1)."""
    try:
        with verwerking(
            pakhuis,
            doel=doel,
            activiteit=activiteit,
            bronnen=bronnen,
            niveau=niveau,
            persoonsniveau=persoonsniveau,
        ) as running:
            yield running
    except DoelGeweigerd as exc:
        _err.print(f"[bold red]Geweigerd:[/] {exc}")
        raise typer.Exit(code=1) from None


def doelgebonden(
    activiteit: str, *, bronnen: Sequence[str] = (), niveau: str = "gemeente"
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator for commands with ``pakhuis`` and ``doel`` options: run under the purpose."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            pakhuis = Path(kwargs["pakhuis"])  # type: ignore[arg-type]
            doel = kwargs.get("doel")
            with onder_doel(pakhuis, doel, activiteit, bronnen=bronnen, niveau=niveau):  # type: ignore[arg-type]
                return func(*args, **kwargs)

        return wrapper

    return decorate
