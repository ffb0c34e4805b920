"""Issue 11, point 1: a wrong key is refused (deleted, changed, other, unsafe, rotation).

A wrong key does not fail by itself: it gives every person a second pseudonym. The warehouse
stores the key's fingerprint at first use and every load and rotation checks it.
"""

from __future__ import annotations

import stat

import duckdb
import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.privacy.governance import ensure_demo_purpose
from stuurdata.privacy.keys import (
    bind_key,
    bind_warehouse,
    create_key,
    key_fingerprint,
    pseudonymiser,
    stored_fingerprint,
)
from stuurdata.privacy.pseudonym import KeyError_
from stuurdata.privacy.rotation import read_chain, rotate
from stuurdata.warehouse.load import connect, load_sources

from helpers import test_bsns

runner = CliRunner()
BRP_HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden\n"
)


def _brp(path, bsns):
    rows = "".join(
        f"{b};1950-01-05;V;GM9901;WK990101;BU99010101;;;H{i};1990-01-01;;\n"
        for i, b in enumerate(bsns)
    )
    path.write_text(BRP_HEADER + rows)
    return path


def _persons(pakhuis) -> int:
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM persoon").fetchall()[0][0])
    finally:
        con.close()


@pytest.fixture
def keyed(tmp_path):
    """A warehouse with 3 persons loaded under key ``k.key``."""
    key, pakhuis = tmp_path / "k.key", tmp_path / "p.duckdb"
    create_key(key)
    load_sources([_brp(tmp_path / "a.csv", test_bsns(3))], pakhuis, pseudonymiser(key), workers=1)
    return key, pakhuis


def _inlezen(tmp_path, pakhuis, key):
    ensure_demo_purpose(pakhuis)
    source = _brp(tmp_path / "b.csv", test_bsns(3))
    return runner.invoke(
        app,
        ["inlezen", str(source), "--pakhuis", str(pakhuis), "--sleutel", str(key)],
        env={"STUURDATA_DOEL": "demo"},
    )


def test_first_load_records_the_fingerprint(keyed):
    key, pakhuis = keyed
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        assert stored_fingerprint(con) == key_fingerprint(key)
    finally:
        con.close()


def test_deleted_key_file_is_not_recreated(keyed, tmp_path):
    key, pakhuis = keyed
    key.unlink()
    result = _inlezen(tmp_path, pakhuis, key)
    assert result.exit_code == 1
    assert "ontbreekt" in result.output and "back-up" in result.output
    assert "Traceback" not in result.output
    assert not key.exists()
    assert _persons(pakhuis) == 3


def test_a_changed_digit_is_refused(keyed, tmp_path):
    key, pakhuis = keyed
    text = key.read_text()
    key.write_text(("1" if text[0] != "1" else "2") + text[1:])
    result = _inlezen(tmp_path, pakhuis, key)
    assert result.exit_code == 1
    assert "hoort niet bij dit pakhuis" in result.output and "--sleutel" in result.output
    assert _persons(pakhuis) == 3


def test_another_valid_key_is_refused_by_the_library_too(keyed, tmp_path):
    _key, pakhuis = keyed
    other = tmp_path / "ander.key"
    create_key(other)
    with pytest.raises(KeyError_, match="hoort niet bij dit pakhuis"):
        load_sources(
            [_brp(tmp_path / "b.csv", test_bsns(3))], pakhuis, pseudonymiser(other), workers=1
        )
    with pytest.raises(KeyError_, match="hoort niet bij dit pakhuis"):
        pseudonymiser(other, pakhuis)
    assert _persons(pakhuis) == 3


def test_the_right_key_loads_the_same_persons(keyed, tmp_path):
    key, pakhuis = keyed
    result = _inlezen(tmp_path, pakhuis, key)
    assert result.exit_code == 0, result.output
    assert _persons(pakhuis) == 3


def test_rotation_with_a_wrong_old_key_is_refused(keyed, tmp_path):
    key, pakhuis = keyed
    other = tmp_path / "ander.key"
    create_key(other)
    with pytest.raises(KeyError_, match="hoort niet bij dit pakhuis"):
        rotate(pakhuis, other)  # the first rotation: nothing but the first-use fingerprint
    assert not (tmp_path / "ander.key.nieuw").exists()
    assert read_chain(other).links == ()
    missing = tmp_path / "weg.key"
    with pytest.raises(KeyError_, match="ontbreekt"):
        rotate(pakhuis, missing)
    assert not missing.exists()
    rotate(pakhuis, key)
    assert len(read_chain(key).links) == 1


def test_a_key_readable_by_others_is_refused(keyed, tmp_path):
    key, pakhuis = keyed
    key.chmod(0o644)
    result = _inlezen(tmp_path, pakhuis, key)
    assert result.exit_code == 1
    assert "chmod 600" in result.output
    key.chmod(0o600)
    assert _inlezen(tmp_path, pakhuis, key).exit_code == 0


def test_a_new_key_is_created_private_for_a_new_warehouse(tmp_path):
    key, pakhuis = tmp_path / "map" / "k.key", tmp_path / "p.duckdb"
    result = _inlezen(tmp_path, pakhuis, key)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_bind_warehouse_prepares_an_installation(tmp_path):
    key, other, pakhuis = tmp_path / "k.key", tmp_path / "o.key", tmp_path / "nieuw.duckdb"
    made = create_key(key)
    create_key(other)
    assert bind_warehouse(pakhuis, key) == made == bind_warehouse(pakhuis, key)
    with pytest.raises(KeyError_, match="hoort niet bij dit pakhuis"):
        bind_warehouse(pakhuis, other)
    with pytest.raises(KeyError_, match="hoort niet bij dit pakhuis"):
        pseudonymiser(other, pakhuis)
    key.unlink()
    with pytest.raises(KeyError_, match="ontbreekt"):
        pseudonymiser(key, pakhuis)  # fingerprint only, no data yet: still not recreated
    assert not key.exists()


def test_bind_key_records_once_and_then_checks(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    first, second = tmp_path / "a.key", tmp_path / "b.key"
    create_key(first)
    create_key(second)
    con = connect(pakhuis)
    try:
        fp = bind_key(con, read_chain(first).encoded(), pakhuis)
        assert fp == key_fingerprint(first) == bind_key(con, read_chain(first).encoded(), pakhuis)
        with pytest.raises(KeyError_):
            bind_key(con, read_chain(second).encoded(), pakhuis)
    finally:
        con.close()
