"""Issue 16, point 3: the region's shared key as an option (``persoon.regio_persoon_id``).

Two members of a region, each with its own key, load the same person. With a regional key
and the ``regio-koppeling`` purpose the door writes one regional pseudonym for both, so the
region's pooled data counts a person who moved between them once; without it the column
is NULL; a regional key without its purpose is refused in Dutch.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from stuurdata.analysis.base import Periode, person_domains
from stuurdata.cli import app
from stuurdata.exchange.parquet import export_parquet, open_export
from stuurdata.privacy.governance import ensure_demo_purpose
from stuurdata.privacy.keys import create_key
from stuurdata.privacy.purposes import save_doel
from stuurdata.privacy.sjablonen import REGIO_KOPPELING, template

from helpers import leaked, test_bsns

runner = CliRunner()
HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden\n"
)
BSNS = test_bsns(4)
MOVER = BSNS[0]  # lives in GM9901 until June 2024, then in GM9902
YEAR = Periode(date(2024, 1, 1), date(2025, 1, 1))


def _brp(path: Path, gm: str) -> Path:
    """GM9901: the mover (left 1 June 2024) and two others; GM9902: the mover and one other."""
    wk, bu = f"WK{gm[2:]}01", f"BU{gm[2:]}0101"
    if gm == "GM9901":
        rows = [(MOVER, "2000-01-01", "2024-06-01"), (BSNS[1], "1990-01-01", "")]
        rows.append((BSNS[2], "1995-01-01", ""))
    else:
        rows = [(MOVER, "2024-06-01", ""), (BSNS[3], "1990-01-01", "")]
    lines = "".join(
        f"{b};1950-01-05;V;{gm};{wk};{bu};;;H{gm}{i};{van};{tot};\n"
        for i, (b, van, tot) in enumerate(rows)
    )
    path.write_text(HEADER + lines)
    return path


def _member(root: Path, gm: str, regio: Path | None, *, purpose: bool = True):
    """A member's own warehouse and key; loads its BRP extract with the CLI."""
    folder = root / gm
    folder.mkdir()
    pakhuis, key = folder / "pakhuis.duckdb", folder / "eigen.key"
    create_key(key)
    ensure_demo_purpose(pakhuis)
    if purpose:
        save_doel(pakhuis, template(REGIO_KOPPELING, gemeente=gm))
    env = {"STUURDATA_DOEL": "demo"}
    if regio is not None:
        env["STUURDATA_REGIOSLEUTEL"] = str(regio)
    args = ["inlezen", str(_brp(folder / "brp.csv", gm)), "--pakhuis", str(pakhuis)]
    result = runner.invoke(app, [*args, "--sleutel", str(key)], env=env)
    return pakhuis, result


def _ids(pakhuis: Path) -> dict[str, tuple[str, str | None]]:
    """BSN -> (persoon_id, regio_persoon_id), found through the mover's residence dates."""
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        rows = con.execute(
            "SELECT p.persoon_id, p.regio_persoon_id, v.van, v.tot FROM persoon p "
            "JOIN verblijf v USING (persoon_id) ORDER BY v.van"
        ).fetchall()
    finally:
        con.close()
    return {str(r[2]) + "|" + str(r[3]): (r[0], r[1]) for r in rows}


def _regio_key(root: Path) -> Path:
    path = root / "regio.key"
    create_key(path)
    return path


def test_same_person_same_regional_id_other_municipal_id(tmp_path):
    regio = _regio_key(tmp_path)
    a, ra = _member(tmp_path, "GM9901", regio)
    b, rb = _member(tmp_path, "GM9902", regio)
    assert ra.exit_code == 0 and rb.exit_code == 0, ra.output + rb.output
    mover_a = _ids(a)["2000-01-01|2024-06-01"]
    mover_b = _ids(b)["2024-06-01|None"]
    assert mover_a[1] is not None and mover_a[1] == mover_b[1]  # one regional pseudonym
    assert mover_a[0] != mover_b[0]  # two municipal ones
    assert mover_a[1] not in (mover_a[0], mover_b[0])
    everyone = list(_ids(a).values()) + list(_ids(b).values())
    assert all(len(r) == 32 for _, r in everyone)  # every person has one
    assert len({r for _, r in everyone}) == len(BSNS)  # one per BSN, not per member


def test_without_regional_key_the_column_is_null(tmp_path):
    a, result = _member(tmp_path, "GM9901", None)
    assert result.exit_code == 0, result.output
    assert {r for _, r in _ids(a).values()} == {None}


def test_regional_key_without_its_purpose_is_refused(tmp_path):
    regio = _regio_key(tmp_path)
    pakhuis, result = _member(tmp_path, "GM9901", regio, purpose=False)
    assert result.exit_code == 1
    assert "regiosleutel" in result.output and "--sjabloon regio-koppeling" in result.output
    assert "Traceback" not in result.output
    assert not pakhuis.exists()  # refused before anything was read or made


def test_unsafe_missing_or_own_key_as_regional_key_is_refused(tmp_path):
    loose = _regio_key(tmp_path)
    os.chmod(loose, 0o644)
    _, result = _member(tmp_path, "GM9901", loose)
    assert result.exit_code == 1 and "chmod 600" in result.output
    _, result = _member(tmp_path, "GM9902", tmp_path / "weg.key")
    assert result.exit_code == 1 and "bestaat niet" in result.output
    # the gemeente's own key as the regional key: the "regional" pseudonym would be its own
    folder = tmp_path / "GM9903"
    folder.mkdir()
    pakhuis, key = folder / "pakhuis.duckdb", folder / "eigen.key"
    create_key(key)
    ensure_demo_purpose(pakhuis)
    save_doel(pakhuis, template(REGIO_KOPPELING, gemeente="GM9903"))
    source = _brp(folder / "b.csv", "GM9901")
    result = runner.invoke(
        app,
        ["inlezen", str(source), "--pakhuis", str(pakhuis), "--sleutel", str(key)],
        env={"STUURDATA_DOEL": "demo", "STUURDATA_REGIOSLEUTEL": str(key)},
    )
    assert result.exit_code == 1 and "dezelfde als de sleutel van de gemeente" in result.output


def _pooled_persons(tmp_path: Path, regio: Path | None) -> tuple[int, int, list[Path]]:
    """(resident persons, of them in GM9902) in the region's pooled exports in 2024."""
    root = tmp_path / ("met" if regio else "zonder")
    root.mkdir()
    exports = []
    for gm in ("GM9901", "GM9902"):
        pakhuis, result = _member(root, gm, regio)
        assert result.exit_code == 0, result.output
        con = duckdb.connect(str(pakhuis), read_only=True)
        export_parquet(con, root / f"export_{gm}")
        con.close()
        exports.append(root / f"export_{gm}")
    persons = person_domains(open_export(*exports), YEAR)
    return len(persons), int((persons["gemeentecode"] == "GM9902").sum()), exports


def test_pooled_region_counts_a_mover_once(tmp_path):
    regio = _regio_key(tmp_path)
    assert _pooled_persons(tmp_path, None)[:2] == (5, 2)  # the mover counted in both
    total, in_b, exports = _pooled_persons(tmp_path, regio)
    assert (total, in_b) == (4, 2)  # once, in the gemeente of the latest residence
    # the export carries the regional pseudonym, and no BSN anywhere
    back = open_export(*exports)
    assert back.execute("SELECT count(regio_persoon_id) FROM persoon").fetchone() == (5,)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".csv"]
    assert any(p.suffix == ".parquet" for p in files)
    for path in files:
        assert not leaked(set(BSNS), path.read_bytes()), path.name
