"""One small synthetic warehouse with a publication and one account per role, for the session.

The warehouse is loaded as the demo loads it (under the demo purpose, audit-logged) and
published with ``publiceer`` into ``publicatie/`` beside it, where the dashboard looks. Every
test gets a fresh app (fresh login throttle) over it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stuurdata.privacy.governance import ensure_demo_purpose, verwerking
from stuurdata.privacy.keys import pseudonymiser
from stuurdata.publication.publish import publiceer
from stuurdata.publication.store import write_publication
from stuurdata.sources.aanbieders import read_provider_names
from stuurdata.synth import generate
from stuurdata.warehouse.load import connect, load_sources
from stuurdata.web import WebConfig, create_app
from stuurdata.web.roles import ROLLEN
from stuurdata.web.users import create_user
from web.webhelpers import WACHTWOORD, login


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mp = pytest.MonkeyPatch()
    for name in ("STUURDATA_DOEL", "STUURDATA_BEHEER_URL", "STUURDATA_INSTALLATIE"):
        mp.delenv(name, raising=False)
    root = tmp_path_factory.mktemp("web")
    generate(root / "synth", inwoners=2500, maanden=18, zaad=5, tot=date(2026, 10, 1))
    pakhuis = root / "pakhuis.duckdb"
    doel = ensure_demo_purpose(pakhuis)
    with verwerking(pakhuis, doel=doel.naam, activiteit="inlezen") as v:
        load_sources(
            [root / "synth" / "bronnen"],
            pakhuis,
            pseudonymiser(root / "sleutel.key"),
            doel=doel.naam,
            bronnen=doel.bronnen,
        )
        v.uitvoer = str(pakhuis)
    con = connect(pakhuis)
    try:
        namen = read_provider_names(root / "synth" / "aanbieders.csv").namen
        write_publication(publiceer(con, doel=doel, aanbieders=namen), root / "publicatie")
    finally:
        con.close()
    for rol in ROLLEN:
        create_user(pakhuis, rol, rol, WACHTWOORD)
    yield pakhuis
    mp.undo()


@pytest.fixture(scope="session")
def input_bsns(warehouse: Path) -> set[str]:
    brp = next((warehouse.parent / "synth" / "bronnen" / "brp").glob("*.csv"))
    with brp.open(encoding="utf-8-sig") as fh:
        return {row["bsn"] for row in csv.DictReader(fh, delimiter=";")}


@pytest.fixture
def app_client(warehouse: Path) -> Iterator[TestClient]:
    with TestClient(create_app(WebConfig(pakhuis=warehouse, secure_cookies=False))) as client:
        yield client


@pytest.fixture
def signed_in(app_client: TestClient) -> TestClient:
    """A client signed in as the beleidsmedewerker."""
    assert login(app_client, "beleidsmedewerker") == 303
    return app_client
