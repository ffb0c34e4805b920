"""One way in for every command: check the purpose, do the work, write the audit record.

The CLI wraps each command in ``verwerking(...)``; the purpose check happens before any data
is touched, and the record is appended after the work (with the number of persons and the
output the command filled in), also when the purpose refuses or the work fails. This is what
makes "every processing is purpose-bound and accountable" a property of the software rather
than of the user's discipline.
"""

from __future__ import annotations

import getpass
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from stuurdata.privacy import audit
from stuurdata.privacy.purposes import Doel, check, get_doel, list_doelen, save_doel

DOEL_ENV = "STUURDATA_DOEL"
ROL_ENV = "STUURDATA_ROL"
DEMO_DOEL = "demo"
DEMO_PROJECT = "demo"
DEMO_KETENMONITOR = "ketenmonitor-demo"


class DoelGeweigerd(Exception):
    """The processing falls outside the purpose; ``str(exc)`` is the Dutch message to print."""


@dataclass
class Verwerking:
    """The running processing; the command fills in ``personen`` and ``uitvoer``.

    ``verwerking_id`` is the id its audit record will get: pass it to what the processing
    writes (``load_sources(verwerking_id=...)``) so a missing record can be found later.
    """

    doel: Doel
    activiteit: str
    actor: str
    rol: str | None
    bronnen: list[str] = field(default_factory=list)
    personen: int | None = None
    uitvoer: str | None = None
    toelichting: str | None = None
    verwerking_id: str = field(default_factory=lambda: uuid.uuid4().hex)


