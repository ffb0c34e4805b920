"""The purpose register (doelbinding): what a processing may do, and the check against it.

A purpose (doel) records the policy question, what one can do with the answer
(handelingsperspectief), the legal basis (AVG article 6(1) ground plus the specific law), the
controller, the sources it may use, the most detailed area level it may show, whether
person-level (pseudonymised) output is allowed, the retention period and who may act under
it. ``check`` compares a requested processing with the purpose and returns the reasons for
refusal in Dutch; an empty list means allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, select

from stuurdata.privacy.store import doel_table, engine_for

ACTIVITEITEN = ("inlezen", "berekenen", "rapport", "export", "bekijken")
# Coarse to fine: a purpose that allows "wijk" allows "gemeente" too, not "buurt".
NIVEAUS = ("gemeente", "wijk", "buurt")
# AVG article 6(1): the six grounds.
GRONDSLAGEN = {
    "a": "toestemming",
    "b": "uitvoering van een overeenkomst",
    "c": "wettelijke verplichting",
    "d": "vitaal belang",
    "e": "taak van algemeen belang of openbaar gezag",
    "f": "gerechtvaardigd belang",
}
# Canonical tables and the source kinds their rows come from: a purpose lists source kinds
# (what a municipality recognises), a computation names the tables it reads.
TABLE_SOURCES: dict[str, frozenset[str]] = {
    "bericht": frozenset({"istandaarden"}),
    "verzoek": frozenset({"istandaarden"}),
    "toewijzing": frozenset({"istandaarden"}),
    "levering": frozenset({"istandaarden"}),
    "declaratie": frozenset({"istandaarden"}),
    "verblijf": frozenset({"brp"}),
    "persoon": frozenset({"brp", "istandaarden"}),
    "gebied": frozenset({"gebieden"}),
    "grens": frozenset({"gebieden"}),
    "voorziening": frozenset({"suite"}),
    "cbs": frozenset({"cbs"}),
}
# The source kinds a purpose can name: what a municipality recognises as "where it came from".
ALLE_BRONNEN: tuple[str, ...] = ("istandaarden", "brp", "gebieden", "suite", "cbs")
BRON_UITLEG = {
    "istandaarden": "iWmo/iJw-berichten",
    "brp": "BRP-extract",
    "gebieden": "lijst van wijken en buurten, met hun grenzen",
    "suite": "exports uit de suite (Participatiewet, schuldhulp, minima)",
    "cbs": "open data van het CBS",
}
IEDEREEN = "*"


class DoelOngeldig(ValueError):
    """A purpose that cannot be registered as given; the message is Dutch."""


@dataclass(frozen=True)
class Doel:
    """One registered purpose."""

    naam: str
    vraag: str
    handelingsperspectief: str
    grondslag_avg: str
    grondslag_wet: str
    verwerkingsverantwoordelijke: str
    bronnen: tuple[str, ...]
    niveau: str = "wijk"
    persoonsniveau: bool = False
    bewaartermijn_maanden: int = 60
    betrokkenen: tuple[str, ...] = (IEDEREEN,)
    activiteiten: tuple[str, ...] = ACTIVITEITEN
    aangemaakt: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def __post_init__(self) -> None:
        problems = []
        if not self.naam.strip():
            problems.append("een doel heeft een naam nodig")
        if self.grondslag_avg not in GRONDSLAGEN:
            problems.append(
                f"grondslag {self.grondslag_avg!r} is geen AVG-grond; kies uit "
                + ", ".join(f"{k} ({v})" for k, v in GRONDSLAGEN.items())
            )
        if self.niveau not in NIVEAUS:
            problems.append(f"niveau {self.niveau!r} is onbekend; kies uit {', '.join(NIVEAUS)}")
        if self.bewaartermijn_maanden < 1:
            problems.append("de bewaartermijn moet minstens 1 maand zijn")
        unknown = set(self.activiteiten) - set(ACTIVITEITEN)
        if unknown:
            problems.append(f"onbekende activiteit(en): {', '.join(sorted(unknown))}")
        for label, value in (
            ("de beleidsvraag", self.vraag),
            ("het handelingsperspectief", self.handelingsperspectief),
            ("de wettelijke grondslag", self.grondslag_wet),
            ("de verwerkingsverantwoordelijke", self.verwerkingsverantwoordelijke),
        ):
            if not value.strip():
                problems.append(f"{label} ontbreekt")
        if not self.bronnen:
            problems.append("een doel noemt minstens één bron")
        unknown_sources = [b for b in self.bronnen if b not in ALLE_BRONNEN]
        if unknown_sources:
            problems.append(
                f"onbekende bron(nen): {', '.join(unknown_sources)}; kies uit "
                + ", ".join(ALLE_BRONNEN)
            )
        if problems:
            raise DoelOngeldig("; ".join(problems) + ".")

    @property
    def grondslag(self) -> str:
        """The legal basis in one Dutch line."""
        ground = GRONDSLAGEN[self.grondslag_avg]
        return f"AVG art. 6 lid 1 sub {self.grondslag_avg} ({ground}); {self.grondslag_wet}"

    @property
    def niveaus(self) -> tuple[str, ...]:
        """The area levels this purpose may show, coarse to fine."""
        return NIVEAUS[: NIVEAUS.index(self.niveau) + 1]

    def samenvatting(self) -> str:
        """What the purpose allows, in one Dutch sentence (used in refusals)."""
        persoon = "wel" if self.persoonsniveau else "geen"
        return (
            f"Doel '{self.naam}' staat toe: {', '.join(self.activiteiten)}; bronnen "
            f"{', '.join(self.bronnen)}; tot op {self.niveau}niveau; {persoon} uitvoer op "
            f"persoonsniveau; voor {_wie(self.betrokkenen)}."
        )


def save_doel(
    pakhuis: Path, doel: Doel, *, url: str | None = None, actor: str | None = None
) -> None:
    """Register a purpose, or replace the one with the same name, with its audit record.

    A purpose decides what every later processing may do (person-level output, sources,
    detail), so a change is itself a processing to account for: the new purpose and a
    ``doelwijziging`` record saying what changed are written in one store transaction.
    """
    from stuurdata.privacy import audit
    from stuurdata.privacy.governance import current_actor

    row = asdict(doel)
    for key in ("bronnen", "betrokkenen", "activiteiten"):
        row[key] = list(row[key])

    def write(conn: Connection) -> None:
        conn.execute(doel_table.delete().where(doel_table.c.naam == doel.naam))
        conn.execute(doel_table.insert().values(**row))

    audit.append(
        pakhuis,
        activiteit="doelwijziging",
        resultaat=audit.UITGEVOERD,
        actor=actor or current_actor(),
        doel=doel.naam,
        grondslag=doel.grondslag,
        bronnen=doel.bronnen,
        toelichting=describe_change(get_doel(pakhuis, doel.naam, url=url), doel),
        url=url,
        within=write,
    )


# Fields whose old and new values a change record shows; long texts are only named.
_SHOWN = (
    "grondslag_avg",
    "bronnen",
    "niveau",
    "persoonsniveau",
    "bewaartermijn_maanden",
    "betrokkenen",
    "activiteiten",
)


def describe_change(old: Doel | None, new: Doel) -> str:
    """What a save changes, in Dutch, for the audit record (no person data in a purpose)."""
    if old is None:
        return f"nieuw doel. {new.samenvatting()}"
    parts = []
    for name in (f for f in asdict(new) if f != "aangemaakt"):
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        if name in _SHOWN:
            parts.append(f"{name}: {_shown(before)} → {_shown(after)}")
        else:
            parts.append(f"{name} gewijzigd")
    return "gewijzigd: " + "; ".join(parts) if parts else "opnieuw vastgelegd, ongewijzigd"


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)


def get_doel(pakhuis: Path, naam: str, *, url: str | None = None) -> Doel | None:
    """The purpose with this name, or None."""
    engine = engine_for(pakhuis, url)
    with engine.connect() as conn:
        row = conn.execute(select(doel_table).where(doel_table.c.naam == naam)).mappings().first()
    return _from_row(row) if row else None


def list_doelen(pakhuis: Path, *, url: str | None = None) -> list[Doel]:
    """All registered purposes, by name."""
    engine = engine_for(pakhuis, url)
    with engine.connect() as conn:
        rows = conn.execute(select(doel_table).order_by(doel_table.c.naam)).mappings().all()
    return [_from_row(row) for row in rows]


def _from_row(row: object) -> Doel:
    data = dict(row)  # type: ignore[call-overload]
    for key in ("bronnen", "betrokkenen", "activiteiten"):
        data[key] = tuple(data[key])
    return Doel(**data)


def sources_of(bronnen: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each requested source or table -> the source kinds that may supply it."""
    return {b: TABLE_SOURCES.get(b, frozenset({b})) for b in bronnen}


