"""The project register: per data project, "Een goede start" and the Rathenau public values.

A data project (a Data Lab question) records the four steps of Platform31's "Een goede
start" (legal frame, quality requirements, public values, project design) and an assessment
of the seven public values the Rathenau Instituut names for digitisation, each with its risk
and mitigations, and is linked to the purposes it works under. The register is documentation
the software keeps next to the figures; it cannot judge whether an assessment is honest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, select

from stuurdata.privacy.store import engine_for, project_table

STAPPEN = {
    "juridisch_kader": "Juridisch kader",
    "kwaliteitseisen": "Kwaliteitseisen",
    "publieke_waarden": "Publieke waarden",
    "projectontwerp": "Projectontwerp",
}
WAARDEN = {
    "privacy": "Privacy",
    "veiligheid": "Veiligheid",
    "autonomie": "Autonomie",
    "controle_over_technologie": "Controle over technologie",
    "menselijke_waardigheid": "Menselijke waardigheid",
    "rechtvaardigheid": "Rechtvaardigheid",
    "machtsverhoudingen": "Machtsverhoudingen",
}
RISICO = ("laag", "middel", "hoog")


class ProjectOngeldig(ValueError):
    """A project that cannot be registered as given; the message is Dutch."""


@dataclass(frozen=True)
class Waardeoordeel:
    """The assessment of one public value: risk level, explanation and mitigations."""

    risico: str
    toelichting: str
    maatregelen: str


@dataclass(frozen=True)
class Project:
    """One data project with its four steps and seven value assessments."""

    naam: str
    vraag: str
    doelen: tuple[str, ...]
    stappen: dict[str, str]
    waarden: dict[str, Waardeoordeel]
    aangemaakt: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def __post_init__(self) -> None:
        problems = []
        missing = [STAPPEN[k] for k in STAPPEN if not self.stappen.get(k, "").strip()]
        if missing:
            problems.append(f"stappen zonder inhoud: {', '.join(missing)}")
        missing = [WAARDEN[k] for k in WAARDEN if k not in self.waarden]
        if missing:
            problems.append(f"publieke waarden zonder beoordeling: {', '.join(missing)}")
        wrong = [WAARDEN.get(k, k) for k, v in self.waarden.items() if v.risico not in RISICO]
        if wrong:
            problems.append(f"risico moet laag, middel of hoog zijn bij: {', '.join(wrong)}")
        if not self.doelen:
            problems.append("een project werkt onder minstens één doel")
        if problems:
            raise ProjectOngeldig("; ".join(problems) + ".")

    def markdown(self) -> str:
        """The project as a Dutch Markdown page."""
        lines = [f"# Project: {self.naam}", "", f"**Vraag:** {self.vraag}", ""]
        lines += [f"**Doelen:** {', '.join(self.doelen)}", "", "## Een goede start", ""]
        for key, label in STAPPEN.items():
            lines += [f"### {label}", "", self.stappen[key], ""]
        lines += ["## Publieke waarden (Rathenau Instituut)", ""]
        lines += ["| waarde | risico | toelichting | maatregelen |", "|---|---|---|---|"]
        for key, label in WAARDEN.items():
            w = self.waarden[key]
            lines.append(f"| {label} | {w.risico} | {w.toelichting} | {w.maatregelen} |")
        return "\n".join(lines) + "\n"


def save_project(
    pakhuis: Path, project: Project, *, url: str | None = None, actor: str | None = None
) -> None:
    """Register a project (replacing one with the same name); its purposes must exist.

    The project and a ``projectwijziging`` audit record are written in one transaction.
    """
    from stuurdata.privacy import audit
    from stuurdata.privacy.governance import current_actor
    from stuurdata.privacy.purposes import get_doel

    unknown = [d for d in project.doelen if get_doel(pakhuis, d, url=url) is None]
    if unknown:
        raise ProjectOngeldig(f"onbekende doelen: {', '.join(unknown)}; registreer die eerst.")
    row = {
        "naam": project.naam,
        "vraag": project.vraag,
        "doelen": list(project.doelen),
        "stappen": dict(project.stappen),
        "waarden": {k: vars(v) for k, v in project.waarden.items()},
        "aangemaakt": project.aangemaakt,
    }
    existed = get_project(pakhuis, project.naam, url=url) is not None

    def write(conn: Connection) -> None:
        conn.execute(project_table.delete().where(project_table.c.naam == project.naam))
        conn.execute(project_table.insert().values(**row))

    audit.append(
        pakhuis,
        activiteit="projectwijziging",
        resultaat=audit.UITGEVOERD,
        actor=actor or current_actor(),
        toelichting=f"project '{project.naam}' {'gewijzigd' if existed else 'nieuw'}; doelen: "
        + ", ".join(project.doelen),
        url=url,
        within=write,
    )


def get_project(pakhuis: Path, naam: str, *, url: str | None = None) -> Project | None:
    """The project with this name, or None."""
    with engine_for(pakhuis, url).connect() as conn:
        row = (
            conn.execute(select(project_table).where(project_table.c.naam == naam))
            .mappings()
            .first()
        )
    return _from_row(dict(row)) if row else None


def list_projects(pakhuis: Path, *, url: str | None = None) -> list[Project]:
    """All projects, by name."""
    with engine_for(pakhuis, url).connect() as conn:
        rows = conn.execute(select(project_table).order_by(project_table.c.naam)).mappings().all()
    return [_from_row(dict(r)) for r in rows]


def _from_row(row: dict[str, object]) -> Project:
    waarden = {k: Waardeoordeel(**v) for k, v in dict(row["waarden"]).items()}  # type: ignore[call-overload]
    return Project(
        naam=str(row["naam"]),
        vraag=str(row["vraag"]),
        doelen=tuple(row["doelen"]),  # type: ignore[arg-type]
        stappen=dict(row["stappen"]),  # type: ignore[call-overload]
        waarden=waarden,
        aangemaakt=str(row["aangemaakt"]),
    )


def demo_project() -> Project:
    """The demo's project, filled in as a municipality would (on synthetic data)."""
    w = Waardeoordeel
    return Project(
        naam="demo",
        vraag="Waar en waarom groeit het gebruik van Wmo en jeugdhulp in Demostad?",
        doelen=("demo",),
        stappen={
            "juridisch_kader": "Taak van algemeen belang (AVG 6.1.e) met Wmo 2015 en Jeugdwet; "
            "alleen gepseudonimiseerde gegevens; geen koppeling buiten het sociaal domein.",
            "kwaliteitseisen": "Volledigheid van het berichtenverkeer per aanbieder gecontroleerd; "
            "definities volgens CBS GMSD; iedere lading herleidbaar.",
            "publieke_waarden": "Beoordeeld met de zeven waarden van het Rathenau Instituut "
            "(zie hieronder), met de privacy officer.",
            "projectontwerp": "Wijkcijfers per kwartaal voor raad en beleid; geen uitspraken "
            "over personen; terugkoppeling aan wijkteams.",
        },
        waarden={
            "privacy": w(
                "middel",
                "Zorggebruik is gevoelig.",
                "Pseudoniemen, onderdrukking < 10, doelbinding.",
            ),
            "veiligheid": w(
                "middel",
                "Een gelekt pakhuis is schadelijk.",
                "Sleutel bij een derde, rechten 0600.",
            ),
            "autonomie": w(
                "laag", "Geen besluiten over personen.", "Alleen geaggregeerde uitvoer."
            ),
            "controle_over_technologie": w(
                "laag", "Open source, eigen beheer.", "Code en definities openbaar."
            ),
            "menselijke_waardigheid": w("laag", "Geen profilering.", "Geen persoonsscores."),
            "rechtvaardigheid": w(
                "middel", "Wijken kunnen gestigmatiseerd raken.", "Context bij elk cijfer."
            ),
            "machtsverhoudingen": w(
                "laag", "Aanbieders zien eigen gegevens.", "Resultaten gedeeld met aanbieders."
            ),
        },
    )
