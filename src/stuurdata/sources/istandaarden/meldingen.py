"""Dutch wording for the parser and XSD errors libxml2 reports in English.

Users of the quarantine are municipal data stewards, not XML engineers: the lead-in and the
place are always Dutch, and the common libxml2 phrasings are translated. Anything we do not
recognise stays in English after the Dutch lead-in, which still names the element and value.
Every text passes through ``scrub`` because libxml2 quotes the offending value, which can be
a BSN.
"""

from __future__ import annotations

import re

from stuurdata.privacy.bsn import scrub

_CLARK = re.compile(r"\{[^}]*\}")
_QUOTED_WITH_DIGIT = re.compile(r"'[^']*\d[^']*'")
_VALUE_AFTER_ELEMENT = re.compile(r"^(Element '[^']*': )'[^']*'")
_DE_WAARDE = re.compile(r"de waarde '[^']*'")
# Elements about the person: their values are never quoted in a reason.
_PERSONAL = frozenset(
    {
        "Bsn",
        "Geboortedatum",
        "Naam",
        "Geslachtsnaam",
        "Partnernaam",
        "Voornamen",
        "Voorletters",
        "Achternaam",
        "Voorvoegsel",
        "Adres",
        "Huis",
        "Huisnummer",
        "Huisletter",
        "HuisnummerToevoeging",
        "Postcode",
        "Straatnaam",
        "Plaatsnaam",
        "Telefoon",
        "Telefoonnummer",
        "Emailadres",
        "Contact",
        "Contactgegevens",
        "Relatie",
        "Commentaar",
    }
)

# (pattern, replacement) applied in order to the namespace-free libxml2 message.
_XSD_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (
            r"is not a valid value of the atomic type '(?:xs:date|LDT_Datum)'\.",
            "is geen geldige datum.",
        ),
        (
            r"is not a valid value of the atomic type '([^']*)'\.",
            r"is geen geldige waarde van het type '\1'.",
        ),
        (
            r"is not a valid value of the local atomic type\.",
            "is geen geldige waarde voor dit element.",
        ),
        (
            r"This element is not expected\. Expected is one of \(",
            "Dit element hoort hier niet. Verwacht: een van (",
        ),
        (
            r"This element is not expected\. Expected is \(",
            "Dit element hoort hier niet. Verwacht: (",
        ),
        (r"This element is not expected\.", "Dit element hoort hier niet."),
        (
            r"Missing child element\(s\)\. Expected is one of \(",
            "Verplicht element ontbreekt. Verwacht: een van (",
        ),
        (
            r"Missing child element\(s\)\. Expected is \(",
            "Verplicht element ontbreekt. Verwacht: (",
        ),
        (
            r"\[facet 'pattern'\] The value ('[^']*') is not accepted by the pattern ('[^']*')\.",
            r"de waarde \1 past niet in het patroon \2.",
        ),
        (
            r"\[facet 'enumeration'\] The value ('[^']*') is not an element of the set (\{.*\})\.",
            r"de waarde \1 komt niet voor in de toegestane waarden \2.",
        ),
        (
            r"\[facet 'maxLength'\] The value has a length of '(\d+)'; "
            r"this exceeds the allowed maximum length of '(\d+)'\.",
            r"de waarde is \1 tekens lang; maximaal \2 toegestaan.",
        ),
        (
            r"\[facet 'minLength'\] The value has a length of '(\d+)'; "
            r"this underruns the allowed minimum length of '(\d+)'\.",
            r"de waarde is \1 tekens lang; minimaal \2 vereist.",
        ),
        (
            r"\[facet 'maxInclusive'\] The value ('[^']*') is greater than the maximum value "
            r"allowed \(('[^']*')\)\.",
            r"de waarde \1 is groter dan het toegestane maximum \2.",
        ),
        (
            r"\[facet 'minInclusive'\] The value ('[^']*') is less than the minimum value "
            r"allowed \(('[^']*')\)\.",
            r"de waarde \1 is kleiner dan het toegestane minimum \2.",
        ),
        (
            r"Character content other than whitespace is not allowed because the content "
            r"type is 'element-only'\.",
            "tekst is hier niet toegestaan; dit element bevat alleen andere elementen.",
        ),
        (r"The attribute ('[^']*') is not allowed\.", r"het attribuut \1 is niet toegestaan."),
        (
            r"No matching global declaration available for the validation root\.",
            "het hoofdelement komt niet voor in het schema.",
        ),
    )
)


def xsd_error(berichtnaam: str, line: int, message: str, path: str | None) -> str:
    """The quarantine text for the first XSD error of a message."""
    text = _CLARK.sub("", message.strip())
    for pattern, replacement in _XSD_PHRASES:
        text = pattern.sub(replacement, text)
    if path and path.rsplit(":", 1)[-1] == "Bsn":
        # A malformed BSN (8 or 10 digits, spaces) escapes the 9-digit scrubber: hide it.
        text = _QUOTED_WITH_DIGIT.sub("'***'", text)
    if path and _PERSONAL & {part.rsplit(":", 1)[-1].split("[")[0] for part in path.split("/")}:
        # A value about the person (birth date, name, address, phone): never quote it.
        text = _VALUE_AFTER_ELEMENT.sub(r"\1'***'", text)
        text = _DE_WAARDE.sub("de waarde '***'", text)
    return scrub(
        f"Bericht {berichtnaam} voldoet niet aan het officiële XSD-schema: regel {line}: {text}"
    )


def syntax_error(line: int | None, message: str) -> str:
    """The quarantine text for bytes that are not well-formed XML."""
    text = message.strip()
    text = re.sub(r"\s*\(<string>, line \d+\)$", "", text)
    text = re.sub(r", line (\d+), column (\d+)$", r" (kolom \2)", text)
    place = f"regel {line}: " if line else ""
    return scrub(f"Bestand is geen leesbare XML: {place}{text}")
