"""The door for iWmo/iJw 3.2 messages: recognise, parse once, validate, extract or reject.

Order of the checks, each yielding the first applicable rejection kind:

1. not well-formed XML                         -> ``onleesbaar``
2. an iWmo/iJw message of another release      -> ``versie`` (``versions.py``)
   root not a known iWmo/iJw 3.2 ``Bericht``   -> ``onbekend_bericht``
3. invalid against the official XSD            -> ``xsd`` (first libxml2 error, in Dutch)
4. business rules the XSD cannot express       -> ``bedrijfsregel`` (elfproef, date order)

The bytes are parsed exactly once; the same tree is validated and then navigated. The parser
reads no external resource at all: a file with a DOCTYPE (which no iWmo/iJw message has) is
rejected before parsing (a DOCTYPE naming a FIFO or /dev/stdin would otherwise block the
load), and the parser itself resolves no entities, loads no DTD, reaches no network and has
a resolver that refuses every request.

Header values of a message that failed its XSD can be anything: only a well-formed sender
code is kept, and an identification holding a BSN-shaped number is stored as a keyed
pseudonym (``protect``), in valid messages too. lxml parsers and schema
validators are not safe to share between threads: use one reader per process (the loader
parallelises, if at all, with processes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from stuurdata.privacy.bsn import safe_code, scrub
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources.istandaarden.catalogue import (
    ANY_RELEASE_NAMESPACE,
    KNOWN,
    MESSAGE_NAMESPACE,
    MessageSpec,
    schema_for,
)
from stuurdata.sources.istandaarden.content import fingerprint
from stuurdata.sources.istandaarden.extract import (
    Extraction,
    Header,
    protect,
    read_header,
    read_valid_header,
)
from stuurdata.sources.istandaarden.meldingen import syntax_error, xsd_error
from stuurdata.sources.istandaarden.versions import (
    Release,
    header_values,
    release_of,
    unsupported_reason,
)
from stuurdata.sources.records import Rejection, SourceFile, Unit


class _Refuse(etree.Resolver):
    """Answers every request for an external resource with an empty document."""

    def resolve(self, system_url: str | None, public_id: str | None, context: Any) -> Any:
        return self.resolve_string("", context)


_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    attribute_defaults=False,
    huge_tree=False,
    collect_ids=False,
)
_PARSER.resolvers.add(_Refuse())
_SNIFF_MAX = 16384
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DECLARED = re.compile(rb"(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
# Encodings in which "<!DOCTYPE" is the same bytes as in ASCII, so the check above holds.
_ENCODINGS = frozenset(
    {b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-1", b"iso-8859-15", b"windows-1252"}
)


def _split(tag: str) -> tuple[str, str]:
    """Namespace and local name of a Clark tag."""
    if tag[:1] == "{":
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


_ROOT_TAG = re.compile(rb"\s*<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)(\s[^>]*)?/?>")
_SKIP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.DOTALL)


def is_istandaarden(data: bytes) -> bool:
    """True when the root element is in an iWmo/iJw message namespace of any release.

    Looks only at the root start tag near the start of the file (no parser is built), so
    the loader can route a million files cheaply. Unknown 3.2 message types and messages of
    other releases still answer True: the reader then quarantines them as
    ``onbekend_bericht`` or ``versie`` with what they are; a file that is not well-formed
    is left to the reader too.
    """
    head = data[:_SNIFF_MAX]
    if b"istandaarden.nl/" not in head:
        return False  # cheap reject: every iWmo/iJw namespace contains this
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    pos = 0
    while skipped := _SKIP.match(head, pos):
        if skipped.end() == pos:
            break
        pos = skipped.end()
    root = _ROOT_TAG.match(head, pos)
    if root is None:
        return False
    name, attributes = root.group(1), root.group(2) or b""
    prefix = name.split(b":")[0] if b":" in name else None
    attribute = b"xmlns:" + prefix if prefix else b"xmlns"
    declared = re.search(re.escape(attribute) + rb"""\s*=\s*["']([^"']+)["']""", attributes)
    return (
        declared is not None
        and ANY_RELEASE_NAMESPACE.match(declared.group(1).decode("utf-8", "replace")) is not None
    )


_RELEASES: dict[str, Release | None] = {}


def _release(namespace: str) -> Release | None:
    """``release_of``, remembered per namespace (a load sees a few dozen at most)."""
    try:
        return _RELEASES[namespace]
    except KeyError:
        if len(_RELEASES) > 1000:  # namespaces of malformed input are not kept forever
            _RELEASES.clear()
        release = _RELEASES[namespace] = release_of(namespace)
        return release


def _bericht_id(spec: MessageSpec, header: Header, pseudo: Pseudonymiser) -> str | None:
    code, afzender = header.berichtcode, safe_code(header.afzender)
    ident = protect(header.identificatie, pseudo)
    if code and afzender and ident:
        code = str(int(code)) if code.isascii() and code.isdigit() else scrub(code)
        return f"{spec.standaard}:{code}:{afzender}:{ident}"
    return None


def read_istandaarden(file: SourceFile, pseudo: Pseudonymiser) -> Iterator[Unit | Rejection]:
    """Yield exactly one Unit or one Rejection for the message in ``file``."""
    yield _read(file, pseudo)


def _read(file: SourceFile, pseudo: Pseudonymiser) -> Unit | Rejection:
    if b"<!" in file.data and _DOCTYPE.search(file.data) is not None:
        return Rejection(
            position="bestand",
            kind="onleesbaar",
            message=(
                "Bestand bevat een DOCTYPE- of ENTITY-declaratie. iWmo/iJw-berichten hebben "
                "die nooit; om veiligheidsredenen is het bestand niet gelezen."
            ),
        )
    declared = _DECLARED.match(file.data)
    if declared is not None and declared.group(1).lower() not in _ENCODINGS:
        return Rejection(
            position="regel 1",
            kind="onleesbaar",
            message=(
                "Bericht gebruikt een tekenset die niet wordt gelezen; iWmo/iJw-berichten "
                "zijn UTF-8."
            ),
        )
    try:
        root = etree.fromstring(file.data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or None
        return Rejection(
            position=f"regel {line}" if line else "bestand",
            kind="onleesbaar",
            message=syntax_error(line, exc.msg or str(exc)),
        )

    ns, local = _split(root.tag)
    spec = KNOWN.get(ns) if local == "Bericht" else None
    schema = schema_for(spec) if spec is not None else None
    valid: bool | None = None  # None: libxml2 could not check the tree at all
    if schema is not None:
        try:
            valid = schema.validate(root)
        except etree.XMLSchemaValidateError:
            valid = None
    # The release check comes first in the order of the checks. A message valid against a
    # bundled 3.2 schema passed it already: those schemas fix BerichtVersie 3 and
    # BerichtSubversie 2 and only 3.2 namespaces are KNOWN. So the header's version
    # fields are looked at only for the others.
    release = _release(ns) if not valid else None
    version = header_values(root) if release is not None else {}
    if release is not None and (reason := unsupported_reason(release, version)):
        return Rejection(
            position=f"regel {root.sourceline}",
            kind="versie",
            message=scrub(reason),
            afzender=version.get("Afzender"),
            berichttype=release.berichttype,
        )
    if spec is None or schema is None:
        return _unknown(root, ns, local)

    if valid is None:
        # libxml2 gives up on some trees, e.g. unexpanded entity references: quarantine.
        header = read_header(root, spec)
        return Rejection(
            position=f"regel {root.sourceline}",
            kind="xsd",
            message=scrub(
                f"Bericht {spec.naam} kon niet tegen het officiële XSD-schema worden"
                " gecontroleerd (bevat het een DOCTYPE of entiteiten?)."
            ),
            afzender=safe_code(header.afzender),
            berichttype=spec.berichttype,
            bericht_id=_bericht_id(spec, header, pseudo),
        )
    header = read_valid_header(root, spec) if valid else read_header(root, spec)
    bericht_id = _bericht_id(spec, header, pseudo)

    def reject(position: str, kind: str, message: str) -> Rejection:
        return Rejection(
            position=position,
            kind=kind,
            message=message,
            afzender=safe_code(header.afzender),
            berichttype=spec.berichttype,
            bericht_id=bericht_id,
        )

    if not valid:
        first = schema.error_log[0]
        return reject(
            f"regel {first.line}",
            "xsd",
            xsd_error(spec.naam, first.line, first.message, first.path),
        )

    assert bericht_id is not None  # the XSD makes the header fields mandatory
    try:
        x = Extraction(root, spec, header, bericht_id, pseudo)
    except ValueError as exc:  # e.g. a year beyond 9999: valid xs:date, not a Python date
        return reject(
            f"regel {root.sourceline}",
            "bedrijfsregel",
            scrub(f"Bericht {spec.naam} bevat een waarde die niet te verwerken is: {exc}"),
        )
    if x.issues:
        x.issues.sort(key=lambda issue: issue[0])
        shown = "; ".join(text for _line, text in x.issues[:5])
        more = f" (en nog {len(x.issues) - 5})" if len(x.issues) > 5 else ""
        return reject(
            f"regel {x.issues[0][0]}",
            "bedrijfsregel",
            scrub(f"Bericht {spec.naam} schendt een bedrijfsregel: {shown}{more}"),
        )

    rows = x.rows
    rows["bericht"] = [
        {
            "bericht_id": bericht_id,
            "standaard": spec.standaard,
            "wet": spec.wet,
            "berichttype": spec.berichttype,
            "berichtcode": int(header.berichtcode or 0),
            "afzender": header.afzender,
            "ontvanger": header.ontvanger,
            "gemeentecode": x.gemeentecode,
            "aanbieder": x.aanbieder,
            "identificatie": protect(header.identificatie, pseudo),
            "dagtekening": x.dagtekening,
            "retour_identificatie": protect(x.retour_identificatie, pseudo),
            "retourcodes": x.retourcodes,
            "aantal_regels": x.aantal_regels,
            "bestand": file.name,
            "sha256": file.sha256,
            "status": "geladen",
            "xsd_versie": header.xsd_versie or header_values(root).get("BerichtXsdVersie"),
            "dagtekening_retour": x.dagtekening_retour,
            "verzoek_antwoord": x.verzoek_antwoord,
            "reden_afwijzing": x.reden_afwijzing,
        }
    ]
    rows["bericht"][0]["inhoud"] = fingerprint(rows)
    return Unit(
        key=bericht_id,
        kind="bericht",
        position=f"regel {root.sourceline}",
        rows=rows,
        afzender=header.afzender,
        berichttype=spec.berichttype,
    )


def _unknown(root: etree._Element, ns: str, local: str) -> Rejection:
    match = MESSAGE_NAMESPACE.match(ns)
    berichttype = match.group(3) if match else None
    if match:
        naam = ("WMO" if match.group(1) == "iwmo" else "JW") + match.group(3)
        reason = (
            f"berichttype {naam} wordt niet ondersteund (geen officieel 3.2-schema meegeleverd)"
        )
    elif ns:
        reason = f"hoofdelement '{local}' in namespace '{ns}' is geen iWmo- of iJw 3.2-bericht"
    else:
        reason = f"hoofdelement '{local}' heeft geen namespace; geen iWmo- of iJw 3.2-bericht"
    return Rejection(
        position=f"regel {root.sourceline}",
        kind="onbekend_bericht",
        message=scrub(f"Onbekend bericht: {reason}."),
        berichttype=berichttype,
    )


__all__ = ["is_istandaarden", "read_istandaarden"]
