"""The period calendar: one row per month, quarter and year that the data covers.

Indicators are computed for all periods at once by joining facts with this small table, so
the database does the work in one pass instead of Python looping over periods. Periods are
half-open date ranges ``[begin, eind)``; ``laatste_dag`` is the last day inside the period
(the reference day for stock figures such as the number of inhabitants).

Labels: ``2026-02`` (maand), ``2026-K1`` (kwartaal), ``2026`` (jaar).
"""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa

PERIODESOORTEN: tuple[str, ...] = ("maand", "kwartaal", "jaar")


def _add_months(day: date, months: int) -> date:
    """First day of the month ``months`` after the month of ``day``."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def period_start(soort: str, day: date) -> date:
    """First day of the period of kind ``soort`` that contains ``day``."""
    if soort == "maand":
        return date(day.year, day.month, 1)
    if soort == "kwartaal":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if soort == "jaar":
        return date(day.year, 1, 1)
    raise ValueError(f"Onbekende periodesoort: {soort}")


def period_end(soort: str, begin: date) -> date:
    """First day after the period that starts on ``begin`` (exclusive end)."""
    step = {"maand": 1, "kwartaal": 3, "jaar": 12}[soort]
    return _add_months(begin, step)


def period_label(soort: str, begin: date) -> str:
    """The published label of a period: ``2026-02``, ``2026-K1`` or ``2026``."""
    if soort == "maand":
        return f"{begin.year}-{begin.month:02d}"
    if soort == "kwartaal":
        return f"{begin.year}-K{(begin.month - 1) // 3 + 1}"
    return str(begin.year)


def calendar_rows(first: date, last: date) -> list[dict[str, object]]:
    """Every month, quarter and year that overlaps ``[first, last]`` (both inclusive)."""
    if last < first:
        raise ValueError("Het einde van de periode ligt voor het begin.")
    rows: list[dict[str, object]] = []
    for soort in PERIODESOORTEN:
        begin = period_start(soort, first)
        while begin <= last:
            eind = period_end(soort, begin)
            laatste = eind - timedelta(days=1)
            rows.append(
                {
                    "periodesoort": soort,
                    "periode": period_label(soort, begin),
                    "begin": begin,
                    "eind": eind,
                    "laatste_dag": laatste,
                }
            )
            begin = eind
    return rows


CALENDAR_SCHEMA = pa.schema(
    [
        ("periodesoort", pa.string()),
        ("periode", pa.string()),
        ("begin", pa.date32()),
        ("eind", pa.date32()),
        ("laatste_dag", pa.date32()),
    ]
)


def calendar_table(first: date, last: date) -> pa.Table:
    """The calendar as an Arrow table (typed dates, so every engine reads it the same)."""
    return pa.Table.from_pylist(calendar_rows(first, last), schema=CALENDAR_SCHEMA)
