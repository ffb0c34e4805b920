"""The report chapter "Prognose en budget", read from the publication's forecast rows.

Nothing here computes or protects a forecast: ``publication.prognose`` made the rows and
``publiceer`` protected them with every other figure. This module reads them back (the
``read_*`` functions, also used by the dashboard) and lays them out as an ordinary
``Section``. Where a model did worse than its simple reference, the chapter says so in
plain words ("de voorspelling zat er gemiddeld 4% naast"); the technical names (MASE,
backtest) are explained only in the report's Begrippen.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from stuurdata.forecast.decompose import EFFECTEN, NAMEN
from stuurdata.publication.prognose import BRONNEN as BRONNEN
from stuurdata.publication.prognose import DELEN, ONTLEDING, PREFIX
from stuurdata.report.categories import category_name
from stuurdata.report.charts import HEIGHT, PALETTE, WIDTH, _config
from stuurdata.report.format import MAANDEN, fmt_euro, fmt_number
from stuurdata.report.layout import WETTEN
from stuurdata.report.model import Block, Card, Chart, Column, Section, Table, TableRow

SUPPRESSED = "."
TITEL = "Prognose en budget"
MATEN = {"clienten": "cliënten per maand (gemiddeld)", "kosten": "kosten (euro)"}
NAIEF_MEERJARIG = "zelfde maand vorig jaar"
NAIEF_JAAR = "het tempo van de maanden die al binnen waren, doorgetrokken naar een heel jaar"


def _rows(cijfers: pd.DataFrame, maat: str) -> pd.DataFrame:
    return cijfers[cijfers["maat"].astype("str") == maat]


def _value(part: pd.DataFrame, column: str = "waarde") -> float:
    return float(part[column].iloc[0]) if len(part) else float("nan")


def _euro(v: float) -> str:
    return SUPPRESSED if pd.isna(v) else fmt_euro(v)


def _count(v: float) -> str:
    return SUPPRESSED if pd.isna(v) else fmt_number(v)


def _interval(lo: float, hi: float, fmt: Any = _euro) -> str:
    return SUPPRESSED if pd.isna(lo) or pd.isna(hi) else f"{fmt(lo)} – {fmt(hi)}"


def fmt_lag(months: float) -> str:
    """A claim lag in months, one decimal (``1,3 maand``); ``.`` when not shown."""
    return SUPPRESSED if pd.isna(months) else f"{fmt_number(months, 1)} maand"


ONZEKER = 3.0
"""An interval whose upper bound is more than this times the forecast says nothing useful."""


def _spread(lo: float, hi: float, value: float, fmt: Any) -> str:
    """An interval, or "zeer onzeker" where it is too wide to read (small wijken)."""
    if not pd.isna(hi) and not pd.isna(value) and value > 0 and hi > ONZEKER * value:
        return "zeer onzeker"
    return _interval(lo, hi, fmt)


def _col(naam: str, definitie: str = "") -> Column:
    return Column("", naam, "", definitie)


def month_name(yyyy_mm: str) -> str:
    """``2025-10`` -> ``oktober 2025``."""
    year, month = yyyy_mm.split("-")
    return f"{MAANDEN[int(month) - 1]} {year}"


def read_year_end(cijfers: pd.DataFrame) -> pd.DataFrame:
    """The year-end projection per law and category from the publication (NaN = hidden).

    Columns: jaar, wet, productcategorie ('' = the law), the ``DELEN``, lo80, hi80, verschil.
    """
    part = cijfers[cijfers["maat"].astype("str").str.startswith(f"{PREFIX}jaar_")]
    if part.empty:
        return pd.DataFrame()
    maat = part["maat"].astype("str")
    info = maat.str.removeprefix(f"{PREFIX}jaar_").str.replace("_per_categorie", "", regex=False)
    frame = part.assign(
        wet=info.str.rsplit("_", n=1).str[-1], deel=info.str.rsplit("_", n=1).str[0]
    )
    wide = frame.set_index(["periode", "wet", "categorie", "deel"])["waarde"].unstack("deel")
    totals = frame[frame["deel"] == "jaartotaal"].set_index(["periode", "wet", "categorie"])
    wide["lo80"], wide["hi80"] = totals["ondergrens"], totals["bovengrens"]
    out = wide.reset_index().rename(columns={"periode": "jaar", "categorie": "productcategorie"})
    for deel in DELEN:
        if deel not in out.columns:
            out[deel] = float("nan")
    out["verschil"] = out["jaartotaal"] - out["begroting"]
    return out.sort_values(["wet", "productcategorie"]).reset_index(drop=True)


def read_multi_year(
    cijfers: pd.DataFrame, wet: str, maat: str, niveau: str = "gemeente"
) -> pd.DataFrame:
    """The multi-year forecast of a law and measure: gebiedscode, jaar, waarde, lo80, hi80,
    realisatie (the last full year, without interval)."""
    part = _rows(cijfers, f"{PREFIX}{maat}_{wet}")
    part = part[part["niveau"] == niveau]
    out = pd.DataFrame(
        {
            "gebiedscode": part["gebiedscode"].astype("str"),
            "jaar": part["periode"].astype(int),
            "waarde": part["waarde"],
            "lo80": part["ondergrens"],
            "hi80": part["bovengrens"],
            "realisatie": part["ondergrens"].isna() & part["waarde"].notna(),
            "status": part["status"],
        }
    )
    return out.sort_values(["gebiedscode", "jaar"]).reset_index(drop=True)


def read_toets(cijfers: pd.DataFrame) -> pd.DataFrame:
    """The model backtest: wet, maat, horizon, mase, mase_naief, dekking80, slechter."""
    part = cijfers[cijfers["maat"].astype("str").str.startswith(f"{PREFIX}toets_")]
    if part.empty:
        return pd.DataFrame()
    rest = part["maat"].astype("str").str.removeprefix(f"{PREFIX}toets_")
    cat = part["categorie"].astype("str")
    frame = pd.DataFrame(
        {
            "maat": rest.str.rsplit("_", n=1).str[0],
            "wet": rest.str.rsplit("_", n=1).str[-1],
            "meting": cat.str.rsplit("_", n=1).str[0],
            "horizon": cat.str.rsplit("_", n=1).str[-1].astype(int),
            "waarde": part["waarde"],
        }
    )
    out = frame.pivot_table(
        index=["wet", "maat", "horizon"], columns="meting", values="waarde", aggfunc="first"
    ).reset_index()
    out["slechter"] = out["mase"] > out["mase_naief"]
    return out


def read_backtest(cijfers: pd.DataFrame) -> pd.DataFrame:
    """The year-end projection made earlier: jaar, gemaakt, wet, voorspeld, lo80, hi80,
    naief, uitkomst, slechter (further from the outcome than the run rate)."""
    frames = []
    for deel in ("voorspeld", "naief", "uitkomst"):
        part = cijfers[cijfers["maat"].astype("str").str.startswith(f"{PREFIX}terugblik_{deel}_")]
        frames.append(
            pd.DataFrame(
                {
                    "jaar": part["periode"].astype("str"),
                    "gemaakt": part["categorie"].astype("str"),
                    "wet": part["maat"].astype("str").str.rsplit("_", n=1).str[-1],
                    deel: part["waarde"],
                    **(
                        {"lo80": part["ondergrens"], "hi80": part["bovengrens"]}
                        if deel == "voorspeld"
                        else {}
                    ),
                }
            )
        )
    if frames[0].empty:
        return pd.DataFrame()
    out = frames[0]
    for other in frames[1:]:
        out = out.merge(other, on=["jaar", "gemaakt", "wet"], how="left")
    model = (out["voorspeld"] - out["uitkomst"]).abs()
    out["slechter"] = model > (out["naief"] - out["uitkomst"]).abs()
    return out.sort_values(["wet", "gemaakt"]).reset_index(drop=True)


def read_late(cijfers: pd.DataFrame) -> pd.DataFrame:
    """Providers with claims still expected: wet, aanbieder, nog_verwacht, open_maanden,
    vertraging; largest amount first."""
    frames = []
    for deel, column in (
        ("laat", "nog_verwacht"),
        ("open_maanden", "open_maanden"),
        ("vertraging", "vertraging"),
    ):
        part = cijfers[cijfers["maat"].astype("str").str.fullmatch(f"{PREFIX}{deel}_(wmo|jeugd)")]
        frames.append(
            pd.DataFrame(
                {
                    "wet": part["maat"].astype("str").str.rsplit("_", n=1).str[-1],
                    "aanbieder": part["categorie"].astype("str"),
                    column: part["waarde"],
                }
            )
        )
    out = frames[0]
    for other in frames[1:]:
        out = out.merge(other, on=["wet", "aanbieder"], how="left")
    return out.sort_values("nog_verwacht", ascending=False).reset_index(drop=True)


def _maat(maat: str) -> str:
    return MATEN[maat].split(" (")[0]


def toets_warnings(toets: pd.DataFrame) -> list[str]:
    """Plain-Dutch warnings wherever the model did worse than "zelfde maand vorig jaar"."""
    out = []
    for r in toets[toets["slechter"]].itertuples() if not toets.empty else ():
        out.append(
            f"Let op: voor {WETTEN.get(r.wet, r.wet)} ({_maat(r.maat)}) zat het "
            f"model {r.horizon} maanden vooruit vaker naast de uitkomst dan de eenvoudige "
            f"schatting '{NAIEF_MEERJARIG}'. Gebruik deze prognose met voorzichtigheid."
        )
    return out


def backtest_warnings(backtest: pd.DataFrame) -> list[str]:
    """Plain-Dutch warnings where an earlier year-end projection lost to the run rate."""
    out = []
    for r in backtest[backtest["slechter"]].itertuples() if not backtest.empty else ():
        out.append(
            f"Let op: de jaarprognose {WETTEN.get(r.wet, r.wet)} van {month_name(r.gemaakt)} "
            f"zat verder van de uitkomst dan {NAIEF_JAAR}."
        )
    return out


def _label(wet: str, cat: str) -> str:
    return f"{WETTEN.get(wet, wet)} totaal" if not cat else category_name(wet, cat)


def year_block(cijfers: pd.DataFrame) -> Block | None:
    frame = read_year_end(cijfers)
    if frame.empty:
        return None
    jaar = str(frame["jaar"].iloc[0])
    has_budget = frame["begroting"].notna().any()
    cols = [
        _col("Jaartotaal", "Gerealiseerd + nog verwacht + rest van het jaar."),
        _col("80%-interval", "Met 80% zekerheid ligt het jaartotaal hiertussen."),
    ]
    if has_budget:
        cols += [
            _col("Begroting"),
            _col("Verschil", "Jaartotaal min begroting; positief is een verwachte overschrijding."),
        ]
    cols += [
        _col("Gerealiseerd", "Ontvangen declaraties over de maanden van dit jaar tot nu."),
        _col(
            "Nog verwacht",
            "Declaraties die voor verstreken maanden nog binnenkomen: per aanbieder de maanden "
            "die het nog niet declareerde, en late regels.",
        ),
        _col("Rest van het jaar", "Verwachte kosten voor de maanden die nog komen."),
    ]
    rows, cards = [], []
    for r in frame.itertuples():
        cells = [_euro(r.jaartotaal), _interval(r.lo80, r.hi80)]
        if has_budget:
            cells += [_euro(r.begroting), _euro(r.verschil)]
        cells += [_euro(r.gerealiseerd), _euro(r.nog_verwacht), _euro(r.rest_jaar)]
        rows.append(
            TableRow(_label(r.wet, r.productcategorie), tuple(cells), totaal=not r.productcategorie)
        )
        if not r.productcategorie:
            cmp = None
            if not pd.isna(r.begroting):
                richting = "boven" if r.verschil > 0 else "onder"
                cmp = f"{_euro(abs(r.verschil))} {richting} de begroting van {_euro(r.begroting)}"
            cards.append(
                Card(
                    "",
                    f"Verwacht jaartotaal {WETTEN.get(r.wet, r.wet)}",
                    _euro(r.jaartotaal),
                    f"jaar {jaar}",
                    f"80% zeker tussen {_euro(r.lo80)} en {_euro(r.hi80)}.",
                    vergelijking=cmp,
                    onderdrukt=pd.isna(r.jaartotaal),
                )
            )
    tables = [
        Table(
            f"Jaarprognose {jaar}",
            "Wet en productcategorie",
            tuple(cols),
            tuple(rows),
            None
            if has_budget
            else "Geen begrotingsbestand geladen: de vergelijking met de begroting ontbreekt.",
        )
    ]
    late = read_late(cijfers)
    if not late.empty:
        tables.append(late_table(late))
    return Block(
        "prognose-jaar",
        f"Waar komt {jaar} uit?",
        inleiding=(
            "Aanbieders declareren weken tot maanden na de zorg. De kosten van de laatste maanden "
            "zijn daarom nog onvolledig; wat nog komt is per aanbieder geschat uit de maanden die "
            "het nog niet declareerde en uit hoe declaraties eerder binnenkwamen. Dit jaartotaal "
            "is ook het getal voor dit jaar in de meerjarenprognose."
        ),
        kaarten=tuple(cards),
        tabellen=tuple(tables),
    )


def late_table(late: pd.DataFrame) -> Table:
    rows = tuple(
        TableRow(
            f"{r.aanbieder} ({WETTEN.get(r.wet, r.wet)})",
            (
                _euro(r.nog_verwacht),
                _count(r.open_maanden),
                fmt_lag(r.vertraging),
            ),
        )
        for r in late.itertuples()
    )
    cols = (
        _col("Nog verwacht", "Wat deze aanbieder naar verwachting nog declareert over dit jaar."),
        _col(
            "Maanden nog niet gedeclareerd",
            "Maanden van dit jaar met zorg maar nog zonder declaratie.",
        ),
        _col(
            "Gemiddelde vertraging",
            "Gemiddelde tijd tussen de maand van de zorg en de declaratie (laatste 12 maanden).",
        ),
    )
    return Table(
        "Wie moet nog declareren?",
        "Aanbieder (AGB-code)",
        cols,
        rows,
        "Alleen aanbieders met minstens 10 cliënten dit jaar.",
    )


def backtest_block(cijfers: pd.DataFrame) -> Block | None:
    frame = read_backtest(cijfers)
    if frame.empty:
        return None
    rows = tuple(
        TableRow(
            f"{WETTEN.get(r.wet, r.wet)}: voorspeld in {month_name(r.gemaakt)} voor {r.jaar}",
            (
                _euro(r.voorspeld),
                _interval(r.lo80, r.hi80),
                _euro(r.uitkomst),
                _euro(r.voorspeld - r.uitkomst),
                _euro(r.naief),
            ),
        )
        for r in frame.itertuples()
    )
    cols = (
        _col("Voorspeld"),
        _col("80%-interval"),
        _col("Uitkomst", "Wat nu binnen is voor dat jaar, plus het kleine deel dat nog komt."),
        _col("Verschil", "Voorspeld min uitkomst."),
        _col("Eenvoudige schatting", f"Ter vergelijking: {NAIEF_JAAR}."),
    )
    last = frame.sort_values("gemaakt").groupby("wet").tail(1)
    zinnen = [
        f"In {month_name(r.gemaakt)} voorspelden we {_euro(r.voorspeld)} voor "
        f"{WETTEN.get(r.wet, r.wet)} in {r.jaar}; het werd {_euro(r.uitkomst)}."
        for r in last.itertuples()
    ]
    inside = ((frame["uitkomst"] >= frame["lo80"]) & (frame["uitkomst"] <= frame["hi80"])).mean()
    zinnen.append(
        f"De uitkomst lag {fmt_number(100 * inside)}% van de keren binnen het 80%-interval "
        "(bij een eerlijk interval ongeveer 80%)."
    )
    return Block(
        "prognose-terugblik",
        "Klopte de jaarprognose eerder?",
        inleiding=" ".join([*zinnen, *backtest_warnings(frame)]),
        tabellen=(Table("Jaarprognoses van eerdere jaren", "Wet en moment", cols, rows),),
    )


def fan_chart(hist: pd.DataFrame, y_title: str) -> dict[str, Any]:
    """Realised values and the forecast with its 80% band."""
    base = alt.Chart(hist).encode(x=alt.X("Jaar:O", title=None, axis=alt.Axis(labelAngle=0)))
    band80 = base.mark_area(color=PALETTE[3], opacity=0.5).encode(
        y=alt.Y("lo80:Q", title=y_title), y2="hi80:Q"
    )
    line = base.mark_line(color=PALETTE[0], point=True, strokeWidth=2).encode(y="Waarde:Q")
    chart = (band80 + line).properties(width=WIDTH, height=HEIGHT)
    return _config(chart).to_dict(validate=False)


def law_block(
    cijfers: pd.DataFrame, wet: str, names: dict[str, str], toets: pd.DataFrame
) -> Block | None:
    charts, tables, warnings = [], [], []
    for maat in ("clienten", "kosten"):
        gm = read_multi_year(cijfers, wet, maat)
        if gm.empty:
            continue
        fmt = _count if maat == "clienten" else _euro
        rows = tuple(
            TableRow(
                f"{r.jaar}{' (realisatie)' if r.realisatie else ''}",
                (fmt(r.waarde), "" if r.realisatie else _interval(r.lo80, r.hi80, fmt)),
            )
            for r in gm.itertuples()
        )
        cols = (_col("Verwacht"), _col("80%-interval"))
        mine = toets[(toets["wet"] == wet) & (toets["maat"] == maat)] if not toets.empty else toets
        warnings += toets_warnings(mine)
        if gm["waarde"].notna().all():
            data = gm.assign(
                Jaar=gm["jaar"].astype(str),
                lo80=gm["lo80"].fillna(gm["waarde"]),
                hi80=gm["hi80"].fillna(gm["waarde"]),
            ).rename(columns={"waarde": "Waarde"})
            charts.append(
                Chart(
                    f"prognose-{wet}-{maat}",
                    f"{WETTEN[wet]}: {MATEN[maat]}, prognose",
                    fan_chart(data[["Jaar", "Waarde", "lo80", "hi80"]], MATEN[maat]),
                    Table(None, "Jaar", cols, rows),
                    cols,
                )
            )
        else:
            tables.append(Table(f"{WETTEN[wet]}: {MATEN[maat]}", "Jaar", cols, rows))
        wk = read_multi_year(cijfers, wet, maat, "wijk")
        if not wk.empty:
            last = wk["jaar"].max()
            wk = wk[wk["jaar"] == last]
            trs = sorted(
                (
                    TableRow(
                        names.get(r.gebiedscode, r.gebiedscode),
                        (fmt(r.waarde), _spread(r.lo80, r.hi80, r.waarde, fmt)),
                    )
                    for r in wk.itertuples()
                ),
                key=lambda t: t.label,
            )
            tables.append(
                Table(f"{MATEN[maat].capitalize()} per wijk in {last}", "Wijk", cols, tuple(trs))
            )
    if not (charts or tables):
        return None
    intro = (
        "De prognose combineert de verwachte bevolking per wijk (vergrijzing, geboorte, sterfte, "
        "verhuizing) met de ontwikkeling van het gebruik die de bevolking niet verklaart. Het "
        "gaat om groepen, nooit om personen. Het getal voor dit jaar is de jaarprognose hierboven."
    )
    return Block(
        f"prognose-{wet}",
        f"{WETTEN[wet]}: de komende jaren",
        inleiding=" ".join([intro, *warnings]),
        grafieken=tuple(charts),
        tabellen=tuple(tables),
    )


def read_decomposition(cijfers: pd.DataFrame, wet: str) -> pd.DataFrame:
    """Why the gemeente's costs changed: jaar, deel (``ONTLEDING``), waarde; in order."""
    part = _rows(cijfers, f"{PREFIX}ontleding_{wet}")
    out = pd.DataFrame(
        {"jaar": part["periode"].astype("str"), "deel": part["categorie"], "waarde": part["waarde"]}
    )
    order = {d: i for i, d in enumerate(ONTLEDING)}
    return out.sort_values("deel", key=lambda d: d.map(order)).reset_index(drop=True)