def missing_sources(doel: Doel, bronnen: Sequence[str]) -> list[str]:
    """The source kinds (not tables) the purpose would need to add for ``bronnen``."""
    needed = {
        min(kinds, key=_bron_order)
        for kinds in sources_of(bronnen).values()
        if not kinds & set(doel.bronnen)
    }
    return sorted(needed, key=_bron_order)


def _bron_order(bron: str) -> int:
    return ALLE_BRONNEN.index(bron) if bron in ALLE_BRONNEN else len(ALLE_BRONNEN)


def check(
    doel: Doel,
    *,
    activiteit: str,
    bronnen: Sequence[str] = (),
    niveau: str = "gemeente",
    persoonsniveau: bool = False,
    actor: str,
    rol: str | None = None,
) -> list[str]:
    """The reasons (Dutch) why this processing falls outside the purpose; [] = allowed."""
    reasons: list[str] = []
    if activiteit not in doel.activiteiten:
        reasons.append(f"de activiteit '{activiteit}' valt niet onder dit doel")
    missing = missing_sources(doel, bronnen)
    if missing:
        reasons.append(f"de bron(nen) {', '.join(missing)} vallen buiten dit doel")
    if niveau not in NIVEAUS:
        reasons.append(f"onbekend niveau '{niveau}'")
    elif NIVEAUS.index(niveau) > NIVEAUS.index(doel.niveau):
        reasons.append(f"uitvoer op {niveau}niveau is gedetailleerder dan dit doel toestaat")
    if persoonsniveau and not doel.persoonsniveau:
        reasons.append("uitvoer op persoonsniveau is bij dit doel niet toegestaan")
    allowed = set(doel.betrokkenen)
    if IEDEREEN not in allowed and actor not in allowed and (rol is None or rol not in allowed):
        wie = f"'{actor}'" + (f" (rol {rol})" if rol else "")
        reasons.append(f"{wie} mag niet onder dit doel werken")
    return reasons


def _wie(betrokkenen: Sequence[str]) -> str:
    return "iedereen" if IEDEREEN in betrokkenen else ", ".join(betrokkenen)
