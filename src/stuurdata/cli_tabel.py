"""Terminal tables that never cut a figure: a wide table becomes one block per row.

Rich shortens cells that do not fit ("€ 174.…"), which hides exactly the amounts a controller
came for. ``print_table`` prints the table as it is when it fits the terminal, and otherwise
prints every row as a block of "kolom: waarde" lines, which fits any width; a file export
(``--uit``) stays the way to get the full grid.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text


def print_table(console: Console, table: Table, *, uit_hint: str | None = None) -> None:
    """Print ``table`` whole: as a grid when it fits, else as one block per row."""
    needed = Measurement.get(console, console.options.update_width(10**6), table).maximum
    if needed <= console.width:
        console.print(table)
        return
    console.print(stacked(table))
    if uit_hint:
        console.print(f"De tabel is breder dan het venster; {uit_hint}")


def stacked(table: Table) -> Group:
    """The rows of ``table`` as blocks of "kolom: waarde" lines (nothing shortened)."""
    headers = [str(column.header) for column in table.columns]
    cells = [[str(cell) for cell in column.cells] for column in table.columns]
    width = max((len(h) for h in headers), default=0)
    parts: list[Text] = []
    if table.title:
        parts.append(Text(str(table.title), style="bold"))
    for row in zip(*cells, strict=True):
        block = Text()
        for header, value in zip(headers, row, strict=True):
            block.append(f"{header:<{width}}  ", style="bold")
            block.append(f"{value}\n")
        parts.append(block)
    return Group(*parts)
