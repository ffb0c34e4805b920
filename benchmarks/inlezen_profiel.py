"""Where the CPU of one ingest goes (issue 18, goal 1): per phase and per message.

    python benchmarks/inlezen_profiel.py [FOLDER]    # default benchmarks/data/gm_20000_36

Two views, both in CPU seconds (user + system of this process, DuckDB's threads
included), so a busy shared machine stretches them far less than wall seconds:

1. ``fasen``: one ``load_sources`` of ``FOLDER/bronnen`` with one reader process into a fresh
   warehouse, with a timer around each part (no profiler: cProfile triples the cost of small
   Python calls and skews the shares). Beside it the reference of ``run.py``: raw lxml read,
   parse and XSD validation of the same message files.
2. ``per_bericht``: microseconds per message of each step of the message reader, per message
   type (up to 2,000 messages each), measured step by step on the same files: file read,
   detection, parse, validation, header, extraction (scan, pseudonyms, rows), fingerprint,
   the whole reader, and the rows into Arrow columns.

Nothing here is asserted; the figures go to stdout and ``benchmarks/data/inlezen_profiel.json``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from lxml import etree

import stuurdata.warehouse.load as load_module
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources import detect as detect_module
from stuurdata.sources.files import iter_sources, list_files
from stuurdata.sources.istandaarden import reader
from stuurdata.sources.istandaarden.catalogue import KNOWN, schema_for
from stuurdata.sources.istandaarden.content import fingerprint
from stuurdata.sources.istandaarden.extract import Extraction, read_valid_header
from stuurdata.warehouse import reading, staging

HERE = Path(__file__).resolve().parent
KEY = b"benchmark-key-" * 3
PER_TYPE = 2000


def cpu() -> float:
    """CPU seconds of this process (all its threads), at a finer grain than ``os.times``."""
    return time.process_time()


def _timed(spent: dict[str, float], owner: Any, name: str, label: str) -> None:
    """Wrap ``owner.name`` so its CPU seconds add up under ``label``."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = cpu()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += cpu() - start

    setattr(owner, name, wrapper)


def phases(bronnen: Path) -> dict[str, float]:
    """CPU seconds per part of one load with one reader process."""
    spent: dict[str, float] = defaultdict(float)
    read_source = reading.read_source

    def timed_read(kind: str, source: Any, pseudo: Any) -> list[Any]:
        start = cpu()
        out = list(read_source(kind, source, pseudo))
        spent[f"lezer {kind}"] += cpu() - start
        return out

    reading.read_source = timed_read  # type: ignore[assignment]
    for owner, name, label in (
        (reading, "detect", "herkennen"),
        (reading, "_read_chunk", "werker totaal"),
        (staging.BatchBuilder, "add", "arrow: rijen verzamelen"),
        (staging.BatchBuilder, "batches", "arrow: kolommen"),
        (staging.Stager, "insert", "pakhuis: batches ontvangen"),
        (staging.Stager, "flush", "pakhuis: staging insert"),
        (load_module.integrity, "classify_units", "pakhuis: dubbel/conflict"),
        (load_module.merge, "merge_all", "pakhuis: merge"),
        (load_module, "_write_lading", "pakhuis: lading"),
        (load_module, "_write_quarantine", "pakhuis: quarantaine"),
        (load_module, "_persons_loaded", "pakhuis: personen"),
        (load_module, "list_files", "bestanden opsommen"),
        (load_module, "connect", "pakhuis openen"),
    ):
        _timed(spent, owner, name, label)
    with tempfile.TemporaryDirectory() as tmp:
        start = cpu()
        result = load_module.load_sources(
            [bronnen], Path(tmp) / "p.duckdb", Pseudonymiser(KEY), workers=1
        )
        spent["totaal"] = cpu() - start
    assert result.totaal("gequarantaineerd") == 0, "the bench inbox is clean"
    readers = sum(v for k, v in spent.items() if k.startswith("lezer ")) + spent["herkennen"]
    builder = spent["arrow: rijen verzamelen"] + spent["arrow: kolommen"]
    spent["werker: bestanden lezen en rest"] = spent["werker totaal"] - readers - builder
    return dict(spent)


