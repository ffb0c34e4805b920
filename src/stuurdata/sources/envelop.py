"""Transport envelopes (VECOZO / GGK SOAP messages): recognised, not unwrapped.

Decision: unwrapping a transport envelope does not belong in the reader. The envelope is
the postal service's wrapping (a SOAP message with the iWmo/iJw message as a base64 zip);
the municipality's message software (berichtenverkeer via het Gemeentelijk
Gegevensknooppunt or VECOZO) already unwraps it, checks its signature and sends the return
message. A file that is still wrapped was taken from the wrong place in that chain, and
unpacking it here would mean parsing base64 zips of unknown size inside an untrusted SOAP
document. So the reader says exactly what the file is and where to get the message itself.
"""

from __future__ import annotations

import re

_SOAP = re.compile(
    rb"<(?:[A-Za-z_][\w.\-]*:)?Envelope\b[^>]*"
    rb"(?:schemas\.xmlsoap\.org/soap/envelope|www\.w3\.org/2003/05/soap-envelope)",
    re.DOTALL,
)

REASON = (
    "Bestand is een transportenvelop (SOAP-bericht van VECOZO of het Gemeentelijk "
    "Gegevensknooppunt), geen iWmo/iJw-bericht: de envelop wordt niet uitgepakt. Lees het "
    "bericht zelf in zoals uw berichtenverkeer-software het na ontvangst opslaat."
)


def is_envelope(data: bytes) -> bool:
    """True when the file starts with a SOAP envelope (only the first 4 KB are looked at)."""
    return _SOAP.search(data[:4096]) is not None


__all__ = ["REASON", "is_envelope"]
