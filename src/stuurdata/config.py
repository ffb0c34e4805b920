"""Settings shared by every command: where the key, the warehouse and the thresholds live.

Read from the environment (prefix ``STUURDATA_``) so that a municipality can configure an
installation once; every CLI option overrides the matching setting.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_key_path() -> Path:
    """The user's configuration folder, outside any warehouse directory."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "stuurdata" / "sleutel.key"


class Settings(BaseSettings):
    """Installation-wide settings; environment variables ``STUURDATA_*`` override defaults."""

    model_config = SettingsConfigDict(env_prefix="STUURDATA_")

    sleutel: Path = default_key_path()
    pakhuis: Path = Path("stuurdata.duckdb")
    # Disclosure control (CBS convention): suppress counts below this, round the rest.
    # At least 1: a bad value is refused with a Dutch message (errors.user_message).
    onderdruk_onder: int = Field(default=10, ge=1)
    afronden_op: int = Field(default=5, ge=1)


def settings() -> Settings:
    """Fresh settings each call so tests can change the environment."""
    return Settings()
