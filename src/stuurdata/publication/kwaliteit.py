"""The chain monitor's figures as rows of the publication, and the views outputs read of them.

Into the publication (``quality_rows``, before the one ``protect_with_totals`` call): per
provider (``niveau = "aanbieder"``, ``gebiedscode`` = AGB code), law and rule of the
provider's own discipline (``categorie`` = the measure id), the cases that deviate
(``teller``) out of the cases the rule applies to (``noemer``), as a share in percent
(``maat = ketenkwaliteit_<wet>``), over the whole observed window (``periodesoort =
venster``) and per month; the euros over-claimed or claimed outside the allocation
(``ketenkwaliteit_bedrag_<wet>``, ``n`` = the cases behind the amount); and the gemeente's
own rules (OP274 answers, OP090 returns) for the gemeente. ``n`` is the smaller of the
deviating and the other cases (0 counts as nothing to hide), so a share resting on a few
cases is hidden under the installation's rule, and a month hidden alone takes its smallest
sibling with it: the window is the sum of its months.

Out of the publication (``quality_view`` and friends): the same rows as typed tables for the
report's chapter, the ``kwaliteit`` export and the dashboard's Ketenmonitor. Whether a
provider is *signalled* is decided here from the published (rounded) counts with the rule's
threshold and the monitor's binomial test, so every output tells the same story and anyone
can check it from the CSV.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from stuurdata.quality.monitor import ALPHA, Kwaliteit, binomial_tail
from stuurdata.quality.registry import Maatregel, load_measures

AANDEEL = "ketenkwaliteit"
BEDRAG = "ketenkwaliteit_bedrag"
NIVEAU = "aanbieder"
VENSTER = "venster"
WETTEN = {"wmo": "wmo", "jeugd": "jeugd"}  # any other law (unknown) goes under "overig"
BEDRAG_MAATREGELEN = ("overdeclaratie", "buiten_periode")
BRONNEN = "bericht,verzoek,toewijzing,levering,declaratie"
WET_NAAM = {"wmo": "Wmo", "jeugd": "Jeugdwet", "overig": "onbekende wet"}
ONDERDRUKT = "onderdrukt"


def _wet(value: object) -> str:
    return WETTEN.get(str(value), "overig")


def is_quality(maat: pd.Series) -> pd.Series:
    """Rows of the chain monitor (the report's indicator tables leave them out)."""
    return maat.astype("str").str.startswith(AANDEEL)


def soorten(cijfers_or_frame: pd.DataFrame) -> dict[str, str]:
    """The disclosure kind of each quality measure id in the frame."""
    if "indicator" not in cijfers_or_frame.columns:
        return {}
    ids = cijfers_or_frame["indicator"].astype("str").unique()
    return {
        i: ("bedrag" if i.startswith(BEDRAG) else "percentage")
        for i in ids
        if i.startswith(AANDEEL)
    }


def definitions() -> dict[str, dict[str, object]]:
    """Unit and sources of the quality ids, as the contract reads them from a definition."""
    out: dict[str, dict[str, object]] = {}
    for wet in (*WETTEN, "overig"):
        out[f"{AANDEEL}_{wet}"] = {"eenheid": "%", "bronnen": tuple(BRONNEN.split(","))}
        out[f"{BEDRAG}_{wet}"] = {"eenheid": "euro", "bronnen": tuple(BRONNEN.split(","))}
    return out


def window_label(vanaf: date, peildatum: date) -> str:
    """The observed window as a period label: ``2023-11/2026-10``."""
    return f"{vanaf:%Y-%m}/{peildatum:%Y-%m}"


def _n(teller: pd.Series, noemer: pd.Series) -> pd.Series:
    """Cases behind a share: the smaller of deviating and other cases (0 hides nothing)."""
    rest = noemer - teller
    small = np.where(
        (teller > 0) & (rest > 0),
        np.minimum(teller, rest),
        np.where(teller > 0, teller, rest),
    )
    return pd.Series(np.where(noemer > 0, np.minimum(small, noemer), 0), index=teller.index)


def _shares(
    counts: pd.DataFrame, key: str, niveau: str, measures: Mapping[str, Maatregel], label: str
) -> pd.DataFrame:
    """Monthly and window rows of shares from counts per ``key``, law, measure and month."""
    counts = counts.assign(wet=counts["wet"].map(_wet), maand=pd.to_datetime(counts["maand"]))
    groups = ["maatregel", "wet", key]
    monthly = counts.groupby([*groups, "maand"], as_index=False)[["teller", "noemer"]].sum()
    total = monthly.groupby(groups, as_index=False)[["teller", "noemer"]].sum()
    parts = [
        monthly.assign(periodesoort="maand", periode=monthly["maand"].dt.strftime("%Y-%m")),
        total.assign(periodesoort=VENSTER, periode=label),
    ]
    rows = pd.concat(parts, ignore_index=True)
    teller = rows["teller"].astype("float64")
    noemer = rows["noemer"].astype("float64")
    return pd.DataFrame(
        {
            "indicator": AANDEEL + "_" + rows["wet"],
            "versie": rows["maatregel"].map(lambda m: measures[m].versie).astype("int64"),
            "niveau": niveau,
            "gebiedscode": rows[key].astype("str"),
            "periodesoort": rows["periodesoort"],
            "periode": rows["periode"],
            "categorie": rows["maatregel"].astype("str"),
            "teller": teller,
            "noemer": noemer,
            "waarde": (100 * teller / noemer.where(noemer > 0)).round(2),
            "n": _n(teller, noemer).astype("int64"),
            "ladingen": "",
            "volledig": True,
        }
    )


def _partners(rows: pd.DataFrame, min_count: int) -> pd.Series:
    """Months to hide beside one month hidden alone (the window is the sum of its months)."""
    extra = pd.Series(False, index=rows.index)
    hidden = rows["n"] < min_count
    months = rows["periodesoort"].eq("maand")
    key = ["indicator", "gebiedscode", "categorie"]
    windows = rows[~months].set_index(key)
    for ids, part in rows[months].groupby(key):
        if hidden[part.index].sum() != 1:
            continue
        window = windows.loc[ids] if ids in windows.index else None
        if window is None or bool(window["n"] < min_count):
            continue
        others = part[~hidden[part.index]]
        if len(others):
            extra[others["noemer"].idxmin()] = True
    return extra


def quality_rows(
    k: Kwaliteit, gemeente: str | None, min_count: int, *, met_gemeente: bool = True
) -> pd.DataFrame:
    """The monitor's figures in the indicator frame's shape, ready for the one protection.

    Provider rows hold the rules of the provider's own discipline; the gemeente rows (only
    when ``met_gemeente``: a warehouse of one gemeente) the rules of the gemeente's own.
    A ``status`` of ``onderdrukt`` marks months hidden beside a month hidden alone.
    """
    measures = load_measures()
    own = {i for i, m in measures.items() if m.partij == "aanbieder"}
    theirs = {i for i, m in measures.items() if m.partij == "gemeente"}
    label = window_label(k.vanaf, k.peildatum)
    scores = k.scores[k.scores["maatregel"].isin(measures)]
    parts = [_shares(scores[scores["maatregel"].isin(own)], "aanbieder", NIVEAU, measures, label)]
    if met_gemeente and gemeente:
        mine = scores[scores["maatregel"].isin(theirs)].assign(gebied=gemeente)
        parts.append(_shares(mine, "gebied", "gemeente", measures, label))
    parts.append(_amounts(k, measures, label))
    found = [p for p in parts if len(p)]
    if not found:
        return pd.DataFrame()
    rows = pd.concat(found, ignore_index=True)
    last = pd.Timestamp(k.peildatum)
    incomplete = rows["periodesoort"].eq("maand") & rows["periode"].eq(last.strftime("%Y-%m"))
    rows["volledig"] = ~(incomplete & (last != last + pd.offsets.MonthEnd(0)))
    rows["status"] = np.where(_partners(rows, min_count), ONDERDRUKT, "")
    return rows


def _amounts(k: Kwaliteit, measures: Mapping[str, Maatregel], label: str) -> pd.DataFrame:
    """Euros over-claimed and claimed outside the allocation, per provider and law."""
    b = k.bevindingen
    b = b[b["maatregel"].isin(BEDRAG_MAATREGELEN) & b["maatregel"].isin(measures)]
    if b.empty:
        return pd.DataFrame()
    b = b.assign(wet=b["wet"].map(_wet), euro=b["bedrag_cent"].astype("float64").fillna(0) / 100)
    sums = b.groupby(["maatregel", "wet", "aanbieder"], as_index=False).agg(
        euro=("euro", "sum"), gevallen=("euro", "size")
    )
    return pd.DataFrame(
        {
            "indicator": BEDRAG + "_" + sums["wet"],
            "versie": sums["maatregel"].map(lambda m: measures[m].versie).astype("int64"),
            "niveau": NIVEAU,
            "gebiedscode": sums["aanbieder"].astype("str"),
            "periodesoort": VENSTER,
            "periode": label,
            "categorie": sums["maatregel"].astype("str"),
            "teller": sums["euro"].round(2),
            "noemer": np.nan,
            "waarde": sums["euro"].round(2),
            "n": sums["gevallen"].astype("int64"),
            "ladingen": "",
            "volledig": True,
        }
    )


# -- reading the publication ------------------------------------------------------------------


@dataclass(frozen=True)
class KwaliteitView:
    """The chain monitor as published: typed tables for the report, export and dashboard.

    ``regels``: one row per provider (or gemeente), law and rule over the window, with the
    published counts, the share, the sentence, the euros and whether it is signalled.
    ``maanden``: the same per month. ``periode``: the window label.
    """

    periode: str
    regels: pd.DataFrame
    maanden: pd.DataFrame

    @property
    def leeg(self) -> bool:
        return self.regels.empty


def _pct(value: float) -> str:
    return "." if value != value else f"{value:.1f}%".replace(".", ",")


def _count(value: float) -> str:
    return "." if value != value else f"{value:,.0f}".replace(",", ".")


def sentence(m: Maatregel, teller: float, noemer: float, aandeel: float) -> str:
    """The rule's sentence with the published figures filled in ('' when hidden)."""
    if teller != teller or noemer != noemer:
        return ""
    text = m.zin.format(aandeel=_pct(aandeel), teller=_count(teller), noemer=_count(noemer))
    return text[:1].upper() + text[1:] + "."


def signalled(m: Maatregel, teller: float, noemer: float) -> bool:
    """The monitor's judgement on published counts: enough cases, above the threshold and
    significantly so (one-sided binomial test)."""
    if teller != teller or noemer != noemer or noemer <= 0:
        return False
    share = teller / noemer
    tail = binomial_tail(int(teller), int(noemer), m.drempel)
    return bool(teller >= m.min_aantal and share > m.drempel and tail < ALPHA)


_VIEW_COLUMNS = [
    "niveau",
    "code",
    "wet",
    "maatregel",
    "naam",
    "regel",
    "partij",
    "norm",
    "teller",
    "noemer",
    "aandeel",
    "status",
    "zin",
    "gesignaleerd",
    "bedrag",
    "bedrag_status",
]


def quality_view(cijfers: pd.DataFrame) -> KwaliteitView:
    """The published quality rows (the contract, ``maat`` column) as typed tables."""
    measures = load_measures()
    rows = cijfers[is_quality(cijfers["maat"])]
    rows = rows[rows["categorie"].astype("str").isin(measures)]
    shares = rows[rows["maat"].astype("str").str.startswith(AANDEEL + "_")]
    shares = shares[~shares["maat"].astype("str").str.startswith(BEDRAG)]
    window = shares[shares["periodesoort"] == VENSTER]
    periode = str(window["periode"].iloc[0]) if len(window) else ""
    regels = _with_rules(window, measures)
    amounts = rows[rows["maat"].astype("str").str.startswith(BEDRAG)]
    money = pd.DataFrame(
        {
            "code": amounts["gebiedscode"].astype("str"),
            "wet": amounts["maat"].astype("str").str.rsplit("_", n=1).str[-1],
            "maatregel": amounts["categorie"].astype("str"),
            "bedrag": pd.to_numeric(amounts["waarde"], errors="coerce"),
            "bedrag_status": amounts["status"].astype("str"),
        }
    )
    regels = regels.merge(money, on=["code", "wet", "maatregel"], how="left")
    regels["bedrag_status"] = regels["bedrag_status"].fillna("")
    regels = regels[_VIEW_COLUMNS].sort_values(["niveau", "code", "wet", "maatregel"])
    maanden = _with_rules(shares[shares["periodesoort"] == "maand"], measures)
    maanden["periode"] = shares.loc[shares["periodesoort"] == "maand", "periode"].to_numpy()
    return KwaliteitView(periode, regels.reset_index(drop=True), maanden.reset_index(drop=True))


def _with_rules(rows: pd.DataFrame, measures: Mapping[str, Maatregel]) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "niveau": rows["niveau"].astype("str"),
            "code": rows["gebiedscode"].astype("str"),
            "wet": rows["maat"].astype("str").str.rsplit("_", n=1).str[-1],
            "maatregel": rows["categorie"].astype("str"),
            "teller": pd.to_numeric(rows["teller"], errors="coerce").astype("float64"),
            "noemer": pd.to_numeric(rows["noemer"], errors="coerce").astype("float64"),
            "aandeel": pd.to_numeric(rows["waarde"], errors="coerce").astype("float64"),
            "status": rows["status"].astype("str"),
        }
    )
    m = out["maatregel"].map(measures)
    out["naam"] = m.map(lambda x: x.naam)
    out["regel"] = m.map(lambda x: x.regel)
    out["partij"] = m.map(lambda x: x.partij)
    out["norm"] = m.map(lambda x: x.norm)
    out["zin"] = [
        sentence(x, t, n, a)
        for x, t, n, a in zip(m, out["teller"], out["noemer"], out["aandeel"], strict=True)
    ]
    out["gesignaleerd"] = [
        signalled(x, t, n) for x, t, n in zip(m, out["teller"], out["noemer"], strict=True)
    ]
    return out


