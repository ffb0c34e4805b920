"""The audit log is append-only and hash-chained: any change, deletion or reordering is caught."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import DatabaseError

from stuurdata.privacy import audit
from stuurdata.privacy.store import audit_table, engine_for, store_path

FIELDS = [
    "verwerking_id",
    "tijdstip",
    "activiteit",
    "resultaat",
    "doel",
    "grondslag",
    "actor",
    "rol",
    "bronnen",
    "personen",
    "uitvoer",
    "toelichting",
    "vorige_hash",
    "hash",
]


def _fill(pakhuis, count: int = 5) -> None:
    for i in range(count):
        audit.append(
            pakhuis,
            activiteit="berekenen",
            resultaat=audit.UITGEVOERD,
            actor=f"analist{i}",
            doel="demo",
            grondslag="AVG 6.1.e",
            rol="analist",
            bronnen=["toewijzing"],
            personen=100 + i,
            uitvoer=f"uit{i}.csv",
            toelichting="ok",
        )


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sjabloon")
    _fill(folder / "p.duckdb")
    return folder


@pytest.fixture
def filled(template, tmp_path):
    """A copy of a log with five records (filling one per test would be slow)."""
    import shutil

    for name in ("p.beheer.sqlite", "p.audit-anker"):
        shutil.copy2(template / name, tmp_path / name)
    return tmp_path / "p.duckdb"


def _sql(pakhuis, statement: str, params=()) -> None:
    """An attacker with file access: bypass the triggers and edit the SQLite file."""
    con = sqlite3.connect(store_path(pakhuis))
    con.execute("DROP TRIGGER IF EXISTS audit_geen_wijziging")
    con.execute("DROP TRIGGER IF EXISTS audit_geen_verwijdering")
    con.execute(statement, params)
    con.commit()
    con.close()


def _flip(value):
    if isinstance(value, int):
        return value ^ 1
    text = str(value)
    return chr(ord(text[0]) ^ 1) + text[1:]


def test_untouched_log_verifies(filled):
    pakhuis = filled
    result = audit.verify(pakhuis)
    assert result.ok and result.aantal == 5


def test_triggers_refuse_update_and_delete(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis, 1)
    engine = engine_for(pakhuis)
    with pytest.raises(DatabaseError), engine.begin() as conn:
        conn.execute(audit_table.update().values(actor="x"))
    with pytest.raises(DatabaseError), engine.begin() as conn:
        conn.execute(audit_table.delete())


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("volgnummer", [1, 3, 5])
def test_one_changed_byte_in_any_field_is_caught(filled, field, volgnummer):
    pakhuis = filled
    con = sqlite3.connect(store_path(pakhuis))
    (value,) = con.execute(
        f"SELECT {field} FROM audit WHERE volgnummer = ?", [volgnummer]
    ).fetchone()
    con.close()
    _sql(pakhuis, f"UPDATE audit SET {field} = ? WHERE volgnummer = ?", [_flip(value), volgnummer])
    assert not audit.verify(pakhuis).ok


def test_a_flipped_byte_in_the_file_is_caught(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis)
    audit.verify(pakhuis)
    from stuurdata.privacy.store import dispose_all

    dispose_all()
    data = bytearray(store_path(pakhuis).read_bytes())
    positions = [i for i in range(len(data)) if data.startswith(b"analist3", i)]
    assert positions
    data[positions[0]] ^= 0x01
    store_path(pakhuis).write_bytes(bytes(data))
    assert not audit.verify(pakhuis).ok


@pytest.mark.parametrize("volgnummer", [1, 3, 5])
def test_deletion_is_caught_also_at_the_end(filled, volgnummer):
    pakhuis = filled
    _sql(pakhuis, "DELETE FROM audit WHERE volgnummer = ?", [volgnummer])
    assert not audit.verify(pakhuis).ok


def test_reordering_is_caught(filled):
    pakhuis = filled
    _sql(pakhuis, "UPDATE audit SET volgnummer = -2 WHERE volgnummer = 2")
    _sql(pakhuis, "UPDATE audit SET volgnummer = 2 WHERE volgnummer = 3")
    _sql(pakhuis, "UPDATE audit SET volgnummer = 3 WHERE volgnummer = -2")
    problems = audit.verify(pakhuis).problemen
    assert any("keten" in p or "gewijzigd" in p for p in problems)


def test_filters(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis)
    audit.append(pakhuis, activiteit="inlezen", resultaat=audit.GEWEIGERD, actor="x")
    assert [r.actor for r in audit.records(pakhuis, activiteit="inlezen")] == ["x"]
    assert len(audit.records(pakhuis, resultaat=audit.UITGEVOERD)) == 5
    assert audit.records(pakhuis, vanaf="2999-01-01") == []
    assert audit.head(pakhuis)[0] == 6
