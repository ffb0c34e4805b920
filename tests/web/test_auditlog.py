"""The dashboard's group commit: many views at once, each with its own chained record."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from stuurdata.privacy import audit
from stuurdata.web.auditlog import GroupCommit


def test_concurrent_views_each_get_a_chained_record(tmp_path: Path) -> None:
    pakhuis = tmp_path / "pakhuis.duckdb"
    audit.append(pakhuis, activiteit="inlezen", resultaat=audit.UITGEVOERD, actor="beheer")
    log = GroupCommit()

    def view(i: int) -> audit.AuditRecord:
        return log.append(
            pakhuis,
            activiteit="bekijken",
            resultaat=audit.UITGEVOERD,
            actor=f"gebruiker{i}",
            rol="raadslid",
            doel="demo",
            uitvoer="/",
            personen=i,
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        done = list(pool.map(view, range(80)))

    rows = audit.records(pakhuis)
    assert len(rows) == 81
    assert [r.volgnummer for r in rows] == list(range(1, 82))
    assert {r.actor for r in rows[1:]} == {f"gebruiker{i}" for i in range(80)}
    # Every caller got its record back with the number and hash it was stored with.
    stored = {r.verwerking_id: (r.volgnummer, r.hash) for r in rows}
    assert all(stored[r.verwerking_id] == (r.volgnummer, r.hash) for r in done)
    assert audit.verify(pakhuis).ok


def test_a_batch_is_tamper_evident_per_record(tmp_path: Path) -> None:
    pakhuis = tmp_path / "pakhuis.duckdb"
    batch = [
        audit.new_record(activiteit="bekijken", resultaat=audit.UITGEVOERD, actor=f"a{i}")
        for i in range(3)
    ]
    audit.commit(pakhuis, batch)
    assert [r.volgnummer for r in batch] == [1, 2, 3]
    assert batch[1].vorige_hash == batch[0].hash and batch[2].vorige_hash == batch[1].hash
    assert audit.verify(pakhuis).ok
    # Removing the last record of the batch is caught by the anchor.
    from stuurdata.privacy.store import audit_table, engine_for

    with engine_for(pakhuis).begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_geen_verwijdering")
        conn.execute(audit_table.delete().where(audit_table.c.volgnummer == 3))
    assert not audit.verify(pakhuis).ok
