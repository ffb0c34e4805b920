"""The scope of a publication: which gemeente, up to when, which periods are complete.

Decided once, when the publication is made, and carried by it; every output reads these
answers from the publication instead of asking the warehouse again. Before this object the
question "which gemeente" was answered in four places in three ways, and "where does the
data end" in five.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from stuurdata.report.format import parse_period

# A period counts as complete when it ended at most this long after the newest message:
# the last days of a month are often quiet (no message on the 31st).
SLACK = timedelta(days=8)


class ScopeError(ValueError):
    """The scope cannot be decided as asked; the message is Dutch and names the choices."""


def gemeente_of(code: str) -> str | None:
    """The gemeente an area code lies in: ``BU99010101``/``WK990101``/``GM9901`` -> ``GM9901``."""
    if code[:2] in ("GM", "WK", "BU") and len(code) >= 6 and code[2:6].isdigit():
        return "GM" + code[2:6]
    return None


@dataclass(frozen=True)
class Scope:
    """One gemeente (or an explicit region) and the end of the data, decided once."""

    gemeenten: tuple[str, ...]
    eind: date | None  # the newest message's dagtekening: later periods are incomplete

    @property
    def gemeente(self) -> str:
        """The gemeente whose chapters the outputs show (the first of an explicit region)."""
        return self.gemeenten[0]

    @property
    def regio(self) -> bool:
        return len(self.gemeenten) > 1

    @property
    def code(self) -> str:
        """The code the outputs show totals under: the gemeente, or ``RG`` + the members'
        digits for an explicit region (``RG9901-9902``; no CBS area code starts with RG)."""
        if not self.regio:
            return self.gemeente
        return "RG" + "-".join(g[2:6] for g in self.gemeenten)

    def covers(self, code: str) -> bool:
        """True when an area code lies in the scope."""
        return gemeente_of(code) in self.gemeenten

    def complete(self, periode: str) -> bool:
        """True when the period ended (with a week's slack) before the data did."""
        if self.eind is None:
            return True
        return parse_period(periode)[1] <= self.eind + SLACK

    def label(self) -> str:
        """In Dutch, for titles: one gemeente or the region."""
        if self.regio:
            return f"regio van {len(self.gemeenten)} gemeenten ({', '.join(self.gemeenten)})"
        return f"gemeente {self.gemeente}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "gemeenten": list(self.gemeenten),
            "eind": self.eind.isoformat() if self.eind else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scope:
        eind = data.get("eind")
        return cls(tuple(data["gemeenten"]), date.fromisoformat(eind) if eind else None)


def decide_scope(
    in_data: Iterable[str],
    eind: date | None,
    gemeente: str | None = None,
    regio: Iterable[str] | None = None,
) -> Scope:
    """The scope for the gemeenten ``in_data``; refuses (Dutch) rather than guessing.

    Without ``gemeente`` or ``regio`` a warehouse with several gemeenten has no obvious
    answer, so the caller must choose: the message lists the gemeenten.
    """
    found = tuple(sorted({g for g in in_data if g}))
    if not found:
        raise ScopeError("Het pakhuis bevat nog geen cijfers per gemeente; lees eerst gegevens in.")
    keuze = ", ".join(found)
    if regio:
        chosen = tuple(dict.fromkeys(regio))
        missing = [g for g in chosen if g not in found]
        if missing:
            raise ScopeError(
                f"Gemeente(n) {', '.join(missing)} staan niet in het pakhuis (wel: {keuze})."
            )
        return Scope(chosen, eind)
    if gemeente is not None:
        if gemeente not in found:
            raise ScopeError(f"Gemeente {gemeente} staat niet in het pakhuis (wel: {keuze}).")
        return Scope((gemeente,), eind)
    if len(found) > 1:
        raise ScopeError(
            f"Het pakhuis bevat {len(found)} gemeenten ({keuze}). Kies er een met "
            "--gemeente, zodat geen cijfers van de ene gemeente onder de naam van de andere "
            "komen, of maak een regiorapport met --regio per gemeente."
        )
    return Scope(found, eind)
