"""The year-end table hides no row that follows from the others by subtraction."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.report.prognose import no_lone_hidden_row, shield

MONEY = ["gerealiseerd", "jaartotaal"]


def test_a_lone_hidden_category_gets_the_smallest_other_as_partner() -> None:
    frame = pd.DataFrame(
        {
            "wet": ["jeugd"] * 4 + ["wmo"] * 3,
            "productcategorie": ["", "41", "45", "47", "", "01", "02"],
            "gerealiseerd": [1000.0, 600.0, 150.0, 250.0, 900.0, 400.0, 500.0],
            "jaartotaal": [2000.0, 1200.0, 300.0, 500.0, 1800.0, 800.0, 1000.0],
            "n": [80, 50, 4, 26, 70, 30, 40],
        }
    )
    safe = no_lone_hidden_row(shield(frame, MONEY, "bedrag", DisclosureRule()), frame)
    hidden = safe["gerealiseerd"].isna()
    assert hidden.tolist() == [False, False, True, True, False, False, False]
    # the total minus the shown categories no longer gives any one hidden row
    assert np.isnan(safe.loc[3, "jaartotaal"])
