"""Dutch number, money and period formatting for everything a reader sees.

Kept apart from the templates so that every figure is formatted by one tested function:
a council member must never see "1,234.5" in one place and "1.234,5" in another.
"""

from __future__ import annotations

import math
from datetime import date, datetime

SUPPRESSED = "."
"""Shown for a value that disclosure control withheld (CBS convention)."""

MISSING = "–"
"""Shown where there is no figure at all (not computed for this area or period)."""

MAANDEN = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

MAANDEN_KORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


VOORLOPIG = (
    "* Voorlopig: over periodes met een sterretje komen nog declaraties binnen, dus deze "
    "bedragen worden nog hoger. Vergelijk ze niet met eerdere, complete periodes."
)
NOG_VERWACHT = "Nog verwacht (schatting)"
"""The series and column of the claims still expected for a period (report and dashboard)."""
NOG_UITLEG = (
    "Het oranje deel van een staaf is een schatting van wat aanbieders nog gaan declareren. "
    "De schatting gaat uit van de zorg die loopt en van hoe laat elke aanbieder meestal "
    "declareert."
)


def _group(digits: str) -> str:
    """Insert a dot every three digits from the right."""
    parts = []
    while len(digits) > 3:
        parts.append(digits[-3:])
        digits = digits[:-3]
    parts.append(digits)
    return ".".join(reversed(parts))


def is_missing(value: float | int | None) -> bool:
    """True for None and NaN (pandas gives NaN for an absent float)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: float | int | None, decimals: int = 0) -> str:
    """``1234.5 -> '1.234,5'`` with a fixed number of decimals; missing -> '–'."""
    if is_missing(value):
        return MISSING
    text = f"{abs(float(value)):.{decimals}f}"  # type: ignore[arg-type]
    whole, _, frac = text.partition(".")
    sign = "-" if float(value) < 0 and float(text) != 0 else ""  # type: ignore[arg-type]
    return sign + _group(whole) + ("," + frac if frac else "")


def fmt_euro(value: float | int | None, decimals: int = 0) -> str:
    """``1234567 -> '€ 1.234.567'`` with a no-break space, so the sign never wraps alone.

    A negative amount keeps its sign after the euro sign (``'€ -250'``).
    """
    if is_missing(value):
        return MISSING
    return "€\u00a0" + fmt_number(value, decimals)


def parse_period(periode: str) -> tuple[date, date]:
    """First day and first day after a period: '2026-02', '2026-K1' or '2026'."""
    periode = periode.strip()
    if "-K" in periode:
        year, quarter = periode.split("-K")
        start = date(int(year), 3 * (int(quarter) - 1) + 1, 1)
        months = 3
    elif "-" in periode:
        year, month = periode.split("-")
        start = date(int(year), int(month), 1)
        months = 1
    else:
        start = date(int(periode), 1, 1)
        months = 12
    total = start.month - 1 + months
    end = date(start.year + total // 12, total % 12 + 1, 1)
    return start, end


def period_label(periode: str, short: bool = False) -> str:
    """'2026-02' -> 'februari 2026' ('feb 2026' short); '2026-K1' -> '1e kwartaal 2026'.

    A year reads 'jaar 2025' (short: '2025'), so every period states its type.
    """
    periode = periode.strip()
    if "-K" in periode:
        year, quarter = periode.split("-K")
        return f"K{quarter} {year}" if short else f"{quarter}e kwartaal {year}"
    if "-" in periode:
        year, month = periode.split("-")
        name = MAANDEN[int(month) - 1]
        return f"{MAANDEN_KORT[int(month) - 1]} {year}" if short else f"{name} {year}"
    return periode if short else f"jaar {periode}"


def fmt_date(value: date | datetime | None) -> str:
    """'3 februari 2026'; with a time for a timestamp ('3 februari 2026 om 14:05')."""
    if value is None:
        return MISSING
    text = f"{value.day} {MAANDEN[value.month - 1]} {value.year}"
    if isinstance(value, datetime):
        text += f" om {value:%H:%M}"
    return text


def period_span(start: date, end_exclusive: date) -> str:
    """'januari 2025 t/m maart 2026' for the months a report covers."""
    last_month = end_exclusive.month - 1 or 12
    last_year = end_exclusive.year if end_exclusive.month > 1 else end_exclusive.year - 1
    first = f"{MAANDEN[start.month - 1]} {start.year}"
    last = f"{MAANDEN[last_month - 1]} {last_year}"
    return first if first == last else f"{first} t/m {last}"
