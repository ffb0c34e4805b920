"""Export the canonical tables as Parquet, hive-partitioned by gemeente, with a manifest.

Layout of an export folder::

    manifest.json
    toewijzing/gemeente=GM0363/data_0.parquet
    toewijzing/gemeente=GM0384/data_0.parquet
    ...

Rows are exported as stored (pseudonymised). Input file names (``bestand``) and the name of
the person who ran a load (``lading.wie``) are left out: they never leave the warehouse.

Every row belongs to one gemeente: its own ``gemeentecode`` where the table has one (for
``gebied`` the gemeente inside the area code), otherwise (``persoon``, ``lading``,
``quarantaine``, or a NULL code) the gemeente of the load it came from, which is the lowest
gemeentecode among the rows that load wrote. A row that cannot be placed goes to
``gemeente=onbekend``.

Exporting into a folder that already holds an export rewrites only the partitions whose
content changed (compared by a fingerprint per partition in the manifest), so loading a new
month of one gemeente and exporting again touches only that gemeente's folders. The manifest
is written last; an interrupted export is repaired by running it again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from stuurdata.warehouse.schema import TABLES, column_types

MANIFEST = "manifest.json"
FORMAT = "stuurdata-parquet"
FORMAT_VERSION = 1
PARTITION = "gemeente"
UNKNOWN = "onbekend"
# Never exported: input file names and who ran a load (privacy standard, docs/privacy.md).
OMITTED: dict[str, tuple[str, ...]] = {
    "lading": ("bestand", "wie"),
    "quarantaine": ("bestand",),
    "bericht": ("bestand",),
}
_WITH_CODE = tuple(t for t in TABLES if "gemeentecode" in column_types(t))


class ExportError(ValueError):
    """An export folder that cannot be written or read (message in Dutch)."""


@dataclass
class ExportResult:
    """What one export did: rows per table and which partitions it (re)wrote or removed."""

    uit: Path
    rijen: dict[str, int] = field(default_factory=dict)
    geschreven: list[tuple[str, str]] = field(default_factory=list)
    verwijderd: list[tuple[str, str]] = field(default_factory=list)
    ongewijzigd: int = 0


def exported_columns(table: str) -> dict[str, str]:
    """Column -> SQL type of ``table`` as exported (the canonical order, minus OMITTED)."""
    return {c: t for c, t in column_types(table).items() if c not in OMITTED.get(table, ())}


def schema_version() -> str:
    """A short fingerprint of the exported columns and types: changes when the schema grows."""
    spec = {t: exported_columns(t) for t in TABLES}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def _source(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """``table``, with NULL for exported columns a warehouse made by an older version lacks
    (it gets them at its next load; the export opens it read-only, so it cannot add them)."""
    present = {
        str(r[0])
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = ? AND table_schema = current_schema()",
            [table],
        ).fetchall()
    }
    missing = [
        f"CAST(NULL AS {t}) AS {c}" for c, t in exported_columns(table).items() if c not in present
    ]
    return f"(SELECT *, {', '.join(missing)} FROM {table})" if missing else table


def _rows_sql(table: str, source: str) -> str:
    """The exported rows of ``table`` (read from ``source``) with their partition column."""
    loads = " UNION ALL ".join(
        [f"SELECT lading_id, gemeentecode AS gm FROM {t}" for t in _WITH_CODE]
        + ["SELECT lading_id, 'GM' || substr(gebiedscode, 3, 4) FROM gebied"]
    )
    own = {"gebied": "'GM' || substr(t.gebiedscode, 3, 4)"}.get(
        table, "t.gemeentecode" if table in _WITH_CODE else "NULL"
    )
    code = f"coalesce({own}, lg.gm)"
    cols = ", ".join(f"t.{c}" for c in exported_columns(table))
    return (
        f"WITH lg AS (SELECT lading_id, min(gm) AS gm FROM ({loads}) "
        f"WHERE gm IS NOT NULL GROUP BY lading_id) "
        f"SELECT {cols}, CASE WHEN regexp_full_match({code}, 'GM[0-9]{{4}}') THEN {code} "
        f"ELSE '{UNKNOWN}' END AS {PARTITION} "
        f"FROM {source} t LEFT JOIN lg ON t.lading_id = lg.lading_id"
    )


def _fingerprints(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, tuple[int, str]]:
    """Per gemeente: (rows, an order-independent hash of the rows' content)."""
    cols = ", ".join(exported_columns(table))
    rows = con.execute(
        f"SELECT {PARTITION}, count(*), sum(hash({cols}))::VARCHAR "
        f"FROM ({_rows_sql(table, _source(con, table))}) GROUP BY {PARTITION}"
    ).fetchall()
    return {str(g): (int(n), str(h)) for g, n, h in rows}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def read_manifest(uit: Path) -> dict[str, Any]:
    """The manifest of an export folder (ExportError when there is none or it is not ours)."""
    path = Path(uit) / MANIFEST
    if not path.is_file():
        raise ExportError(f"Map {uit} is geen stuurdata-export: {MANIFEST} ontbreekt.")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("formaat") != FORMAT:
        raise ExportError(f"{path} is geen manifest van een stuurdata-export.")
    return manifest


def _previous(uit: Path) -> dict[str, Any] | None:
    """The manifest to compare with, or None for a full export (refusing foreign folders)."""
    if uit.exists() and not uit.is_dir():
        raise ExportError(f"{uit} is een bestand; geef een map op voor de export.")
    if not uit.exists() or not any(uit.iterdir()):
        return None
    manifest = read_manifest(uit)
    same = (
        manifest.get("formaatversie") == FORMAT_VERSION
        and manifest.get("schemaversie") == schema_version()
    )
    if not same:  # another schema: nothing can be reused
        for table in manifest.get("tabellen", {}):
            if table in TABLES:
                shutil.rmtree(uit / table, ignore_errors=True)
        return None
    return manifest


def _write_partitions(
    con: duckdb.DuckDBPyConnection, uit: Path, table: str, codes: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """(Re)write the partitions ``codes`` of ``table`` in one pass; their files, checksummed."""
    staging = uit / f".schrijven-{table}"
    shutil.rmtree(staging, ignore_errors=True)
    wanted = ", ".join(f"'{c}'" for c in codes)  # codes match GM[0-9]{4} or 'onbekend'
    rows = _rows_sql(table, _source(con, table))
    con.execute(
        f"COPY (SELECT * FROM ({rows}) WHERE {PARTITION} IN ({wanted}) ORDER BY ALL) "
        f"TO {_quote(staging)} (FORMAT parquet, PARTITION_BY ({PARTITION}), COMPRESSION zstd)"
    )
    files: dict[str, list[dict[str, Any]]] = {}
    for code in codes:
        target = uit / table / f"{PARTITION}={code}"
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / f"{PARTITION}={code}", target)
        files[code] = [
            {
                "pad": f.relative_to(uit).as_posix(),
                "sha256": _sha256(f),
                "bytes": f.stat().st_size,
            }
            for f in sorted(target.glob("*.parquet"))
        ]
    shutil.rmtree(staging, ignore_errors=True)
    return files


def _loads(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cols = [c for c in exported_columns("lading")]
    rows = con.execute(f"SELECT {', '.join(cols)} FROM lading ORDER BY lading_id").fetchall()
    return [
        {c: (v.isoformat() if isinstance(v, datetime) else v) for c, v in zip(cols, r, strict=True)}
        for r in rows
    ]


def _stuurdata_version() -> str:
    try:
        return version("stuurdata")
    except PackageNotFoundError:  # running from a source tree
        return "onbekend"


def export_parquet(con: duckdb.DuckDBPyConnection, uit: Path) -> ExportResult:
    """Write (or bring up to date) the Parquet export of the warehouse behind ``con``."""
    uit = Path(uit)
    previous = _previous(uit)
    uit.mkdir(parents=True, exist_ok=True)
    old_tables: dict[str, Any] = (previous or {}).get("tabellen", {})
    result = ExportResult(uit=uit)
    tables: dict[str, Any] = {}
    for table in TABLES:
        prints = _fingerprints(con, table)
        old = old_tables.get(table, {}).get("partities", {})
        keep = {
            g: old[g]
            for g, (n, h) in prints.items()
            if g in old
            and old[g]["rijen"] == n
            and old[g]["vingerafdruk"] == h
            and all((uit / f["pad"]).is_file() for f in old[g]["bestanden"])
        }
        changed = sorted(g for g in prints if g not in keep)
        files = _write_partitions(con, uit, table, changed) if changed else {}
        for gone in sorted(set(old) - set(prints)):
            shutil.rmtree(uit / table / f"{PARTITION}={gone}", ignore_errors=True)
            result.verwijderd.append((table, gone))
        result.geschreven += [(table, g) for g in changed]
        result.ongewijzigd += len(keep)
        partitions = {
            g: keep.get(g) or {"rijen": n, "vingerafdruk": h, "bestanden": files[g]}
            for g, (n, h) in sorted(prints.items())
        }
        result.rijen[table] = sum(n for n, _ in prints.values())
        tables[table] = {
            "kolommen": exported_columns(table),
            "rijen": result.rijen[table],
            "partities": partitions,
        }
    manifest = {
        "formaat": FORMAT,
        "formaatversie": FORMAT_VERSION,
        "schemaversie": schema_version(),
        "stuurdata": _stuurdata_version(),
        "gemaakt": datetime.now(UTC).isoformat(timespec="seconds"),
        "partitie": PARTITION,
        "weggelaten_kolommen": {t: list(c) for t, c in OMITTED.items()},
        "ladingen": _loads(con),
        "tabellen": tables,
    }
    tmp = uit / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, uit / MANIFEST)
    return result


def verify_export(uit: Path) -> list[str]:
    """Problems with an export folder (empty list: every file there, checksums and rows right)."""
    manifest = read_manifest(uit)
    problems: list[str] = []
    for table, spec in manifest["tabellen"].items():
        for code, part in spec["partities"].items():
            rows, damaged = 0, False
            for f in part["bestanden"]:
                path = Path(uit) / f["pad"]
                if not path.is_file():
                    problems.append(f"{f['pad']}: bestand ontbreekt")
                    damaged = True
                    continue
                if _sha256(path) != f["sha256"]:
                    problems.append(f"{f['pad']}: controlegetal klopt niet")
                    damaged = True
                    continue
                rows += pq.read_metadata(path).num_rows
            if not damaged and rows != part["rijen"]:
                problems.append(
                    f"{table}, {PARTITION} {code}: {rows} rijen, manifest zegt {part['rijen']}"
                )
    return problems


def table_files(uit: Path, manifest: dict[str, Any], table: str) -> list[Path]:
    """The Parquet files of one table in an export (all partitions)."""
    parts = manifest["tabellen"].get(table, {}).get("partities", {})
    return [Path(uit) / f["pad"] for p in parts.values() for f in p["bestanden"]]


def open_export(*uit: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with every canonical table as a view over the export's files.

    Several exports (the members of a region, each exported by its own warehouse) are read
    as one pooled set. Tables without rows become empty tables with the exported columns, so
    every query that runs on a warehouse runs here too (except on the left-out columns); a
    column an older export lacks (``persoon.regio_persoon_id``) reads as NULL.
    """
    manifests = [(Path(u), read_manifest(Path(u))) for u in uit]
    con = duckdb.connect()
    for table in TABLES:
        columns = exported_columns(table)
        files = [f for u, m in manifests for f in table_files(u, m, table)]
        if not files:
            ddl = ", ".join(f"{c} {t}" for c, t in columns.items())
            con.execute(f"CREATE TABLE {table} ({ddl})")
            continue
        paths = ", ".join(_quote(f) for f in files)
        con.execute(
            f"CREATE VIEW {table} AS SELECT {', '.join(columns)} "
            f"FROM read_parquet([{paths}], hive_partitioning = true, union_by_name = true)"
        )
    return con
