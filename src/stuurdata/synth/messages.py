"""iWmo/iJw 3.2 messages as plain string templates (valid against the official XSDs).

String templates are several times faster than building lxml trees, and the structure is
fixed by the XSD anyway; ``tests/synth`` validates a sample of every type against the real
schemas. All values passed in are already formatted strings.
"""

from __future__ import annotations

from dataclasses import dataclass

# Message type -> (COD002 code, iWmo code) ; iWmo has no return messages in this release.
BERICHTCODE = {
    ("iwmo", "301"): "414",
    ("iwmo", "305"): "418",
    ("iwmo", "307"): "420",
    ("iwmo", "315"): "444",
    ("iwmo", "323"): "484",
    ("ijw", "301"): "436",
    ("ijw", "302"): "437",
    ("ijw", "305"): "438",
    ("ijw", "306"): "439",
    ("ijw", "307"): "440",
    ("ijw", "308"): "441",
    ("ijw", "315"): "446",
    ("ijw", "316"): "447",
    ("ijw", "323"): "490",
    ("ijw", "325"): "491",
}
_PREFIX = {"iwmo": "wmo", "ijw": "jw"}


@dataclass(frozen=True, slots=True)
class Client:
    """The client block: identifying data, only ever written into messages."""

    bsn: str
    geboortedatum: str
    geslacht: str  # COD046: 1 man, 2 vrouw, 0 onbekend
    achternaam: str
    voornamen: str
    voorletters: str


def ns_of(std: str, typ: str) -> str:
    """Namespace prefix of a message type, e.g. ``wmo301``."""
    return f"{_PREFIX[std]}{typ}"


def _open(std: str, typ: str, afzender: str, ontvanger: str, ident: str, dag: str) -> str:
    ns = f"{_PREFIX[std]}{typ}"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{ns}:Bericht xmlns:{std}="http://www.istandaarden.nl/{std}/3_2/basisschema/schema" '
        f'xmlns:{ns}="http://www.istandaarden.nl/{std}/3_2/{ns}/schema">\n'
        f"\t<{ns}:Header>\n"
        f"\t\t<{ns}:BerichtCode>{BERICHTCODE[(std, typ)]}</{ns}:BerichtCode>\n"
        f"\t\t<{ns}:BerichtVersie>3</{ns}:BerichtVersie>\n"
        f"\t\t<{ns}:BerichtSubversie>2</{ns}:BerichtSubversie>\n"
        f"\t\t<{ns}:Afzender>{afzender}</{ns}:Afzender>\n"
        f"\t\t<{ns}:Ontvanger>{ontvanger}</{ns}:Ontvanger>\n"
        f"\t\t<{ns}:BerichtIdentificatie>\n"
        f"\t\t\t<{std}:Identificatie>{ident}</{std}:Identificatie>\n"
        f"\t\t\t<{std}:Dagtekening>{dag}</{std}:Dagtekening>\n"
        f"\t\t</{ns}:BerichtIdentificatie>\n"
        f"\t\t<{ns}:XsdVersie>\n{_xsdversie(std)}"
        f"\t\t</{ns}:XsdVersie>\n"
    )


def _xsdversie(std: str) -> str:
    return (
        f"\t\t\t<{std}:BasisschemaXsdVersie>1.0.0</{std}:BasisschemaXsdVersie>\n"
        f"\t\t\t<{std}:BerichtXsdVersie>1.0.0</{std}:BerichtXsdVersie>\n"
    )


def _client_head(std: str, ns: str, c: Client, volledig: bool) -> str:
    naam_gebruik = f"\t\t\t<{std}:NaamGebruik>1</{std}:NaamGebruik>\n" if volledig else ""
    return (
        f"\t\t<{ns}:Bsn>{c.bsn}</{ns}:Bsn>\n"
        f"\t\t<{ns}:Geboortedatum>\n\t\t\t<{std}:Datum>{c.geboortedatum}</{std}:Datum>\n"
        f"\t\t</{ns}:Geboortedatum>\n"
        f"\t\t<{ns}:Geslacht>{c.geslacht}</{ns}:Geslacht>\n"
        f"\t\t<{ns}:Naam>\n"
        f"\t\t\t<{std}:Geslachtsnaam>\n\t\t\t\t<{std}:Achternaam>{c.achternaam}</{std}:Achternaam>\n"
        f"\t\t\t</{std}:Geslachtsnaam>\n"
        f"\t\t\t<{std}:Voornamen>{c.voornamen}</{std}:Voornamen>\n"
        f"\t\t\t<{std}:Voorletters>{c.voorletters}</{std}:Voorletters>\n"
        f"{naam_gebruik}"
        f"\t\t</{ns}:Naam>\n"
    )


