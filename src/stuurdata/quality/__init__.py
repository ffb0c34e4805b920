"""The ketenmonitor: data quality and coverage of the chain messages, per provider.

Measures are data (``regels.yaml``: rule code, norm, definition, threshold) computed as
set-based SQL over the warehouse (``measures.py``); ``run_monitor`` runs them all,
``scorecard`` ranks the providers, ``label_indicators`` marks indicators resting on
incomplete chain data, ``write_export`` writes the Excel or HTML working file.
"""

from __future__ import annotations

from stuurdata.quality.export import write_export, write_html, write_xlsx
from stuurdata.quality.labels import label_indicators
from stuurdata.quality.monitor import Kwaliteit, run_monitor
from stuurdata.quality.registry import Maatregel, load_measures
from stuurdata.quality.scorecard import provider_measures, scorecard

__all__ = [
    "Kwaliteit",
    "Maatregel",
    "label_indicators",
    "load_measures",
    "provider_measures",
    "run_monitor",
    "scorecard",
    "write_export",
    "write_html",
    "write_xlsx",
]
