"""Keyed pseudonyms (HMAC-SHA256) made at the door, so no BSN ever reaches the warehouse.

The key lives in its own file outside the warehouse directory: the warehouse is useless
without the key, and the key is useless without the warehouse.
"""

from __future__ import annotations

import hashlib
import hmac

from stuurdata.errors import UserError

KEY_BYTES = 32
# Reader processes get one byte string: the municipal key, and the regional key after this
# marker when there is one (``Pseudonymiser.handover``, ``rotation.pseudonymiser_from_key``).
REGIO_MARKER = b"\x00stuurdata-regio-1\x00"


class KeyError_(UserError):
    """The key file is missing, unreadable, unsafe or not the warehouse's; Dutch message."""


class Pseudonymiser:
    """Turns identifiers into stable 128-bit hex pseudonyms with one key.

    A domain prefix ("bsn:", "huishouden:") keeps pseudonyms of different kinds apart even
    when the raw values coincide. Results are cached: a municipality has far fewer persons
    than messages, and HMAC per message would dominate the load.
    """

    def __init__(self, key: bytes, regio_key: bytes | None = None) -> None:
        self._key = key
        self._cache: dict[str, str] = {}
        # The region's shared key (``privacy.regio``): set only when the installation has
        # one *and* a purpose of the regio-koppeling template; else ``regio()`` gives None.
        self.regio_key = regio_key
        self._regio_cache: dict[str, str] = {}

    @property
    def key(self) -> bytes:
        """The key, for handing to reader processes of the same load (never logged)."""
        return self._key

    @property
    def handover(self) -> bytes:
        """The key bytes for reader processes: the regional key travels along when set."""
        return self._key if self.regio_key is None else self._key + REGIO_MARKER + self.regio_key

    def _hash(self, text: str) -> str:
        cached = self._cache.get(text)
        if cached is None:
            digest = hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()
            cached = self._cache[text] = digest[:32]
        return cached

    def persoon(self, bsn: str) -> str:
        """Pseudonym of a person from the BSN (check the elfproef before calling)."""
        return self._hash("bsn:" + bsn)

    def regio(self, bsn: str) -> str | None:
        """The person's pseudonym under the region's shared key, or None without one.

        The same BSN gives the same ``regio_persoon_id`` in every member of the region, while
        ``persoon_id`` differs per gemeente key: the regional one links a person who moves
        within the region, and nothing else.
        """
        if self.regio_key is None:
            return None
        cached = self._regio_cache.get(bsn)
        if cached is None:
            digest = hmac.new(self.regio_key, ("bsn:" + bsn).encode(), hashlib.sha256)
            cached = self._regio_cache[bsn] = digest.hexdigest()[:32]
        return cached

    def kenmerk(self, raw: str) -> str:
        """Pseudonym of a free-text identifier that holds a BSN-shaped number (a message
        identification, a claim reference): stable, so identities still match."""
        return self._hash("kenmerk:" + raw)

    def huishouden(self, raw: str) -> str:
        """Pseudonym of a household from the BRP household number or the address."""
        return self._hash("huishouden:" + raw)