def _product(std: str, ns: str, cat: str, code: str) -> str:
    return (
        f"\t\t\t\t<{ns}:Product>\n\t\t\t\t\t<{std}:Categorie>{cat}</{std}:Categorie>\n"
        f"\t\t\t\t\t<{std}:Code>{code}</{std}:Code>\n\t\t\t\t</{ns}:Product>\n"
    )


def _omvang(std: str, ns: str, volume: str, eenheid: str, freq: str) -> str:
    return (
        f"\t\t\t\t<{ns}:Omvang>\n\t\t\t\t\t<{std}:Volume>{volume}</{std}:Volume>\n"
        f"\t\t\t\t\t<{std}:Eenheid>{eenheid}</{std}:Eenheid>\n"
        f"\t\t\t\t\t<{std}:Frequentie>{freq}</{std}:Frequentie>\n\t\t\t\t</{ns}:Omvang>\n"
    )


def _close(ns: str, body: str) -> str:
    return f"{body}</{ns}:Bericht>\n"


def bericht_301(
    std: str,
    gemeente: str,
    agb: str,
    ident: str,
    dag: str,
    c: Client,
    adres: tuple[str, str, str, str],
    nummer: str,
    cat: str,
    code: str,
    ingang: str,
    einde: str,
    volume: str,
    eenheid: str,
    freq: str,
    reden_wijziging: str = "",
) -> str:
    """Toewijzing: one allocated product; ``adres`` = (huisnummer, postcode, straat, plaats).

    With ``reden_wijziging`` it is a change of an earlier allocation (same number).
    """
    wijziging = (
        f"\t\t\t\t<{ns_of(std, '301')}:RedenWijziging>{reden_wijziging}"
        f"</{ns_of(std, '301')}:RedenWijziging>\n"
        if reden_wijziging
        else ""
    )
    ns = f"{_PREFIX[std]}301"
    huisnr, postcode, straat, plaats = adres
    return _close(
        ns,
        (
            _open(std, "301", gemeente, agb, ident, dag)
            + f"\t</{ns}:Header>\n\t<{ns}:Client>\n"
            + _client_head(std, ns, c, True)
            + f"\t\t<{ns}:Contactgegevens>\n\t\t\t<{ns}:Contact>\n"
            f"\t\t\t\t<{ns}:Soort>01</{ns}:Soort>\n"
            f"\t\t\t\t<{ns}:Adres>\n\t\t\t\t\t<{std}:Huis>\n"
            f"\t\t\t\t\t\t<{std}:Huisnummer>{huisnr}</{std}:Huisnummer>\n\t\t\t\t\t</{std}:Huis>\n"
            f"\t\t\t\t\t<{std}:Postcode>{postcode}</{std}:Postcode>\n"
            f"\t\t\t\t\t<{std}:Straatnaam>{straat}</{std}:Straatnaam>\n"
            f"\t\t\t\t\t<{std}:Plaatsnaam>{plaats}</{std}:Plaatsnaam>\n"
            f"\t\t\t\t\t<{std}:LandCode>NL</{std}:LandCode>\n\t\t\t\t</{ns}:Adres>\n"
            f"\t\t\t</{ns}:Contact>\n\t\t</{ns}:Contactgegevens>\n"
            f"\t\t<{ns}:ToegewezenProducten>\n\t\t\t<{ns}:ToegewezenProduct>\n"
            f"\t\t\t\t<{ns}:ToewijzingNummer>{nummer}</{ns}:ToewijzingNummer>\n"
            + _product(std, ns, cat, code)
            + f"\t\t\t\t<{ns}:Toewijzingsdatum>{dag}</{ns}:Toewijzingsdatum>\n"
            f"\t\t\t\t<{ns}:Toewijzingstijd>09:00:00</{ns}:Toewijzingstijd>\n"
            f"\t\t\t\t<{ns}:Ingangsdatum>{ingang}</{ns}:Ingangsdatum>\n"
            f"\t\t\t\t<{ns}:Einddatum>{einde}</{ns}:Einddatum>\n{wijziging}"
            + _omvang(std, ns, volume, eenheid, freq)
            + f"\t\t\t</{ns}:ToegewezenProduct>\n\t\t</{ns}:ToegewezenProducten>\n"
            f"\t</{ns}:Client>\n"
        ),
    )


