"""The report chapter "Prognose en budget", built as an ordinary ``Section``.

It reuses the report's blocks, tables and charts, so the template and the SVG rendering
need nothing new. Every figure passes ``privacy.disclosure.protect`` first: client counts
are rounded to 5 and withheld under 10, euros are withheld when fewer than 10 persons
are behind them. The measured accuracy (backtest) stands beside the forecast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
import duckdb
import numpy as np
import pandas as pd

from stuurdata.forecast import decompose, prognose, year_end
from stuurdata.forecast.decompose import EFFECTEN, NAMEN
from stuurdata.forecast.jaar import MONEY_COLUMNS
from stuurdata.privacy.disclosure import DisclosureRule, protect
from stuurdata.privacy.rule import configured_rule
from stuurdata.report.categories import category_name
from stuurdata.report.charts import HEIGHT, PALETTE, WIDTH, _config
from stuurdata.report.format import fmt_euro, fmt_number
from stuurdata.report.layout import WETTEN
from stuurdata.report.model import Block, Card, Chart, Column, Section, Table, TableRow

SUPPRESSED = "."
# The tables the forecasts read (checked against the purpose).
BRONNEN = ("toewijzing", "declaratie", "verblijf", "persoon")
MATEN = {"clienten": "cliënten per maand (gemiddeld)", "kosten": "kosten (euro)"}


def shield(values: pd.DataFrame, cols: list[str], soort: str, rule: DisclosureRule) -> pd.DataFrame:
    """Protect ``cols`` of ``values`` (which has an ``n`` column); NaN where withheld."""
    out = values.copy()
    for col in cols:
        long = pd.DataFrame(
            {
                "indicator": col,
                "teller": values[col].astype(float),
                "noemer": np.nan,
                "waarde": values[col].astype(float),
                "n": values["n"].astype(float),
                "soort": soort,
            }
        )
        out[col] = protect(long, rule)["waarde"].to_numpy()
    return out


def no_lone_hidden_row(safe: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Hide a second category where one alone is hidden beside its law's published total.

    A lone hidden row follows by subtraction (total minus the other categories), so hiding
    it protects nothing; the smallest other category is hidden with it (the secondary
    suppression of this small table). ``frame`` holds the unprotected amounts.
    """
    out = safe.copy()
    money = [c for c in MONEY_COLUMNS if c in out.columns]
    for _wet, rows in out.groupby("wet"):
        is_cat = rows["productcategorie"].fillna("").astype(str) != ""
        cats, total = rows[is_cat], rows[~is_cat]
        hidden = cats["gerealiseerd"].isna() & frame.loc[cats.index, "gerealiseerd"].notna()
        if hidden.sum() != 1 or total.empty or total["gerealiseerd"].isna().all():
            continue
        others = cats[~hidden & cats["gerealiseerd"].notna()]
        if others.empty:
            continue
        smallest = frame.loc[others.index, "gerealiseerd"].abs().idxmin()
        out.loc[smallest, money] = np.nan
    return out


def _euro(v: float) -> str:
    return SUPPRESSED if pd.isna(v) else fmt_euro(v)


def _count(v: float) -> str:
    return SUPPRESSED if pd.isna(v) else fmt_number(v)


def _col(naam: str, definitie: str = "", eenheid: str = "") -> Column:
    return Column("", naam, eenheid, definitie)


