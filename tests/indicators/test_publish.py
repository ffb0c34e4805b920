"""Published figures are protected by the publication's step; the CSV has the agreed columns."""

from __future__ import annotations

import pandas as pd
import pytest

from stuurdata.indicators.publish import CSV_COLUMNS, export_csv
from stuurdata.pipeline import publish


def test_published_default_rule_suppresses_small_warehouse(computed):
    frame = publish(computed[computed.indicator.isin(["clienten_wmo", "kosten_wmo"])])
    assert not frame.empty
    assert (frame.status == "onderdrukt").all()  # a dozen persons: everything below 10
    assert frame.waarde.isna().all()


def test_the_csv_has_the_agreed_columns_and_only_protected_statuses(computed, tmp_path):
    frame = publish(computed)
    path = tmp_path / "uit.csv"
    export_csv(frame, path)
    back = pd.read_csv(path, dtype={"indicator": str})
    assert list(back.columns) == CSV_COLUMNS
    assert any(i.startswith("clienten_per_categorie_wmo:") for i in set(back.indicator))
    assert set(back.status) <= {"ok", "afgerond", "onderdrukt"}


def test_export_refuses_unprotected(computed, tmp_path):
    with pytest.raises(ValueError, match="beveiligde"):
        export_csv(computed, tmp_path / "x.csv")
