"""The synthetic municipality: layout, XSD validity, determinism, realism, ground truth."""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from stuurdata.privacy.bsn import is_valid_bsn
from stuurdata.synth import SynthSummary, generate
from stuurdata.synth.brp import BRP_HEADER

SCHEMAS = Path(__file__).parents[2] / "src/stuurdata/sources/istandaarden/schemas"
TOT = date(2025, 12, 1)
ALL_TYPES = {
    "WMO301",
    "WMO305",
    "WMO307",
    "WMO315",
    "WMO323",
    "JW301",
    "JW302",
    "JW305",
    "JW306",
    "JW307",
    "JW308",
    "JW315",
    "JW316",
    "JW323",
    "JW325",
}


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[SynthSummary, Path, dict]:
    root = tmp_path_factory.mktemp("demostad")
    stages: list[tuple[str, float]] = []
    summary = generate(
        root,
        inwoners=5000,
        maanden=12,
        zaad=3,
        tot=TOT,
        progress=lambda label, frac: stages.append((label, frac)),
    )
    assert stages[-1][1] == 1.0
    assert all(0.0 <= f <= 1.0 for _, f in stages)
    truth = json.loads((root / "waarheid" / "waarheid.json").read_text(encoding="utf-8"))
    return summary, root, truth


def _files(root: Path) -> list[Path]:
    return sorted((root / "bronnen" / "berichten").rglob("*.xml"))


def _brp(root: Path) -> list[dict[str, str]]:
    with (root / "bronnen" / "brp" / "brp_GM9901.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    def snapshot(d: Path) -> dict[str, bytes]:
        return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}

    runs = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        generate(tmp_path / name, inwoners=800, maanden=4, zaad=seed, tot=TOT)
        runs.append(snapshot(tmp_path / name))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_summary_counts_files_and_messages(town) -> None:
    summary, root, _ = town
    files = _files(root)
    assert summary.bestanden == len(files) + 3  # brp, gebieden, waarheid
    assert sum(summary.berichten.values()) == len(files)
    assert set(summary.berichten) == ALL_TYPES
    assert summary.eerste_maand == date(2025, 1, 1) and summary.laatste_maand == TOT
    assert 4500 < summary.inwoners < 5600


