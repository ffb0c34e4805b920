"""The report's period: it starts where the data start, not where the first year starts."""

from __future__ import annotations

import pandas as pd

from stuurdata.report.frame import Published


def test_the_span_starts_at_the_first_month_of_data_not_at_the_first_year():
    rows = [
        ("jaar", "2023"),
        ("kwartaal", "2023-K4"),
        ("maand", "2023-11"),
        ("maand", "2026-10"),
        ("jaar", "2026"),
    ]
    frame = pd.DataFrame(
        [
            {"indicator": "clienten_wmo", "gebiedscode": "GM9901", "periodesoort": s, "periode": p}
            for s, p in rows
        ]
    )
    start, end = Published(frame).span()
    assert start == pd.Timestamp("2023-11-01")
    assert end == pd.Timestamp("2027-01-01")  # the newest period's end; the report cuts it