def year_block(
    con: duckdb.DuckDBPyConnection, begroting: Path | None, rule: DisclosureRule
) -> Block | None:
    frame = year_end(con, begroting)
    if frame.empty:
        return None
    safe = no_lone_hidden_row(shield(frame, list(MONEY_COLUMNS), "bedrag", rule), frame)
    has_budget = frame["begroting"].notna().any()
    cols = [
        _col("Gerealiseerd", "Ontvangen declaraties over de maanden van dit jaar tot nu."),
        _col(
            "Nog verwacht",
            "Declaraties die voor verstreken maanden nog binnenkomen "
            "(geschat uit het patroon waarin declaraties eerder binnenkwamen).",
        ),
        _col("Rest van het jaar", "Verwachte kosten voor de maanden die nog komen."),
        _col("Jaartotaal", "Gerealiseerd + nog verwacht + rest van het jaar."),
        _col("80%-interval"),
        _col("95%-interval"),
    ]
    if has_budget:
        cols += [
            _col("Begroting"),
            _col("Verschil", "Jaartotaal min begroting; positief is een verwachte overschrijding."),
        ]
    rows, cards = [], []
    for r in safe.itertuples():
        label = (
            (WETTEN.get(r.wet, r.wet) + " totaal")
            if not r.productcategorie
            else (category_name(r.wet, r.productcategorie))
        )
        cells = [
            _euro(r.gerealiseerd),
            _euro(r.nog_verwacht),
            _euro(r.rest_jaar),
            _euro(r.jaartotaal),
            f"{_euro(r.lo80)} – {_euro(r.hi80)}",
            f"{_euro(r.lo95)} – {_euro(r.hi95)}",
        ]
        if has_budget:
            cells += [_euro(r.begroting), _euro(r.verschil)]
        rows.append(TableRow(label, tuple(cells), totaal=not r.productcategorie))
        if not r.productcategorie:
            cmp = None
            if has_budget and not pd.isna(r.begroting):
                cmp = f"begroting {_euro(r.begroting)}; verschil {_euro(r.verschil)}"
            cards.append(
                Card(
                    "",
                    f"Verwacht jaartotaal {WETTEN.get(r.wet, r.wet)}",
                    _euro(r.jaartotaal),
                    str(r.jaar),
                    f"80% zeker tussen {_euro(r.lo80)} en {_euro(r.hi80)}.",
                    vergelijking=cmp,
                    onderdrukt=pd.isna(r.jaartotaal),
                )
            )
    jaar = int(frame["jaar"].iloc[0])
    table = Table(
        f"Jaarprognose {jaar}",
        "Wet en productcategorie",
        tuple(cols),
        tuple(rows),
        None
        if has_budget
        else "Er is geen begrotingsbestand geladen; de vergelijking met de begroting ontbreekt.",
    )
    return Block(
        "prognose-jaar",
        f"Waar komt {jaar} uit?",
        inleiding=(
            "Aanbieders declareren weken tot maanden na de zorg. De kosten van de laatste maanden "
            "zijn daarom nog onvolledig; wat nog komt is geschat uit hoe declaraties eerder "
            "binnenkwamen."
        ),
        kaarten=tuple(cards),
        tabellen=(table,),
    )


def fan_chart(hist: pd.DataFrame, y_title: str) -> dict[str, Any]:
    """Realised values and the forecast with 80% and 95% bands."""
    base = alt.Chart(hist).encode(x=alt.X("Jaar:O", title=None, axis=alt.Axis(labelAngle=0)))
    band95 = base.mark_area(color=PALETTE[3], opacity=0.35).encode(
        y=alt.Y("lo95:Q", title=y_title), y2="hi95:Q"
    )
    band80 = base.mark_area(color=PALETTE[3], opacity=0.7).encode(y="lo80:Q", y2="hi80:Q")
    line = base.mark_line(color=PALETTE[0], point=True, strokeWidth=2).encode(y="Waarde:Q")
    chart = (band95 + band80 + line).properties(width=WIDTH, height=HEIGHT)
    return _config(chart).to_dict(validate=False)


def waterfall(
    effects: list[tuple[str, float]], start: tuple[str, float], end: tuple[str, float]
) -> dict[str, Any]:
    """A Dutch waterfall: last year, one bar per effect, this year."""
    rows, level = [{"Stap": start[0], "van": 0.0, "tot": start[1], "soort": "totaal"}], start[1]
    for name, value in effects:
        rows.append(
            {
                "Stap": name,
                "van": level,
                "tot": level + value,
                "soort": "hoger" if value >= 0 else "lager",
            }
        )
        level += value
    rows.append({"Stap": end[0], "van": 0.0, "tot": end[1], "soort": "totaal"})
    data = pd.DataFrame(rows)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "Stap:N",
                sort=list(data["Stap"]),
                title=None,
                axis=alt.Axis(labelAngle=-20, labelLimit=160),
            ),
            y=alt.Y("van:Q", title="euro", axis=alt.Axis(format="$,.0f")),
            y2="tot:Q",
            color=alt.Color(
                "soort:N",
                scale=alt.Scale(
                    domain=["totaal", "hoger", "lager"], range=[PALETTE[0], PALETTE[1], PALETTE[2]]
                ),
                legend=None,
            ),
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    return _config(chart).to_dict(validate=False)


