"""Pseudonyms: keyed, stable, kind-separated; the key file is private and outside the warehouse."""

from __future__ import annotations

import hashlib
import hmac
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stuurdata.privacy.bsn import is_valid_bsn, scrub
from stuurdata.privacy.keys import create_key, fingerprint, key_path
from stuurdata.privacy.pseudonym import KeyError_, Pseudonymiser
from stuurdata.privacy.rotation import read_chain


def test_pseudonym_is_truncated_hmac_sha256_of_prefixed_bsn():
    key = b"k" * 32
    expected = hmac.new(key, b"bsn:999900006", hashlib.sha256).hexdigest()[:32]
    assert Pseudonymiser(key).persoon("999900006") == expected
    assert len(expected) == 32


def test_kinds_and_keys_give_different_pseudonyms():
    a, b = Pseudonymiser(b"a" * 32), Pseudonymiser(b"b" * 32)
    assert a.persoon("999900006") != b.persoon("999900006")
    assert a.persoon("999900006") != a.huishouden("999900006")
    assert a.persoon("999900006") == Pseudonymiser(b"a" * 32).persoon("999900006")


def test_key_file_is_created_private_and_reused(tmp_path):
    path = tmp_path / "config" / "sleutel.key"
    made = create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    key = read_chain(path).base
    assert len(key) == 32 and fingerprint(key) == made
    with pytest.raises(KeyError_, match="bestaat al"):
        create_key(path)
    assert read_chain(path).base == key


def test_bad_key_file_gives_dutch_error(tmp_path):
    path = tmp_path / "sleutel.key"
    path.write_text("geen sleutel")
    path.chmod(0o600)
    with pytest.raises(KeyError_, match="geen geldige sleutel"):
        read_chain(path)


def test_key_path_prefers_option_then_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("STUURDATA_SLEUTEL", str(tmp_path / "env.key"))
    assert key_path(None) == tmp_path / "env.key"
    assert key_path(tmp_path / "opt.key") == tmp_path / "opt.key"


def test_elfproef_examples():
    assert is_valid_bsn("123456782")
    assert is_valid_bsn("999900006")
    assert not is_valid_bsn("123456789")
    assert not is_valid_bsn("12345678")
    assert not is_valid_bsn("00000000a")
    assert not is_valid_bsn("000000000")


@given(st.text())
def test_scrub_leaves_no_nine_digit_run(text):
    cleaned = scrub(text)
    assert not any(
        cleaned[i : i + 9].isascii()
        and cleaned[i : i + 9].isdigit()
        and (i == 0 or not cleaned[i - 1].isdigit())
        and (i + 9 == len(cleaned) or not cleaned[i + 9].isdigit())
        for i in range(len(cleaned) - 8)
    )


def test_scrub_masks_bsn_in_message():
    assert scrub("Element 'Bsn': '999900006' ongeldig") == "Element 'Bsn': '*********' ongeldig"
    assert scrub("identificatie 1234567890123") == "identificatie 1234567890123"
