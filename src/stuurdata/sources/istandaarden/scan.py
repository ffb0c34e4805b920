"""One pass over a valid message that collects exactly the values the rows need.

Why this shape: on a freshly parsed tree, the cost of reading it from Python is the element
proxy lxml builds for every element Python touches. ``root.iter(*tags)`` filters by tag
inside libxml2's tree walk, so only the wanted elements (a dozen per product line) ever get
a proxy; names, addresses, contact details and XSD versions are skipped in C. Measured on
synthetic claim messages this is 3-4x faster than visiting each line's children, and 2x
faster than column-wise XPath (libxml2 re-walks the tree per expression).

A value is routed by where the walk is, which the XSD sequence makes unambiguous:

* inside a line (after a line tag such as ``Prestatie``)      -> that line's fields;
* inside a client before its lines (Bsn, birth date, sex)     -> that client, first value
  wins (so a ``Relatie``'s birth date, which follows the client's own, is ignored);
* before any client (DeclaratieNummer, DeclaratiePeriode)     -> message-level fields.

A "skip" tag (``OngewijzigdProduct`` in a 317) starts a line that is not kept, so its
ToewijzingNummer cannot leak into the neighbouring line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stuurdata.sources.istandaarden.catalogue import MessageSpec

# Per data-bearing message type: line tags, skipped line tags, line fields, top fields.
# Names are "m:Local" (message namespace) or "b:Local" (basisschema namespace); the field
# key in the scanned dict is the local name.
_OMVANG = ("b:Volume", "b:Eenheid", "b:Frequentie")
_PRODUCT = ("b:Categorie", "b:Code")
_SPECS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "301": (
        ("m:ToegewezenProduct",),
        (),
        (
            "m:ToewijzingNummer",
            *_PRODUCT,
            "m:Toewijzingsdatum",
            "m:Ingangsdatum",
            "m:Einddatum",
            "m:RedenWijziging",
            *_OMVANG,
            "m:Budget",
        ),
        (),
    ),
    "305": (("m:StartProduct",), (), ("m:ToewijzingNummer", "m:Begindatum"), ()),
    "307": (
        ("m:StopProduct",),
        (),
        ("m:ToewijzingNummer", "m:Begindatum", "m:RedenBeeindiging", "m:Einddatum"),
        (),
    ),
    "315": (
        ("m:AangevraagdProduct",),
        (),
        (
            "m:ReferentieAanbieder",
            *_PRODUCT,
            "m:ToewijzingIngangsdatum",
            "m:ToewijzingEinddatum",
            *_OMVANG,
            "b:Type",
        ),
        (),
    ),
    "317": (
        ("m:TeWijzigenProduct", "m:NieuwProduct"),
        ("m:OngewijzigdProduct",),
        ("m:ToewijzingNummer", *_PRODUCT, "m:GewensteIngangsdatum", "m:Einddatum", *_OMVANG),
        (),
    ),
    "323": (
        ("m:Prestatie",),
        (),
        (
            "b:ReferentieNummer",
            "b:VorigReferentieNummer",
            "m:ToewijzingNummer",
            "m:ProductCategorie",
            "m:ProductCode",
            "b:Begindatum",
            "b:Einddatum",
            "m:GeleverdVolume",
            "m:Eenheid",
            "m:ProductTarief",
            "b:Bedrag",
            "b:DebetCredit",
        ),
        ("m:DeclaratieNummer", "b:Begindatum", "b:Einddatum", "b:TotaalBedrag", "b:DebetCredit"),
    ),
}
_PERSON = ("m:Bsn", "b:Datum", "m:Geslacht")


@dataclass(slots=True)
class Scanned:
    """What one pass found. ``lines`` holds (sourceline, fields, index into ``clients``)."""

    top: dict[str, str] = field(default_factory=dict)
    clients: list[dict[str, Any]] = field(default_factory=list)
    lines: list[tuple[int, dict[str, str], int]] = field(default_factory=list)


class Layout:
    """The compiled routing table of one message type (Clark tag -> role and key)."""

    __slots__ = ("bsn", "client", "line_fields", "person_fields", "skips", "starts", "tags", "top")

    def __init__(self, spec: MessageSpec, code: str) -> None:
        starts, skips, fields, top = _SPECS[code]

        def clark(name: str) -> tuple[str, str]:
            prefix, local = name.split(":")
            return (spec.m if prefix == "m" else spec.b) + local, local

        self.starts = frozenset(clark(n)[0] for n in starts)
        self.skips = frozenset(clark(n)[0] for n in skips)
        self.client = spec.m + "Client"
        self.bsn = spec.m + "Bsn"
        self.line_fields = dict(clark(n) for n in fields)
        self.person_fields = dict(clark(n) for n in _PERSON)
        self.top = dict(clark(n) for n in top)
        self.tags = tuple(
            {self.client, *self.starts, *self.skips, *self.line_fields, *self.person_fields}
            | set(self.top)
        )

    def scan(self, root: Any) -> Scanned:
        """Walk the tree once, keeping only the values this message type needs."""
        out = Scanned()
        starts, skips, client_tag, bsn_tag = self.starts, self.skips, self.client, self.bsn
        line_fields, person_fields, top_fields = self.line_fields, self.person_fields, self.top
        lines, clients, top = out.lines, out.clients, out.top
        line: dict[str, str] | None = None
        person: dict[str, Any] | None = None
        for el in root.iter(*self.tags):
            tag = el.tag
            if line is not None:  # most visits: a field of the current line
                key = line_fields.get(tag)
                if key is not None:
                    line[key] = (el.text or "").strip()
                    continue
            if tag in starts:
                line = {}
                lines.append((el.sourceline or 0, line, len(clients) - 1))
            elif tag in skips:
                line = {}  # read and dropped
            elif tag == client_tag:
                person = {}
                clients.append(person)
                line = None
            elif line is not None:
                pass  # inside a line, not one of its fields (read above)
            elif person is not None:
                key = person_fields.get(tag)
                if key is not None and key not in person:
                    person[key] = (el.text or "").strip()
                    if tag == bsn_tag:
                        person["line"] = el.sourceline or 0
            else:
                key = top_fields.get(tag)
                if key is not None and key not in top:
                    top[key] = (el.text or "").strip()
        return out


_LAYOUTS: dict[str, Layout] = {}


def layout_for(spec: MessageSpec) -> Layout | None:
    """The layout of a data-bearing message type, None for return messages."""
    if spec.berichttype not in _SPECS:
        return None
    lay = _LAYOUTS.get(spec.namespace)
    if lay is None:
        lay = _LAYOUTS[spec.namespace] = Layout(spec, spec.berichttype)
    return lay
