"""The scorecard: one line per provider, worst first, with the trend of the last 12 months.

Only measures of the provider's own discipline (``partij: aanbieder``) count towards its
line; the municipality's response times are shown per provider in the detail, not held
against it. "Worst" is the number of measures on which the provider is flagged, then the
share of its cases that deviate.
"""

from __future__ import annotations

import pandas as pd

from stuurdata.quality.monitor import Kwaliteit

_BLOKJES = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """Unicode blocks for a series of shares (0-1); a gap (no cases) is a space."""
    top = max((v for v in values if v is not None), default=0.0) or 1.0
    return "".join(
        " " if v is None else _BLOKJES[min(int(v / top * (len(_BLOKJES) - 1)), 7)] for v in values
    )


def provider_measures(k: Kwaliteit) -> pd.DataFrame:
    """Per provider, law and measure over the window, with the measure's rule and norm."""
    frame = k.oordeel.copy()
    frame["naam"] = frame["maatregel"].map({i: m.naam for i, m in k.maatregelen.items()})
    frame["regel"] = frame["maatregel"].map({i: m.regel for i, m in k.maatregelen.items()})
    frame["norm"] = frame["maatregel"].map({i: m.norm for i, m in k.maatregelen.items()})
    frame["partij"] = frame["maatregel"].map({i: m.partij for i, m in k.maatregelen.items()})
    return frame


def _months(k: Kwaliteit, n: int) -> list[pd.Timestamp]:
    end = pd.Timestamp(k.peildatum).to_period("M")
    start = max(pd.Timestamp(k.vanaf).to_period("M"), end - (n - 1))
    return [p.to_timestamp() for p in pd.period_range(start, end, freq="M")]


def scorecard(k: Kwaliteit, maanden: int = 12) -> pd.DataFrame:
    """One row per provider, worst first (Dutch column names, ready to show)."""
    own = {i for i, m in k.maatregelen.items() if m.partij == "aanbieder"}
    per = provider_measures(k)
    per = per[per["maatregel"].isin(own)]
    columns = [
        "Aanbieder (AGB)",
        "Wetten",
        "Signalen",
        "Gesignaleerd op",
        "Afwijkingen",
        "Gevallen",
        "Aandeel afwijkend",
        "Trend",
        "Richting",
    ]
    if per.empty:
        return pd.DataFrame(columns=columns)
    flagged = per[per["gesignaleerd"]]
    labels = (
        flagged.assign(
            tekst=flagged["naam"] + " (" + flagged["regel"] + ", " + flagged["wet"] + ")"
        )
        .groupby("aanbieder")["tekst"]
        .agg(lambda s: "; ".join(sorted(set(s))))
    )
    totals = per.groupby("aanbieder").agg(
        wetten=("wet", lambda s: ", ".join(sorted(set(s) - {"onbekend"}))),
        afwijkingen=("teller", "sum"),
        gevallen=("noemer", "sum"),
    )
    totals["signalen"] = (
        flagged.drop_duplicates(["aanbieder", "maatregel", "wet"]).groupby("aanbieder").size()
    )
    totals["signalen"] = totals["signalen"].fillna(0).astype(int)
    totals["gesignaleerd"] = labels.reindex(totals.index).fillna("")
    totals["aandeel"] = totals["afwijkingen"] / totals["gevallen"].where(totals["gevallen"] > 0)
    months = _months(k, maanden)
    scores = k.scores[k.scores["maatregel"].isin(own)].copy()
    scores["maand"] = pd.to_datetime(scores["maand"])
    monthly = scores.groupby(["aanbieder", "maand"])[["teller", "noemer"]].sum()
    trend, richting = {}, {}
    for agb in totals.index:
        series: list[float | None] = []
        for month in months:
            t, n = monthly.loc[(agb, month)] if (agb, month) in monthly.index else (0, 0)
            series.append(float(t) / float(n) if n else None)
        trend[agb] = sparkline(series)
        richting[agb] = _direction(series)
    totals["trend"] = pd.Series(trend)
    totals["richting"] = pd.Series(richting)
    totals = totals.reset_index().sort_values(
        ["signalen", "aandeel", "aanbieder"], ascending=[False, False, True]
    )
    out = totals[
        [
            "aanbieder",
            "wetten",
            "signalen",
            "gesignaleerd",
            "afwijkingen",
            "gevallen",
            "aandeel",
            "trend",
            "richting",
        ]
    ]
    out.columns = columns
    return out.reset_index(drop=True)


def _direction(series: list[float | None]) -> str:
    """Last three months against the three before: 'beter', 'slechter' or 'gelijk'."""
    recent = [v for v in series[-3:] if v is not None]
    before = [v for v in series[-6:-3] if v is not None]
    if not recent or not before:
        return "onbekend"
    diff = sum(recent) / len(recent) - sum(before) / len(before)
    if abs(diff) < 0.02:
        return "gelijk"
    return "slechter" if diff > 0 else "beter"