def prognose_section(
    con: duckdb.DuckDBPyConnection,
    *,
    begroting: Path | None = None,
    jaren: int = 5,
    rule: DisclosureRule | None = None,
) -> Section | None:
    """The chapter "Prognose en budget", or None when there is too little history."""
    rule = rule or configured_rule()
    blocks = []
    jb = year_block(con, begroting, rule)
    if jb:
        blocks.append(jb)
    result = prognose(con, jaren=jaren)
    if result is None:
        return Section("prognose", "Prognose en budget", "", tuple(blocks)) if blocks else None
    frame = result.prognose[result.prognose["scenario"] == "basis"]
    toets = result.toets
    names = {**result.basis.namen, result.basis.gemeente: "Gemeente totaal"}
    for wet in ("wmo", "jeugd"):
        charts, tables = [], []
        for maat in ("clienten", "kosten"):
            part = frame[(frame["wet"] == wet) & (frame["maat"] == maat)]
            if part.empty:
                continue
            soort = "aantal" if maat == "clienten" else "bedrag"
            safe = shield(part, ["waarde", "lo80", "hi80", "lo95", "hi95"], soort, rule)
            fmt = _count if maat == "clienten" else _euro
            gm = safe[safe["niveau"] == "gemeente"].sort_values("jaar")
            acc = _accuracy(toets, wet, maat)
            rows = tuple(
                TableRow(
                    f"{int(r.jaar)}{' (realisatie)' if r.soort == 'realisatie' else ''}",
                    (
                        fmt(r.waarde),
                        f"{fmt(r.lo80)} – {fmt(r.hi80)}",
                        f"{fmt(r.lo95)} – {fmt(r.hi95)}",
                    ),
                )
                for r in gm.itertuples()
            )
            cols = (_col("Verwacht"), _col("80%-interval"), _col("95%-interval"))
            if not gm.empty and gm["waarde"].notna().all():
                spec = fan_chart(
                    gm.rename(columns={"jaar": "Jaar", "waarde": "Waarde"}).assign(
                        Jaar=lambda d: d["Jaar"].astype(str)
                    ),
                    MATEN[maat],
                )
                charts.append(
                    Chart(
                        f"prognose-{wet}-{maat}",
                        f"{WETTEN[wet]}: {MATEN[maat]}, prognose {jaren} jaar",
                        spec,
                        Table(None, "Jaar", cols, rows),
                        cols,
                        acc,
                    )
                )
            last = int(part["jaar"].max())
            wk = safe[(safe["niveau"] == "wijk") & (safe["jaar"] == last)]
            if not wk.empty:
                trs = tuple(
                    sorted(
                        (
                            TableRow(
                                names.get(r.gebiedscode, r.gebiedscode),
                                (fmt(r.waarde), f"{fmt(r.lo80)} – {fmt(r.hi80)}"),
                            )
                            for r in wk.itertuples()
                        ),
                        key=lambda t: t.label,
                    )
                )
                tables.append(
                    Table(
                        f"{MATEN[maat].capitalize()} per wijk in {last}",
                        "Wijk",
                        (_col("Verwacht"), _col("80%-interval")),
                        trs,
                    )
                )
        if charts or tables:
            blocks.append(
                Block(
                    f"prognose-{wet}",
                    f"{WETTEN[wet]}: de komende {jaren} jaar",
                    inleiding="De prognose combineert de verwachte bevolking per "
                    "wijk (vergrijzing, geboorte, sterfte, verhuizing) met de "
                    "ontwikkeling van het gebruik die de bevolking niet verklaart. "
                    "Het gaat om groepen, nooit om personen.",
                    grafieken=tuple(charts),
                    tabellen=tuple(tables),
                )
            )
    dec = decompose(result.basis)
    if not dec.empty:
        safe = shield(dec, ["kosten_vorig", "kosten", *EFFECTEN], "bedrag", rule)
        dcharts: list[Chart] = []
        drows: list[TableRow] = []
        for r in safe.itertuples():
            vals = [getattr(r, e) for e in EFFECTEN]
            label = f"{WETTEN.get(r.wet, r.wet)} – {names.get(r.gebiedscode, r.gebiedscode)}"
            drows.append(
                TableRow(
                    label,
                    (_euro(r.kosten_vorig), *[_euro(v) for v in vals], _euro(r.kosten)),
                    totaal=r.niveau == "gemeente",
                )
            )
            if r.niveau == "gemeente" and not any(pd.isna(v) for v in [*vals, r.kosten]):
                spec = waterfall(
                    [(NAMEN[e], float(v)) for e, v in zip(EFFECTEN, vals, strict=True)],
                    (str(r.jaar - 1), float(r.kosten_vorig)),
                    (str(r.jaar), float(r.kosten)),
                )
                dcols = (
                    _col(str(r.jaar - 1)),
                    *[_col(NAMEN[e]) for e in EFFECTEN],
                    _col(str(r.jaar)),
                )
                dcharts.append(
                    Chart(
                        f"ontleding-{r.wet}",
                        f"{WETTEN[r.wet]}: verandering van de kosten {r.jaar - 1}–{r.jaar}",
                        spec,
                        Table(None, "Wet", dcols, (drows[-1],)),
                        dcols,
                    )
                )
        tcols = (_col("Vorig jaar"), *[_col(NAMEN[e]) for e in EFFECTEN], _col("Dit jaar"))
        blocks.append(
            Block(
                "prognose-ontleding",
                "Waardoor veranderden de kosten?",
                inleiding="De verandering van de kosten is gesplitst in: meer of "
                "minder inwoners, een andere leeftijdsopbouw, meer of minder gebruik "
                "per inwoner, meer of minder zorg per cliënt en een andere prijs.",
                grafieken=tuple(dcharts),
                tabellen=(
                    Table("Ontleding per wet en wijk", "Wet en gebied", tcols, tuple(drows)),
                ),
            )
        )
    if not toets.empty:
        blocks.append(accuracy_block(toets))
    return Section("prognose", "Prognose en budget", "", tuple(blocks)) if blocks else None