def waterfall(
    effects: list[tuple[str, float]], start: tuple[str, float], end: tuple[str, float]
) -> dict[str, Any]:
    """A Dutch waterfall: last year, one bar per effect, this year."""
    rows, level = [{"Stap": start[0], "van": 0.0, "tot": start[1], "soort": "totaal"}], start[1]
    for name, value in effects:
        soort = "hoger" if value >= 0 else "lager"
        rows.append({"Stap": name, "van": level, "tot": level + value, "soort": soort})
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


def decomposition_block(cijfers: pd.DataFrame) -> Block | None:
    charts = []
    for wet in ("wmo", "jeugd"):
        dec = read_decomposition(cijfers, wet)
        if dec.empty:
            continue
        jaar = int(dec["jaar"].iloc[0])
        values = dict(zip(dec["deel"], dec["waarde"], strict=True))
        cols = (_col(str(jaar - 1)), *[_col(NAMEN[e]) for e in EFFECTEN], _col(str(jaar)))
        row = TableRow(WETTEN[wet], tuple(_euro(values.get(d, float("nan"))) for d in ONTLEDING))
        if any(pd.isna(values.get(d)) for d in ONTLEDING):
            continue
        spec = waterfall(
            [(NAMEN[e], float(values[e])) for e in EFFECTEN],
            (str(jaar - 1), float(values["vorig_jaar"])),
            (str(jaar), float(values["dit_jaar"])),
        )
        charts.append(
            Chart(
                f"ontleding-{wet}",
                f"{WETTEN[wet]}: verandering van de kosten {jaar - 1}–{jaar}",
                spec,
                Table(None, "Wet", cols, (row,)),
                cols,
            )
        )
    if not charts:
        return None
    return Block(
        "prognose-ontleding",
        "Waardoor veranderden de kosten?",
        inleiding="De verandering van de kosten is gesplitst in: meer of minder inwoners, een "
        "andere leeftijdsopbouw, meer of minder gebruik per inwoner, meer of minder zorg per "
        "cliënt en een andere prijs.",
        grafieken=tuple(charts),
    )


