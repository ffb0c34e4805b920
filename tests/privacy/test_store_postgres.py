"""The operational store on a real PostgreSQL server (the shared-installation setup).

Runs when ``STUURDATA_TEST_PG_URL`` is set (CI sets it after starting PostgreSQL in
``.ci/run``); skips with the reason otherwise, so a laptop without PostgreSQL can run the suite.
Each test works in its own schema, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DatabaseError

from stuurdata.privacy import audit
from stuurdata.privacy.governance import DoelGeweigerd, ensure_demo_purpose, verwerking
from stuurdata.privacy.projects import get_project
from stuurdata.privacy.purposes import get_doel
from stuurdata.privacy.store import audit_table, dispose_all, engine_for

PG_URL = os.environ.get("STUURDATA_TEST_PG_URL")
pytestmark = pytest.mark.skipif(
    not PG_URL, reason="STUURDATA_TEST_PG_URL is niet gezet (geen PostgreSQL-server voor de test)"
)


@pytest.fixture
def pg_url():
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    dispose_all()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_purposes_projects_and_audit_on_postgresql(tmp_path, pg_url):
    pakhuis = tmp_path / "p.duckdb"
    ensure_demo_purpose(pakhuis, url=pg_url)
    assert get_doel(pakhuis, "demo", url=pg_url) is not None
    assert get_project(pakhuis, "demo", url=pg_url).doelen == ("demo",)
    with verwerking(pakhuis, doel="demo", activiteit="berekenen", url=pg_url) as v:
        v.personen = 7
    with (
        pytest.raises(DoelGeweigerd),
        verwerking(pakhuis, doel="demo", activiteit="bekijken", persoonsniveau=True, url=pg_url),
    ):
        pass
    rows = audit.records(pakhuis, url=pg_url)
    changes = ["doelwijziging", "doelwijziging", "projectwijziging"]
    assert [r.activiteit for r in rows[:3]] == changes
    assert [r.resultaat for r in rows[3:]] == [audit.UITGEVOERD, audit.GEWEIGERD]
    assert audit.verify(pakhuis, url=pg_url).ok


def test_postgresql_refuses_edits_and_the_chain_catches_them(tmp_path, pg_url):
    pakhuis = tmp_path / "p.duckdb"
    for i in range(3):
        audit.append(
            pakhuis, activiteit="inlezen", resultaat=audit.UITGEVOERD, actor=f"a{i}", url=pg_url
        )
    engine = engine_for(pakhuis, pg_url)
    with pytest.raises(DatabaseError), engine.begin() as conn:
        conn.execute(audit_table.update().values(actor="x"))
    with pytest.raises(DatabaseError), engine.begin() as conn:
        conn.execute(audit_table.delete())
    with engine.begin() as conn:  # an administrator who drops the trigger first
        conn.execute(text("DROP TRIGGER audit_alleen_toevoegen ON audit"))
        conn.execute(audit_table.update().where(audit_table.c.volgnummer == 2).values(actor="b1"))
    assert not audit.verify(pakhuis, url=pg_url).ok