def _accuracy(toets: pd.DataFrame, wet: str, maat: str) -> str | None:
    if toets.empty:
        return None
    sel = toets[
        (toets["wet"] == wet)
        & (toets["maat"] == maat)
        & (toets["niveau"] == "gemeente")
        & toets["gekozen"]
        & (toets["horizon"] == 12)
    ]
    if sel.empty:
        return None
    r = sel.iloc[0]
    return (
        f"Gemeten nauwkeurigheid (terugtoets, 12 maanden vooruit): MASE "
        f"{fmt_number(r['mase'], 2)} (zelfde maand vorig jaar: {fmt_number(r['mase_naief'], 2)}); "
        f"het 80%-interval bevatte {fmt_number(100 * r['dekking80'])}% van de uitkomsten."
    )


def accuracy_block(toets: pd.DataFrame) -> Block:
    sel = toets[toets["gekozen"]].sort_values(["wet", "niveau", "maat", "horizon"])
    sel = sel.groupby(["wet", "niveau", "maat", "horizon"], as_index=False).mean(numeric_only=True)
    rows = tuple(
        TableRow(
            f"{WETTEN.get(r.wet, r.wet)}, {r.niveau}, {r.maat}, {int(r.horizon)} mnd",
            (
                fmt_number(r.mase, 2),
                fmt_number(r.mase_naief, 2),
                f"{fmt_number(100 * r.dekking80)}%",
                f"{fmt_number(100 * r.dekking95)}%",
            ),
        )
        for r in sel.itertuples()
    )
    cols = (
        _col(
            "MASE",
            "Gemiddelde fout gedeeld door de fout van 'zelfde maand vorig jaar' in de "
            "historie; onder 1 is beter dan die eenvoudige voorspelling.",
        ),
        _col("MASE zelfde maand vorig jaar"),
        _col(
            "Binnen 80%-interval",
            "Aandeel uitkomsten binnen het 80%-interval; eerlijk is ongeveer 80%.",
        ),
        _col("Binnen 95%-interval"),
    )
    return Block(
        "prognose-toets",
        "Hoe goed voorspelt het model?",
        inleiding=(
            "Het model is getoetst op de eigen historie: vanaf eerdere maanden voorspeld en "
            "vergeleken met wat daarna echt gebeurde."
        ),
        tabellen=(Table("Terugtoets", "Wet, niveau, maat, horizon", cols, rows),),
    )
