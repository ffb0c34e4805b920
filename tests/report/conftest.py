"""Fixtures for the report tests: a hand-made published frame and a tiny real warehouse."""

from __future__ import annotations

import math
import random
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd
import pytest

from stuurdata.warehouse.schema import create_all

GM = "GM9901"
WIJKEN = {"WK990101": "Centrum", "WK990102": "Noord", "WK990103": "Zuid-Oost"}
BUURTEN = {
    "BU99010101": "Oude Kern",
    "BU99010102": "Havenkwartier",
    "BU99010201": "Molenwijk",
    "BU99010301": "De Akkers",
}
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01", "2026-02", "2026-03"]
QUARTERS = ["2025-K1", "2025-K2", "2025-K3", "2025-K4", "2026-K1"]
CATEGORIES = {"wmo": ["01", "02", "03", "07", "08"], "jeugd": ["43", "45", "46", "54"]}
BASES = [
    "clienten",
    "clienten_per_1000",
    "instroom",
    "uitstroom",
    "actieve_toewijzingen",
    "wachttijd_verzoek_toewijzing_mediaan",
    "wachttijd_verzoek_toewijzing_p90",
    "wachttijd_toewijzing_start_mediaan",
    "wachttijd_toewijzing_start_p90",
    "kosten",
    "kosten_per_client",
    "clienten_per_categorie",
    "aandeel_verzoek_binnen_norm",
    "aandeel_instroom_met_verzoek",
]


def _definition_text(indicator: str) -> str:
    return f"Testdefinitie van {indicator}: wat telt mee en over welke periode, in gewone taal."


def _protect(count: float) -> tuple[float, str]:
    """The CBS rule the real disclosure step applies: < 10 suppressed, rest rounded to 5."""
    if count < 10:
        return math.nan, "onderdrukt"
    rounded = 5 * round(count / 5)
    return float(rounded), "afgerond" if rounded != count else "ok"


def make_published() -> pd.DataFrame:
    """Plausible, already protected values for two laws, three levels, three period types."""
    rng = random.Random(42)
    rows: list[tuple[object, ...]] = []
    areas = [("gemeente", GM, 1.0)]
    areas += [("wijk", code, share) for code, share in zip(WIJKEN, (0.5, 0.3, 0.2), strict=True)]
    areas += [("buurt", code, s) for code, s in zip(BUURTEN, (0.3, 0.2, 0.3, 0.003), strict=True)]
    periods = [("maand", p) for p in MONTHS] + [("kwartaal", p) for p in QUARTERS]
    periods.append(("jaar", "2025"))
    waits = {
        "wachttijd_verzoek_toewijzing_mediaan": 18,
        "wachttijd_verzoek_toewijzing_p90": 44,
        "wachttijd_toewijzing_start_mediaan": 9,
        "wachttijd_toewijzing_start_p90": 31,
    }
    for wet, size in (("wmo", 1850.0), ("jeugd", 920.0)):
        for niveau, code, share in areas:
            inwoners = 23000 * share
            for soort, periode in periods:

                def add(
                    base: str, teller: float, waarde: float, status: str, cat: str = ""
                ) -> None:
                    key = (f"{base}_{wet}", niveau, code, soort, periode, cat)  # noqa: B023
                    rows.append((*key, teller, waarde, status))

                trend = 1 + 0.01 * (MONTHS.index(periode) if periode in MONTHS else 3)
                clienten = size * share * trend * rng.uniform(0.97, 1.03)
                counts = {
                    "clienten": clienten,
                    "instroom": clienten * 0.06,
                    "uitstroom": clienten * 0.05,
                    "actieve_toewijzingen": clienten * 1.3,
                }
                for base, count in counts.items():
                    add(base, count, *_protect(count))
                hidden = _protect(clienten)[1] == "onderdrukt"
                # Rates, waits and costs per client are withheld with their count.
                status = "onderdrukt" if hidden else "ok"
                nan = math.nan
                add(
                    "clienten_per_1000",
                    clienten,
                    nan if hidden else clienten / inwoners * 1000,
                    status,
                )
                for base, days in waits.items():
                    add(
                        base,
                        clienten,
                        nan if hidden else round(days * rng.uniform(0.85, 1.15), 1),
                        status,
                    )
                months = {"kwartaal": 3, "jaar": 12}.get(soort, 1)
                kosten = clienten * (310.0 if wet == "wmo" else 1450.0) * months
                add("kosten", clienten, nan if hidden else kosten, status)
                add("kosten_per_client", clienten, nan if hidden else kosten / clienten, status)
                if niveau == "gemeente":  # shares within the norm and of the inflow
                    add("aandeel_verzoek_binnen_norm", clienten * 0.7, 70.0, "afgerond")
                    add("aandeel_instroom_met_verzoek", clienten * 0.012, 20.0, "afgerond")
                    cats = CATEGORIES[wet]
                    for index, cat in enumerate(cats):
                        part = clienten * (0.5 / (index + 1) if index < len(cats) - 1 else 0.003)
                        add("clienten_per_categorie", part, *_protect(part), cat=cat)
    columns = ["indicator", "niveau", "gebiedscode", "periodesoort", "periode", "categorie"]
    df = pd.DataFrame(rows, columns=[*columns, "teller", "waarde", "status"])
    df["teller"] = df["teller"].round()
    df["noemer"] = math.nan
    df["n"] = df["teller"]
    df["versie"] = 1
    # The real frame carries no unprotected counts where a value is suppressed.
    df.loc[df["status"] == "onderdrukt", ["teller", "n"]] = math.nan
    return df