def current_actor() -> str:
    """The operating-system user: who runs the command (not verified beyond the OS login)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user entry in a container
        return f"uid:{os.getuid()}"


@contextmanager
def verwerking(
    pakhuis: Path,
    *,
    doel: str | None,
    activiteit: str,
    bronnen: Sequence[str] = (),
    niveau: str = "gemeente",
    persoonsniveau: bool = False,
    actor: str | None = None,
    rol: str | None = None,
    url: str | None = None,
) -> Iterator[Verwerking]:
    """Check ``doel`` for this processing, run the body, and log the outcome.

    ``doel`` falls back to ``STUURDATA_DOEL``, ``rol`` to ``STUURDATA_ROL``. Raises
    ``DoelGeweigerd`` (after logging a refused record) when no purpose is given, it does not
    exist, or the processing falls outside it. First, records missing for earlier loads or
    rotations (a process killed between its commit and its record) are recovered.
    """
    pakhuis = Path(pakhuis)
    who = actor or current_actor()
    role = rol or os.environ.get(ROL_ENV) or None
    naam = doel or os.environ.get(DOEL_ENV) or None
    found = get_doel(pakhuis, naam, url=url) if naam else None

    def log(resultaat: str, toelichting: str | None, running: Verwerking | None = None) -> None:
        audit.append(
            pakhuis,
            activiteit=activiteit,
            resultaat=resultaat,
            actor=who,
            rol=role,
            doel=found.naam if found else naam,
            grondslag=found.grondslag if found else None,
            bronnen=running.bronnen if running else bronnen,
            personen=running.personen if running else None,
            uitvoer=running.uitvoer if running else None,
            toelichting=toelichting,
            url=url,
            verwerking_id=running.verwerking_id if running else None,
        )

    audit.recover_missing(pakhuis, actor=who, url=url)
    if found is None:
        message = _missing_message(pakhuis, naam, url)
        log(audit.GEWEIGERD, message)
        raise DoelGeweigerd(message)
    reasons = check(
        found,
        activiteit=activiteit,
        bronnen=bronnen,
        niveau=niveau,
        persoonsniveau=persoonsniveau,
        actor=who,
        rol=role,
    )
    if reasons:
        message = f"Geweigerd: {'; '.join(reasons)}. {found.samenvatting()}"
        log(audit.GEWEIGERD, message)
        raise DoelGeweigerd(message)
    running = Verwerking(found, activiteit, who, role, list(bronnen))
    try:
        yield running
    except BaseException as exc:
        # Only the kind of error: a message might quote input data.
        log(audit.MISLUKT, f"afgebroken: {type(exc).__name__}", running)
        raise
    log(audit.UITGEVOERD, running.toelichting, running)


def _missing_message(pakhuis: Path, naam: str | None, url: str | None) -> str:
    known = ", ".join(d.naam for d in list_doelen(pakhuis, url=url)) or "nog geen"
    if not naam:
        return (
            "Geen doel opgegeven. Elke verwerking moet onder een geregistreerd doel vallen: "
            f"geef --doel op (of STUURDATA_DOEL). Geregistreerde doelen: {known}."
        )
    return (
        f"Het doel '{naam}' is niet geregistreerd. Registreer het met 'stuurdata doel nieuw' "
        f"of kies een geregistreerd doel: {known}."
    )


def demo_doel() -> Doel:
    """The purpose under which the demo runs (synthetic data, but the same rules)."""
    return Doel(
        naam=DEMO_DOEL,
        vraag="Hoe ontwikkelen gebruik, instroom, wachttijden en kosten van Wmo en jeugdhulp "
        "zich in Demostad, per wijk?",
        handelingsperspectief="De raad en het college stellen budget en inkoop bij en kiezen "
        "wijken voor preventie.",
        grondslag_avg="e",
        grondslag_wet="Wmo 2015 art. 5.1.1 en Jeugdwet art. 7.4.0 (beleidsinformatie); "
        "demonstratie met synthetische gegevens",
        verwerkingsverantwoordelijke="College van B&W van Demostad (synthetisch)",
        bronnen=("istandaarden", "brp", "gebieden", "suite", "cbs"),
        niveau="buurt",
        persoonsniveau=False,
        bewaartermijn_maanden=60,
    )


def demo_ketenmonitor_doel() -> Doel:
    """The chain monitor's work list names allocations and pseudonyms: its own purpose."""
    return Doel(
        naam=DEMO_KETENMONITOR,
        vraag="Welke aanbieders leveren onvolledige of late berichten, en over welke "
        "toewijzingen moeten we met hen in gesprek?",
        handelingsperspectief="De contractmanager bespreekt de werklijst met de aanbieder en "
        "spreekt verbetering af; de cijfers krijgen een kwaliteitslabel.",
        grondslag_avg="e",
        grondslag_wet="Wmo 2015 art. 2.6.4 en Jeugdwet art. 2.12 (contractbeheer, toezicht "
        "op rechtmatigheid); demonstratie met synthetische gegevens",
        verwerkingsverantwoordelijke="College van B&W van Demostad (synthetisch)",
        bronnen=("istandaarden",),
        niveau="gemeente",
        persoonsniveau=True,
        bewaartermijn_maanden=24,
        activiteiten=("berekenen", "bekijken", "export"),
    )


def ensure_demo_purpose(pakhuis: Path, *, url: str | None = None) -> Doel:
    """Register the demo purpose and project (idempotent) so `stuurdata demo` just runs."""
    from stuurdata.privacy.projects import demo_project, get_project, save_project

    doel = get_doel(pakhuis, DEMO_DOEL, url=url)
    if doel is None:
        doel = demo_doel()
        save_doel(pakhuis, doel, url=url)
    if get_doel(pakhuis, DEMO_KETENMONITOR, url=url) is None:
        save_doel(pakhuis, demo_ketenmonitor_doel(), url=url)
    if get_project(pakhuis, DEMO_PROJECT, url=url) is None:
        save_project(pakhuis, demo_project(), url=url)
    return doel


def colofon(
    doel: Doel, *, regel: str = "cijfers onder 10 onderdrukt, overige afgerond op 5"
) -> str:
    """The short Dutch colophon every output made under a purpose carries."""
    return (
        f"Doel: {doel.naam} — {doel.vraag} Grondslag: {doel.grondslag}. "
        f"Verwerkingsverantwoordelijke: {doel.verwerkingsverantwoordelijke}. "
        f"Bronnen: {', '.join(doel.bronnen)}. Onthullingsbeheersing: {regel}; "
        "totalen met aanvullende (secundaire) onderdrukking."
    )
