"""Dashboard accounts in the management store: a name, a role and an argon2 hash.

Accounts live beside the purposes and the audit log (``privacy/store.py``, table
``gebruiker``), so they belong to the installation and not to one warehouse file. Only the
argon2 hash is stored (pwdlib, its recommended parameters); a wrong name costs as much time
as a wrong password, so the login does not reveal which names exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import select

from stuurdata.privacy.store import engine_for, gebruiker_table
from stuurdata.web.roles import ROLLEN

_HASHER = PasswordHash((Argon2Hasher(),))
_DUMMY = _HASHER.hash("geen-gebruiker")
MIN_LENGTE = 12
_NAAM = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}$")


class GebruikerOngeldig(ValueError):
    """An account that cannot be made as asked; the message is Dutch."""


@dataclass(frozen=True)
class Gebruiker:
    naam: str
    rol: str
    actief: bool = True


def check_password(wachtwoord: str) -> None:
    """A password long enough to resist guessing (length beats composition rules)."""
    if len(wachtwoord) < MIN_LENGTE:
        raise GebruikerOngeldig(
            f"Het wachtwoord is te kort: gebruik minstens {MIN_LENGTE} tekens "
            "(een zin van een paar woorden werkt goed)."
        )


def create_user(
    pakhuis: Path, naam: str, rol: str, wachtwoord: str, *, url: str | None = None
) -> Gebruiker:
    """Add an account, or set a new role and password for an existing one."""
    if not _NAAM.match(naam):
        raise GebruikerOngeldig(
            "Een gebruikersnaam bestaat uit 2 tot 50 kleine letters, cijfers, '.', '_' of '-' "
            f"(bijvoorbeeld anna of j.devries), niet: {naam!r}."
        )
    if rol not in ROLLEN:
        raise GebruikerOngeldig(f"Onbekende rol {rol!r}. Kies uit: {', '.join(ROLLEN)}.")
    check_password(wachtwoord)
    row = {
        "naam": naam,
        "rol": rol,
        "wachtwoord_hash": _HASHER.hash(wachtwoord),
        "actief": True,
        "aangemaakt": datetime.now(UTC).isoformat(),
    }
    with engine_for(pakhuis, url).begin() as conn:
        table = gebruiker_table
        exists = conn.execute(select(table.c.naam).where(table.c.naam == naam)).first()
        if exists:
            conn.execute(
                table.update()
                .where(table.c.naam == naam)
                .values(rol=rol, wachtwoord_hash=row["wachtwoord_hash"], actief=True)
            )
        else:
            conn.execute(table.insert().values(**row))
    return Gebruiker(naam, rol)


def get_user(pakhuis: Path, naam: str, *, url: str | None = None) -> Gebruiker | None:
    """The active account with this name, or None."""
    table = gebruiker_table
    with engine_for(pakhuis, url).connect() as conn:
        row = conn.execute(
            select(table.c.naam, table.c.rol, table.c.actief).where(table.c.naam == naam)
        ).first()
    if row is None or not row.actief:
        return None
    return Gebruiker(str(row.naam), str(row.rol), bool(row.actief))


def list_users(pakhuis: Path, *, url: str | None = None) -> list[Gebruiker]:
    table = gebruiker_table
    with engine_for(pakhuis, url).connect() as conn:
        rows = conn.execute(
            select(table.c.naam, table.c.rol, table.c.actief).order_by(table.c.naam)
        ).all()
    return [Gebruiker(str(r.naam), str(r.rol), bool(r.actief)) for r in rows]


def authenticate(
    pakhuis: Path, naam: str, wachtwoord: str, *, url: str | None = None
) -> Gebruiker | None:
    """The account when name and password match; None otherwise (same cost either way)."""
    table = gebruiker_table
    with engine_for(pakhuis, url).connect() as conn:
        row = conn.execute(
            select(table.c.naam, table.c.rol, table.c.actief, table.c.wachtwoord_hash).where(
                table.c.naam == naam
            )
        ).first()
    if row is None:
        _HASHER.verify(wachtwoord, _DUMMY)
        return None
    if not _HASHER.verify(wachtwoord, str(row.wachtwoord_hash)) or not row.actief:
        return None
    return Gebruiker(str(row.naam), str(row.rol), True)
