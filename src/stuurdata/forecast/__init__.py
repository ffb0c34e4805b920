"""Forecasts: year-end projection with late claims, 1-5 year demand and cost, backtests.

Entry points (each takes an open warehouse connection or a ``Basis`` read from it):

- ``year_end(con, begroting=None)``: where this year ends per law and product category;
- ``prognose(con, jaren=5, scenarios=())``: the multi-year forecast, backtest and choices;
- ``decompose(basis)``: why costs changed from last year (LMDI).

Forecasts are about groups (a law in a wijk), never about persons.
"""

from __future__ import annotations

from stuurdata.forecast.api import Prognose, prognose
from stuurdata.forecast.basis import Basis, load_basis
from stuurdata.forecast.decompose import decompose
from stuurdata.forecast.jaar import read_budget, year_end
from stuurdata.forecast.meerjarig import Scenario

__all__ = [
    "Basis",
    "Prognose",
    "Scenario",
    "decompose",
    "load_basis",
    "prognose",
    "read_budget",
    "year_end",
]
