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
import shlex
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from stuurdata.config import default_doel
from stuurdata.privacy import audit
from stuurdata.privacy.purposes import (
    IEDEREEN,
    NIVEAUS,
    Doel,
    check,
    get_doel,
    list_doelen,
    missing_sources,
    save_doel,
)
from stuurdata.privacy.store import store_exists

ROL_ENV = "STUURDATA_ROL"
DEMO_DOEL = "demo"
DEMO_PROJECT = "demo"
DEMO_KETENMONITOR = "ketenmonitor-demo"


class DoelGeweigerd(Exception):
    """The processing falls outside the purpose; ``str(exc)`` is the Dutch message to print.

    ``hint`` is the exact command that fixes it. It is for the terminal only, never for the
    audit log: it repeats the command line, which may name input files.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


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
    taak: str = "standaard",
    herstel: bool = True,
    schrijf: Callable[..., object] | None = None,
) -> Iterator[Verwerking]:
    """Check ``doel`` for this processing, run the body, and log the outcome.

    ``doel`` falls back to ``STUURDATA_DOEL``, then to the installation's purpose for
    ``taak`` (``stuurdata init``); ``rol`` to ``STUURDATA_ROL``. Raises ``DoelGeweigerd``
    when no purpose is given, it does not exist, or the processing falls outside it; the
    refusal is logged, unless no management store exists yet (a refused first command
    creates nothing). First, records missing for earlier loads or rotations (a process
    killed between its commit and its record) are recovered; ``herstel=False`` leaves that
    to the caller (the dashboard does it once per interval, not per page view).
    ``schrijf`` replaces ``audit.append`` (same arguments): the dashboard's group commit.
    """
    pakhuis = Path(pakhuis)
    who = actor or current_actor()
    role = rol or os.environ.get(ROL_ENV) or None
    naam = doel or default_doel(taak)
    store = store_exists(pakhuis, url)
    found = get_doel(pakhuis, naam, url=url) if naam and store else None

    def log(resultaat: str, toelichting: str | None, running: Verwerking | None = None) -> None:
        if resultaat == audit.GEWEIGERD and not store:
            return
        (schrijf or audit.append)(
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

    if store and herstel:
        audit.recover_missing(pakhuis, actor=who, url=url)

    def allows(d: Doel) -> bool:
        return not check(
            d,
            activiteit=activiteit,
            bronnen=bronnen,
            niveau=niveau,
            persoonsniveau=persoonsniveau,
            actor=who,
            rol=role,
        )

    registered = list_doelen(pakhuis, url=url) if store else []
    alternative = next((d.naam for d in registered if allows(d)), None)
    if found is None:
        message = _missing_message(naam, registered, store)
        log(audit.GEWEIGERD, message)
        hint = (
            f"Probeer: {command_with_doel(alternative)}"
            if alternative
            else _register_hint(naam, pakhuis, url)
        )
        raise DoelGeweigerd(message, hint)
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
        message = f"{'; '.join(reasons)}. {found.samenvatting()}"
        log(audit.GEWEIGERD, message)
        if alternative:
            hint = f"Het doel '{alternative}' staat dit wel toe: {command_with_doel(alternative)}"
        else:
            hint = _change_hint(found, activiteit, bronnen, niveau, persoonsniveau, who, role)
        raise DoelGeweigerd(message, hint)
    running = Verwerking(found, activiteit, who, role, list(bronnen))
    try:
        yield running
    except BaseException as exc:
        # Only the kind of error: a message might quote input data.
        log(audit.MISLUKT, f"afgebroken: {type(exc).__name__}", running)
        raise
    log(audit.UITGEVOERD, running.toelichting, running)


def _missing_message(naam: str | None, registered: list[Doel], store: bool) -> str:
    known = ", ".join(d.naam for d in registered) or "nog geen"
    if not store:
        named = f"Het doel '{naam}' is niet geregistreerd: " if naam else ""
        return (
            f"{named}er is nog geen doel geregistreerd voor deze installatie, en elke "
            "verwerking moet onder een geregistreerd doel vallen."
        ).capitalize()
    if not naam:
        return (
            "Geen doel opgegeven. Elke verwerking moet onder een geregistreerd doel vallen: "
            f"geef --doel op (of STUURDATA_DOEL). Geregistreerde doelen: {known}."
        )
    return f"Het doel '{naam}' is niet geregistreerd. Geregistreerde doelen: {known}."


def command_with_doel(doel: str) -> str:
    """The command line as the user typed it, with ``--doel`` set to ``doel``."""
    args = list(sys.argv[1:])
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "--doel":
            skip = True
            continue
        if arg.startswith("--doel="):
            continue
        kept.append(arg)
    return shlex.join(["stuurdata", *kept, "--doel", doel])


def _pakhuis_option(pakhuis: Path, url: str | None) -> str:
    """``--pakhuis P`` unless the installation already names the store."""
    from stuurdata.config import settings

    return "" if url or settings().beheer_url else f" --pakhuis {shlex.quote(str(pakhuis))}"


def _register_hint(naam: str | None, pakhuis: Path, url: str | None) -> str:
    from stuurdata.config import installation
    from stuurdata.privacy.sjablonen import MONITOR

    name = f" --naam {shlex.quote(naam)}" if naam else ""
    register = f"stuurdata doel nieuw --sjabloon {MONITOR}{name}{_pakhuis_option(pakhuis, url)}"
    if installation() is None:
        return (
            "Richt eerst een installatie in, met de eerste doelen: stuurdata init "
            '--gemeente GM0000 --naam "Naam van de gemeente" (vervang code en naam), of '
            f"registreer alleen een doel: {register}"
        )
    return f"Registreer het doel: {register}"


def _change_hint(
    doel: Doel,
    activiteit: str,
    bronnen: Sequence[str],
    niveau: str,
    persoonsniveau: bool,
    actor: str,
    rol: str | None,
) -> str:
    """``stuurdata doel wijzig`` with exactly the options that would allow this processing."""
    parts = [f"stuurdata doel wijzig {shlex.quote(doel.naam)}"]
    if activiteit not in doel.activiteiten:
        parts.append(f"--activiteit {activiteit}")
    parts += [f"--bron {b}" for b in missing_sources(doel, bronnen)]
    if niveau in NIVEAUS and NIVEAUS.index(niveau) > NIVEAUS.index(doel.niveau):
        parts.append(f"--niveau {niveau}")
    if persoonsniveau and not doel.persoonsniveau:
        parts.append("--persoonsniveau")
    allowed = set(doel.betrokkenen)
    if IEDEREEN not in allowed and actor not in allowed and (rol is None or rol not in allowed):
        parts.append(f"--wie {shlex.quote(rol or actor)}")
    return "Vraag de privacy officer of het doel dit mag toestaan; zo ja: " + " ".join(parts)


def _demo(sjabloon: str, naam: str) -> Doel:
    from stuurdata.privacy.sjablonen import template

    doel = template(sjabloon, naam=naam, gemeente="Demostad")
    return replace(
        doel,
        grondslag_wet=f"{doel.grondslag_wet}; demonstratie met synthetische gegevens",
        verwerkingsverantwoordelijke="College van B&W van Demostad (synthetisch)",
    )


def demo_doel() -> Doel:
    """The purpose under which the demo runs (synthetic data, but the same rules)."""
    from stuurdata.privacy.sjablonen import MONITOR

    return _demo(MONITOR, DEMO_DOEL)


def demo_ketenmonitor_doel() -> Doel:
    """The chain monitor's work list names allocations and pseudonyms: its own purpose."""
    from stuurdata.privacy.sjablonen import KETENMONITOR

    return _demo(KETENMONITOR, DEMO_KETENMONITOR)


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