def make_definitions() -> dict[str, object]:
    """Wmo definitions as dicts, Jeugd definitions as attribute objects: both must work."""
    units = {"kosten": "euro", "kosten_per_client": "euro"}
    units["clienten_per_1000"] = "per 1.000 inwoners"
    units |= {"aandeel_verzoek_binnen_norm": "procent", "aandeel_instroom_met_verzoek": "procent"}
    defs: dict[str, object] = {}
    for wet in ("wmo", "jeugd"):
        for base in BASES:
            indicator = f"{base}_{wet}"
            fields = {
                "naam": None,
                "definitie": _definition_text(indicator),
                "eenheid": units.get(base, "dagen" if base.startswith("wachttijd") else "aantal"),
                "versie": 1,
                "referentie": "CBS GMSD" if base == "clienten" else None,
            }
            defs[indicator] = fields if wet == "wmo" else SimpleNamespace(**fields)
    return defs


def _times(day: int, hour: int) -> tuple[datetime, datetime]:
    """Start and end of a load run in April 2026."""
    return datetime(2026, 4, day, hour, 0), datetime(2026, 4, day, hour, 5)


def make_warehouse(path: Path) -> Path:
    """A tiny real DuckDB warehouse with the canonical tables and a few metadata rows."""
    con = duckdb.connect(str(path))
    create_all(con)
    con.execute("INSERT INTO gebied VALUES ('GM9901', 'Voorbeeldstad', 'gemeente', 3)")
    for code, naam in {**WIJKEN, **BUURTEN}.items():
        niveau = "wijk" if code.startswith("WK") else "buurt"
        con.execute("INSERT INTO gebied VALUES (?, ?, ?, 3)", [code, naam, niveau])
    con.executemany(
        "INSERT INTO lading (lading_id, run_id, bron, bestand, sha256, gelezen, geladen, "
        "gequarantaineerd, dubbel, doel, wie, gestart, klaar) "
        "VALUES (?, 'run1', ?, ?, ?, ?, ?, ?, ?, 'sturing', 'test', ?, ?)",
        [
            (1, "istandaarden", "in/a.zip", "a" * 64, 1200, 1180, 15, 5, *_times(2, 9)),
            (2, "istandaarden", "in/b.zip", "b" * 64, 300, 300, 0, 0, *_times(9, 9)),
            (3, "brp", "in/brp.csv", "c" * 64, 23456, 23450, 6, 0, *_times(1, 8)),
        ],
    )
    con.executemany(
        "INSERT INTO bericht (bericht_id, standaard, wet, berichttype, berichtcode, afzender,"
        " ontvanger, gemeentecode, aanbieder, identificatie, dagtekening, retour_identificatie,"
        " retourcodes, aantal_regels, bestand, sha256, status, lading_id)"
        " VALUES (?, 'iwmo', 'wmo', '301', 414, ?, 'GM9901', 'GM9901', NULL,"
        " ?, ?, NULL, NULL, 1, 'x.xml', ?, 'geladen', 1)",
        [
            (f"iwmo:414:GM9901:{i}", "GM9901", str(i), date(2026, 3, day), f"{i:064d}")
            for i, day in ((1, 5), (2, 28), (3, 17))
        ],
    )
    con.close()
    return path


@pytest.fixture(scope="session")
def published() -> pd.DataFrame:
    return make_published()


@pytest.fixture(scope="session")
def definitions() -> dict[str, object]:
    return make_definitions()


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("pakhuis") / "stuurdata.duckdb")
