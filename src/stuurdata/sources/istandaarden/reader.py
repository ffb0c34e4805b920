"""The door for iWmo/iJw 3.2 messages: recognise, parse once, validate, extract or reject.

Order of the checks, each yielding the first applicable rejection kind:

1. not well-formed XML                         -> ``onleesbaar``
2. an iWmo/iJw message of another release      -> ``versie`` (``versions.py``)
   root not a known iWmo/iJw 3.2 ``Bericht``   -> ``onbekend_bericht``
3. invalid against the official XSD            -> ``xsd`` (first libxml2 error, in Dutch)
4. business rules the XSD cannot express       -> ``bedrijfsregel`` (elfproef, date order)

The bytes are parsed exactly once; the same tree is validated and then navigated. The parser
never resolves entities, loads a DTD or reaches the network. lxml parsers and schema
validators are not safe to share between threads: use one reader per process (the loader
parallelises, if at all, with processes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from stuurdata.privacy.bsn import scrub
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
    read_header,
    read_valid_header,
)
from stuurdata.sources.istandaarden.meldingen import syntax_error, xsd_error
from stuurdata.sources.istandaarden.versions import header_values, release_of, unsupported_reason
from stuurdata.sources.records import Rejection, SourceFile, Unit

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, collect_ids=False
)
_SNIFF_MAX = 16384


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
        and ANY_RELEASE_NAMESPACE.match(declared.group(1).decode(errors="replace")) is not None
    )


def _bericht_id(spec: MessageSpec, header: Header) -> str | None:
    if header.berichtcode and header.afzender and header.identificatie:
        return f"{spec.standaard}:{header.berichtcode}:{header.afzender}:{header.identificatie}"
    return None


def read_istandaarden(file: SourceFile, pseudo: Pseudonymiser) -> Iterator[Unit | Rejection]:
    """Yield exactly one Unit or one Rejection for the message in ``file``."""
    yield _read(file, pseudo)


def _read(file: SourceFile, pseudo: Pseudonymiser) -> Unit | Rejection:
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
    release = release_of(ns)
    version = header_values(root) if release is not None else {}
    if release is not None and (reason := unsupported_reason(release, version)):
        return Rejection(
            position=f"regel {root.sourceline}",
            kind="versie",
            message=scrub(reason),
            afzender=version.get("Afzender"),
            berichttype=release.berichttype,
        )
    spec = KNOWN.get(ns)
    if spec is None or local != "Bericht":
        return _unknown(root, ns, local)

    schema = schema_for(spec)
    try:
        valid = schema.validate(root)
    except etree.XMLSchemaValidateError:
        # libxml2 gives up on some trees, e.g. unexpanded entity references: quarantine.
        header = read_header(root, spec)
        return Rejection(
            position=f"regel {root.sourceline}",
            kind="xsd",
            message=scrub(
                f"Bericht {spec.naam} kon niet tegen het officiële XSD-schema worden"
                " gecontroleerd (bevat het een DOCTYPE of entiteiten?)."
            ),
            afzender=header.afzender,
            berichttype=spec.berichttype,
            bericht_id=_bericht_id(spec, header),
        )
    header = read_valid_header(root, spec) if valid else read_header(root, spec)
    bericht_id = _bericht_id(spec, header)

    def reject(position: str, kind: str, message: str) -> Rejection:
        return Rejection(
            position=position,
            kind=kind,
            message=message,
            afzender=header.afzender,
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
            "identificatie": header.identificatie,
            "dagtekening": x.dagtekening,
            "retour_identificatie": x.retour_identificatie,
            "retourcodes": x.retourcodes,
            "aantal_regels": x.aantal_regels,
            "bestand": file.name,
            "sha256": file.sha256,
            "status": "geladen",
            "xsd_versie": version.get("BerichtXsdVersie"),
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