def _naast(mape: float | None) -> str:
    """'4%': how far the forecast was off on average (empty in an older publication)."""
    return "" if mape is None or pd.isna(mape) else f"{fmt_number(100 * mape)}%"


def _tegen_eenvoudig(mase: float, naief: float) -> str:
    """'15% minder' / '8% meer': the model's error against the simple estimate's."""
    if pd.isna(mase) or pd.isna(naief) or naief <= 0:
        return ""
    change = 100 * (mase / naief - 1)
    if round(change) == 0:
        return "even ver"
    return f"{fmt_number(abs(change))}% {'meer' if change > 0 else 'minder'}"


def accuracy_block(toets: pd.DataFrame) -> Block:
    """How good the multi-year model was on its own history, in plain words."""
    toets = toets.sort_values(["wet", "maat", "horizon"])
    mape = toets["mape"] if "mape" in toets else pd.Series(float("nan"), index=toets.index)
    rows = tuple(
        TableRow(
            f"{WETTEN.get(r.wet, r.wet)}, {_maat(r.maat)}, {r.horizon} maanden vooruit",
            (
                _naast(m),
                _tegen_eenvoudig(r.mase, r.mase_naief),
                f"{fmt_number(100 * r.dekking80)}%",
                "ja" if r.slechter else "nee",
            ),
        )
        for r, m in zip(toets.itertuples(), mape, strict=True)
    )
    cols = (
        _col(
            "Zat er gemiddeld naast",
            "Hoeveel procent de voorspelling gemiddeld afweek van wat echt gebeurde.",
        ),
        _col(
            "Naast, vergeleken met de eenvoudige schatting",
            f"Zat het model er minder of meer naast dan de eenvoudige schatting "
            f"'{NAIEF_MEERJARIG}'?",
        ),
        _col(
            "Binnen de marge",
            "Hoe vaak de uitkomst lag binnen de marge waarbinnen het getal met 80% zekerheid "
            "ligt; bij een eerlijke marge is dat ongeveer 80%.",
        ),
        _col("Slechter dan eenvoudige schatting"),
    )
    zinnen = [
        "We hebben het model getest op de eigen cijfers: vanaf eerdere maanden voorspeld en "
        "vergeleken met wat daarna echt gebeurde, naast de eenvoudige schatting "
        f"'{NAIEF_MEERJARIG}'."
    ]
    longest = toets[toets["horizon"] == toets["horizon"].max()]
    for r, m in zip(longest.itertuples(), mape[longest.index], strict=True):
        if _naast(m):
            zinnen.append(
                f"{WETTEN.get(r.wet, r.wet)}, {_maat(r.maat)}: {r.horizon} maanden vooruit zat "
                f"de voorspelling er gemiddeld {_naast(m)} naast."
            )
    return Block(
        "prognose-toets",
        "Hoe goed voorspelt het model?",
        inleiding=" ".join(zinnen),
        tabellen=(Table("Getest op eerdere jaren", "Wet, maat en horizon", cols, rows),),
    )


