"""Dutch formatting: every figure a reader sees goes through these functions."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from stuurdata.report.format import (
    fmt_date,
    fmt_euro,
    fmt_number,
    parse_period,
    period_label,
    period_span,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1234, 0, "1.234"),
        (1234567, 0, "1.234.567"),
        (12.5, 1, "12,5"),
        (1234.56, 1, "1.234,6"),
        (-1234, 0, "-1.234"),
        (-0.01, 0, "0"),
        (None, 0, "–"),
        (math.nan, 1, "–"),
    ],
)
def test_fmt_number(value, decimals, expected):
    assert fmt_number(value, decimals) == expected


def test_fmt_euro_uses_a_no_break_space():
    assert fmt_euro(1234567) == "€\u00a01.234.567"
    assert fmt_euro(1234567).replace("\u00a0", " ") == "€ 1.234.567"
    assert fmt_euro(math.nan) == "–"


@pytest.mark.parametrize(
    ("periode", "long", "short"),
    [
        ("2026-02", "februari 2026", "feb 2026"),
        ("2025-03", "maart 2025", "mrt 2025"),
        ("2026-K1", "1e kwartaal 2026", "K1 2026"),
        ("2025", "jaar 2025", "2025"),
    ],
)
def test_period_label(periode, long, short):
    assert period_label(periode) == long
    assert period_label(periode, short=True) == short


def test_parse_period_gives_half_open_ranges():
    assert parse_period("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))
    assert parse_period("2025-K4") == (date(2025, 10, 1), date(2026, 1, 1))
    assert parse_period("2025") == (date(2025, 1, 1), date(2026, 1, 1))


def test_period_span_and_dates():
    assert period_span(date(2025, 1, 1), date(2026, 4, 1)) == "januari 2025 t/m maart 2026"
    assert period_span(date(2025, 1, 1), date(2025, 2, 1)) == "januari 2025"
    assert fmt_date(date(2026, 3, 5)) == "5 maart 2026"
    assert fmt_date(datetime(2026, 4, 1, 8, 3)) == "1 april 2026 om 08:03"
    assert fmt_date(None) == "–"
