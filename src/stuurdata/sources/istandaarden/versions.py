"""Which release of iWmo/iJw a message belongs to, and why only 3.2 is read.

A municipality's archive holds messages of earlier releases (iWmo 2.x, iJw 1.x, 3.0, 3.1):
they must be told apart from files that are no message at all, and the quarantine must say
exactly what the file is. The release is in two places, both checked:

* the namespace of the root element (``.../ijw/3_0/jw315/schema``): release 3.0;
* the header (``BerichtVersie`` 3, ``BerichtSubversie`` 0): the same, as the sender's
  software wrote it. A 3.2 namespace with another header version is not a 3.2 message.

Within release 3.2 the XSD files themselves get patch versions (``BerichtXsdVersie`` 1.0.0,
1.0.1, ...) under the same namespace; the bundled official 3.2 XSDs decide whether such a
message is valid, so a later 3.2.x message is read when it validates.

Why 3.0 and 3.1 are not read: only the official 3.2 schemas are bundled. An older message
often validates against 3.2 after changing the namespace and subversion, but its meaning
(codes, mandatory fields, business rules) is that of its own release; reading it as 3.2
without its own official schema would be guessing. See docs/berichten.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stuurdata.sources.istandaarden.catalogue import ANY_RELEASE_NAMESPACE


@dataclass(frozen=True, slots=True)
class Release:
    """A message's standard, release and name as its namespace says."""

    standaard: str  # iwmo | ijw
    release: str  # "3.0"
    berichttype: str  # "315"

    @property
    def label(self) -> str:
        return "iWmo" if self.standaard == "iwmo" else "iJw"

    @property
    def naam(self) -> str:
        return ("WMO" if self.standaard == "iwmo" else "JW") + self.berichttype


def release_of(namespace: str) -> Release | None:
    """The release a message namespace names, None when it is no iWmo/iJw namespace."""
    match = ANY_RELEASE_NAMESPACE.match(namespace)
    if match is None:
        return None
    standaard, major, minor, _prefix, code = match.groups()
    return Release(standaard, f"{major}.{minor}", code)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def header_values(root: Any) -> dict[str, str]:
    """Version fields and the sender of the header by local name (tolerant: works on
    invalid trees and on releases whose schema is not bundled)."""
    out: dict[str, str] = {}
    header = next((el for el in root if _local(el.tag) == "Header"), None)
    if header is None:
        return out
    for el in header:
        name = _local(el.tag)
        if name in ("BerichtVersie", "BerichtSubversie", "Afzender") and el.text:
            out[name] = el.text.strip()
        elif name == "XsdVersie":
            for sub in el:
                if _local(sub.tag) == "BerichtXsdVersie" and sub.text:
                    out["BerichtXsdVersie"] = sub.text.strip()
    return out


def unsupported_reason(release: Release, header: dict[str, str]) -> str | None:
    """The Dutch quarantine text for a message of a release that is not read, else None."""
    version = (header.get("BerichtVersie"), header.get("BerichtSubversie"))
    in_header = ".".join(v for v in version if v) if all(version) else None
    if release.release == "3.2" and in_header in (None, "3.2"):
        return None
    shown = release.release if release.release != "3.2" else in_header
    reason = (
        f"{release.label} {shown}-bericht {release.naam}: release {shown} wordt niet "
        "ingelezen; alleen 3.2."
    )
    if release.release == "3.2":
        reason += f" De namespace zegt 3.2, maar de header zegt versie {in_header}."
    elif in_header and in_header != release.release:
        reason += f" (De header zegt versie {in_header}.)"
    return reason


__all__ = ["Release", "header_values", "release_of", "unsupported_reason"]
