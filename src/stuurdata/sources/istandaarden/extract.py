"""Canonical rows from one XSD-valid iWmo/iJw message tree.

Runs after validation, so element order, presence of mandatory elements and the lexical
form of dates and integers are guaranteed; the code only navigates. Speed matters (the
ingest is benchmarked against bare parse + validate), and on a freshly parsed tree the cost
is dominated by the element proxies lxml creates for every element Python touches. So:

* the values of product and claim lines, clients and the claim head come from a single
  tag-filtered pass (``scan.py``), so only wanted elements get a proxy;
* the header is read by position (fixed by the XSD sequence), with a tag check that falls
  back to the tolerant reader if anything (a comment, an entity) shifted the positions;
* Clark-notation tags are precomputed per message type (``Tags``);
* line counts and return codes use ``iter(tag)``, which filters in C.

Business rules the XSD cannot express (elfproef, date order) are collected as ``issues``
rather than raised, so one quarantine entry can name every broken line of a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from stuurdata.privacy.bsn import has_bsn_shape, is_valid_bsn
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources.istandaarden.catalogue import MessageSpec
from stuurdata.sources.istandaarden.rows import BUILDERS, plausible_date
from stuurdata.sources.istandaarden.scan import Scanned, layout_for
from stuurdata.sources.records import Row

Element = Any  # lxml.etree._Element; lxml ships no usable stubs for mypy here
Kids = dict[Any, Element]

# Product or claim lines per message type; return messages are counted, not extracted.
LINE_TAGS: dict[str, tuple[str, ...]] = {
    "301": ("ToegewezenProduct",),
    "302": ("ToegewezenProduct",),
    "305": ("StartProduct",),
    "306": ("StartProduct",),
    "307": ("StopProduct",),
    "308": ("StopProduct",),
    "315": ("AangevraagdProduct",),
    "316": ("AangevraagdProduct",),
    "317": ("TeWijzigenProduct", "NieuwProduct"),
    "318": ("TeWijzigenProduct", "NieuwProduct"),
    "319": (),
    "320": (),
    "323": ("Prestatie",),
    "325": ("Prestatie",),
}
RETURN_TYPES = frozenset({"302", "306", "308", "316", "318", "319", "320", "325"})


# The elfproef per BSN, remembered: a client appears in many messages, and the check costs
# more than the dictionary lookup. Bounded so a long run cannot grow without limit.
_ELFPROEF: dict[str, bool] = {}
_ELFPROEF_MAX = 1_000_000


class Tags:
    """Clark tags of one namespace as attributes: ``Tags("{ns}").Bsn == "{ns}Bsn"``.

    Built on first use and then a plain instance attribute, so a lookup costs an
    attribute access and the string (with its cached hash) is shared by every message.
    """

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix

    def __getattr__(self, name: str) -> str:
        value = self._prefix + name
        setattr(self, name, value)
        return value


_TAGS: dict[str, tuple[Tags, Tags]] = {}


def tags(spec: MessageSpec) -> tuple[Tags, Tags]:
    """(message-namespace tags, basisschema tags) of a message type."""
    pair = _TAGS.get(spec.namespace)
    if pair is None:
        pair = _TAGS[spec.namespace] = (Tags(spec.m), Tags(spec.b))
    return pair


@dataclass(slots=True)
class Header:
    """Header fields; ``element`` is the Header element when the header was found."""

    berichtcode: str | None
    afzender: str | None
    ontvanger: str | None
    identificatie: str | None
    dagtekening: str | None
    element: Element = None
    # BerichtXsdVersie, filled by ``read_valid_header`` (None: not read, see header_values)
    xsd_versie: str | None = None


def kids(el: Element) -> Kids:
    """Children by Clark tag, in one pass over the element.

    A repeated tag keeps its last occurrence; the fields read this way occur at most once.
    """
    return {child.tag: child for child in el}


def text(k: Kids, tag: str) -> str | None:
    """Stripped text of a child, None when absent or empty."""
    el = k.get(tag)
    if el is None:
        return None
    value = el.text
    return (value.strip() or None) if value else None


_BORN = date(1880, 1, 1)


def protect(value: str | None, pseudo: Pseudonymiser) -> str | None:
    """A free-text identifier as stored: itself, or a keyed stand-in when it holds a
    BSN-shaped number. The same input always gives the same stand-in, so a return message
    still finds the message it answers and a re-sent message its first copy."""
    if value is None or not has_bsn_shape(value):
        return value
    return "~" + pseudo.kenmerk(value)[:11]


def _birth(value: str | None, today: date) -> date | None:
    """A birth date, only ever kept as its month; never quoted in a reason."""
    if not value:
        return None
    born = date.fromisoformat(value)
    if not _BORN <= born <= today:
        raise ValueError("een geboortedatum is onwaarschijnlijk (voor 1880 of in de toekomst)")
    return born


def read_header(root: Element, spec: MessageSpec) -> Header:
    """Header of a (possibly invalid) message; missing parts become None."""
    t, tb = tags(spec)
    header = kids(root).get(t.Header)
    k = kids(header) if header is not None else {}
    ident = k.get(t.BerichtIdentificatie)
    ik = kids(ident) if ident is not None else {}
    return Header(
        text(k, t.BerichtCode),
        text(k, t.Afzender),
        text(k, t.Ontvanger),
        text(ik, tb.Identificatie),
        text(ik, tb.Dagtekening),
        header,
    )


def read_valid_header(root: Element, spec: MessageSpec) -> Header:
    """Header of an XSD-valid message, read by position (the XSD fixes the sequence).

    Also reads ``BerichtXsdVersie`` (``XsdVersie``, the seventh header element), so a
    valid message's header is visited once.
    """
    t, tb = tags(spec)
    try:
        header = root[0]
        code, _, _, afzender, ontvanger, ident_el, xsd_el = header[:7]
        ident, dagtekening = ident_el[0], ident_el[1]
        xsd = xsd_el[1]
    except (IndexError, ValueError):
        return read_header(root, spec)
    if (
        header.tag != t.Header
        or code.tag != t.BerichtCode
        or afzender.tag != t.Afzender
        or ontvanger.tag != t.Ontvanger
        or ident.tag != tb.Identificatie
        or dagtekening.tag != tb.Dagtekening
        or xsd.tag != tb.BerichtXsdVersie
    ):
        return read_header(root, spec)
    values = [el.text for el in (code, afzender, ontvanger, ident, dagtekening, xsd)]
    if None in values:
        return read_header(root, spec)
    return Header(
        values[0].strip(),
        values[1].strip(),
        values[2].strip(),
        values[3].strip(),
        values[4].strip(),
        header,
        values[5].strip(),
    )


class Extraction:
    """Rows of one valid message; construct, then read ``rows``, ``issues`` and friends."""

    def __init__(
        self,
        root: Element,
        spec: MessageSpec,
        header: Header,
        bericht_id: str,
        pseudo: Pseudonymiser,
    ) -> None:
        self.root = root
        self.spec = spec
        self.wet = spec.wet
        self.t, self.tb = tags(spec)
        self.bericht_id = bericht_id
        self.pseudo = pseudo
        dagtekening = plausible_date(header.dagtekening)
        if dagtekening is None:
            raise ValueError("de dagtekening ontbreekt")
        self.dagtekening = dagtekening
        gemeente, aanbieder = (
            (header.afzender, header.ontvanger)
            if spec.municipality_sends
            else (header.ontvanger, header.afzender)
        )
        self.gemeentecode = f"GM{gemeente}"
        self.aanbieder = aanbieder or ""
        self.issues: list[tuple[int, str]] = []
        self.rows: dict[str, list[Row]] = {}
        self.aantal_regels = 0
        self.retour_identificatie: str | None = None
        self.retourcodes: str | None = None
        self.dagtekening_retour: date | None = None
        self.verzoek_antwoord: str | None = None
        self.reden_afwijzing: str | None = None

        code = spec.berichttype
        layout = layout_for(spec)
        if layout is not None:
            scanned = layout.scan(root)
            pids, personen = self._personen(scanned)
            table, rows = BUILDERS[code](self, scanned, pids)
            self.rows[table] = rows
            self.rows["persoon"] = personen
            self.aantal_regels = len(rows)
        else:
            line_tags = [getattr(self.t, name) for name in LINE_TAGS.get(code, ())]
            self.aantal_regels = sum(1 for _ in root.iter(*line_tags)) if line_tags else 0
        if code in RETURN_TYPES:
            self._retour(root, header)

    def issue(self, line: int, what: str) -> None:
        """Record a broken business rule at source line ``line``."""
        self.issues.append((line, f"regel {line}, {what}"))

    def line_of(self, local: str) -> int:
        """Source line of the first element with this message-namespace name (rare path)."""
        for el in self.root.iter(getattr(self.t, local)):
            return el.sourceline or 0
        return self.root.sourceline or 0

    def toewijzing_id(self, nummer: str | None) -> str:
        return f"{self.wet}:{self.gemeentecode}:{nummer}"

    def protect(self, value: str | None) -> str | None:
        """A free-text identifier as stored (see ``protect``)."""
        return protect(value, self.pseudo)

    def _personen(self, scanned: Scanned) -> tuple[list[str], list[Row]]:
        """Pseudonym per scanned client (index-aligned) and one persoon row per person.

        Every client gets a row, also when only the BSN is known (317/323), so every
        persoon_id used by a line exists. A BSN failing the elfproef is an issue.
        """
        pids: list[str] = []
        personen: dict[str, Row] = {}
        today = date.today()
        for client in scanned.clients:
            bsn = client.get("Bsn", "")
            valid = _ELFPROEF.get(bsn)
            if valid is None:
                if len(_ELFPROEF) > _ELFPROEF_MAX:
                    _ELFPROEF.clear()
                valid = _ELFPROEF[bsn] = is_valid_bsn(bsn)
            if not valid:
                line = client.get("line", 0)
                self.issues.append((line, f"regel {line}: BSN voldoet niet aan de elfproef"))
            pid = self.pseudo.persoon(bsn)
            pids.append(pid)
            if pid not in personen:
                born = _birth(client.get("Datum"), today)
                personen[pid] = {
                    "persoon_id": pid,
                    "geboortemaand": born.replace(day=1) if born else None,
                    "geslacht": client.get("Geslacht") or None,
                    "bron": "bericht",
                    "regio_persoon_id": self.pseudo.regio(bsn),
                }
        return pids, list(personen.values())

    def _retour(self, root: Element, header: Header) -> None:
        t, tb = self.t, self.tb
        code = self.spec.berichttype
        if code == "319":
            antwoord = kids(next(root.iterchildren(t.Antwoord)))
            ident = text(antwoord, t.ReferentieAanbieder)
            self.verzoek_antwoord = text(antwoord, t.VerzoekAntwoord)
            self.reden_afwijzing = text(antwoord, t.RedenAfwijzingVerzoek)
        else:
            hk = kids(header.element)
            if code == "325":
                declaratie = kids(hk[t.DeclaratieIdentificatie])
                ident = text(declaratie, tb.Identificatie)
                self.dagtekening_retour = plausible_date(text(declaratie, tb.Dagtekening))
            else:
                ident = text(hk, t.IdentificatieRetour)
                self.dagtekening_retour = plausible_date(text(hk, t.DagtekeningRetour))
            if code == "320":
                for antwoord in root.iterchildren(t.Antwoord):
                    self.verzoek_antwoord = text(kids(antwoord), t.VerzoekAntwoord)
        self.retour_identificatie = ident
        codes = [(el.text or "").strip() for el in root.iter(t.RetourCode)]
        self.retourcodes = ",".join(codes) if codes else None
