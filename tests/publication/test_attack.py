"""Attacks on a real publication: linear programming over its tables, and the ratios.

The attacker knows every published cell exactly (the worst case: as if not rounded), every
additive relation (buurten add up to their wijk, wijken to the gemeente, months to quarters
for amounts) and every rate beside a count.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from privacy.test_secondary_attack import attack
from stuurdata.indicators import compute_indicators
from stuurdata.privacy.purposes import get_doel
from stuurdata.publication.publish import publiceer

pytestmark = pytest.mark.slow
KEYS = ["indicator", "niveau", "gebiedscode", "periodesoort", "periode", "categorie"]


@pytest.fixture(scope="module")
def both(regio: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the unprotected figures, the publication's rows), aligned on the same index."""
    with duckdb.connect(str(regio)) as con:
        pub = publiceer(con, doel=get_doel(regio, "sturing"), gemeente="GM9902")
        truth = compute_indicators(con)
    published = pub.cijfers.rename(columns={"maat": "indicator"})
    truth["categorie"] = truth["categorie"].fillna("")
    joined = published.merge(truth, on=KEYS, suffixes=("", "_echt"), validate="one_to_one")
    return joined, published


@pytest.mark.parametrize("indicator", ["clienten_wmo", "clienten_jeugd", "kosten_wmo"])
def test_no_hidden_cell_follows_from_the_area_tables(both, indicator: str) -> None:
    joined, _ = both
    soorten = ["jaar", "kwartaal"] if indicator.startswith("clienten") else ["maand", "kwartaal"]
    for periodesoort in soorten:
        part = joined[(joined["indicator"] == indicator) & (joined["periodesoort"] == periodesoort)]
        frame = part.assign(teller=part["teller_echt"])[[*KEYS, "teller"]].reset_index(drop=True)
        published = part[["status"]].reset_index(drop=True)
        intervals = attack(frame, published)
        primary = (part["n_echt"] < 10).reset_index(drop=True)
        for cell, (lo, hi) in intervals.items():
            true = frame.loc[cell, "teller"]
            assert hi - lo > 1e-6, (indicator, frame.loc[cell, "gebiedscode"], true)
            if primary[cell]:  # a primary cell is not pinned down to within ±2 either
                assert hi - lo > 4, (indicator, frame.loc[cell, "gebiedscode"], lo, hi, true)


def test_no_rate_or_amount_gives_more_than_the_published_counts(both) -> None:
    """Cost ÷ cost per client, or a rate × inhabitants, gives back only published counts."""
    _, published = both
    for wet in ("wmo", "jeugd"):
        counts = published[published["indicator"] == f"clienten_{wet}"].set_index(KEYS[1:])
        hidden = counts.index[counts["status"] == "onderdrukt"]
        assert len(hidden) > 0
        rates = published[published["indicator"] == f"clienten_per_1000_{wet}"]
        rates = rates.set_index(KEYS[1:])
        beside = rates.loc[rates.index.intersection(hidden)]
        assert (beside["status"] == "onderdrukt").all()  # shares its teller with the count
        for rate, factor in ((f"clienten_per_1000_{wet}", 1000), (f"kosten_per_client_{wet}", 1)):
            shown = published[
                (published["indicator"] == rate) & (published["status"] != "onderdrukt")
            ]
            assert not shown.empty
            assert (shown["noemer"] % 5 == 0).all() and (shown["noemer"] >= 10).all()
            again = (factor * shown["teller"] / shown["noemer"]).round(2)
            assert (again - shown["waarde"]).abs().max() < 1e-9, rate
