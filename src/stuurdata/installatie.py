"""A municipality's first setup: one folder with warehouse, management store and purposes.

``stuurdata init`` calls ``create_installation``. What it decides once, so that later commands
need no options: the gemeente, where the warehouse and the management store live (one folder:
purposes, users and the audit log belong to the installation, not to one warehouse file), the
key (outside the folder, mode 0600, its fingerprint recorded), the first purposes from
templates that carry their legal basis, and the project-register questionnaire ("Een goede
start" and the seven public values) to fill in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from stuurdata.config import (
    INSTALLATIE_BESTAND,
    Installatie,
    default_key_path,
    read_installation,
)
from stuurdata.privacy.sjablonen import KETENMONITOR, MONITOR, PROGNOSE, SJABLONEN, template

GEMEENTECODE = re.compile(r"GM\d{4}")
PROJECT_BESTAND = "project.yaml"
# Which purpose each task runs under by default (kwaliteit: the chain monitor's work lists).
TAKEN = {"standaard": MONITOR, "kwaliteit": KETENMONITOR, "prognose": PROGNOSE}


class InstallatieFout(ValueError):
    """Setup cannot go on as asked; the message is Dutch and says what to do."""


@dataclass(frozen=True)
class Ingericht:
    """What ``create_installation`` did, for the summary the CLI prints."""

    installatie: Installatie
    sleutel_nieuw: bool
    doelen: tuple[str, ...]
    projectbestand: Path


def default_key_for(gemeentecode: str) -> Path:
    """One key per gemeente in the user's configuration folder (never inside the folder)."""
    return default_key_path().with_name(f"{gemeentecode}.key")


def create_installation(
    folder: Path,
    *,
    gemeentecode: str,
    gemeentenaam: str,
    sleutel: Path | None = None,
    sjablonen: tuple[str, ...] = SJABLONEN,
) -> Ingericht:
    """Set up ``folder`` as the installation of one gemeente; refuses to overwrite one."""
    from stuurdata.privacy import audit
    from stuurdata.privacy.governance import current_actor
    from stuurdata.privacy.keys import bind_warehouse, create_key, key_fingerprint
    from stuurdata.privacy.purposes import save_doel

    gemeentecode = gemeentecode.strip().upper()
    if not GEMEENTECODE.fullmatch(gemeentecode):
        raise InstallatieFout(
            f"'{gemeentecode}' is geen CBS-gemeentecode: gebruik GM en vier cijfers, "
            "bijvoorbeeld GM0363 (Amsterdam)."
        )
    if not gemeentenaam.strip():
        raise InstallatieFout("Geef de naam van de gemeente op (--naam).")
    unknown = [s for s in sjablonen if s not in SJABLONEN]
    if unknown:
        raise InstallatieFout(
            f"Onbekend sjabloon: {', '.join(unknown)}; kies uit {', '.join(SJABLONEN)}."
        )
    folder = folder.expanduser().resolve()
    config = folder / INSTALLATIE_BESTAND
    if config.exists():
        raise InstallatieFout(
            f"In {folder} staat al een installatie ({INSTALLATIE_BESTAND}). Wijzig doelen met "
            "'stuurdata doel', of kies een andere map met --map."
        )
    key = (sleutel or default_key_for(gemeentecode)).expanduser().resolve()
    if key.is_relative_to(folder):
        raise InstallatieFout(
            "De sleutel hoort niet in de map van de installatie: wie het pakhuis kopieert, "
            "mag de sleutel niet meekrijgen. Kies een ander pad met --sleutel."
        )
    folder.mkdir(parents=True, exist_ok=True)
    key_was_there = key.exists()
    fingerprint = key_fingerprint(key) if key_was_there else create_key(key)

    doelen = {taak: s for taak, s in TAKEN.items() if s in sjablonen}
    if "standaard" not in doelen and sjablonen:
        doelen["standaard"] = sjablonen[0]
    config.write_text(
        _toml(gemeentecode, gemeentenaam.strip(), key, fingerprint, doelen), encoding="utf-8"
    )
    inst = read_installation(folder)
    bind_warehouse(inst.pakhuis, inst.sleutel)  # the warehouse knows its key from the start
    for sjabloon in sjablonen:
        save_doel(inst.pakhuis, template(sjabloon, gemeente=inst.gemeentenaam), url=inst.beheer_url)
    project = folder / PROJECT_BESTAND
    if not project.exists():
        project.write_text(project_questionnaire(tuple(sjablonen)), encoding="utf-8")
    audit.append(
        inst.pakhuis,
        activiteit="inrichten",
        resultaat=audit.UITGEVOERD,
        actor=current_actor(),
        toelichting=f"installatie {gemeentecode}; doelen {', '.join(sjablonen)}; "
        f"sleutel met vingerafdruk {fingerprint}",
        url=inst.beheer_url,
    )
    return Ingericht(inst, not key_was_there, tuple(sjablonen), project)


