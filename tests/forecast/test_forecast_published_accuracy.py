"""The accuracy on real CBS series, as published, equals what the backtest last measured.

``benchmarks/prognose_cbs.py`` writes ``benchmarks/results.json``; the model card and the
Algoritmeregister entries quote it. Rerun the benchmark, and this test says which text to
update.
"""

from __future__ import annotations

import json
from pathlib import Path

from stuurdata.privacy.algoritmeregister import MODELS

ROOT = Path(__file__).resolve().parents[2]


def _dec(v: float) -> str:
    return f"{v:.2f}".replace(".", ",")


def _pct(v: float) -> str:
    return f"{100 * v:.0f}%"


def _figures() -> dict:
    return json.loads((ROOT / "benchmarks" / "results.json").read_text())["prognose_cbs"]


def test_model_card_quotes_the_measured_real_series_figures():
    card = (ROOT / "docs" / "modelkaart.md").read_text(encoding="utf-8")
    wmo, jeugd = _figures()["wmo"], _figures()["jeugd"]
    rows = {
        "MASE tegen naïef: model": "mase_naief",
        "MASE tegen naïef: naïef zelf": "naief_mase_naief",
        "MASE tegen zelfde halfjaar vorig jaar: model": "mase_vorig_jaar",
        "MASE tegen vorig jaar: vorig jaar zelf": "vorig_jaar_mase_vorig_jaar",
    }
    for label, key in rows.items():
        cells = [_dec(wmo[key]), _dec(jeugd[key])]
        assert any(
            line.startswith(f"| {label} |") and all(c in line for c in cells)
            for line in card.splitlines()
        ), (label, cells)
    for label, key in {
        "gemeenten waar het model beter is dan naïef": "aandeel_beter_dan_naief",
        "uitkomsten binnen het 80%-interval": "dekking80",
        "uitkomsten binnen het 95%-interval": "dekking95",
    }.items():
        cells = [_pct(wmo[key]), _pct(jeugd[key])]
        assert any(
            line.startswith(f"| {label} |") and all(c in line for c in cells)
            for line in card.splitlines()
        ), (label, cells)


def test_register_entries_quote_the_same_figures():
    wmo, jeugd = _figures()["wmo"], _figures()["jeugd"]
    for model in ("meerjarige_prognose", "prognose_reeks"):
        text = MODELS[model].methods_and_models
        assert f"MASE {_dec(wmo['mase_naief'])} tegen naïef" in text
        assert f"beter dan naïef bij {_pct(wmo['aandeel_beter_dan_naief'])}" in text
        assert f"MASE {_dec(jeugd['mase_naief'])} en {_dec(jeugd['mase_vorig_jaar'])}" in text
        assert f"beter dan naïef bij {_pct(jeugd['aandeel_beter_dan_naief'])}" in text
