"""Quality labels on indicators: a figure built on data with known gaps says so.

When providers of a law are flagged for missing start or stop messages, or for claiming
running care not at all, the indicators that rest on those messages carry a Dutch label
("let op: 3 aanbieders leverden geen stopberichten; aantal cliënten mogelijk te hoog")
that the report shows beside the figure. Which measure touches which indicator, and what
the consequence is, is listed here in one table.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from stuurdata.quality.monitor import Kwaliteit, run_monitor

# measure -> (indicator id stems it affects, what the providers did, the consequence);
# the verb is written for the plural and made singular for one provider.
GEVOLGEN: dict[str, tuple[tuple[str, ...], str, str]] = {
    "stop_ontbreekt": (
        ("clienten", "actieve_toewijzingen", "uitstroom", "duur_toewijzing"),
        "leverden geen stopberichten",
        "aantal cliënten mogelijk te hoog, uitstroom mogelijk te laag",
    ),
    "start_ontbreekt": (
        ("wachttijd_toewijzing_start", "instroom"),
        "leverden geen startberichten",
        "wachttijd tot start zorg en instroom mogelijk onjuist",
    ),
    "stil": (
        ("kosten",),
        "declareerden lopende zorg niet",
        "kosten mogelijk te laag",
    ),
}


def _stem(indicator: str) -> str:
    for suffix in ("_wmo", "_jeugd"):
        if indicator.endswith(suffix):
            return indicator[: -len(suffix)]
    return indicator


def _wet(indicator: str) -> str | None:
    if indicator.endswith("_wmo"):
        return "wmo"
    if indicator.endswith("_jeugd"):
        return "jeugd"
    return None


def quality_labels(k: Kwaliteit) -> dict[tuple[str, str], str]:
    """(measure, law) -> label part, for every measure/law with flagged providers."""
    return labels_from(k.oordeel)


def labels_from(oordeel: pd.DataFrame) -> dict[tuple[str, str], str]:
    """``quality_labels`` from any table of (maatregel, wet, aanbieder, gesignaleerd), e.g.
    the judgement made on the published counts (``publication.kwaliteit``)."""
    parts: dict[tuple[str, str], str] = {}
    flagged = oordeel[oordeel["gesignaleerd"].astype(bool)]
    for (maatregel, wet), group in flagged.groupby(["maatregel", "wet"]):
        if maatregel not in GEVOLGEN:
            continue
        n = group["aanbieder"].nunique()
        _stems, wat, gevolg = GEVOLGEN[str(maatregel)]
        if n == 1:
            wat = wat.replace("leverden", "leverde").replace("declareerden", "declareerde")
        wie = "1 aanbieder" if n == 1 else f"{n} aanbieders"
        parts[(str(maatregel), str(wet))] = f"{wie} {wat}; {gevolg}"
    return parts


def label_for(indicator: str, parts: dict[tuple[str, str], str]) -> str:
    """The label text for one indicator id ('' when its data has no known gap)."""
    wet, stem = _wet(indicator), _stem(indicator)
    texts = [
        text
        for (maatregel, w), text in parts.items()
        if w == wet and any(stem.startswith(s) for s in GEVOLGEN[maatregel][0])
    ]
    return "let op: " + "; ".join(texts) if texts else ""


def label_indicators(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, kwaliteit: Kwaliteit | None = None
) -> pd.DataFrame:
    """A copy of an indicator frame with a ``kwaliteitslabel`` column (Dutch text or '')."""
    k = kwaliteit if kwaliteit is not None else run_monitor(con)
    parts = quality_labels(k)
    out = frame.copy()
    ids = out["indicator"].astype(str) if "indicator" in out else pd.Series(dtype=str)
    labels = {i: label_for(i, parts) for i in ids.unique()}
    out["kwaliteitslabel"] = ids.map(labels).fillna("") if len(out) else pd.Series(dtype=str)
    return out