def _toml(
    gemeentecode: str, gemeentenaam: str, key: Path, fingerprint: str, doelen: dict[str, str]
) -> str:
    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        "# Installatie van stuurdata, gemaakt door 'stuurdata init'.",
        "# Paden zijn relatief aan deze map, behalve de sleutel (die hoort hier niet).",
        "[installatie]",
        f"gemeentecode = {q(gemeentecode)}",
        f"gemeentenaam = {q(gemeentenaam)}",
        'pakhuis = "pakhuis.duckdb"',
        'beheer = "beheer.sqlite"',
        f"sleutel = {q(str(key))}",
        f"sleutel_vingerafdruk = {q(fingerprint)}",
        "",
        "# Onder welk doel een commando draait als --doel ontbreekt.",
        "[doelen]",
        *(f"{taak} = {q(doel)}" for taak, doel in doelen.items()),
    ]
    return "\n".join(lines) + "\n"


# "Een goede start" (Platform31) in four steps, and the seven public values the Rathenau
# Instituut names for digitisation, each as the question a project must answer.
STAP_VRAGEN = {
    "juridisch_kader": "Op welke wettelijke taak en grondslag rust het project, welke gegevens "
    "zijn echt nodig, en is er een DPIA nodig?",
    "kwaliteitseisen": "Hoe weet u dat de gegevens goed genoeg zijn (volledigheid per aanbieder, "
    "definities, herleidbaarheid van elk cijfer)?",
    "publieke_waarden": "Wie beoordeelt de zeven publieke waarden hieronder, met wie "
    "(privacy officer, cliëntenraad)?",
    "projectontwerp": "Welke cijfers komen er, voor wie, hoe vaak, en wat doet de gemeente met "
    "de uitkomst?",
}
WAARDE_VRAGEN = {
    "privacy": "Welke persoonsgegevens raakt het project en hoe blijft dat tot het nodige beperkt?",
    "veiligheid": "Wat gebeurt er als het pakhuis of de sleutel uitlekt, en hoe voorkomt u dat?",
    "autonomie": "Kan het project keuzes van inwoners beïnvloeden of besluiten over hen sturen?",
    "controle_over_technologie": "Begrijpt en beheert de gemeente zelf hoe de cijfers ontstaan?",
    "menselijke_waardigheid": "Worden inwoners ergens tot een score of profiel teruggebracht?",
    "rechtvaardigheid": "Kunnen wijken of groepen benadeeld of gestigmatiseerd raken?",
    "machtsverhoudingen": "Verschuift de macht tussen gemeente, aanbieders en inwoners, en "
    "krijgen aanbieders inzage in wat over hen gezegd wordt?",
}


def project_questionnaire(doelen: tuple[str, ...] = (MONITOR,)) -> str:
    """The project-register entry as a YAML file to fill in, each field with its question.

    Register it with ``stuurdata project nieuw project.yaml`` once every answer is filled in.
    """
    lines = [
        "# Projectregister: vul elk antwoord in en registreer met",
        "#   stuurdata project nieuw project.yaml",
        "# De vragen volgen 'Een goede start' (Platform31) en de zeven publieke waarden van",
        "# het Rathenau Instituut. Risico: laag, middel of hoog.",
        'naam: "monitor"',
        "# Welke beleidsvraag beantwoordt het project?",
        'vraag: ""',
        "doelen:",
        *(f'  - "{d}"' for d in doelen or ("",)),
        "stappen:",
    ]
    for key, question in STAP_VRAGEN.items():
        lines += [f"  # {question}", f'  {key}: ""']
    lines.append("waarden:")
    for key, question in WAARDE_VRAGEN.items():
        lines += [
            f"  # {question}",
            f"  {key}:",
            '    risico: ""',
            '    toelichting: ""',
            '    maatregelen: ""',
        ]
    return "\n".join(lines) + "\n"
