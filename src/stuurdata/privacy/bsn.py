"""The BSN elfproef, and a scrubber that keeps BSN-like numbers out of messages and logs."""

from __future__ import annotations

import re

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


def is_valid_bsn(value: str) -> bool:
    """True when ``value`` is nine digits that pass the elfproef (test range 9999xxxxx too)."""
    if len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    return sum(int(d) * w for d, w in zip(value, _WEIGHTS, strict=True)) % 11 == 0


def scrub(text: str) -> str:
    """Mask every 9-digit number so an error message can never carry a BSN.

    Messages quote values from the source (an XSD error names the offending value); masking
    all nine-digit runs, valid or not, is the only way to be sure nothing identifying leaks.
    """
    return _NINE_DIGITS.sub("*********", text)
