"""The report chapter "Integraal beeld", built as an ordinary ``Section``.

It looks across the laws: households with provisions from several domains at once
(stacking, as an UpSet chart and per wijk), the reach of the minima schemes against the
CBS count of low-income households, relapse into social assistance and debt help, and a
funnel plot of Wmo use per wijk. Every figure comes from ``analysis.integraal.integraal``,
which has already passed disclosure control (counts rounded to 5, below 10 withheld and
shown as "."); this module only lays the figures out, each with its Dutch definition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd

from stuurdata.analysis.base import DOMAIN_LABELS, DOMAINS, Periode, has_table
from stuurdata.analysis.integraal import Integraal, integraal, municipalities
from stuurdata.analysis.stacking import Stapeling, publish_stacking, stacking
from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.privacy.rule import configured_rule
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
from stuurdata.report.meta import area_names, message_municipality
from stuurdata.report.model import Block, Card, Chart, Section, Table, TableRow
from stuurdata.sources.cbs import LAAG_INKOMEN, SNAPSHOT_DIR, default_cache

FUNNEL_INDICATOR = "clienten_per_1000_wmo"
MAX_COMBINATIES = 15
# The tables and sources the chapter reads: suite exports, CBS tables, care and residents.
BRONNEN = ("voorziening", "cbs", "toewijzing", "verblijf", "persoon")
CBS_SYNTHETISCH = (
    "Let op: de CBS-cijfers in deze demo zijn een synthetische momentopname die bij de "
    "gegenereerde gemeente hoort, geen echte CBS-cijfers."
)


def _cbs_source(cbs_cache: Path | Sequence[Path] | None) -> Path | Sequence[Path]:
    """The given cache; otherwise the user's cache when it holds the table, else the snapshot."""
    if cbs_cache is not None:
        return cbs_cache
    own = default_cache()
    return own if (own / LAAG_INKOMEN / "meta.json").is_file() else SNAPSHOT_DIR


# -- stacking --------------------------------------------------------------------------


def _gemeente_row(
    con: duckdb.DuckDBPyConnection, periode: Periode, gm: str, rule: DisclosureRule
) -> pd.DataFrame:
    """The municipality line of the wijk table, protected by the same rule as the wijken.

    ``integraal`` publishes wijken only; summing their rounded figures would be wrong, so
    the total is taken from the unrounded counts and protected here.
    """
    internal = stacking(con, periode)
    per_wijk = internal.per_wijk
    if len(municipalities(con)) > 1:  # a region: only this gemeente's wijken make its total
        per_wijk = per_wijk[per_wijk["wijkcode"].astype(str).str[2:6] == gm[2:6]]
    total = per_wijk.groupby("eenheid", as_index=False)[
        ["met_voorziening", "twee_of_meer", "totaal"]
    ].sum()
    total["wijkcode"] = gm
    total["aandeel_twee_of_meer"] = (
        100 * total["twee_of_meer"] / total["met_voorziening"].where(total["met_voorziening"] > 0)
    )
    _, published = publish_stacking(Stapeling(periode, internal.combinaties, total), rule)
    return published


def stacking_block(
    result: Integraal,
    totaal: pd.DataFrame,
    names: Mapping[str, str],
    rule: DisclosureRule,
) -> Block:
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

    wijk = result.stapeling_wijk
    wijk = wijk[wijk["indicator"] == "stapeling_huishoudens"]
    tot = totaal[totaal["indicator"] == "stapeling_huishoudens"]
    gm = str(tot["gebiedscode"].iloc[0]) if not tot.empty else ""
    if len(result.gemeenten) > 1 and gm:  # a region: the gemeente's own wijken only
        wijk = wijk[wijk["gebiedscode"].astype(str).str[2:6] == gm[2:6]]
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


def _has_provisions(con: duckdb.DuckDBPyConnection) -> bool:
    if not has_table(con, "voorziening"):
        return False
    return bool(con.execute("SELECT count(*) FROM voorziening").fetchall()[0][0])


def _gemeente(con: duckdb.DuckDBPyConnection) -> str:
    if has_table(con, "gebied"):
        rows = con.execute(
            "SELECT gebiedscode FROM gebied WHERE niveau = 'gemeente' ORDER BY 1 LIMIT 1"
        ).fetchall()
        if rows:
            return str(rows[0][0])
    return message_municipality(con) or "GM0000"


def integraal_section(
    con: duckdb.DuckDBPyConnection,
    *,
    rule: DisclosureRule | None = None,
    cbs_cache: Path | Sequence[Path] | None = None,
    indicators: pd.DataFrame | None = None,
    periode: Periode | None = None,
    gemeente: str | None = None,
) -> Section | None:
    """The chapter "Integraal beeld", or None when the warehouse has no ``voorziening`` rows.

    ``cbs_cache``: folder(s) with the CBS tables (the demo's ``<map>/cbs``); by default the
    user's CBS cache when it holds the low-income table, else the bundled synthetic
    snapshot. ``indicators``: the *internal* indicator frame (the funnel needs unrounded
    counts); computed here for the one indicator it needs when not given.
    """
    if not _has_provisions(con):
        return None
    rule = rule or configured_rule()
    if indicators is None:
        from stuurdata.indicators import compute_indicators

        indicators = compute_indicators(con, [FUNNEL_INDICATOR])
    result = integraal(
        con,
        cbs_cache=_cbs_source(cbs_cache),
        periode=periode,
        indicators=indicators,
        rule=rule,
        gemeente=gemeente,
    )
    names = area_names(con)
    gm = gemeente or _gemeente(con)
    if len(result.gemeenten) > 1 and not result.trechter_wijk.empty:
        # wijken are shown for the gemeente the report is about, never for its neighbours
        own = result.trechter_wijk["eenheid"].astype(str).str[2:6] == gm[2:6]
        result = replace(result, trechter_wijk=result.trechter_wijk[own])
    blocks: list[Block | None] = [
        stacking_block(result, _gemeente_row(con, result.periode, gm, rule), names, rule),
        grid_block(result, rule),
        reach_block(result, gm, names),
        relapse_block(result),
        funnel_block(result, names),
        peer_block(result, names),
    ]
    if result.meldingen:
        blocks.append(
            Block("integraal-meldingen", "Niet berekend", inleiding=" ".join(result.meldingen))
        )
    titel = "Integraal beeld"
    if len(result.gemeenten) > 1:
        titel += f" — regio van {len(result.gemeenten)} gemeenten"
    return Section(
        "integraal",
        titel,
        period_span(result.periode.van, result.periode.tot),
        tuple(b for b in blocks if b is not None),
    )


__all__ = ["integraal_section"]