def test_every_message_type_validates_against_the_official_xsd(town) -> None:
    _, root, _ = town
    by_type: dict[str, list[Path]] = defaultdict(list)
    for f in _files(root):
        by_type[f.name.split("_")[0]].append(f)
    assert set(by_type) == ALL_TYPES
    for typ, files in by_type.items():
        std = "iwmo" if typ.startswith("WMO") else "ijw"
        schema = etree.XMLSchema(etree.parse(str(SCHEMAS / std / f"{typ}.xsd")))
        step = max(1, len(files) // 40)
        for f in files[::step]:
            doc = etree.parse(str(f))
            assert schema.validate(doc), (f.name, str(schema.error_log.last_error))


def test_month_folders_follow_dagtekening(town) -> None:
    _, root, _ = town
    for f in _files(root)[::25]:
        text = f.read_text(encoding="utf-8")
        dag = re.search(r"<i(?:wmo|jw):Dagtekening>(\d{4}-\d{2})", text)
        assert dag and dag.group(1) == f.parent.name


def test_bsns_are_valid_unique_and_in_the_test_range(town) -> None:
    _, root, _ = town
    rows = _brp(root)
    bsns = {r["bsn"] for r in rows}
    assert all(is_valid_bsn(b) and b.startswith("9999") for b in bsns)
    # One person = one birth date; a BSN is never reused for someone else.
    births = defaultdict(set)
    for r in rows:
        births[r["bsn"]].add(r["geboortedatum"])
    assert all(len(v) == 1 for v in births.values())
    in_messages = set()
    for f in _files(root)[::10]:
        in_messages.update(re.findall(r":Bsn>(\d{9})<", f.read_text(encoding="utf-8")))
    assert in_messages and in_messages <= bsns


def test_brp_extract_has_the_contract_columns_and_consistent_periods(town) -> None:
    _, root, _ = town
    path = root / "bronnen" / "brp" / "brp_GM9901.csv"
    assert path.read_text(encoding="utf-8").splitlines()[0] == BRP_HEADER
    rows = _brp(root)
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    per_person = defaultdict(list)
    for r in rows:
        assert r["geslacht"] in {"M", "V", "O"}
        assert r["gemeentecode"] == "GM9901"
        assert r["buurtcode"].startswith(r["wijkcode"].replace("WK", "BU"))
        assert iso.match(r["geboortedatum"]) and iso.match(r["datum_vestiging"])
        for col in ("datum_vertrek", "datum_overlijden"):
            assert r[col] == "" or iso.match(r[col])
        per_person[r["bsn"]].append(r)
    moves = deaths = births = 0
    for periods in per_person.values():
        for a, b in itertools.pairwise(periods):
            assert a["datum_vertrek"] == b["datum_vestiging"]  # a move within the municipality
            assert a["datum_overlijden"] == ""
            moves += 1
        deaths += periods[-1]["datum_overlijden"] != ""
        births += periods[0]["datum_vestiging"] == periods[0]["geboortedatum"]
    assert moves > 20 and deaths > 10 and births > 10
    gebieden = (root / "bronnen" / "gebieden.csv").read_text(encoding="utf-8").splitlines()
    assert gebieden[0] == "gebiedscode;naam;niveau"
    levels = [line.split(";")[2] for line in gebieden[1:]]
    assert levels.count("gemeente") == 1 and levels.count("wijk") >= 3
    assert {r["buurtcode"] for r in rows} <= {line.split(";")[0] for line in gebieden}


def test_care_levels_are_realistic(town) -> None:
    _, _, truth = town
    t = truth["totalen"]
    year = "2025"
    wmo_per_1000 = 1000 * t["clienten_per_jaar"]["wmo"][year] / t["inwoners_1_juli"][year]
    youth_share = t["clienten_per_jaar"]["jeugd"][year] / t["jeugd_0_17_1_juli"][year]
    assert 50 <= wmo_per_1000 <= 100
    assert 0.06 <= youth_share <= 0.14


def test_wmo_use_follows_the_cpb_age_profile(town) -> None:
    _, _, truth = town
    per_age = truth["totalen"]["wmo_clienten_per_1000_naar_leeftijd"]
    assert per_age["80+"] > 4 * per_age["30-39"]
    assert per_age["65-79"] > per_age["40-64"]


def test_wmo_clients_in_summary_match_the_allocation_messages(town) -> None:
    summary, root, _ = town
    clients = {"WMO": set(), "JW": set()}
    for f in _files(root):
        kind = f.name.split("_")[0]
        if kind in ("WMO301", "JW301"):
            bsn = re.search(r":Bsn>(\d{9})<", f.read_text(encoding="utf-8")).group(1)
            clients[kind[:-3]].add(bsn)
    assert len(clients["WMO"]) == summary.clienten_wmo
    assert len(clients["JW"]) == summary.clienten_jeugd


def test_ground_truth_names_the_injected_faults_without_bsns(town) -> None:
    _, root, truth = town
    text = (root / "waarheid" / "waarheid.json").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\d)9\d{8}(?!\d)", text)  # no BSN-like number anywhere
    providers = truth["aanbieders"]
    assert 20 <= len(providers) <= 40
    kinds = {k for p in providers for k in p["fouten"]}
    assert kinds == {
        "start_laat",
        "stop_laat",
        "start_ontbreekt",
        "stop_ontbreekt",
        "overdeclaratie",
        "buiten_periode",
    }
    agbs = {p["agb"] for p in providers}
    assert all(re.fullmatch(r"\d{8}", a) for a in agbs)
    listed = {f["soort"] for t in truth["toewijzingen"].values() for f in t["fouten"]}
    assert {"start_laat", "overdeclaratie"} <= listed
    assert all(t["aanbieder"] in agbs for t in truth["toewijzingen"].values())
    assert sum(1 for p in providers if p["fouten"]) >= 5


def test_silent_provider_sends_nothing_in_its_silent_months(town) -> None:
    _, root, truth = town
    silent = [p for p in truth["aanbieders"] if p["stille_maanden"]]
    assert len(silent) == 1
    agb, months = silent[0]["agb"], silent[0]["stille_maanden"]
    assert len(months) == 2
    for month in months:
        for f in (root / "bronnen" / "berichten").glob(f"*/{month}/*.xml"):
            assert f"Afzender>{agb}<" not in f.read_text(encoding="utf-8")


def test_claim_totals_add_up_and_show_the_lag(town) -> None:
    _, root, truth = town
    t = truth["totalen"]
    complete = t["declaratie_compleet"]
    assert all(c["ontvangen_cent"] <= c["bedrag_cent"] for c in complete)
    received = sum(c["ontvangen_cent"] for c in complete)
    assert received == sum(v for law in t["gedeclareerd_per_jaar"].values() for v in law.values())
    last = [c for c in complete if c["maand"] == "2025-12"]
    assert last and sum(c["ontvangen_cent"] for c in last) == 0  # claimed from next month on
    first = [c for c in complete if c["maand"] == "2025-01"]
    assert sum(c["ontvangen_cent"] for c in first) > 0.9 * sum(c["bedrag_cent"] for c in first)
    in_files = 0
    for f in _files(root):
        if f.name.split("_")[0] in ("WMO323", "JW323"):
            doc = etree.parse(str(f))
            for el in doc.iter("{*}TotaalBedrag"):
                dc = el.getnext().text
                in_files += int(el.text) * (1 if dc == "D" else -1)
    assert in_files == received
