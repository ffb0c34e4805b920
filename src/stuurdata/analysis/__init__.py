"""Cross-domain analyses: stacking, reach, relapse, funnel benchmarks.

Each analysis is a function over the warehouse (and, for denominators, CBS tables) that
returns an internal frame; ``publish_*`` functions pass it through disclosure control before
anything leaves the platform.
"""

from stuurdata.analysis.base import DOMAINS, Periode, data_end, last_year
from stuurdata.analysis.funnel import funnel, gemeente_peers, wijk_rates
from stuurdata.analysis.reach import reach
from stuurdata.analysis.relapse import relapse
from stuurdata.analysis.stacking import Stapeling, stacking

__all__ = [
    "DOMAINS",
    "Periode",
    "Stapeling",
    "data_end",
    "funnel",
    "gemeente_peers",
    "last_year",
    "reach",
    "relapse",
    "stacking",
    "wijk_rates",
]
