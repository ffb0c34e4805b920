"""The period calendar: one row per month, quarter and year that the data covers.

Indicators are computed for all periods at once by joining facts with this small table, so
the database does the work in one pass instead of Python looping over periods. Periods are
half-open date ranges ``[begin, eind)``; ``laatste_dag`` is the last day inside the period
(the reference day for stock figures such as the number of inhabitants).

The edges of the data: a period is cut to the data coverage ``[first, last]``, so no fact
before the first or after the last day of the data is counted and the reference day is
never past the data. A cut period keeps its label and gets ``volledig = False``: its
figures describe only the part the data cover and are not comparable with a whole period.

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


class CoverageError(ValueError):
    """The data coverage is reversed: no period can be computed (message in Dutch)."""


def calendar_rows(first: date, last: date) -> list[dict[str, object]]:
    """Every month, quarter and year that overlaps ``[first, last]`` (both inclusive),
    cut to that span (``volledig`` says whether the whole period lies inside it)."""
    if last < first:
        raise CoverageError(
            f"De gegevens lopen van {first:%d-%m-%Y} tot {last:%d-%m-%Y}: het einde ligt "
            "voor het begin, dus er is geen periode om te berekenen."
        )
    end = last + timedelta(days=1)
    rows: list[dict[str, object]] = []
    for soort in PERIODESOORTEN:
        begin = period_start(soort, first)
        while begin <= last:
            eind = period_end(soort, begin)
            rows.append(
                {
                    "periodesoort": soort,
                    "periode": period_label(soort, begin),
                    "begin": max(begin, first),
                    "eind": min(eind, end),
                    "laatste_dag": min(eind, end) - timedelta(days=1),
                    "volledig": first <= begin and eind <= end,
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
        ("volledig", pa.bool_()),
    ]
)


def calendar_table(first: date, last: date) -> pa.Table:
    """The calendar as an Arrow table (typed dates, so every engine reads it the same)."""
    return pa.Table.from_pylist(calendar_rows(first, last), schema=CALENDAR_SCHEMA)