def raw_lxml(files: list[Path]) -> float:
    """The reference of ``run.py``: read, parse and validate every message, CPU seconds."""
    schemas: dict[str, etree.XMLSchema] = {}
    start = cpu()
    for path in files:
        doc = etree.fromstring(path.read_bytes())
        namespace = doc.tag[1 : doc.tag.index("}")]
        schema = schemas.get(namespace) or schemas.setdefault(
            namespace, schema_for(KNOWN[namespace])
        )
        schema.validate(doc)
    return cpu() - start


def _each(items: list[Any], step: Any) -> tuple[list[Any], float]:
    start = cpu()
    out = [step(item) for item in items]
    return out, (cpu() - start) / len(items) * 1e6


def per_message(berichten: Path) -> dict[str, dict[str, float]]:
    """Microseconds per message of each reader step, per message type."""
    by_type: dict[str, list[Any]] = defaultdict(list)
    for entry in list_files([berichten]):
        kind = entry.path.name.split("_")[0]
        if len(by_type[kind]) < PER_TYPE:
            by_type[kind].append(entry)
    pseudo = Pseudonymiser(KEY)
    out: dict[str, dict[str, float]] = {}
    for kind, entries in sorted(by_type.items()):
        row: dict[str, float] = {"berichten": len(entries)}
        sources, row["bestand lezen"] = _each(entries, lambda e: next(iter_sources([e])))
        _, row["herkennen"] = _each(sources, detect_module.detect)
        roots, row["parse"] = _each(sources, lambda s: etree.fromstring(s.data, reader._PARSER))
        spec = KNOWN[roots[0].tag[1 : roots[0].tag.index("}")]]
        schema = schema_for(spec)
        _, row["xsd"] = _each(roots, schema.validate)
        headers, row["kop"] = _each(roots, lambda r, spec=spec: read_valid_header(r, spec))
        ids = [reader._bericht_id(spec, h, pseudo) for h in headers]
        triples = list(zip(roots, headers, ids, strict=True))
        extractions, row["extractie"] = _each(
            triples, lambda t, spec=spec: Extraction(t[0], spec, t[1], t[2], pseudo)
        )
        _, row["vingerafdruk"] = _each(extractions, lambda x: fingerprint(x.rows))
        del roots, extractions, triples
        units, row["lezer totaal"] = _each(sources, lambda s: reader._read(s, pseudo))
        builder = staging.BatchBuilder()
        start = cpu()
        for index, unit in enumerate(units):
            builder.add(unit, index, "x")
        builder.batches()
        row["arrow"] = (cpu() - start) / len(units) * 1e6
        row["lxml (parse + xsd)"] = row["parse"] + row["xsd"]
        row["python (rest van de lezer)"] = row["lezer totaal"] - row["lxml (parse + xsd)"]
        out[kind] = {k: round(v, 1) for k, v in row.items()}
    return out


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "data" / "gm_20000_36"
    berichten = folder / "bronnen" / "berichten"
    files = sorted(berichten.rglob("*.xml"))
    figures: dict[str, Any] = {"map": folder.name, "load_start": os.getloadavg()[0]}
    figures["ruw_lxml_cpu_s"] = round(raw_lxml(files), 2)
    spent = phases(folder / "bronnen")
    figures["fasen_cpu_s"] = {k: round(v, 2) for k, v in sorted(spent.items(), key=lambda x: -x[1])}
    figures["verhouding_cpu"] = round(figures["ruw_lxml_cpu_s"] / spent["totaal"], 3)
    figures["per_bericht_us"] = per_message(berichten)
    figures["load_end"] = os.getloadavg()[0]
    figures["wanneer"] = time.strftime("%Y-%m-%d %H:%M")
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    (HERE / "data" / "inlezen_profiel.json").write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
