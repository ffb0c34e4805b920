"""The operational store: purposes, projects and the audit log, through SQLAlchemy.

Why a separate store and not the DuckDB warehouse: the warehouse is rebuilt, copied and
handed to analysts; the register of purposes and the audit log must outlive it and, in a
shared installation, live on a server the analysts cannot rewrite. So the store is SQLite by
default, in a file beside the warehouse (``demo/pakhuis.duckdb`` ->
``demo/pakhuis.beheer.sqlite``) so that every command finds it through the same
``--pakhuis`` option, and a PostgreSQL URL (``STUURDATA_BEHEER_URL``) for a shared one.

All SQL goes through SQLAlchemy Core with bound parameters. The SQLite file is created with
mode 0600 before SQLAlchemy opens it (its journal follows the process umask, which the CLI
sets to 077). A damaged file raises a Dutch ``UserError`` naming it. The audit table gets
database triggers that refuse UPDATE and DELETE: that stops accidents and casual edits; the
hash chain in ``audit.py`` is what catches a determined editor who drops the triggers first.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.exc import DatabaseError

from stuurdata.errors import store_error

metadata = MetaData()

doel_table = Table(
    "doel",
    metadata,
    Column("naam", String(100), primary_key=True),
    Column("vraag", Text, nullable=False),
    Column("handelingsperspectief", Text, nullable=False),
    Column("grondslag_avg", String(1), nullable=False),
    Column("grondslag_wet", Text, nullable=False),
    Column("verwerkingsverantwoordelijke", Text, nullable=False),
    Column("bronnen", JSON, nullable=False),
    Column("niveau", String(20), nullable=False),
    Column("persoonsniveau", Boolean, nullable=False),
    Column("bewaartermijn_maanden", Integer, nullable=False),
    Column("betrokkenen", JSON, nullable=False),
    Column("activiteiten", JSON, nullable=False),
    Column("aangemaakt", String(40), nullable=False),
)

project_table = Table(
    "project",
    metadata,
    Column("naam", String(100), primary_key=True),
    Column("vraag", Text, nullable=False),
    Column("doelen", JSON, nullable=False),
    Column("stappen", JSON, nullable=False),
    Column("waarden", JSON, nullable=False),
    Column("aangemaakt", String(40), nullable=False),
)

# Dashboard accounts (``web/users.py``): argon2 hashes only, never a password.
gebruiker_table = Table(
    "gebruiker",
    metadata,
    Column("naam", String(100), primary_key=True),
    Column("rol", String(40), nullable=False),
    Column("wachtwoord_hash", Text, nullable=False),
    Column("actief", Boolean, nullable=False),
    Column("aangemaakt", String(40), nullable=False),
)

# "Het verhaal achter de cijfers": notes on indicator x area x period (``web/notes.py``).
annotatie_table = Table(
    "annotatie",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("maat", String(100), nullable=False),
    Column("gebiedscode", String(20), nullable=False),
    Column("periode", String(20), nullable=False),
    Column("tekst", Text, nullable=False),
    Column("auteur", String(100), nullable=False),
    Column("rol", String(40), nullable=False),
    Column("tijdstip", String(40), nullable=False),
)

audit_table = Table(
    "audit",
    metadata,
    # The primary key on the sequence number stops two writers from forking the chain:
    # the second insert with the same number fails and is retried on the new head.
    Column("volgnummer", Integer, primary_key=True, autoincrement=False),
    Column("verwerking_id", String(32), nullable=False),
    Column("tijdstip", String(40), nullable=False),
    Column("activiteit", String(40), nullable=False),
    Column("resultaat", String(20), nullable=False),
    Column("doel", String(100)),
    Column("grondslag", Text),
    Column("actor", String(100), nullable=False),
    Column("rol", String(100)),
    Column("bronnen", Text, nullable=False),
    Column("personen", Integer),
    Column("uitvoer", Text),
    Column("toelichting", Text),
    Column("vorige_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS audit_geen_wijziging BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_geen_verwijdering BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen'); END",
)
_PG_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION stuurdata_audit_alleen_toevoegen() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'het auditlog is alleen-toevoegen'; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE TRIGGER audit_alleen_toevoegen BEFORE UPDATE OR DELETE ON audit "
    "FOR EACH ROW EXECUTE FUNCTION stuurdata_audit_alleen_toevoegen()",
    "CREATE OR REPLACE TRIGGER audit_niet_legen BEFORE TRUNCATE ON audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION stuurdata_audit_alleen_toevoegen()",
)


def store_path(pakhuis: Path) -> Path:
    """The SQLite file beside the warehouse."""
    return Path(pakhuis).with_suffix(".beheer.sqlite")


def _chosen_url(pakhuis: Path, url: str | None) -> tuple[str, Path | None]:
    """The store's URL and, for SQLite, its file: explicit URL, then ``STUURDATA_BEHEER_URL``
    or the installation's store (``stuurdata init``), then SQLite beside the warehouse."""
    from stuurdata.config import settings

    chosen = url or settings().beheer_url
    if chosen:
        prefix = "sqlite:///"
        return chosen, Path(chosen[len(prefix) :]) if chosen.startswith(prefix) else None
    path = store_path(pakhuis)
    return f"sqlite:///{path}", path


def store_url(pakhuis: Path, url: str | None = None) -> str:
    """The URL of the store for ``pakhuis`` (a SQLite file is created 0600 on first use)."""
    chosen, path = _chosen_url(pakhuis, url)
    if path is not None:
        _create_private(path)
    return chosen


def store_exists(pakhuis: Path, url: str | None = None) -> bool:
    """Whether the store exists yet: a refused command must not create one."""
    _, path = _chosen_url(pakhuis, url)
    return path is None or path.exists()


def _create_private(path: Path) -> None:
    """Create an empty file with mode 0600 (SQLite would otherwise follow the umask)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def engine_for(pakhuis: Path, url: str | None = None) -> Engine:
    """A (cached) engine with the tables and the append-only triggers in place."""
    return _engine(store_url(pakhuis, url))


_ENGINES: dict[str, Engine] = {}


def _engine(url: str) -> Engine:
    if url in _ENGINES:
        return _ENGINES[url]
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        # Wait for another writer rather than failing, and take the write lock at BEGIN so
        # that reading the chain head and appending are one atomic step.
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    try:
        metadata.create_all(engine)
        triggers = _SQLITE_TRIGGERS if engine.dialect.name == "sqlite" else _PG_TRIGGERS
        with engine.begin() as conn:
            for statement in triggers:
                conn.execute(text(statement))
    except DatabaseError as exc:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True).removeprefix("sqlite:///")
        found = store_error(where, exc)
        if found is None:
            raise
        raise found from exc
    _ENGINES[url] = engine
    return engine


def _sqlite_connect(dbapi_connection: object, _record: object) -> None:
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()


def dispose_all() -> None:
    """Close every cached engine (tests, and before deleting a store file)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()
