"""The Ketenmonitor page's content: provider scorecards from the publication, and the work
list through the chain monitor's library call, under a purpose that allows person level.

The scorecard, the rules per provider and the months behind a signal are the publication's
rows (``publication.kwaliteit``), the same the report and the ``kwaliteit`` export show.
The work list names allocations and pseudonyms: it is not in any publication, so it comes
from ``quality.run_monitor`` on the warehouse (read-only, one rule), only for a role that
may see it and inside a view whose purpose allows person-level output (``context.bekijk``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from stuurdata.publication.kwaliteit import (
    NIVEAU,
    ONDERDRUKT,
    WET_NAAM,
    months_behind,
    provider_card,
    quality_view,
)
from stuurdata.quality.monitor import run_monitor
from stuurdata.quality.registry import load_measures
from stuurdata.report.format import SUPPRESSED, fmt_euro, fmt_number, period_label
from stuurdata.report.kwaliteit import provider_label
from stuurdata.web.publicatie import WebPublicatie

MAX_WERKLIJST = 500


@dataclass(frozen=True)
class Regel:
    """One rule of one provider (or of the gemeente) as the page shows it."""

    maatregel: str
    naam: str
    regel: str
    wet: str
    aandeel: str
    teller: str
    noemer: str
    bedrag: str
    zin: str
    gesignaleerd: bool
    maanden: tuple[tuple[str, str, str, str], ...]  # (month, deviating, cases, share)
    verborgen: int = 0  # months with too few cases to show


@dataclass(frozen=True)
class Kaart:
    """One provider on the scorecard."""

    code: str
    label: str
    wetten: str
    signalen: int
    bedrag: str
    signaal: str


@dataclass(frozen=True)
class Ketenmonitor:
    periode: str
    gemeente: tuple[Regel, ...]
    kaarten: tuple[Kaart, ...]
    aanbieder: str | None = None
    aanbieder_label: str = ""
    regels: tuple[Regel, ...] = ()
    personen: int | None = None  # the largest count shown, for the audit record


def _pct(value: float) -> str:
    return SUPPRESSED if value != value else fmt_number(value, 1) + "%"


def _count(value: float) -> str:
    return SUPPRESSED if value != value else fmt_number(value)


def _rule(row: pd.Series, months: pd.DataFrame) -> Regel:
    """One rule; of its months those with deviations that can be shown, and a count of the
    months too small to show."""
    hidden = row["status"] == ONDERDRUKT
    small = months["status"].eq(ONDERDRUKT)
    shown = months[~small & (months["teller"] > 0)]
    money = row["bedrag"]
    return Regel(
        maatregel=str(row["maatregel"]),
        naam=str(row["naam"]),
        regel=str(row["regel"]),
        wet=WET_NAAM.get(str(row["wet"]), str(row["wet"])),
        aandeel=SUPPRESSED if hidden else _pct(row["aandeel"]),
        teller=SUPPRESSED if hidden else _count(row["teller"]),
        noemer=SUPPRESSED if hidden else _count(row["noemer"]),
        bedrag=SUPPRESSED
        if row["bedrag_status"] == ONDERDRUKT
        else ("" if money != money else fmt_euro(money)),
        zin=str(row["zin"]) or "Te weinig gevallen om te tonen.",
        gesignaleerd=bool(row["gesignaleerd"]),
        maanden=tuple(
            (period_label(str(m.periode)), _count(m.teller), _count(m.noemer), _pct(m.aandeel))
            for m in shown.itertuples()
        ),
        verborgen=int(small.sum()),
    )


def ketenmonitor(pub: WebPublicatie, aanbieder: str | None = None) -> Ketenmonitor:
    """The page: the gemeente's own rules, the scorecard and, for one provider, every rule
    with the months behind it."""
    view = quality_view(pub.cijfers)
    regels = view.regels
    card = provider_card(view, pub.namen)
    kaarten = tuple(
        Kaart(
            code=str(r.aanbieder),
            label=provider_label(str(r.aanbieder), pub.namen),
            wetten=str(r.wetten),
            signalen=int(r.signalen),
            bedrag="" if r.bedrag != r.bedrag else fmt_euro(r.bedrag),
            signaal=str(r.signaal),
        )
        for r in card.itertuples()
    )
    mine = regels[regels["niveau"] == "gemeente"]
    gemeente = tuple(
        _rule(r, months_behind(view, r.code, r.wet, r.maatregel)) for _, r in mine.iterrows()
    )
    counts = pd.concat([regels["noemer"], regels["teller"]]).dropna()
    out = Ketenmonitor(
        periode=_window(view.periode),
        gemeente=gemeente,
        kaarten=kaarten,
        personen=int(counts.max()) if len(counts) else None,
    )
    if aanbieder is None:
        return out
    own = regels[(regels["niveau"] == NIVEAU) & (regels["code"] == aanbieder)]
    own = own.sort_values(["gesignaleerd", "aandeel"], ascending=[False, False])
    return Ketenmonitor(
        periode=out.periode,
        gemeente=out.gemeente,
        kaarten=out.kaarten,
        aanbieder=aanbieder,
        aanbieder_label=provider_label(aanbieder, pub.namen),
        regels=tuple(
            _rule(r, months_behind(view, aanbieder, r.wet, r.maatregel)) for _, r in own.iterrows()
        ),
        personen=out.personen,
    )


def _window(periode: str) -> str:
    start, _, end = periode.partition("/")
    return f"{period_label(start)} t/m {period_label(end)}" if end else periode


@dataclass(frozen=True)
class Werklijst:
    """The cases behind one provider's rule: allocation number and pseudonym, never a BSN."""

    aanbieder: str
    maatregel: str
    naam: str
    rijen: tuple[tuple[str, str, str, str, str, str], ...]
    meer: int
    personen: int


def werklijst(pakhuis: Path, aanbieder: str, maatregel: str) -> Werklijst:
    """The work list of one provider and rule, from the warehouse (read-only)."""
    measures = load_measures()
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        k = run_monitor(con, maatregelen=[maatregel])
    finally:
        con.close()
    b = k.bevindingen
    b = b[b["aanbieder"].astype("str") == aanbieder].sort_values(["maand", "toewijzingnummer"])
    rows = tuple(
        (
            "" if pd.isna(r.maand) else period_label(pd.Timestamp(r.maand).strftime("%Y-%m")),
            "" if pd.isna(r.toewijzingnummer) else str(r.toewijzingnummer),
            "" if pd.isna(r.persoon_id) else str(r.persoon_id),
            "" if pd.isna(r.datum) else pd.Timestamp(r.datum).strftime("%d-%m-%Y"),
            "" if pd.isna(r.bedrag_cent) else fmt_euro(float(r.bedrag_cent) / 100, 2),
            str(r.detail or ""),
        )
        for r in b.head(MAX_WERKLIJST).itertuples()
    )
    return Werklijst(
        aanbieder=aanbieder,
        maatregel=maatregel,
        naam=measures[maatregel].naam,
        rijen=rows,
        meer=max(len(b) - MAX_WERKLIJST, 0),
        personen=int(b["persoon_id"].nunique()),
    )
