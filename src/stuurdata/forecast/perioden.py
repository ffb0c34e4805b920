"""Periods of an aggregate series: years, half years and months, as CBS and suites write them.

Accepted (case and spaces do not matter):

- year: ``2022``, ``2022JJ00``;
- half year: ``2022HJ2``, ``2022HJ02``, ``2e halfjaar 2022``, ``2022-H2``;
- month: ``2022MM03``, ``2022-03``, ``2022-03-01`` (the first day of the month).

A period is kept as (kind, index): the index counts periods since year 0, so that the
next period is index + 1 and a gap is a jump of more than 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SOORTEN = ("jaar", "halfjaar", "maand")
PER_JAAR = {"jaar": 1, "halfjaar": 2, "maand": 12}
"""Periods per year: also the seasonal lag of "same period last year"."""

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("jaar", re.compile(r"^(\d{4})(?:jj00)?$")),
    ("halfjaar", re.compile(r"^(\d{4})(?:hj0?|-h)([12])$")),
    ("halfjaar", re.compile(r"^([12])e halfjaar (\d{4})$")),
    ("maand", re.compile(r"^(\d{4})(?:mm|-)(\d{2})(?:-01)?$")),
]


@dataclass(frozen=True, order=True, slots=True)
class Periode:
    """A year, half year or month; ``index`` counts periods of its kind since year 0."""

    soort: str
    index: int

    @property
    def jaar(self) -> int:
        return self.index // PER_JAAR[self.soort]

    @property
    def deel(self) -> int:
        """Half year (1-2) or month (1-12); 0 for a year."""
        return 0 if self.soort == "jaar" else self.index % PER_JAAR[self.soort] + 1

    def volgende(self, stappen: int = 1) -> Periode:
        return Periode(self.soort, self.index + stappen)

    def __str__(self) -> str:
        """CBS notation: ``2022``, ``2022HJ2``, ``2022MM03``."""
        if self.soort == "jaar":
            return str(self.jaar)
        if self.soort == "halfjaar":
            return f"{self.jaar}HJ{self.deel}"
        return f"{self.jaar}MM{self.deel:02d}"


def lees_periode(text: str) -> Periode:
    """Parse a period; ``ValueError`` with a Dutch message when it is not one we accept."""
    clean = " ".join(str(text).strip().lower().split())
    for soort, pattern in _PATTERNS:
        found = pattern.match(clean)
        if not found:
            continue
        a, *rest = found.groups()
        if soort == "jaar":
            return Periode("jaar", int(a))
        if soort == "halfjaar":
            year, half = (int(rest[0]), int(a)) if "halfjaar" in clean else (int(a), int(rest[0]))
            return Periode("halfjaar", year * 2 + half - 1)
        month = int(rest[0])
        if 1 <= month <= 12:
            return Periode("maand", int(a) * 12 + month - 1)
    raise ValueError(
        f"'{text}' is geen periode die stuurdata kent. Gebruik een jaar (2022), een halfjaar "
        "(2022HJ2 of 2e halfjaar 2022) of een maand (2022MM03 of 2022-03)."
    )