def bericht_315(
    std: str,
    gemeente: str,
    agb: str,
    ident: str,
    dag: str,
    c: Client,
    referentie: str,
    cat: str,
    code: str,
    ingang: str,
    volume: str,
    eenheid: str,
    freq: str,
    verwijzer: str,
) -> str:
    """Verzoek om toewijzing from the provider, with the referrer (COD327)."""
    ns = f"{_PREFIX[std]}315"
    if verwijzer == "02":
        verw = f"\t\t\t\t\t<{std}:ZorgverlenerCode>01000000</{std}:ZorgverlenerCode>\n"
    else:
        verw = f"\t\t\t\t\t<{std}:Naam>Verwijzer {verwijzer}</{std}:Naam>\n"
    return _close(
        ns,
        (
            _open(std, "315", agb, gemeente, ident, dag)
            + f"\t</{ns}:Header>\n\t<{ns}:Client>\n"
            + _client_head(std, ns, c, False)
            + f"\t\t<{ns}:AangevraagdeProducten>\n\t\t\t<{ns}:AangevraagdProduct>\n"
            f"\t\t\t\t<{ns}:ReferentieAanbieder>{referentie}</{ns}:ReferentieAanbieder>\n"
            + _product(std, ns, cat, code)
            + f"\t\t\t\t<{ns}:ToewijzingIngangsdatum>{ingang}</{ns}:ToewijzingIngangsdatum>\n"
            + _omvang(std, ns, volume, eenheid, freq)
            + f"\t\t\t\t<{ns}:Verwijzer>\n\t\t\t\t\t<{std}:Type>{verwijzer}</{std}:Type>\n{verw}"
            f"\t\t\t\t</{ns}:Verwijzer>\n"
            f"\t\t\t</{ns}:AangevraagdProduct>\n\t\t</{ns}:AangevraagdeProducten>\n"
            f"\t</{ns}:Client>\n"
        ),
    )


def bericht_305_307(
    std: str,
    typ: str,
    gemeente: str,
    agb: str,
    ident: str,
    dag: str,
    c: Client,
    nummer: str,
    cat: str,
    code: str,
    ingang: str,
    begin: str,
    reden: str = "",
    einde: str = "",
) -> str:
    """Start (305) or stop (307) of delivery for one allocation."""
    ns = f"{_PREFIX[std]}{typ}"
    tag = "StartProduct" if typ == "305" else "StopProduct"
    stop = (
        f"\t\t\t\t<{ns}:RedenBeeindiging>{reden}</{ns}:RedenBeeindiging>\n"
        f"\t\t\t\t<{ns}:Einddatum>{einde}</{ns}:Einddatum>\n"
        if typ == "307"
        else ""
    )
    return _close(
        ns,
        (
            _open(std, typ, agb, gemeente, ident, dag)
            + f"\t</{ns}:Header>\n\t<{ns}:Client>\n"
            + _client_head(std, ns, c, False)
            + f"\t\t<{ns}:{tag}en>\n\t\t\t<{ns}:{tag}>\n"
            f"\t\t\t\t<{ns}:ToewijzingNummer>{nummer}</{ns}:ToewijzingNummer>\n"
            + _product(std, ns, cat, code)
            + f"\t\t\t\t<{ns}:ToewijzingIngangsdatum>{ingang}</{ns}:ToewijzingIngangsdatum>\n"
            f"\t\t\t\t<{ns}:Begindatum>{begin}</{ns}:Begindatum>\n{stop}"
            f"\t\t\t\t<{ns}:StatusAanlevering>1</{ns}:StatusAanlevering>\n"
            f"\t\t\t</{ns}:{tag}>\n\t\t</{ns}:{tag}en>\n\t</{ns}:Client>\n"
        ),
    )


