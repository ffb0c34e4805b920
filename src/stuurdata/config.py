"""Settings shared by every command: where the key, the warehouse and the thresholds live.

Three layers, each overriding the one below: built-in defaults; the **installation** that
``stuurdata init`` wrote (``stuurdata.toml`` in the current folder, or the folder named by
``STUURDATA_INSTALLATIE``); environment variables ``STUURDATA_*``. A CLI option overrides all
three. The installation is what lets a municipality type ``stuurdata inlezen MAP`` without any
option: it names the warehouse, the key, the management store and the default purposes.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

INSTALLATIE_BESTAND = "stuurdata.toml"
INSTALLATIE_ENV = "STUURDATA_INSTALLATIE"


def default_key_path() -> Path:
    """The user's configuration folder, outside any warehouse directory."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "stuurdata" / "sleutel.key"


@dataclass(frozen=True)
class Installatie:
    """One municipality's installation: the folder ``stuurdata init`` set up.

    Paths in ``stuurdata.toml`` are relative to the folder (so it can be moved), except the
    key, which lives outside it on purpose.
    """

    map: Path
    gemeentecode: str
    gemeentenaam: str
    pakhuis: Path
    sleutel: Path
    beheer: Path
    sleutel_vingerafdruk: str = ""
    # The region's shared key (privacy/regio.py); None: no regional pseudonym.
    regiosleutel: Path | None = None
    # Task -> the purpose a command of that task runs under when no --doel is given.
    doelen: dict[str, str] = field(default_factory=dict)

    @property
    def beheer_url(self) -> str:
        """The management store (purposes, users, audit log) of the whole installation."""
        return f"sqlite:///{self.beheer}"

    def doel_voor(self, taak: str) -> str | None:
        """The installation's purpose for ``taak`` (e.g. ``kwaliteit``), else its default."""
        return self.doelen.get(taak) or self.doelen.get("standaard")


def installation_dir() -> Path | None:
    """``STUURDATA_INSTALLATIE``, else the current folder when it holds ``stuurdata.toml``."""
    named = os.environ.get(INSTALLATIE_ENV)
    if named:
        return Path(named)
    here = Path.cwd()
    return here if (here / INSTALLATIE_BESTAND).is_file() else None


def installation() -> Installatie | None:
    """The installation in force, or None (then every option must be given)."""
    folder = installation_dir()
    if folder is None or not (folder / INSTALLATIE_BESTAND).is_file():
        return None
    return read_installation(folder)


def read_installation(folder: Path) -> Installatie:
    """Parse ``folder/stuurdata.toml``; paths become absolute."""
    data = tomllib.loads((folder / INSTALLATIE_BESTAND).read_text(encoding="utf-8"))
    inst = data.get("installatie", {})
    folder = folder.resolve()
    return Installatie(
        map=folder,
        gemeentecode=str(inst.get("gemeentecode", "")),
        gemeentenaam=str(inst.get("gemeentenaam", "")),
        pakhuis=folder / str(inst.get("pakhuis", "pakhuis.duckdb")),
        sleutel=Path(str(inst.get("sleutel", default_key_path()))).expanduser(),
        beheer=folder / str(inst.get("beheer", "beheer.sqlite")),
        sleutel_vingerafdruk=str(inst.get("sleutel_vingerafdruk", "")),
        doelen={str(k): str(v) for k, v in data.get("doelen", {}).items()},
        regiosleutel=Path(str(inst["regiosleutel"])).expanduser()
        if inst.get("regiosleutel")
        else None,
    )


def _installation_values() -> dict[str, Any]:
    inst = installation()
    if inst is None:
        return {}
    return {
        "pakhuis": inst.pakhuis,
        "sleutel": inst.sleutel,
        "beheer_url": inst.beheer_url,
        "doel": inst.doel_voor("standaard"),
        "regiosleutel": inst.regiosleutel,
    }


class Settings(BaseSettings):
    """Installation-wide settings; environment variables ``STUURDATA_*`` override them."""

    model_config = SettingsConfigDict(env_prefix="STUURDATA_")

    sleutel: Path = default_key_path()
    # The region's shared key file (privacy/regio.py); unset: no regional pseudonym.
    regiosleutel: Path | None = None
    pakhuis: Path = Path("stuurdata.duckdb")
    # The management store; None = a SQLite file beside the warehouse.
    beheer_url: str | None = None
    # The purpose a command runs under when --doel is not given.
    doel: str | None = None
    # Disclosure control (CBS convention): suppress counts below this, round the rest.
    # At least 1: a bad value is refused with a Dutch message (errors.user_message).
    onderdruk_onder: int = Field(default=10, ge=1)
    afronden_op: int = Field(default=5, ge=1)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment over installation over defaults."""
        installed = InitSettingsSource(settings_cls, init_kwargs=_installation_values())
        return (init_settings, env_settings, installed)


def settings() -> Settings:
    """Fresh settings each call so tests can change the environment."""
    return Settings()


def default_pakhuis() -> Path:
    """The warehouse a command uses when ``--pakhuis`` is not given."""
    return settings().pakhuis


def default_doel(taak: str = "standaard") -> str | None:
    """The purpose for a task: ``STUURDATA_DOEL``, else the installation's, else None."""
    named = os.environ.get("STUURDATA_DOEL")
    if named:
        return named
    inst = installation()
    return inst.doel_voor(taak) if inst else None