def provider_card(view: KwaliteitView, namen: Mapping[str, str]) -> pd.DataFrame:
    """One row per provider, most signals first: name beside the AGB code, the signalled
    rules with their sentences, the euros at stake (published amounts only)."""
    own = view.regels[view.regels["niveau"] == NIVEAU]
    columns = ["aanbieder", "naam", "wetten", "signalen", "signaal", "bedrag", "verborgen"]
    if own.empty:
        return pd.DataFrame(columns=columns)
    out = []
    for agb, part in own.groupby("code", sort=True):
        flagged = part[part["gesignaleerd"]].sort_values("aandeel", ascending=False)
        amounts = part.drop_duplicates(["wet", "maatregel"])
        shown = amounts["bedrag_status"].ne(ONDERDRUKT) & amounts["bedrag"].notna()
        out.append(
            {
                "aanbieder": agb,
                "naam": namen.get(str(agb), ""),
                "wetten": ", ".join(WET_NAAM.get(w, w) for w in sorted(set(part["wet"]))),
                "signalen": len(flagged),
                "signaal": "; ".join(
                    f"{r.naam} ({r.regel}, {WET_NAAM.get(r.wet, r.wet)}): {r.zin}"
                    for r in flagged.itertuples()
                ),
                "bedrag": float(amounts.loc[shown, "bedrag"].sum()) if shown.any() else np.nan,
                "verborgen": int(part["status"].eq(ONDERDRUKT).sum()),
            }
        )
    card = pd.DataFrame(out, columns=columns)
    card["_b"] = card["bedrag"].fillna(0)
    card = card.sort_values(["signalen", "_b", "aanbieder"], ascending=[False, False, True])
    return card.drop(columns="_b").reset_index(drop=True)


def months_behind(view: KwaliteitView, code: str, wet: str, maatregel: str) -> pd.DataFrame:
    """The published months of one provider, law and rule, oldest first."""
    m = view.maanden
    part = m[(m["code"] == code) & (m["wet"] == wet) & (m["maatregel"] == maatregel)]
    return part.sort_values("periode").reset_index(drop=True)


def signalled_rules(view: KwaliteitView) -> pd.DataFrame:
    """The (maatregel, wet, aanbieder, gesignaleerd) table the indicator labels read."""
    own = view.regels[view.regels["niveau"] == NIVEAU]
    return own.rename(columns={"code": "aanbieder"})[
        ["maatregel", "wet", "aanbieder", "gesignaleerd"]
    ]


__all__ = [
    "AANDEEL",
    "BEDRAG",
    "KwaliteitView",
    "definitions",
    "is_quality",
    "months_behind",
    "provider_card",
    "quality_rows",
    "quality_view",
    "signalled_rules",
    "soorten",
]
