"""Key rotation: the warehouse is re-keyed in one transaction, and new loads match it."""

from __future__ import annotations

import os

import duckdb
import pytest

from stuurdata.privacy.keys import create_key, pseudonymiser
from stuurdata.privacy.pseudonym import KeyError_, Pseudonymiser
from stuurdata.privacy.rotation import (
    ChainPseudonymiser,
    KeyChain,
    read_chain,
    rotate,
)
from stuurdata.warehouse.load import load_sources

from helpers import test_bsns

BRP_HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden\n"
)


def _brp(path, bsns, wijk="WK990101"):
    rows = "".join(
        f"{b};1950-01-05;V;GM9901;{wijk};BU{wijk[2:]}01;;;H{i};1990-01-01;;\n"
        for i, b in enumerate(bsns)
    )
    path.write_text(BRP_HEADER + rows)
    return path


def _ids(pakhuis, table="persoon", column="persoon_id"):
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        return {r[0] for r in con.execute(f"SELECT {column} FROM {table}").fetchall()}
    finally:
        con.close()


def test_unrotated_chain_is_the_plain_pseudonymiser(tmp_path):
    key = tmp_path / "k.key"
    create_key(key)
    plain = Pseudonymiser(read_chain(key).base)
    assert pseudonymiser(key).persoon("999990019") == plain.persoon("999990019")
    assert key.stat().st_mode & 0o077 == 0


def test_rotation_rekeys_every_table_and_the_old_key_no_longer_links(tmp_path):
    key, pakhuis = tmp_path / "k.key", tmp_path / "p.duckdb"
    bsns = test_bsns(5)
    load_sources([_brp(tmp_path / "brp.csv", bsns)], pakhuis, pseudonymiser(key), workers=1)
    old_ids = _ids(pakhuis)
    old_households = _ids(pakhuis, "verblijf", "huishouden_id")
    old_chain = read_chain(key)

    result = rotate(pakhuis, key)

    new = ChainPseudonymiser(read_chain(key).encoded())
    assert result.pseudoniemen == len(old_ids) + len(old_households)
    assert _ids(pakhuis) == {new.persoon(b) for b in bsns}
    assert _ids(pakhuis, "verblijf") == _ids(pakhuis)
    assert _ids(pakhuis, "verblijf", "huishouden_id") == {new.huishouden(f"H{i}") for i in range(5)}
    assert not _ids(pakhuis) & old_ids
    leaked = ChainPseudonymiser(old_chain.encoded())
    assert not {leaked.persoon(b) for b in bsns} & _ids(pakhuis)
    assert key.stat().st_mode & 0o077 == 0
    assert not (tmp_path / "k.key.nieuw").exists()


def test_a_second_rotation_chains(tmp_path):
    key, pakhuis = tmp_path / "k.key", tmp_path / "p.duckdb"
    bsns = test_bsns(3)
    load_sources([_brp(tmp_path / "brp.csv", bsns)], pakhuis, pseudonymiser(key), workers=1)
    rotate(pakhuis, key)
    rotate(pakhuis, key)
    assert len(read_chain(key).links) == 2
    assert _ids(pakhuis) == {pseudonymiser(key).persoon(b) for b in bsns}


def test_a_load_after_rotation_finds_the_same_persons(tmp_path):
    key, pakhuis = tmp_path / "k.key", tmp_path / "p.duckdb"
    bsns = test_bsns(4)
    load_sources([_brp(tmp_path / "a.csv", bsns)], pakhuis, pseudonymiser(key), workers=1)
    rotate(pakhuis, key)
    before = _ids(pakhuis)
    load_sources(
        [_brp(tmp_path / "b.csv", bsns, wijk="WK990102")], pakhuis, pseudonymiser(key), workers=1
    )
    assert _ids(pakhuis) == before


def test_wrong_key_is_refused_and_changes_nothing(tmp_path):
    key, other, pakhuis = tmp_path / "k.key", tmp_path / "ander.key", tmp_path / "p.duckdb"
    load_sources([_brp(tmp_path / "brp.csv", test_bsns(2))], pakhuis, pseudonymiser(key), workers=1)
    rotate(pakhuis, key)
    before = _ids(pakhuis)
    create_key(other)
    with pytest.raises(KeyError_, match="hoort niet bij dit pakhuis"):
        rotate(pakhuis, other)
    assert _ids(pakhuis) == before and len(read_chain(other).links) == 0


def test_interrupted_rotation_is_undone_when_the_warehouse_did_not_commit(tmp_path):
    key, pakhuis = tmp_path / "k.key", tmp_path / "p.duckdb"
    bsns = test_bsns(2)
    load_sources([_brp(tmp_path / "brp.csv", bsns)], pakhuis, pseudonymiser(key), workers=1)
    before = _ids(pakhuis)
    pending = tmp_path / "k.key.nieuw"
    pending.write_text(read_chain(key).rotated().text())  # crash before the transaction
    os.chmod(pending, 0o600)
    rotate(pakhuis, key)
    assert len(read_chain(key).links) == 1
    assert _ids(pakhuis) == {pseudonymiser(key).persoon(b) for b in bsns} != before


def test_chain_encoding_round_trips_and_bad_files_are_refused(tmp_path):
    chain = KeyChain(b"k" * 32).rotated().rotated()
    assert KeyChain.decode(chain.encoded()) == chain
    bad = tmp_path / "bad.key"
    bad.write_text(chain.text().replace("herpseudonimisering", "iets"))
    bad.chmod(0o600)
    with pytest.raises(KeyError_):
        read_chain(bad)
