"""What the report knows about indicators: which law, what kind of figure, how to show it.

The indicator registry owns names and definitions; this module only adds presentation:
the law an id belongs to (its suffix), the kind of number (count, rate, days, euro) and a
Dutch fallback name for an id that has no definition yet. An id that is not in the frame is
simply not shown: nothing here invents figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stuurdata.report.format import SUPPRESSED, fmt_euro, fmt_number, is_missing

WETTEN: dict[str, str] = {"wmo": "Wmo 2015", "jeugd": "Jeugdwet"}

FALLBACK_NAMES: dict[str, str] = {
    "clienten": "Cliënten",
    "clienten_per_1000": "Cliënten per 1.000 inwoners",
    "clienten_per_categorie": "Cliënten per productcategorie",
    "instroom": "Instroom",
    "uitstroom": "Uitstroom",
    "actieve_toewijzingen": "Actieve toewijzingen",
    "wachttijd_verzoek_toewijzing_mediaan": "Dagen van verzoek aanbieder tot toewijzing (mediaan)",
    "wachttijd_verzoek_toewijzing_p90": (
        "Dagen van verzoek aanbieder tot toewijzing (90e percentiel)"
    ),
    "wachttijd_toewijzing_start_mediaan": "Wachttijd toewijzing tot start zorg (mediaan)",
    "wachttijd_toewijzing_start_p90": "Wachttijd toewijzing tot start zorg (90e percentiel)",
    "kosten": "Kosten",
    "kosten_per_client": "Kosten per cliënt",
}

NO_DEFINITION = "Voor deze indicator is nog geen definitie vastgelegd."


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    """Name, definition and presentation of one indicator id."""

    id: str
    wet: str | None
    basis: str
    naam: str
    definitie: str
    eenheid: str
    versie: int | None
    referentie: str | None
    soort: str  # aantal | ratio | dagen | euro | procent
    factor: float = 1.0  # 0.01 when the registry states amounts in cents

    @property
    def kaart_eenheid(self) -> str:
        """Unit printed small after a headline figure ('dagen', 'per 1.000 inwoners')."""
        return {"dagen": "dagen", "procent": "%"}.get(self.soort, "")

    @property
    def eenheid_tekst(self) -> str:
        """Short unit shown after a number or in a column header."""
        return {"dagen": "dagen", "ratio": "per 1.000 inwoners", "procent": "%"}.get(self.soort, "")


def split_id(indicator: str) -> tuple[str, str | None]:
    """``'instroom_wmo' -> ('instroom', 'wmo')``; an id without a law suffix has law None."""
    for wet in WETTEN:
        if indicator.endswith("_" + wet):
            return indicator[: -len(wet) - 1], wet
    return indicator, None


def _get(obj: Any, name: str) -> Any:
    """Read a field from a definition that is either a mapping or an object."""
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def _kind(basis: str, eenheid: str) -> str:
    unit = eenheid.lower()
    if "euro" in unit or "€" in unit or "cent" in unit or basis.startswith("kosten"):
        return "euro"
    if "dag" in unit or basis.startswith("wachttijd"):
        return "dagen"
    if "1.000" in unit or "1000" in unit or "per_1000" in basis:
        return "ratio"
    if "procent" in unit or "%" in unit or basis.startswith("aandeel"):
        return "procent"
    return "aantal"


def describe(indicator: str, definitions: Mapping[str, Any]) -> IndicatorInfo:
    """Everything the report shows about an indicator besides its values."""
    basis, wet = split_id(indicator)
    found = definitions.get(indicator)
    naam = str(_get(found, "naam") or FALLBACK_NAMES.get(basis) or indicator)
    definitie = str(_get(found, "definitie") or NO_DEFINITION).strip()
    eenheid = str(_get(found, "eenheid") or "")
    versie = _get(found, "versie")
    referentie = _get(found, "referentie")
    return IndicatorInfo(
        id=indicator,
        wet=wet,
        basis=basis,
        naam=naam,
        definitie=definitie,
        eenheid=eenheid,
        versie=int(versie) if versie is not None else None,
        referentie=str(referentie) if referentie else None,
        soort=_kind(basis, eenheid),
        factor=0.01 if "cent" in eenheid.lower() else 1.0,
    )


def format_value(
    value: float | int | None, status: str | None, soort: str, unit: bool = False
) -> str:
    """One figure as a reader sees it: '.' when suppressed, '–' when absent, Dutch digits."""
    if status == "onderdrukt":
        return SUPPRESSED
    if is_missing(value):
        return fmt_number(None)
    assert value is not None
    if soort == "euro":
        return fmt_euro(value)
    if soort == "ratio":
        return fmt_number(value, 1)
    if soort == "procent":
        return fmt_number(value, 1) + (" %" if unit else "")
    if soort == "dagen":
        decimals = 0 if float(value).is_integer() else 1
        return fmt_number(value, decimals) + (" dagen" if unit else "")
    return fmt_number(value, 0)
