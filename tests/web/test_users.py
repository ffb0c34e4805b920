"""Accounts in the management store: argon2 hashes, checks with Dutch messages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from stuurdata.privacy.store import engine_for, gebruiker_table
from stuurdata.web.users import (
    GebruikerOngeldig,
    authenticate,
    create_user,
    get_user,
    list_users,
)


@pytest.fixture
def pakhuis(tmp_path, monkeypatch):
    monkeypatch.delenv("STUURDATA_BEHEER_URL", raising=False)
    monkeypatch.delenv("STUURDATA_INSTALLATIE", raising=False)
    return tmp_path / "pakhuis.duckdb"


def test_only_an_argon2_hash_is_stored_and_the_password_checks(pakhuis):
    create_user(pakhuis, "anna", "beleidsmedewerker", "een lang wachtwoord")
    with engine_for(pakhuis).connect() as conn:
        stored = conn.execute(select(gebruiker_table.c.wachtwoord_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "een lang wachtwoord" not in stored
    assert authenticate(pakhuis, "anna", "een lang wachtwoord").rol == "beleidsmedewerker"
    assert authenticate(pakhuis, "anna", "een ander wachtwoord") is None
    assert authenticate(pakhuis, "niemand", "een lang wachtwoord") is None


def test_making_an_account_again_sets_role_and_password(pakhuis):
    create_user(pakhuis, "anna", "raadslid", "een lang wachtwoord")
    create_user(pakhuis, "anna", "analist", "nog een lang wachtwoord")
    assert get_user(pakhuis, "anna").rol == "analist"
    assert authenticate(pakhuis, "anna", "een lang wachtwoord") is None
    assert [u.naam for u in list_users(pakhuis)] == ["anna"]


@pytest.mark.parametrize(
    ("naam", "rol", "wachtwoord", "melding"),
    [
        ("anna", "wethouder", "een lang wachtwoord", "Onbekende rol"),
        ("anna", "raadslid", "kort", "te kort"),
        ("Anna de Vries", "raadslid", "een lang wachtwoord", "gebruikersnaam"),
    ],
)
def test_bad_accounts_are_refused_in_dutch(pakhuis, naam, rol, wachtwoord, melding):
    with pytest.raises(GebruikerOngeldig, match=melding):
        create_user(pakhuis, naam, rol, wachtwoord)
    assert list_users(pakhuis) == []
