"""Issue 11, audit log: an appended record with a correct hash, and a broken anchor.

The anchor holds the last record's number, the count and the hash: a record after it fails
``audit controleer`` even when its hash is computed correctly.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict

from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.privacy import audit
from stuurdata.privacy.store import store_path

runner = CliRunner()


def _fill(pakhuis, count: int = 3) -> None:
    for i in range(count):
        audit.append(pakhuis, activiteit="berekenen", resultaat=audit.UITGEVOERD, actor=f"a{i}")


def _forge(pakhuis) -> None:
    """What an attacker with write access to the store does: a perfect next record."""
    last = audit.records(pakhuis)[-1]
    forged = audit.AuditRecord(
        activiteit="export",
        resultaat=audit.UITGEVOERD,
        actor="niemand",
        uitvoer="/tmp/alles.csv",
        volgnummer=last.volgnummer + 1,
        vorige_hash=last.hash,
    )
    row = asdict(forged)
    row["hash"] = audit.record_hash(row)
    con = sqlite3.connect(store_path(pakhuis))
    columns = ", ".join(row)
    con.execute(
        f"INSERT INTO audit ({columns}) VALUES ({', '.join('?' * len(row))})", [*row.values()]
    )
    con.commit()
    con.close()


def test_the_anchor_holds_number_count_and_hash(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis)
    anchor = json.loads(audit.anchor_path(pakhuis).read_text())
    last = audit.records(pakhuis)[-1]
    assert anchor == {"volgnummer": 3, "aantal": 3, "hash": last.hash}


def test_an_appended_record_with_a_correct_hash_is_caught(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis)
    _forge(pakhuis)
    result = audit.verify(pakhuis)
    assert not result.ok
    assert any("na record 3" in p for p in result.problemen)
    assert any("telt 4 records, het anker 3" in p for p in result.problemen)
    cli = runner.invoke(app, ["audit", "controleer", "--pakhuis", str(pakhuis)])
    assert cli.exit_code == 1 and "na record 3" in cli.output


def test_a_count_that_does_not_match_is_caught(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis)
    path = audit.anchor_path(pakhuis)
    anchor = json.loads(path.read_text())
    path.write_text(json.dumps({**anchor, "aantal": 2}))
    assert audit.verify(pakhuis).problemen == ["het anker is onleesbaar"]


def test_an_old_anchor_without_count_still_verifies(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis)
    path = audit.anchor_path(pakhuis)
    anchor = json.loads(path.read_text())
    del anchor["aantal"]
    path.write_text(json.dumps(anchor))
    assert audit.verify(pakhuis).ok


def test_a_garbled_anchor_is_reported(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis)
    for text in ("", "[]", '{"volgnummer": "x"}', "\x00\x01"):
        audit.anchor_path(pakhuis).write_text(text)
        assert audit.verify(pakhuis).problemen == ["het anker is onleesbaar"]


def test_anchor_and_store_are_private(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis, 1)
    for path in (audit.anchor_path(pakhuis), store_path(pakhuis)):
        assert path.stat().st_mode & 0o077 == 0


def test_a_forged_record_stays_reported_after_stuurdata_appends_behind_it(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis)
    _forge(pakhuis)
    _fill(pakhuis, 2)  # the chain is whole again from here on; the anchor remembers
    problems = audit.verify(pakhuis).problemen
    assert any(
        p.startswith("eerder gezien") and "record 4, het anker bij record 3" in p for p in problems
    )
    _fill(pakhuis, 1)
    assert not audit.verify(pakhuis).ok


def test_a_crash_between_commit_and_anchor_is_no_false_alarm(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis)
    rows = audit.records(pakhuis)
    # The anchor as written just before the commit of record 3: end 2, next 3.
    audit.anchor_path(pakhuis).write_text(
        json.dumps(
            {
                "volgnummer": 2,
                "aantal": 2,
                "hash": rows[1].hash,
                "volgend": {"volgnummer": 3, "hash": rows[2].hash},
            }
        )
    )
    assert audit.verify(pakhuis).ok
    _fill(pakhuis, 1)
    assert audit.verify(pakhuis).ok


def test_a_deleted_anchor_or_emptied_store_stays_reported(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis)
    audit.anchor_path(pakhuis).unlink()
    _fill(pakhuis, 1)
    assert any("ontbrak het anker" in p for p in audit.verify(pakhuis).problemen)


def test_a_shared_store_only_checks_the_records_the_anchor_saw(tmp_path):
    """A PostgreSQL store gets records from other machines, each with its own anchor."""
    pakhuis = tmp_path / "p.duckdb"
    _fill(pakhuis)
    rows = audit.records(pakhuis)
    _fill(pakhuis, 2)  # another machine's appends, as far as this anchor is concerned
    audit.anchor_path(pakhuis).write_text(
        json.dumps({"volgnummer": 3, "aantal": 3, "hash": rows[2].hash})
    )
    everything = audit.records(pakhuis)
    assert audit._check_anchor(audit.anchor_path(pakhuis), everything, strict=False) == []
    assert audit._check_anchor(audit.anchor_path(pakhuis), everything, strict=True)
