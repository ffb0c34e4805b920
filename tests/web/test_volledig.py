"""A period the data do not cover completely is not shown as if it were complete."""

from __future__ import annotations

import pandas as pd

from stuurdata.web.figures import complete_periods, period_label
from stuurdata.web.publicatie import newest


def test_incomplete_periods_are_left_out_of_the_explorer(warehouse, signed_in):
    pub = newest(warehouse)
    quarters = pub.cijfers[pub.cijfers["periodesoort"] == "kwartaal"]
    incomplete = sorted(set(quarters.loc[quarters["volledig"] == False, "periode"]))  # noqa: E712
    assert incomplete  # 18 generated months never start and end on quarter boundaries
    assert not set(incomplete) & set(complete_periods(pub, "kwartaal"))
    page = signed_in.get("/verkenner?maat=clienten_wmo&niveau=gemeente&periodesoort=kwartaal")
    assert page.status_code == 200

    for periode in incomplete:
        assert period_label(periode) not in page.text


def test_the_excel_csv_says_whether_a_period_is_complete(warehouse):
    csv = pd.read_csv(
        warehouse.parent / "publicatie" / "cijfers.csv", sep=";", encoding="utf-8-sig"
    )
    assert set(csv["volledig"]) == {"ja", "nee"}
