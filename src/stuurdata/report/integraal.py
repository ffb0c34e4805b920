"""The report chapter "Integraal beeld", built as an ordinary ``Section``.

It looks across the laws: households with provisions from several domains at once
(stacking, as an UpSet chart and per wijk), the reach of the minima schemes against the
CBS count of low-income households, relapse into social assistance and debt help, and a
funnel plot of Wmo use per wijk. Every figure is a row of the publication, protected by
``publiceer`` with the other figures (``publication.integraal``); this module only lays the
figures out, each with its Dutch definition. It opens no warehouse and protects nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from stuurdata.analysis.base import DOMAIN_LABELS, DOMAINS
from stuurdata.analysis.integraal import Integraal
from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.report.format import fmt_number, period_span
from stuurdata.report.integraal_charts import interval_chart, upset_chart
from stuurdata.report.integraal_grid import grid_block
from stuurdata.report.integraal_parts import (
    area_label,
    column,
    combination_label,
    fmt_count,
    fmt_interval,
    fmt_pct,
    funnel_block,
    peer_block,
    relapse_block,
)
from stuurdata.report.model import Block, Card, Chart, Section, Table, TableRow

MAX_COMBINATIES = 15
# The tables and sources the chapter reads: suite exports, CBS tables, care and residents.
BRONNEN = ("voorziening", "cbs", "toewijzing", "verblijf", "persoon")
CBS_SYNTHETISCH = (
    "Let op: de CBS-cijfers in deze demo zijn een synthetische momentopname die bij de "
    "gegenereerde gemeente hoort, geen echte CBS-cijfers."
)


# -- stacking --------------------------------------------------------------------------


def stacking_block(result: Integraal, names: Mapping[str, str], rule: DisclosureRule) -> Block:
    definitie = result.definities["stapeling"]
    combos = result.combinaties
    hh = combos[combos["indicator"] == "stapeling_huishoudens"]
    pers = combos[combos["indicator"] == "stapeling_personen"].set_index("categorie")
    hh = hh.assign(_leeg=hh["teller"].isna()).sort_values(
        ["_leeg", "teller", "domeinen"], ascending=[True, False, True]
    )
    rows = tuple(
        TableRow(
            combination_label(r.categorie),
            (
                fmt_number(r.domeinen),
                fmt_count(r.teller),
                fmt_count(pers["teller"].get(r.categorie, float("nan"))),
            ),
        )
        for r in hh.itertuples()
    )
    cols = (
        column("Aantal domeinen"),
        column("Huishoudens", definitie),
        column("Personen"),
    )
    shown = hh[hh["teller"].notna()].head(MAX_COMBINATIES)
    charts: list[Chart] = []
    if not shown.empty:
        data = pd.DataFrame(
            {
                "Combinatie": [combination_label(c) for c in shown["categorie"]],
                "Aantal": shown["teller"].to_numpy(dtype="float64"),
                **{
                    DOMAIN_LABELS[d]: [d in c.split("+") for c in shown["categorie"]]
                    for d in DOMAINS
                },
            }
        )
        hidden = int(hh["teller"].isna().sum())
        rest = len(hh) - hidden - len(shown)
        notes = []
        if hidden:
            notes.append(
                f"{hidden} combinatie(s) met minder dan {rule.min_count} huishoudens staan "
                "niet in de grafiek (in de tabel als .)."
            )
        if rest > 0:
            notes.append(f"De {rest} kleinste overige combinatie(s) staan alleen in de tabel.")
        charts.append(
            Chart(
                "integraal-stapeling",
                "Huishoudens per combinatie van domeinen",
                upset_chart(data, [DOMAIN_LABELS[d] for d in DOMAINS], "huishoudens"),
                Table(None, "Combinatie", cols, rows),
                (column("Huishoudens per combinatie", definitie),),
                " ".join(notes)
                + (" " if notes else "")
                + "Elke kolom is één combinatie: de gevulde stippen eronder zijn de domeinen "
                "die samen voorkomen.",
            )
        )

    areas = result.stapeling_wijk
    gm = result.gemeente
    tot = areas[areas["gebiedscode"] == gm]
    wijk = areas[
        (areas["niveau"] == "wijk") & (areas["gebiedscode"].astype(str).str[2:6] == gm[2:6])
    ]
    wcols = (
        column(
            "Huishoudens met een voorziening",
            "Huishoudens met minstens één voorziening uit de vijf domeinen.",
        ),
        column("Met 2 of meer domeinen"),
        column(
            "Aandeel met 2 of meer domeinen",
            "Huishoudens met voorzieningen uit twee of meer domeinen, als deel van de "
            "huishoudens met minstens één voorziening (berekend met de afgeronde aantallen).",
        ),
    )

    def cells(r: object) -> tuple[str, ...]:
        return (
            fmt_count(r.met_voorziening),  # type: ignore[attr-defined]
            fmt_count(r.teller),  # type: ignore[attr-defined]
            fmt_pct(r.waarde),  # type: ignore[attr-defined]
        )

    wrows = sorted(
        (TableRow(area_label(r.gebiedscode, names), cells(r)) for r in wijk.itertuples()),
        key=lambda t: t.label.lower(),
    )
    wrows += [TableRow("Gemeente totaal", cells(r), totaal=True) for r in tot.itertuples()]
    cards: list[Card] = []
    for r in tot.itertuples():
        cards.append(
            Card(
                "",
                "Huishoudens met voorzieningen uit 2 of meer domeinen",
                fmt_count(r.teller),
                result.periode.label(),
                definitie,
                vergelijking=f"{fmt_pct(r.waarde)} van de "
                f"{fmt_count(r.met_voorziening)} huishoudens met een voorziening",
                onderdrukt=pd.isna(r.teller),
            )
        )
    return Block(
        "integraal-stapeling",
        "Stapeling: huishoudens met hulp uit meerdere domeinen",
        inleiding=(
            "Dit hoofdstuk kijkt over de wetten heen: Wmo, Jeugdwet, Participatiewet, "
            "schuldhulpverlening en minimaregelingen. Huishoudens die tegelijk hulp krijgen "
            "uit meerdere domeinen zijn waar samenwerking tussen teams het meest oplevert. "
            f"Aantallen zijn afgerond op vijftallen; aantallen onder de {rule.min_count} "
            "worden niet getoond (.)."
        ),
        kaarten=tuple(cards),
        grafieken=tuple(charts),
        tabellen=(
            Table(
                f"Stapeling per wijk (huishoudens), {result.periode.label()}",
                "Wijk",
                wcols,
                tuple(wrows),
            ),
            # Without a chart the combinations would vanish: show their table instead.
            *(() if charts else (Table("Huishoudens per combinatie", "Combinatie", cols, rows),)),
        ),
    )


# -- reach -----------------------------------------------------------------------------


def reach_block(result: Integraal, gm: str, names: Mapping[str, str]) -> Block | None:
    frame = result.bereik
    if frame.empty:
        return None
    own = frame[frame["gebiedscode"].astype(str).str[2:6] == gm[2:6]]
    note = CBS_SYNTHETISCH if result.synthetisch_cbs else None
    if own.empty:
        return Block(
            "integraal-bereik",
            "Bereik van de minimaregelingen",
            inleiding=f"De CBS-tabel heeft geen cijfers voor gemeente {gm}; het bereik is "
            "niet berekend.",
        )
    wijken = own[own["niveau"] == "wijk"].assign(
        Label=lambda d: [area_label(c, names) for c in d["gebiedscode"]]
    )
    wijken = wijken.sort_values("Label", key=lambda s: s.str.lower())
    gemeente = own[own["niveau"] == "gemeente"].assign(Label="Gemeente totaal")
    ordered = pd.concat([wijken, gemeente], ignore_index=True)
    definitie = result.definities["bereik"]
    cols = (
        column("Bereik", definitie),
        column("95%-interval"),
        column("Huishoudens met een minimaregeling"),
        column("Huishoudens tot 120% sociaal minimum (CBS)"),
        column("Niet-gebruik"),
    )
    rows = tuple(
        TableRow(
            r.Label,
            (
                fmt_pct(100 * r.bereik, 0),
                fmt_interval(100 * r.ondergrens, 100 * r.bovengrens),
                fmt_count(r.gebruikers),
                fmt_count(r.rechthebbend),
                fmt_pct(100 * r.niet_gebruik, 0),
            ),
            totaal=r.niveau == "gemeente",
        )
        for r in ordered.itertuples()
    )
    shown = ordered[ordered["bereik"].notna()]
    charts: list[Chart] = []
    if not shown.empty:
        data = pd.DataFrame(
            {
                "Label": shown["Label"],
                "Waarde": 100 * shown["bereik"],
                "Onder": 100 * shown["ondergrens"],
                "Boven": 100 * shown["bovengrens"],
                "Totaal": shown["niveau"] == "gemeente",
            }
        )
        hidden = len(ordered) - len(shown)
        extra = f" {hidden} gebied(en) niet getoond: te weinig huishoudens (.)." if hidden else ""
        charts.append(
            Chart(
                "integraal-bereik",
                f"Bereik minimaregelingen per wijk, {result.periode.label()}",
                interval_chart(
                    data, "bereik (%)", referentie=100, referentie_label="iedereen bereikt"
                ),
                Table(None, "Gebied", cols, rows),
                (column("Bereik", definitie),),
                "De stip is het bereik, de lijn het 95%-interval. Een bereik boven 100% "
                "betekent dat de twee bronnen niet precies op elkaar aansluiten." + extra,
            )
        )
    return Block(
        "integraal-bereik",
        "Bereik van de minimaregelingen",
        inleiding=(
            "Hoeveel huishoudens met een laag inkomen maken gebruik van de "
            "minimaregelingen? Het gebruik komt uit de eigen administratie, het aantal "
            "huishoudens met een laag inkomen uit CBS-cijfers. " + (CBS_SYNTHETISCH if note else "")
        ).strip(),
        grafieken=tuple(charts),
        tabellen=(Table(None, "Gebied", cols, rows, note),),
    )


# -- the chapter -----------------------------------------------------------------------


def integraal_section(result: Integraal, names: Mapping[str, str], rule: DisclosureRule) -> Section:
    """The chapter "Integraal beeld" from the published figures (``publication.integraal``)."""
    blocks: list[Block | None] = [
        stacking_block(result, names, rule),
        grid_block(result, rule),
        reach_block(result, result.gemeente, names),
        relapse_block(result),
        funnel_block(result, names),
        peer_block(result, names),
    ]
    if result.meldingen:
        blocks.append(
            Block("integraal-meldingen", "Niet berekend", inleiding=" ".join(result.meldingen))
        )
    return Section(
        "integraal",
        "Integraal beeld",
        period_span(result.periode.van, result.periode.tot),
        tuple(b for b in blocks if b is not None),
    )


__all__ = ["BRONNEN", "integraal_section"]
