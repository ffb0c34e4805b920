"""Which iWmo/iJw 3.2 messages we know, and their compiled official XSDs.

A message is recognised by the namespace of its root element alone
(``http://www.istandaarden.nl/iwmo/3_2/wmo301/schema`` -> iWmo 301), so picking the schema
costs one dictionary lookup. The known set is exactly the XSDs bundled in ``schemas/``:
a namespace without a bundled schema is an unknown message, never a guess.

Schemas are compiled lazily and once per process (about 10 ms each); the XSD import of
``basisschema.xsd`` is served from the package by a resolver, so compiling never touches
the file system layout or the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from lxml import etree

_SCHEMAS = files("stuurdata.sources.istandaarden") / "schemas"

# Which side of a message is the municipality. Return messages copy the header of the
# message they answer, so a 302 has the municipality as Afzender just like the 301.
_MUNICIPALITY_SENDS = frozenset({"301", "302", "319", "320", "325"})

MESSAGE_NAMESPACE = re.compile(
    r"^http://www\.istandaarden\.nl/(iwmo|ijw)/3_2/(wmo|jw)(\d{3})/schema$"
)
# Any release of either standard (iWmo 2.x, iJw 1.x, 3.0, 3.1, 3.2, ...): recognised so that
# a message of another release is told apart from a file that is no message at all. Older
# releases repeat the release after "schema" (".../iwmo/2_1/basisschema/schema/2_1").
ANY_RELEASE_NAMESPACE = re.compile(
    r"^http://www\.istandaarden\.nl/(iwmo|ijw)/(\d+)_(\d+)/(wmo|jw)(\d{3})/schema"
    r"(?:/\d+_\d+)?/?$"
)


@dataclass(frozen=True, slots=True)
class MessageSpec:
    """One known message type with its precomputed Clark-notation tag prefixes."""

    standaard: str  # iwmo | ijw
    wet: str  # wmo | jeugd
    berichttype: str  # "301"
    naam: str  # "WMO301" | "JW301": how users know the message
    namespace: str
    m: str = field(repr=False)  # "{message namespace}"
    b: str = field(repr=False)  # "{basisschema namespace}"

    @property
    def municipality_sends(self) -> bool:
        """True when the header Afzender is the municipality (else the Ontvanger is)."""
        return self.berichttype in _MUNICIPALITY_SENDS


def _discover() -> dict[str, MessageSpec]:
    """Build the namespace -> spec map from the bundled XSD file names."""
    known: dict[str, MessageSpec] = {}
    for standaard, prefix, wet in (("iwmo", "wmo", "wmo"), ("ijw", "jw", "jeugd")):
        base = f"http://www.istandaarden.nl/{standaard}/3_2/basisschema/schema"
        for entry in (_SCHEMAS / standaard).iterdir():
            name = entry.name
            if not name.endswith(".xsd") or name == "basisschema.xsd":
                continue
            naam = name[:-4]
            code = naam[-3:]
            ns = f"http://www.istandaarden.nl/{standaard}/3_2/{prefix}{code}/schema"
            known[ns] = MessageSpec(
                standaard, wet, code, naam, ns, "{" + ns + "}", "{" + base + "}"
            )
    return known


KNOWN: dict[str, MessageSpec] = _discover()


class _PackageResolver(etree.Resolver):
    """Serves ``xs:import`` of a sibling XSD from the package data, nothing else."""

    def __init__(self, standaard: str) -> None:
        super().__init__()
        self._folder = _SCHEMAS / standaard

    def resolve(self, system_url: str | None, public_id: str | None, context: Any) -> Any:
        name = (system_url or "").rsplit("/", 1)[-1]
        if not name.endswith(".xsd"):
            return None
        return self.resolve_string((self._folder / name).read_bytes(), context)


_CACHE: dict[tuple[str, str], etree.XMLSchema] = {}


def schema_for(spec: MessageSpec) -> etree.XMLSchema:
    """The compiled official XSD of a message, cached per (standaard, berichttype)."""
    key = (spec.standaard, spec.berichttype)
    schema = _CACHE.get(key)
    if schema is None:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        parser.resolvers.add(_PackageResolver(spec.standaard))
        source = (_SCHEMAS / spec.standaard / f"{spec.naam}.xsd").read_bytes()
        doc = etree.fromstring(
            source, parser, base_url=f"stuurdata-schemas/{spec.standaard}/{spec.naam}.xsd"
        )
        schema = _CACHE[key] = etree.XMLSchema(doc)
    return schema
