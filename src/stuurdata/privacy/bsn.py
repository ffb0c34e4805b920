"""The BSN elfproef, and a scrubber that keeps BSN-like numbers out of messages and logs."""

from __future__ import annotations

import operator
import re

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
# Nine digits, also written in groups of three (999.901.825, 999 901 825, 999-901-825).
# ``\d`` matches any script's digits, so full-width or Arabic-Indic runs are masked too.
_BSN_SHAPED = re.compile(r"(?<!\d)\d{3}[ .\-]?\d{3}[ .\-]?\d{3}(?!\d)")
_SAFE_CODE = re.compile(r"(GM)?[0-9]{4}|[0-9]{8}")


def is_valid_bsn(value: str) -> bool:
    """True when ``value`` is nine ASCII digits that pass the elfproef (test range 9999xxxxx too).

    ``str.isdigit`` alone also accepts full-width and Arabic-Indic digits; such a value is
    not a BSN and would pseudonymise to another person.
    """
    if len(value) != 9 or not (value.isascii() and value.isdigit()) or value == "000000000":
        return False
    return sum(map(operator.mul, map(int, value), _WEIGHTS)) % 11 == 0


def scrub(text: str) -> str:
    """Mask every BSN-shaped number so an error message can never carry a BSN.

    Messages quote values from the source (an XSD error names the offending value); masking
    all nine-digit runs, valid or not and with or without dots, spaces or dashes between
    groups of three, is the only way to be sure nothing identifying leaks.
    """
    return _BSN_SHAPED.sub("*********", text)


def has_bsn_shape(text: str) -> bool:
    """True when ``text`` holds a BSN-shaped number (what ``scrub`` would mask)."""
    return _BSN_SHAPED.search(text) is not None


def safe_code(value: str | None) -> str | None:
    """A sender code as stored: a municipality (``0363``, ``GM0363``) or AGB code (8 digits).

    A header of a message that failed its XSD can hold anything, a BSN or a spreadsheet
    formula included; anything that is not such a code is not stored.
    """
    return value if value is not None and _SAFE_CODE.fullmatch(value) else None
