"""Synthetic BSNs: unique, valid under the elfproef, in a range no real person has.

Real BSNs are not issued with a leading 9, and the RvIG test range starts with 9999. That
range holds only about 9,000 valid numbers, too few for a town of 60,000. So we take the
longest prefix of nines whose valid numbers still cover everyone: ``9999`` for a small test
municipality, ``999`` up to about 90,000 persons, ``99`` up to 900,000, ``9`` beyond that.
"""

from __future__ import annotations

import numpy as np

_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)


def _valid_numbers(prefix: str) -> np.ndarray:
    """All nine-digit numbers with ``prefix`` that pass the elfproef, ascending."""
    free = 8 - len(prefix)
    body = np.arange(10**free, dtype=np.int64) + int(prefix) * 10**free  # first 8 digits
    total = np.zeros_like(body)
    for position, weight in enumerate(_WEIGHTS):  # digit by digit keeps memory small
        total += (body // 10 ** (7 - position)) % 10 * weight
    check = total % 11  # weight of the last digit is -1: need total - check == 0 mod 11
    ok = check <= 9
    return body[ok] * 10 + check[ok]


def bsn_prefix(n: int) -> str:
    """The longest prefix of nines with room for ``n`` numbers (and some slack)."""
    for prefix in ("9999", "999", "99", "9"):
        if n <= 0.9 * 10 ** (8 - len(prefix)) * 10 / 11:
            return prefix
    raise ValueError("Te veel personen voor synthetische BSN's.")


def draw_bsns(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct valid BSNs as 9-character strings, in random order."""
    pool = _valid_numbers(bsn_prefix(n))
    chosen = rng.choice(pool, size=n, replace=False)
    return np.char.zfill(chosen.astype(str), 9)
