"""Working days (werkdagen) with Dutch public holidays, as a DuckDB table.

The norms of the iStandaarden count working days: Monday to Friday, minus the national
public holidays. Holidays come from the maintained ``holidays`` library (Easter-based
dates, King's Day moving off Sunday, Liberation Day only in lustrum years), never from a
hand-written list. The table ``kw_werkdag`` numbers every calendar day with the count of
working days up to and including it, so "working days from a to b" is one subtraction in
SQL and the measures stay set-based.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import holidays
import pandas as pd

TABLE = "kw_werkdag"


def holidays_nl(first: int, last: int) -> set[date]:
    """Dutch public holidays in the years ``first`` to ``last`` (inclusive)."""
    return set(holidays.country_holidays("NL", years=range(first, last + 1)))


def calendar(first: date, last: date) -> pd.DataFrame:
    """One row per day: ``dag``, ``werkdag`` (bool) and ``nr`` (working days up to it)."""
    days = pd.date_range(first, last, freq="D")
    free = holidays_nl(first.year, last.year)
    werkdag = (days.day_of_week < 5) & ~days.normalize().isin(pd.to_datetime(sorted(free)))
    return pd.DataFrame(
        {"dag": days.date, "werkdag": werkdag, "nr": werkdag.astype("int64").cumsum()}
    )


def create_calendar(con: duckdb.DuckDBPyConnection, first: date, last: date) -> None:
    """(Re)create the TEMP table ``kw_werkdag`` covering ``first`` to ``last`` with margin."""
    frame = calendar(first - timedelta(days=400), last + timedelta(days=400))
    con.register("kw_werkdag_df", frame)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {TABLE} AS "
            "SELECT CAST(dag AS DATE) AS dag, werkdag, nr FROM kw_werkdag_df"
        )
    finally:
        con.unregister("kw_werkdag_df")


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when earlier)."""
    cal = calendar(min(start, end), max(start, end))
    nr = dict(zip(cal["dag"], cal["nr"], strict=True))
    return int(nr[end] - nr[start])