def bericht_323_head(
    std: str,
    gemeente: str,
    agb: str,
    ident: str,
    dag: str,
    nummer: str,
    periode: tuple[str, str],
    totaal: int,
) -> str:
    """Start of a claim message up to and including ``<Clienten>``."""
    ns = f"{_PREFIX[std]}323"
    dc = "D" if totaal >= 0 else "C"
    return (
        _open(std, "323", agb, gemeente, ident, dag) + f"\t</{ns}:Header>\n\t<{ns}:Declaratie>\n"
        f"\t\t<{ns}:DeclaratieNummer>{nummer}</{ns}:DeclaratieNummer>\n"
        f"\t\t<{ns}:DeclaratiePeriode>\n\t\t\t<{std}:Begindatum>{periode[0]}</{std}:Begindatum>\n"
        f"\t\t\t<{std}:Einddatum>{periode[1]}</{std}:Einddatum>\n\t\t</{ns}:DeclaratiePeriode>\n"
        f"\t\t<{ns}:DeclaratieDagtekening>{dag}</{ns}:DeclaratieDagtekening>\n"
        f"\t\t<{ns}:TotaalIngediendBedrag>\n\t\t\t<{std}:TotaalBedrag>{abs(totaal)}</{std}:TotaalBedrag>\n"
        f"\t\t\t<{std}:DebetCredit>{dc}</{std}:DebetCredit>\n\t\t</{ns}:TotaalIngediendBedrag>\n"
        f"\t\t<{ns}:Clienten>\n"
    )


def bericht_323_client(std: str, bsn: str, prestaties: list[str]) -> str:
    """One client with its claim lines (from ``prestatie_323``)."""
    ns = f"{_PREFIX[std]}323"
    return (
        f"\t\t\t<{ns}:Client>\n\t\t\t\t<{ns}:Bsn>{bsn}</{ns}:Bsn>\n\t\t\t\t<{ns}:Prestaties>\n"
        + "".join(prestaties)
        + f"\t\t\t\t</{ns}:Prestaties>\n\t\t\t</{ns}:Client>\n"
    )


def prestatie_323(
    std: str,
    referentie: str,
    nummer: str,
    cat: str,
    code: str,
    begin: str,
    einde: str,
    volume: int,
    eenheid: str,
    tarief: int,
    bedrag: int,
) -> str:
    """One claim line; a negative ``bedrag`` is written as a credit."""
    ns = f"{_PREFIX[std]}323"
    dc = "D" if bedrag >= 0 else "C"
    return (
        f"\t\t\t\t\t<{ns}:Prestatie>\n\t\t\t\t\t\t<{ns}:ProductReferentie>\n"
        f"\t\t\t\t\t\t\t<{std}:ReferentieNummer>{referentie}</{std}:ReferentieNummer>\n"
        f"\t\t\t\t\t\t</{ns}:ProductReferentie>\n"
        f"\t\t\t\t\t\t<{ns}:ToewijzingNummer>{nummer}</{ns}:ToewijzingNummer>\n"
        f"\t\t\t\t\t\t<{ns}:ProductCategorie>{cat}</{ns}:ProductCategorie>\n"
        f"\t\t\t\t\t\t<{ns}:ProductCode>{code}</{ns}:ProductCode>\n"
        f"\t\t\t\t\t\t<{ns}:ProductPeriode>\n\t\t\t\t\t\t\t<{std}:Begindatum>{begin}</{std}:Begindatum>\n"
        f"\t\t\t\t\t\t\t<{std}:Einddatum>{einde}</{std}:Einddatum>\n\t\t\t\t\t\t</{ns}:ProductPeriode>\n"
        f"\t\t\t\t\t\t<{ns}:GeleverdVolume>{volume}</{ns}:GeleverdVolume>\n"
        f"\t\t\t\t\t\t<{ns}:Eenheid>{eenheid}</{ns}:Eenheid>\n"
        f"\t\t\t\t\t\t<{ns}:ProductTarief>{tarief}</{ns}:ProductTarief>\n"
        f"\t\t\t\t\t\t<{ns}:IngediendBedrag>\n\t\t\t\t\t\t\t<{std}:Bedrag>{abs(bedrag)}</{std}:Bedrag>\n"
        f"\t\t\t\t\t\t\t<{std}:DebetCredit>{dc}</{std}:DebetCredit>\n\t\t\t\t\t\t</{ns}:IngediendBedrag>\n"
        f"\t\t\t\t\t</{ns}:Prestatie>\n"
    )


