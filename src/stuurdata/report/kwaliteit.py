"""The report chapter "Datakwaliteit van de keten", from the publication only.

The chapter reads the chain monitor's published rows (``publication.kwaliteit``): the
gemeente's own performance first (answers to requests OP274, returns OP090), then per
provider, by name and AGB code, the rules it was signalled on, each with its share, its base
and the months behind it, and the euros at stake; then how each provider's declared cost per
client compares (``report.aanbieders``, protected inside ``publiceer``). It shows providers,
never persons: the working list stays with the contract manager (``stuurdata kwaliteit
--werklijst``, under a purpose that allows person-level output).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from stuurdata.publication.kwaliteit import (
    NIVEAU,
    ONDERDRUKT,
    WET_NAAM,
    KwaliteitView,
    months_behind,
    provider_card,
    signalled_rules,
)
from stuurdata.quality.labels import labels_from
from stuurdata.quality.registry import load_measures
from stuurdata.report.aanbieders import AanbiedersBlok
from stuurdata.report.format import SUPPRESSED, fmt_euro, fmt_number, period_label
from stuurdata.report.model import Column, Table, TableRow

MAX_AANBIEDERS = 15
MAX_MAANDEN = 12

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
    kop: tuple[str, ...] = ()  # the gemeente's own performance, one sentence each
    signalen: Table | None = None  # per signalled provider and rule, with the months


def provider_label(code: str, namen: Mapping[str, str]) -> str:
    """'Zorg Vooruit (98000009)', or the AGB code when no name is known."""
    naam = namen.get(code, "")
    return f"{naam} ({code})" if naam else code


def _pct(value: float) -> str:
    return SUPPRESSED if value != value else fmt_number(value, 1) + "%"


def _count(value: float) -> str:
    return SUPPRESSED if value != value else fmt_number(value)


def months_text(months: pd.DataFrame) -> str:
    """'mrt 2026: 12 van 40; apr 2026: 9 van 38' for the newest months with deviations
    that can be shown, and how many months are too small to show."""
    hidden = months["status"].eq(ONDERDRUKT)
    shown = months[~hidden & (months["teller"] > 0)].tail(MAX_MAANDEN)
    parts = [
        f"{period_label(str(r.periode), short=True)}: {_count(r.teller)} van {_count(r.noemer)}"
        for r in shown.itertuples()
    ]
    n = int(hidden.sum())
    if n:
        parts.append(f"{n} maand{'en' if n > 1 else ''} met te weinig gevallen om te tonen")
    return "; ".join(parts)


def _scorecard(view: KwaliteitView, namen: Mapping[str, str]) -> tuple[Table, int]:
    card = provider_card(view, namen)
    columns = (
        Column("", "Signalen", "", ""),
        Column("", "Bedrag buiten de toewijzing", "", ""),
        Column("", "Wetten", "", ""),
        Column("", "Gesignaleerd op", "", ""),
    )
    rows = tuple(
        TableRow(
            provider_label(str(r.aanbieder), namen),
            (
                str(r.signalen),
                fmt_euro(r.bedrag),
                str(r.wetten),
                str(r.signaal) or "–",
            ),
        )
        for r in card.head(MAX_AANBIEDERS).itertuples()
    )
    table = Table("Scorekaart per aanbieder (meeste signalen eerst)", "Aanbieder", columns, rows)
    return table, max(len(card) - MAX_AANBIEDERS, 0)


def _signals(view: KwaliteitView, namen: Mapping[str, str]) -> Table | None:
    regels = view.regels
    flagged = regels[(regels["niveau"] == NIVEAU) & regels["gesignaleerd"]]
    if flagged.empty:
        return None
    columns = (
        Column("", "Regel", "", ""),
        Column("", "Aandeel", "", ""),
        Column("", "Afwijkend", "", ""),
        Column("", "Gevallen", "", ""),
        Column("", "Bedrag", "", ""),
        Column("", "Maanden met afwijkingen (afwijkend van gevallen)", "", ""),
    )
    rows = []
    for r in flagged.sort_values(["code", "aandeel"], ascending=[True, False]).itertuples():
        months = months_behind(view, str(r.code), str(r.wet), str(r.maatregel))
        hidden_money = r.bedrag_status == ONDERDRUKT
        rows.append(
            TableRow(
                provider_label(str(r.code), namen),
                (
                    f"{r.naam} ({r.regel}, {WET_NAAM.get(str(r.wet), r.wet)})",
                    _pct(r.aandeel),
                    _count(r.teller),
                    _count(r.noemer),
                    SUPPRESSED if hidden_money else fmt_euro(r.bedrag),
                    months_text(months) or "–",
                ),
            )
        )
    return Table(
        "Signalen: per aanbieder en regel, met de maanden erachter",
        "Aanbieder",
        columns,
        tuple(rows),
        toelichting=(
            "Aandeel: afwijkende gevallen van alle gevallen waarvoor de regel geldt, over de "
            "hele periode. Bedrag: wat boven de toewijzing of buiten de toegewezen periode is "
            f"gedeclareerd. '{SUPPRESSED}': te weinig gevallen om te tonen."
        ),
    )


def _own(view: KwaliteitView) -> tuple[str, ...]:
    regels = view.regels
    mine = regels[regels["niveau"] == "gemeente"].sort_values(["maatregel", "wet"])
    out = []
    for r in mine.itertuples():
        wet = WET_NAAM.get(str(r.wet), str(r.wet))
        text = r.zin or f"{r.naam}: te weinig gevallen om te tonen."
        out.append(f"{wet}, {r.regel}: {text}")
    return tuple(out)


def _rules_table(view: KwaliteitView) -> Table:
    columns = (
        Column("", "Regel", "", ""),
        Column("", "Aanbieders gesignaleerd", "", ""),
        Column("", "Betreft", "", ""),
        Column("", "Norm", "", ""),
    )
    regels = view.regels
    rows = tuple(
        TableRow(
            m.naam,
            (
                m.regel,
                str(
                    regels.loc[
                        (regels["maatregel"] == m.id)
                        & regels["gesignaleerd"]
                        & (regels["niveau"] == NIVEAU),
                        "code",
                    ].nunique()
                ),
                m.partij,
                m.norm,
            ),
        )
        for m in load_measures().values()
    )
    return Table("Regels en normen", "Maatregel", columns, rows)


def quality_chapter(
    view: KwaliteitView,
    namen: Mapping[str, str],
    aanbieders: AanbiedersBlok | None = None,
) -> KwaliteitHoofdstuk | None:
    """The chapter from the published quality rows (``None`` when there are none)."""
    if view.leeg and aanbieders is None:
        return None
    scorekaart, meer = _scorecard(view, namen)
    start, _, end = view.periode.partition("/")
    periode = f"{period_label(start)} t/m {period_label(end)}" if end else view.periode
    return KwaliteitHoofdstuk(
        periode=periode,
        inleiding=(
            "Cijfers over zorg en kosten zijn zo goed als de berichten die aanbieders en "
            "gemeente elkaar sturen. Hieronder staat per aanbieder hoe vaak die berichten "
            "ontbreken, te laat komen of niet kloppen met de toewijzing, per regel van de "
            "iStandaarden: het aandeel is steeds van de gevallen waarvoor die regel geldt. "
            "Werkdagen tellen zonder weekend en nationale feestdagen. Een aanbieder is "
            "gesignaleerd op een regel als het aandeel duidelijk (niet door toeval) boven de "
            "drempel van die regel ligt."
        ),
        scorekaart=scorekaart,
        maatregelen=_rules_table(view),
        labels=tuple(
            f"{WET_NAAM.get(wet, wet)}: {text}"
            for (_m, wet), text in sorted(labels_from(signalled_rules(view)).items())
        ),
        meer=meer,
        aanbieders=aanbieders,
        kop=_own(view),
        signalen=_signals(view, namen),
    )
