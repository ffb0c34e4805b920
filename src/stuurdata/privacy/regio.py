"""The region's shared key: when the door adds a second, regional pseudonym.

Every gemeente pseudonymises with its own key, so a person who moves from one member of a
region to another is two persons in the region's pooled data. When the members agree on one
*regional* key, the door also writes ``persoon.regio_persoon_id``: the same HMAC of the BSN
under that key, equal in every member, so the region can count such a person once. It is a
processing of its own (joint controllers, art. 26 AVG), so the column is filled only when
both hold:

* the installation has a regional key (``STUURDATA_REGIOSLEUTEL`` or ``regiosleutel`` in
  ``stuurdata.toml``), a key file only the user can read, not the gemeente's own key;
* the purpose register holds the purpose ``regio-koppeling`` (``stuurdata doel nieuw
  --sjabloon regio-koppeling``) and it allows loading (``inlezen``).

A regional key without that purpose is refused (Dutch message), not silently ignored:
whoever set the key meant the column to be filled. Without a regional key the column is
NULL and nothing else changes.
"""

from __future__ import annotations

from pathlib import Path

from stuurdata.config import settings
from stuurdata.privacy.keys import check_private
from stuurdata.privacy.pseudonym import KeyError_
from stuurdata.privacy.sjablonen import REGIO_KOPPELING


def regio_key_path() -> Path | None:
    """The installation's regional key file, or None when it has none."""
    path = settings().regiosleutel
    return Path(path).expanduser() if path else None


def regio_key(pakhuis: Path, municipal: bytes, *, url: str | None = None) -> bytes | None:
    """The regional key to pseudonymise with, or None (then ``regio_persoon_id`` stays NULL).

    ``municipal`` is the gemeente's own key (the regional key must differ from it). Raises
    ``KeyError_`` (Dutch) for a missing or unsafe key file, a rotated or equal key, or a
    regional key without the ``regio-koppeling`` purpose.
    """
    from stuurdata.privacy.purposes import get_doel
    from stuurdata.privacy.rotation import read_chain

    path = regio_key_path()
    if path is None:
        return None
    if not path.is_file():
        raise KeyError_(
            f"De regiosleutel {path} bestaat niet. Zet het sleutelbestand dat de gemeenten "
            "van de regio samen hebben afgesproken op die plek, of haal de instelling "
            "regiosleutel weg."
        )
    check_private(path)
    doel = get_doel(pakhuis, REGIO_KOPPELING, url=url)
    if doel is None or "inlezen" not in doel.activiteiten:
        reden = "er is geen doel" if doel is None else "het doel staat inlezen niet toe:"
        raise KeyError_(
            f"Er is een regiosleutel ingesteld ({path}), maar {reden} '{REGIO_KOPPELING}'. "
            "Personen over gemeenten heen koppelen mag alleen onder dat doel, na een "
            "afspraak tussen de gemeenten (art. 26 AVG). Registreer het met: stuurdata doel "
            f"nieuw --sjabloon {REGIO_KOPPELING}, of haal de instelling regiosleutel weg. Er "
            "is niets ingelezen."
        )
    chain = read_chain(path)
    if chain.links:
        raise KeyError_(
            f"De regiosleutel {path} is vervangen met 'stuurdata sleutel roteer'. Een "
            "regiosleutel vervangen de gemeenten samen, met een nieuw sleutelbestand."
        )
    if chain.base == read_chain_base(municipal):
        raise KeyError_(
            f"De regiosleutel {path} is dezelfde als de sleutel van de gemeente. Gebruik de "
            "sleutel die de gemeenten van de regio samen hebben afgesproken."
        )
    return chain.base


def read_chain_base(key: bytes) -> bytes:
    """The base key of key bytes (a plain key or an encoded rotation chain)."""
    from stuurdata.privacy.rotation import KeyChain

    return KeyChain.decode(key).base
