"""Read access to the published indicator frame, shaped for the report's questions.

The frame is the contract with the indicator computation: long format, already
disclosure-controlled. This module normalises it once (types, newest definition version,
missing optional columns) and answers "the value here and then" and "the series here".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from stuurdata.report.format import parse_period

SOORT_VOORKEUR = ("kwartaal", "maand", "jaar")
"""Order in which a report picks the period type for its headline figures."""


@dataclass(frozen=True, slots=True)
class Value:
    """One published figure; ``waarde`` is None when suppressed or not computable."""

    periode: str
    waarde: float | None
    status: str
    teller: float | None = None  # the (protected) count behind the figure, when published


def period_key(periode: str) -> tuple[int, int, int]:
    """Sort key: by start date, longer periods first when they start on the same day."""
    start, end = parse_period(periode)
    return (start.toordinal(), -(end.toordinal()), 0)


class Published:
    """The published frame, indexed by indicator for quick lookups."""

    def __init__(self, published: pd.DataFrame) -> None:
        df = published.copy()
        defaults: dict[str, object] = {
            "versie": 0,
            "niveau": "gemeente",
            "periodesoort": "jaar",
            "categorie": "",
            "status": "ok",
            "waarde": math.nan,
        }
        for column, default in defaults.items():
            if column not in df.columns:
                df[column] = default
        for column in ("indicator", "niveau", "gebiedscode", "periodesoort", "periode"):
            df[column] = df[column].astype(str).str.strip()
        df["categorie"] = df["categorie"].fillna("").astype(str).str.strip()
        df["status"] = df["status"].fillna("ok").astype(str)
        df["waarde"] = pd.to_numeric(df["waarde"], errors="coerce")
        df["versie"] = pd.to_numeric(df["versie"], errors="coerce").fillna(0)
        if not df.empty:
            newest = df.groupby("indicator")["versie"].transform("max")
            df = df[df["versie"] == newest]
        self.df = df
        # Plain dicts: the report asks a few thousand small questions, and boolean-mask
        # lookups on the frame would make a report take seconds instead of milliseconds.
        self._values: dict[tuple[str, str, str, str, str], Value] = {}
        self._periods: dict[tuple[str, str, str, str], set[str]] = {}
        self._codes: dict[tuple[str, str, str, str], set[str]] = {}
        self._categories: dict[tuple[str, str, str, str], list[str]] = {}
        self._indicators: dict[str, None] = {}
        columns = ["indicator", "niveau", "gebiedscode", "periodesoort", "periode"]
        columns += ["categorie", "waarde", "status"]
        tellers = df["teller"] if "teller" in df.columns else pd.Series(math.nan, index=df.index)
        # Whole columns to Python lists first: iterating Arrow-backed columns value by value
        # cost more than building the dicts.
        rows = zip(*(df[c].tolist() for c in columns), tellers.tolist(), strict=True)
        for ind, niveau, code, soort, periode, cat, waarde, status, teller in rows:
            self._indicators.setdefault(ind, None)
            missing = status == "onderdrukt" or pd.isna(waarde)
            count = None if missing or pd.isna(teller) else float(teller)
            value = Value(periode, None if missing else float(waarde), str(status), count)
            self._values.setdefault((ind, code, soort, periode, cat), value)
            if cat == "":
                self._periods.setdefault((ind, code, soort, ""), set()).add(periode)
                self._codes.setdefault((ind, niveau, soort, periode), set()).add(code)
            else:
                self._categories.setdefault((ind, code, soort, periode), []).append(cat)

    @property
    def indicators(self) -> list[str]:
        """Indicator ids present in the frame, in first-seen order."""
        return list(self._indicators)

    def has(self, indicator: str) -> bool:
        """True when the frame holds at least one row for this indicator."""
        return indicator in self._indicators

    def periods(self, indicator: str, gebied: str, soort: str) -> list[str]:
        """Periods with a (category-less) row for this indicator and area, oldest first."""
        found = self._periods.get((indicator, gebied, soort, ""), set())
        return sorted(found, key=period_key)

    def areas(self, indicator: str, niveau: str, soort: str, periode: str) -> set[str]:
        """Area codes at a level with a row for this indicator and period."""
        return set(self._codes.get((indicator, niveau, soort, periode), set()))

    def categories(self, indicator: str, gebied: str, soort: str, periode: str) -> list[str]:
        """Product categories with a row for this indicator, area and period, sorted."""
        return sorted(set(self._categories.get((indicator, gebied, soort, periode), [])))

    def value(
        self, indicator: str, gebied: str, soort: str, periode: str, categorie: str = ""
    ) -> Value | None:
        """The figure for one area, period and category, or None when there is no row."""
        return self._values.get((indicator, gebied, soort, periode, categorie))

    def municipality(self) -> str | None:
        """The municipality code of the gemeente-level rows (the most frequent one)."""
        codes = self.df.loc[self.df["niveau"] == "gemeente", "gebiedscode"]
        if codes.empty:
            return None
        return str(codes.value_counts().index[0])

    def span(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """First day of the data and first day after the newest period.

        The start comes from the months when there are any: a year or quarter begins before
        the data do (the data may start in November), a month does not.
        """
        periods = self.df["periode"].unique()
        if len(periods) == 0:
            return None
        bounds = [parse_period(str(p)) for p in periods]
        months = self.df.loc[self.df["periodesoort"] == "maand", "periode"].unique()
        starts = [parse_period(str(p))[0] for p in months] or [b[0] for b in bounds]
        return (pd.Timestamp(min(starts)), pd.Timestamp(max(b[1] for b in bounds)))
