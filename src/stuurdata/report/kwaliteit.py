"""The report chapter "Datakwaliteit van de keten" and the quality labels on figures.

The council report shows which providers' chain data falls short, by rule, so a reader
knows how far the figures can be trusted, and (``report.aanbieders``) how each provider's
declared cost per client compares with what its products cost elsewhere, as a funnel. It
shows providers, never persons: the working list with allocation numbers stays in the
contract manager's export (``stuurdata kwaliteit --uit``). Figures whose data is affected
carry the monitor's label beside them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import duckdb

from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.quality import Kwaliteit, run_monitor, scorecard
from stuurdata.quality.labels import label_for, quality_labels
from stuurdata.report.aanbieders import AanbiedersBlok, provider_block
from stuurdata.report.format import fmt_date
from stuurdata.report.model import Column, Table, TableRow

MAX_AANBIEDERS = 15

# The tables the chain monitor and the provider block read (checked against the purpose).
BRONNEN = ("bericht", "verzoek", "toewijzing", "levering", "declaratie")


@dataclass(frozen=True, slots=True)
class KwaliteitHoofdstuk:
    """Everything the chapter template needs, formatted."""

    periode: str
    inleiding: str
    scorekaart: Table
    maatregelen: Table
    labels: tuple[str, ...]
    meer: int  # providers not shown in the scorecard table
    aanbieders: AanbiedersBlok | None = None  # cost per client per provider (funnel)


def _pct(value: float) -> str:
    return "–" if value != value else f"{value * 100:.1f}%".replace(".", ",")


def build_quality_chapter(kwaliteit: Kwaliteit) -> KwaliteitHoofdstuk:
    """The chapter from a monitor result."""
    card = scorecard(kwaliteit)
    shown = card.head(MAX_AANBIEDERS)
    columns = (
        Column("", "Wetten", "", ""),
        Column("", "Signalen", "", ""),
        Column("", "Aandeel afwijkend", "", ""),
        Column("", "Trend (12 mnd)", "", ""),
        Column("", "Richting", "", ""),
        Column("", "Gesignaleerd op", "", ""),
    )
    rows = tuple(
        TableRow(
            str(r[0]),
            (str(r[1]), str(r[2]), _pct(float(r[6])), str(r[7]), str(r[8]), str(r[3]) or "–"),
        )
        for r in shown.itertuples(index=False)
    )
    score_table = Table(
        "Scorekaart per aanbieder (slechtste eerst)", "Aanbieder (AGB)", columns, rows
    )
    m_columns = (
        Column("", "Regel", "", ""),
        Column("", "Norm", "", ""),
        Column("", "Betreft", "", ""),
        Column("", "Aanbieders gesignaleerd", "", ""),
    )
    oordeel = kwaliteit.oordeel
    m_rows = tuple(
        TableRow(
            m.naam,
            (
                m.regel,
                m.norm,
                m.partij,
                str(
                    oordeel[(oordeel["maatregel"] == m.id) & oordeel["gesignaleerd"]][
                        "aanbieder"
                    ].nunique()
                ),
            ),
        )
        for m in kwaliteit.maatregelen.values()
    )
    labels = tuple(
        f"{wet}: {text}" for (_m, wet), text in sorted(quality_labels(kwaliteit).items())
    )
    return KwaliteitHoofdstuk(
        periode=f"{fmt_date(kwaliteit.vanaf)} t/m {fmt_date(kwaliteit.peildatum)}",
        inleiding=(
            "Cijfers over zorg en kosten zijn zo goed als de berichten die aanbieders en "
            "gemeente elkaar sturen. Hieronder staat per aanbieder hoe vaak die berichten "
            "ontbreken, te laat komen of niet kloppen met de toewijzing, getoetst aan de "
            "bedrijfsregels van de iStandaarden. Werkdagen tellen zonder weekend en "
            "nationale feestdagen. Een aanbieder is gesignaleerd als het aandeel afwijkingen "
            "boven de drempel van de regel ligt."
        ),
        scorekaart=score_table,
        maatregelen=Table("Regels en normen", "Maatregel", m_columns, m_rows),
        labels=labels,
        meer=max(len(card) - MAX_AANBIEDERS, 0),
    )


def quality_chapter(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule | None = None
) -> tuple[KwaliteitHoofdstuk, Kwaliteit]:
    """Run the monitor on the warehouse and build the chapter (providers under ``rule``)."""
    result = run_monitor(con)
    chapter = build_quality_chapter(result)
    return replace(chapter, aanbieders=provider_block(con, rule)), result


def indicator_labels(kwaliteit: Kwaliteit, indicators: Iterable[str]) -> dict[str, str]:
    """Indicator id -> label text, only for indicators that have one."""
    parts = quality_labels(kwaliteit)
    found = {i: label_for(i, parts) for i in indicators}
    return {i: text for i, text in found.items() if text}