def prognose_section(cijfers: pd.DataFrame, names: dict[str, str]) -> Section | None:
    """The chapter "Prognose en budget" from the publication's rows, or None without any."""
    blocks = [b for b in (year_block(cijfers), backtest_block(cijfers)) if b is not None]
    toets = read_toets(cijfers)
    for wet in ("wmo", "jeugd"):
        block = law_block(cijfers, wet, names, toets)
        if block is not None:
            blocks.append(block)
    decomposition = decomposition_block(cijfers)
    if decomposition is not None:
        blocks.append(decomposition)
    if not toets.empty:
        blocks.append(accuracy_block(toets))
    return Section("prognose", TITEL, "", tuple(blocks)) if blocks else None


def scenario(
    multi: pd.DataFrame,
    maat: str,
    *,
    inwoners: float = 0.0,
    gebruik: float = 0.0,
    prijs: float = 0.0,
) -> pd.DataFrame:
    """A what-if on published figures: the forecast years after this one, scaled.

    ``inwoners``, ``gebruik`` (users per inhabitant) and ``prijs`` are relative changes
    (0.05 = 5% more) from the first year after the current one. Clients scale with
    inhabitants and usage; costs also with the price. The realised year and this year stay
    as published. Reads nothing but the published rows of ``read_multi_year``.
    """
    out = multi.copy()
    if out.empty:
        return out
    forecast = ~out["realisatie"]
    first = out.loc[forecast, "jaar"].min()
    factor = (1 + inwoners) * (1 + gebruik) * ((1 + prijs) if maat == "kosten" else 1.0)
    later = out["jaar"] > first
    for column in ("waarde", "lo80", "hi80"):
        out.loc[later, column] = out.loc[later, column] * factor
    return out
