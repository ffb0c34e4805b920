"""Terminal tables never cut a figure, whatever the terminal width."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from stuurdata.cli_tabel import print_table


def _table() -> Table:
    table = Table(title="Jaarprognose 2026")
    for column in ("Wet", "Categorie", "Gerealiseerd", "80%-interval", "Begroting", "Verschil"):
        table.add_column(column)
    table.add_row(
        "wmo", "totaal", "€ 17.412.345", "€ 23.100.000 – € 24.050.000", "€ 23.000.000", "€ 575.803"
    )
    return table


def _render(width: int) -> str:
    out = io.StringIO()
    print_table(Console(file=out, width=width, no_color=True), _table())
    return out.getvalue()


def test_a_wide_table_is_stacked_at_80_columns_with_every_amount_whole():
    text = _render(80)
    assert "…" not in text
    for amount in ("€ 17.412.345", "€ 23.100.000 – € 24.050.000", "€ 575.803"):
        assert amount in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_a_table_that_fits_stays_a_grid():
    text = _render(200)
    assert "┃ Wet" in text and "€ 575.803" in text
