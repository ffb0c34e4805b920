"""Where the pseudonymisation key comes from: option, environment, or the user's config folder."""

from __future__ import annotations

from pathlib import Path

from stuurdata.config import settings
from stuurdata.privacy.pseudonym import Pseudonymiser


def key_path(sleutel: Path | None) -> Path:
    """The option wins, then ``STUURDATA_SLEUTEL``, then ``~/.config/stuurdata/sleutel.key``."""
    return Path(sleutel) if sleutel else settings().sleutel


def pseudonymiser(sleutel: Path | None = None) -> Pseudonymiser:
    """A pseudonymiser with the installation's key (created 0600 on first use).

    The key file may hold rotation links (``privacy.rotation``); they are applied in order.
    """
    from stuurdata.privacy.rotation import chain_pseudonymiser

    return chain_pseudonymiser(key_path(sleutel))