def bericht_323_tail(std: str) -> str:
    ns = f"{_PREFIX[std]}323"
    return f"\t\t</{ns}:Clienten>\n\t</{ns}:Declaratie>\n</{ns}:Bericht>\n"


def bericht_retour(
    typ: str,
    afzender: str,
    ontvanger: str,
    ident: str,
    dag: str,
    retour_ident: str,
    retour_dag: str,
    code: str = "0200",
) -> str:
    """Header-only iJw return message (302/306/308/316): the answered message was accepted."""
    ns = f"jw{typ}"
    return _close(
        ns,
        (
            _open("ijw", typ, afzender, ontvanger, ident, dag)
            + f"\t\t<{ns}:IdentificatieRetour>{retour_ident}</{ns}:IdentificatieRetour>\n"
            f"\t\t<{ns}:DagtekeningRetour>{retour_dag}</{ns}:DagtekeningRetour>\n"
            f"\t\t<{ns}:XsdVersieRetour>\n{_xsdversie('ijw')}\t\t</{ns}:XsdVersieRetour>\n"
            f"\t\t<{ns}:RetourCodes>\n\t\t\t<{ns}:RetourCode>{code}</{ns}:RetourCode>\n"
            f"\t\t</{ns}:RetourCodes>\n\t</{ns}:Header>\n"
        ),
    )


def bericht_325(
    gemeente: str,
    agb: str,
    ident: str,
    dag: str,
    decl_ident: str,
    decl_dag: str,
    decl_nummer: str,
    totaal: int,
) -> str:
    """iJw claim answer: the whole claim granted (RetourCode 0200)."""
    ns = "jw325"
    dc = "D" if totaal >= 0 else "C"
    bedrag = (
        f"\t\t\t<ijw:TotaalBedrag>{abs(totaal)}</ijw:TotaalBedrag>\n"
        f"\t\t\t<ijw:DebetCredit>{dc}</ijw:DebetCredit>\n"
    )
    return _close(
        ns,
        (
            _open("ijw", "325", gemeente, agb, ident, dag) + f"\t\t<{ns}:DeclaratieIdentificatie>\n"
            f"\t\t\t<ijw:Identificatie>{decl_ident}</ijw:Identificatie>\n"
            f"\t\t\t<ijw:Dagtekening>{decl_dag}</ijw:Dagtekening>\n\t\t</{ns}:DeclaratieIdentificatie>\n"
            f"\t\t<{ns}:XsdVersieDeclaratie>\n{_xsdversie('ijw')}\t\t</{ns}:XsdVersieDeclaratie>\n"
            f"\t\t<{ns}:RetourCodes>\n\t\t\t<{ns}:RetourCode>0200</{ns}:RetourCode>\n\t\t</{ns}:RetourCodes>\n"
            f"\t</{ns}:Header>\n\t<{ns}:DeclaratieAntwoord>\n"
            f"\t\t<{ns}:DeclaratieNummer>{decl_nummer}</{ns}:DeclaratieNummer>\n"
            f"\t\t<{ns}:TotaalIngediendBedrag>\n{bedrag}\t\t</{ns}:TotaalIngediendBedrag>\n"
            f"\t\t<{ns}:TotaalToegekendBedrag>\n{bedrag}\t\t</{ns}:TotaalToegekendBedrag>\n"
            f"\t\t<{ns}:RetourCodes>\n\t\t\t<{ns}:RetourCode>0200</{ns}:RetourCode>\n\t\t</{ns}:RetourCodes>\n"
            f"\t</{ns}:DeclaratieAntwoord>\n"
        ),
    )
