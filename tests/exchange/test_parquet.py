"""The Parquet exchange format: partitioned by gemeente, a manifest, incremental rewrites."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from kleine_regio import build, load_more
from stuurdata.exchange.parquet import (
    MANIFEST,
    OMITTED,
    ExportError,
    export_parquet,
    open_export,
    read_manifest,
    verify_export,
)
from stuurdata.warehouse.schema import TABLES, create_all


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> tuple[Path, list[Path]]:
    return build(tmp_path_factory.mktemp("regio"), hold_back="GM9902")


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _files(uit: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(uit).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in uit.rglob("*.parquet")
    }


@pytest.mark.slow
def test_export_reads_back_and_a_new_month_rewrites_only_its_gemeente(region, tmp_path):
    pakhuis, held = region
    uit = tmp_path / "export"
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        first = export_parquet(con, uit)
        counts = _counts(con)
    finally:
        con.close()
    assert first.rijen == counts and not first.verwijderd and first.ongewijzigd == 0
    assert {g for _, g in first.geschreven} == {"GM9901", "GM9902"}
    assert (uit / "toewijzing" / "gemeente=GM9901").is_dir()
    assert verify_export(uit) == []
    back = open_export(uit)
    assert _counts(back) == counts
    # every row sits in its own gemeente's folder
    for table in ("toewijzing", "declaratie", "verblijf"):
        wrong = back.execute(
            f"SELECT count(*) FROM read_parquet('{uit}/{table}/*/*.parquet', "
            f"hive_partitioning = true) WHERE gemeentecode <> gemeente"
        ).fetchone()[0]
        assert wrong == 0
    back.close()

    before = _files(uit)
    load_more(pakhuis, held)  # a new month of GM9902 only
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        second = export_parquet(con, uit)
        new_counts = _counts(con)
    finally:
        con.close()
    assert second.geschreven and {g for _, g in second.geschreven} == {"GM9902"}
    assert second.ongewijzigd > 0
    after = _files(uit)
    untouched = [p for p in before if "gemeente=GM9901" in p]
    assert untouched and all(after[p] == before[p] for p in untouched)
    assert any(after.get(p) != before[p] for p in before if "gemeente=GM9902" in p)
    assert verify_export(uit) == []
    assert _counts(open_export(uit)) == new_counts
    assert new_counts["declaratie"] > counts["declaratie"]
    assert read_manifest(uit)["tabellen"]["declaratie"]["rijen"] == new_counts["declaratie"]

    # exporting again without changes rewrites nothing
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        third = export_parquet(con, uit)
    finally:
        con.close()
    assert third.geschreven == [] and _files(uit) == after


@pytest.mark.slow
def test_manifest_and_privacy(region, tmp_path):
    pakhuis, _ = region
    uit = tmp_path / "export"
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        export_parquet(con, uit)
        loads = con.execute("SELECT count(*) FROM lading").fetchone()[0]
    finally:
        con.close()
    manifest = json.loads((uit / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["formaat"] == "stuurdata-parquet" and manifest["schemaversie"]
    assert len(manifest["ladingen"]) == loads
    part = manifest["tabellen"]["toewijzing"]["partities"]["GM9901"]
    assert part["rijen"] > 0 and len(part["bestanden"][0]["sha256"]) == 64
    # no input file names and no user names leave the warehouse
    assert "bestand" not in manifest["ladingen"][0] and "wie" not in manifest["ladingen"][0]
    text = (uit / MANIFEST).read_text(encoding="utf-8")
    assert ".xml" not in text and ".csv" not in text and str(pakhuis.parent) not in text
    back = open_export(uit)
    for table, columns in OMITTED.items():
        present = {r[0] for r in back.execute(f"DESCRIBE {table}").fetchall()}
        assert not present & set(columns)
    for table in TABLES:
        for name, kind, *_ in back.execute(f"DESCRIBE {table}").fetchall():
            if kind == "VARCHAR":
                hits = back.execute(
                    f"SELECT count(*) FROM {table} WHERE {name} ILIKE '%.xml%' "
                    f"OR {name} ILIKE '%.csv%' OR {name} ILIKE '%bronnen%'"
                ).fetchone()[0]
                assert hits == 0, (table, name)


def test_damage_is_found_and_foreign_folders_are_refused(region, tmp_path):
    pakhuis, _ = region
    uit = tmp_path / "export"
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        export_parquet(con, uit)
        victim = next((uit / "declaratie").rglob("*.parquet"))
        victim.write_bytes(victim.read_bytes()[:-10] + b"0123456789")
        assert any("controlegetal" in p for p in verify_export(uit))
        other = tmp_path / "iets-anders"
        other.mkdir()
        (other / "notities.txt").write_text("van iemand anders", encoding="utf-8")
        with pytest.raises(ExportError, match="geen stuurdata-export"):
            export_parquet(con, other)
        assert (other / "notities.txt").exists()
    finally:
        con.close()


def test_a_warehouse_of_an_older_version_exports_read_only(tmp_path):
    """A warehouse made before ``persoon.regio_persoon_id`` existed gets it at its next load;
    an export (read-only) before that writes the column as NULL instead of failing."""
    pakhuis = tmp_path / "oud.duckdb"
    con = duckdb.connect(str(pakhuis))
    create_all(con)
    con.execute("INSERT INTO persoon VALUES ('p1', DATE '1950-01-01', '2', 'brp', 1, NULL)")
    con.execute("ALTER TABLE persoon DROP COLUMN regio_persoon_id")
    con.close()
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        export_parquet(con, tmp_path / "export")
    finally:
        con.close()
    back = open_export(tmp_path / "export")
    assert back.execute("SELECT persoon_id, regio_persoon_id FROM persoon").fetchall() == [
        ("p1", None)
    ]
