"""The measures of the ketenmonitor as set-based Ibis expressions over the canonical tables.

Each measure is one expression over all providers and months at once that yields its
*population* (the cases the norm applies to) with a boolean ``fout`` per case, in one shape
(``CASE_COLUMNS``)::

    maatregel, wet, aanbieder, maand, toewijzing_id, toewijzingnummer, persoon_id,
    datum, werkdagen, detail, bedrag_cent, fout, gemeentecode

so counting (teller = cases with ``fout``, noemer = all cases) and the drill-down (the cases
with ``fout``) are the same rows. The expressions are written once and run on any engine
(``stuurdata.engine``: DuckDB or Spark); there is no second implementation.

Working days come from the calendar helper (see ``werkdagen.py``): every day numbered with
the count of working days up to it, so "working days from a to b" is one subtraction.
``Basis`` holds the window (``vanaf``: the first day observed, ``peildatum``: the day the
data is judged on) and the two derived helpers every measure reads (allocations with their
effective end, deliveries per allocation). Chain data is often contradictory: every join is
a left join or guarded by NULL checks, so odd rows become cases, not errors.

Written so both engines mean the same: no engine-specific functions (dates are formatted
from their parts, month lengths come from the calendar), NULL ordering is explicit, ties
are broken explicitly, money is cast to float before it is divided.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from stuurdata.quality.registry import Maatregel

CASE_COLUMNS: dict[str, str] = {
    "maatregel": "string",
    "wet": "string",
    "aanbieder": "string",
    "maand": "date",
    "toewijzing_id": "string",
    "toewijzingnummer": "string",
    "persoon_id": "string",
    "datum": "date",
    "werkdagen": "int32",
    "detail": "string",
    "bedrag_cent": "int64",
    "fout": "boolean",
    "gemeentecode": "string",
}
OPEN_END = date(9999, 12, 31)
# Message types a provider starts itself (not answers): its sign of life.
AANBIEDER_BERICHTEN = ("305", "307", "315", "317", "323")


@dataclass(frozen=True)
class Basis:
    """What every measure reads: tables, calendar, the window and the derived helpers."""

    tables: dict[str, ir.Table]
    cal: ir.Table  # dag, werkdag, nr, maanddagen
    toew: ir.Table  # allocations with eind_eff (see ``allocations``)
    lev: ir.Table  # deliveries per allocation (see ``deliveries``)
    maanden: ir.Table  # maand, laatste: the months ``leveringsgat`` looks at
    vanaf: date
    peildatum: date
    peil_nr: int  # working-day number of the peildatum

    def t(self, name: str) -> ir.Table:
        return self.tables[name]

    def days(self, p: str) -> ir.Table:
        """The calendar with columns prefixed ``p_`` (one copy per date that is looked up)."""
        return self.cal.select(**{f"{p}_dag": self.cal.dag, f"{p}_nr": self.cal.nr})

    def workdays(self, p: str) -> ir.Table:
        """Working days only, by number: ``nr + n`` is the n-th working day after a day."""
        w = self.cal.filter(self.cal.werkdag)
        return w.select(**{f"{p}_dag": w.dag, f"{p}_nr": w.nr})

    def in_window(self, day: ir.DateValue) -> ir.BooleanValue:
        return (day >= self.vanaf) & (day <= self.peildatum)


def allocations(tables: dict[str, ir.Table]) -> ir.Table:
    """Allocations with their effective end (``eind_eff``).

    The einddatum or, for an open-ended allocation, the day before a newer allocation for
    the same person, law, provider and product category started (it replaced this one). An
    allocation with an einddatum is not cut short by a newer one: parallel allocations for
    the same category exist (and are not a replacement).
    """
    t = tables["toewijzing"]
    nxt = t.ingangsdatum.lead().over(
        group_by=[t.persoon_id, t.wet, t.aanbieder, t.productcategorie],
        order_by=[t.ingangsdatum, t.toewijzing_id],
    )
    return t.select(
        "toewijzing_id",
        "toewijzingnummer",
        "wet",
        "gemeentecode",
        "persoon_id",
        "aanbieder",
        "productcategorie",
        "toewijzingsdatum",
        "ingangsdatum",
        "einddatum",
        "volume",
        "eenheid",
        "frequentie",
        "budget_cent",
        "reden_wijziging",
        eind_eff=t.einddatum.fill_null(nxt - ibis.interval(days=1)),
    )


def deliveries(tables: dict[str, ir.Table]) -> ir.Table:
    """Per allocation: first start, whether every delivery stopped, the last stop."""
    v = tables["levering"]
    return v.group_by("toewijzing_id").aggregate(
        eerste_start=v.start.min(),
        eerste_dag_start=v.dagtekening_start.min(),
        alles_gestopt=v.stop.notnull().all(),
        laatste_stop=v.stop.max(),
        n_start=v.dagtekening_start.count(),
    )


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clipped to the month's last day (as SQL)."""
    total = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(total, 12)
    first = date(year, month0 + 1, 1)
    following = date(year + (month0 + 1) // 12, (month0 + 1) % 12 + 1, 1)
    return first.replace(day=min(day.day, (following - timedelta(days=1)).day))


def month_table(vanaf: date, peildatum: date) -> pa.Table:
    """The months after the window's first up to (not including) the peildatum's month.

    ``leveringsgat`` skips the first window month (its claims only arrive the month after).
    """
    end = peildatum.replace(day=1)
    maanden, laatste = [], []
    k = 1
    while (m := add_months(vanaf, k)) < end:
        maanden.append(m)
        nxt = m.replace(day=1) + timedelta(days=32)
        laatste.append(nxt.replace(day=1) - timedelta(days=1))
        k += 1
    return pa.table(
        {"maand": pa.array(maanden, pa.date32()), "laatste": pa.array(laatste, pa.date32())}
    )


# -- shared pieces -----------------------------------------------------------------------


def _dmy(day: ir.DateValue) -> ir.StringValue:
    """``dd-mm-jjjj``, built from the parts: the engines' date formats differ."""
    return (
        day.day().cast("string").lpad(2, "0")
        + "-"
        + day.month().cast("string").lpad(2, "0")
        + "-"
        + day.year().cast("string")
    )


def _my(day: ir.DateValue) -> ir.StringValue:
    """``mm-jjjj``."""
    return day.month().cast("string").lpad(2, "0") + "-" + day.year().cast("string")


def _month(day: ir.DateValue) -> ir.DateValue:
    """The first day of the month (Spark's ``date_trunc`` gives a timestamp, not a date)."""
    return ibis.date(day.year(), day.month(), 1)


def _number(toewijzing_id: ir.StringValue) -> ir.StringValue:
    """The toewijzingnummer inside a ``wet:gemeentecode:nummer`` id."""
    return toewijzing_id.re_extract(r"^[^:]*:[^:]*:([^:]*)", 1)


def _text(value: ir.Value) -> ir.StringValue:
    return value.cast("string")


def _days_between(a: ir.IntegerValue, b: ir.IntegerValue) -> ir.IntegerValue:
    return (b - a).cast("int32")


def _shape(t: ir.Table, m: Maatregel, **columns: Any) -> ir.Table:
    """The case shape: every column of ``CASE_COLUMNS``, typed; absent ones NULL."""
    out: dict[str, ir.Value] = {}
    for name, dtype in CASE_COLUMNS.items():
        if name == "maatregel":
            out[name] = ibis.literal(m.id, type="string")
        elif name in columns:
            value = columns[name]
            out[name] = (value if isinstance(value, ir.Value) else ibis.literal(value)).cast(dtype)
        else:
            out[name] = ibis.null(dtype)
    return t.select(**out)


def _slim_toew(b: Basis, *columns: str) -> ir.Table:
    """Allocation columns prefixed ``t_`` so they never collide with the fact's own."""
    return b.toew.select(t_id=b.toew.toewijzing_id, **{f"t_{c}": b.toew[c] for c in columns})


# -- the measures ------------------------------------------------------------------------


def _start_ontbreekt(b: Basis, m: Maatregel) -> ir.Table:
    n = int(m.param("werkdagen"))
    i, d = b.days("i"), b.workdays("d")
    t = b.toew
    j = (
        t.join(i, t.ingangsdatum == i.i_dag)
        .join(d, d.d_nr == i.i_nr + n)
        .left_join(b.lev, t.toewijzing_id == b.lev.toewijzing_id)
    )
    j = j.filter(
        j.d_dag < b.peildatum,
        j.eind_eff.fill_null(b.peildatum) >= b.vanaf,
        j.eind_eff.isnull() | (j.eind_eff >= j.ingangsdatum),
    )
    return _shape(
        j,
        m,
        wet=j.wet,
        aanbieder=j.aanbieder,
        maand=_month(ibis.greatest(j.d_dag, ibis.literal(b.vanaf))),
        toewijzing_id=j.toewijzing_id,
        toewijzingnummer=j.toewijzingnummer,
        persoon_id=j.persoon_id,
        datum=j.ingangsdatum,
        werkdagen=_days_between(j.i_nr, ibis.literal(b.peil_nr)),
        detail="geen startbericht; ingangsdatum " + _dmy(j.ingangsdatum),
        fout=j.n_start.fill_null(0) == 0,
    )


def _stop_ontbreekt(b: Basis, m: Maatregel) -> ir.Table:
    n = int(m.param("werkdagen"))
    e, d = b.days("e"), b.workdays("d")
    t = b.toew
    j = (
        t.join(b.lev, t.toewijzing_id == b.lev.toewijzing_id)
        .join(e, t.eind_eff == e.e_dag)
        .join(d, d.d_nr == e.e_nr + n)
    )
    j = j.filter(j.d_dag < b.peildatum, j.eind_eff >= b.vanaf, j.n_start > 0)
    return _shape(
        j,
        m,
        wet=j.wet,
        aanbieder=j.aanbieder,
        maand=_month(j.d_dag),
        toewijzing_id=j.toewijzing_id,
        toewijzingnummer=j.toewijzingnummer,
        persoon_id=j.persoon_id,
        datum=j.eind_eff,
        werkdagen=_days_between(j.e_nr, ibis.literal(b.peil_nr)),
        detail="geen stopbericht; toewijzing afgelopen op " + _dmy(j.eind_eff),
        fout=~j.alles_gestopt,
    )


def _start_laat(b: Basis, m: Maatregel) -> ir.Table:
    n = int(m.param("werkdagen"))
    v = b.t("levering")
    v = v.filter(v.dagtekening_start.notnull())
    tt = _slim_toew(b, "toewijzingsdatum")
    x = v.left_join(tt, v.toewijzing_id == tt.t_id)
    # Retroactive allocation (OP271): the term runs from the allocation date when that came
    # after the start and before the start message (a later change 301 moves nothing).
    retro = (x.t_toewijzingsdatum > x.start) & (x.t_toewijzingsdatum <= x.dagtekening_start)
    x = x.select(
        "wet",
        "aanbieder",
        "toewijzing_id",
        "persoon_id",
        "dagtekening_start",
        ref=ibis.ifelse(retro.fill_null(False), x.t_toewijzingsdatum, x.start),
    )
    x = x.filter(b.in_window(x.ref))
    a, c = b.days("a"), b.days("b")
    j = x.join(a, x.ref == a.a_dag).join(c, x.dagtekening_start == c.b_dag)
    wd = _days_between(j.a_nr, j.b_nr)
    return _shape(
        j,
        m,
        wet=j.wet,
        aanbieder=j.aanbieder,
        maand=_month(j.ref),
        toewijzing_id=j.toewijzing_id,
        toewijzingnummer=_number(j.toewijzing_id),
        persoon_id=j.persoon_id,
        datum=j.dagtekening_start,
        werkdagen=wd,
        detail="startbericht " + _text(wd) + " werkdagen na " + _dmy(j.ref),
        fout=wd > n,
    )


def _stop_laat(b: Basis, m: Maatregel) -> ir.Table:
    n = int(m.param("werkdagen"))
    v = b.t("levering")
    v = v.filter(v.dagtekening_stop.notnull(), b.in_window(v.stop))
    a, c = b.days("a"), b.days("b")
    j = v.join(a, v.stop == a.a_dag).join(c, v.dagtekening_stop == c.b_dag)
    wd = _days_between(j.a_nr, j.b_nr)
    return _shape(
        j,
        m,
        wet=j.wet,
        aanbieder=j.aanbieder,
        maand=_month(j.stop),
        toewijzing_id=j.toewijzing_id,
        toewijzingnummer=_number(j.toewijzing_id),
        persoon_id=j.persoon_id,
        datum=j.dagtekening_stop,
        werkdagen=wd,
        detail="stopbericht " + _text(wd) + " werkdagen na " + _dmy(j.stop),
        fout=wd > n,
    )


def _antwoord_laat(b: Basis, m: Maatregel) -> ir.Table:
    n = int(m.param("werkdagen"))
    weken = int(m.param("weken_onderzoek"))
    # The answer to a request (315) is the allocation (301) or a rejection (319, WJ760 code
    # 1); a 319 'aanvraag in onderzoek' (code 2) sent in time turns the norm into `weken`
    # weeks (OP274). A 319 answers by the provider's reference of the requested product.
    br = b.t("bericht")
    br = br.filter(br.berichttype == "319", br.retour_identificatie.notnull())
    o = br.group_by(
        o_wet=br.wet,
        o_gm=br.gemeentecode,
        o_aanbieder=br.aanbieder,
        o_ref=br.retour_identificatie,
    ).aggregate(
        onderzoek=br.dagtekening.min(where=br.verzoek_antwoord == "2"),
        afgewezen=br.dagtekening.min(where=br.verzoek_antwoord == "1"),
    )
    r = b.t("verzoek")
    r = r.filter(r.berichttype == "315", b.in_window(r.ontvangen))
    tt = _slim_toew(
        b,
        "toewijzingnummer",
        "persoon_id",
        "wet",
        "aanbieder",
        "productcategorie",
        "toewijzingsdatum",
        "ingangsdatum",
        "reden_wijziging",
    )
    p = r.left_join(
        tt,
        [
            r.persoon_id == tt.t_persoon_id,
            r.wet == tt.t_wet,
            r.aanbieder == tt.t_aanbieder,
            r.productcategorie.identical_to(tt.t_productcategorie),
            tt.t_toewijzingsdatum >= r.ontvangen,
        ],
    ).left_join(
        o,
        [
            r.referentie == o.o_ref,
            r.wet == o.o_wet,
            r.gemeentecode == o.o_gm,
            r.aanbieder == o.o_aanbieder,
        ],
    )
    rank = ibis.row_number().over(
        group_by=[p.bericht_id, p.regel],
        order_by=[
            ibis.asc(p.t_ingangsdatum, nulls_first=False),
            ibis.asc(p.t_toewijzingsdatum, nulls_first=False),
            ibis.asc(p.t_id, nulls_first=False),
        ],
    )
    p = p.select(
        "wet",
        "aanbieder",
        "persoon_id",
        "ontvangen",
        "t_id",
        "t_toewijzingnummer",
        "t_toewijzingsdatum",
        "t_reden_wijziging",
        gemeld=ibis.ifelse(p.onderzoek >= p.ontvangen, p.onderzoek, ibis.null("date")),
        afgewezen=ibis.ifelse(p.afgewezen >= p.ontvangen, p.afgewezen, ibis.null("date")),
        rn=rank,
    )
    p = p.mutate(antwoord=p.t_toewijzingsdatum.fill_null(p.afgewezen))
    x = p.filter(p.rn == 0, p.t_reden_wijziging.isnull(), p.antwoord.notnull())
    a, c, g = b.days("a"), b.days("b"), b.days("g")
    j = (
        x.join(a, x.ontvangen == a.a_dag)
        .join(c, x.antwoord == c.b_dag)
        .left_join(g, x.gemeld == g.g_dag)
    )
    wd = _days_between(j.a_nr, j.b_nr)
    te_laat = j.antwoord > j.ontvangen + ibis.interval(days=7 * weken)
    gemeld = ((j.g_nr - j.a_nr) <= n).fill_null(False)
    soort = ibis.cases(
        (j.t_toewijzingsdatum.isnull(), "afgewezen (319) na ("),
        (te_laat, f"toewijzing na meer dan {weken} weken ("),
        else_="toewijzing na (",
    )
    return _shape(
        j,
        m,
        wet=j.wet,
        aanbieder=j.aanbieder,
        maand=_month(j.ontvangen),
        toewijzing_id=j.t_id,
        toewijzingnummer=j.t_toewijzingnummer,
        persoon_id=j.persoon_id,
        datum=j.antwoord,
        werkdagen=wd,
        detail=soort + _text(wd) + " werkdagen)" + ibis.ifelse(gemeld, "; in onderzoek gemeld", ""),
        fout=ibis.ifelse(gemeld, te_laat, wd > n),
    )


def _outside(
    begin: ir.DateValue,
    eind: ir.DateValue,
    t_ingang: ir.DateValue,
    t_eind: ir.DateValue,
    alles_gestopt: ir.BooleanValue,
    laatste_stop: ir.DateValue,
) -> ir.BooleanValue:
    """A claim line outside its allocation or after every delivery stopped."""
    return (
        (begin < t_ingang) | (eind > t_eind) | (alles_gestopt & (begin > laatste_stop))
    ).fill_null(False)


def _overdeclaratie(b: Basis, m: Maatregel) -> ir.Table:
    factor = 1 + m.param("marge")
    # Allocated volume for the days a line claims: per day, week or month pro rata; a total
    # (frequentie 6) once for the whole allocation; otherwise per year. A claimed unit cannot
    # be split, so each line's share is rounded up to whole units. Credit lines count
    # negative; lines outside the allocation are left to `buiten_periode`. With a budget
    # the amount is compared with the budget instead. ``bedrag_cent`` is the over-claimed
    # amount (the euros above the allocation).
    d = b.t("declaratie")
    tt = _slim_toew(
        b,
        "wet",
        "aanbieder",
        "persoon_id",
        "toewijzingnummer",
        "ingangsdatum",
        "eind_eff",
        "volume",
        "frequentie",
        "budget_cent",
    )
    dm = b.cal.select(m_dag=b.cal.dag, m_dagen=b.cal.maanddagen)
    j = (
        d.join(tt, d.toewijzing_id == tt.t_id)
        .left_join(b.lev, d.toewijzing_id == b.lev.toewijzing_id)
        .join(dm, d.periode_begin == dm.m_dag)
    )
    j = j.filter(
        ~_outside(
            j.periode_begin,
            j.periode_eind,
            j.t_ingangsdatum,
            j.t_eind_eff,
            j.alles_gestopt,
            j.laatste_stop,
        )
    )
    days = (j.periode_eind.delta(j.periode_begin, unit="day") + 1).cast("float64")
    share = ibis.cases(
        (j.t_frequentie == "1", days),
        (j.t_frequentie == "2", days / 7),
        (j.t_frequentie == "4", days / j.m_dagen.cast("float64")),
        (j.t_frequentie == "6", ibis.literal(0.0)),
        else_=days / 365,
    )
    volume = j.volume.fill_null(0)
    signed = ibis.cases(
        (j.bedrag_cent > 0, volume), (j.bedrag_cent < 0, -volume), (j.bedrag_cent == 0, 0)
    )
    regel = j.select(
        "t_id",
        "t_wet",
        "t_aanbieder",
        "t_persoon_id",
        "t_toewijzingnummer",
        "t_budget_cent",
        "t_frequentie",
        "periode_begin",
        "bedrag_cent",
        t_volume=j.t_volume.fill_null(0),
        volume=signed,
        toegewezen=(j.t_volume.fill_null(0).cast("float64") * share - 1e-9).ceil().cast("float64"),
    )
    per = regel.group_by(
        "t_id",
        "t_wet",
        "t_aanbieder",
        "t_persoon_id",
        "t_toewijzingnummer",
        "t_budget_cent",
        "t_frequentie",
        "t_volume",
    ).aggregate(
        laatste=regel.periode_begin.max(),
        gedeclareerd=regel.volume.sum().cast("int64"),
        bedrag=regel.bedrag_cent.sum().cast("int64"),
        toegewezen_som=regel.toegewezen.sum(),
    )
    per = per.mutate(
        toegewezen=ibis.ifelse(
            (per.t_frequentie == "6").fill_null(False),
            per.t_volume.cast("float64"),
            per.toegewezen_som,
        )
    )
    x = per.filter(b.in_window(per.laatste))
    euro = x.bedrag.cast("float64") / 100
    budget = x.t_budget_cent.cast("float64") / 100
    met_budget = x.t_budget_cent.notnull()
    detail = ibis.ifelse(
        met_budget,
        "gedeclareerd "
        + _text(euro.round(2))
        + " euro, budget "
        + _text(budget.round(2))
        + " euro",
        "gedeclareerd " + _text(x.gedeclareerd) + ", toegewezen " + _text(x.toegewezen.round(1)),
    )
    fout = ibis.ifelse(
        met_budget,
        x.bedrag.cast("float64") > x.t_budget_cent.cast("float64") * factor,
        x.gedeclareerd.cast("float64") > x.toegewezen * factor,
    )
    # The euros above the allocation (the contract manager's euro impact): over a budget the
    # excess amount, else the claimed amount's share that lies above the allocated volume.
    boven = ibis.cases(
        (met_budget, ibis.greatest(x.bedrag - x.t_budget_cent, 0).cast("float64")),
        (
            (x.gedeclareerd > 0) & (x.gedeclareerd.cast("float64") > x.toegewezen),
            x.bedrag.cast("float64")
            * (x.gedeclareerd.cast("float64") - x.toegewezen)
            / x.gedeclareerd.cast("float64"),
        ),
        else_=ibis.literal(0.0),
    )
    return _shape(
        x,
        m,
        wet=x.t_wet,
        aanbieder=x.t_aanbieder,
        maand=_month(x.laatste),
        toewijzing_id=x.t_id,
        toewijzingnummer=x.t_toewijzingnummer,
        persoon_id=x.t_persoon_id,
        datum=x.laatste,
        detail=detail,
        bedrag_cent=boven.round().cast("int64"),
        fout=fout,
    )


def _buiten_periode(b: Basis, m: Maatregel) -> ir.Table:
    d = b.t("declaratie")
    d = d.filter(d.bedrag_cent >= 0, b.in_window(d.periode_begin))
    tt = _slim_toew(b, "ingangsdatum", "eind_eff")
    j = d.join(tt, d.toewijzing_id == tt.t_id).left_join(
        b.lev, d.toewijzing_id == b.lev.toewijzing_id
    )
    gestopt = ibis.ifelse(
        j.alles_gestopt.fill_null(False), "; levering gestopt " + _dmy(j.laatste_stop), ""
    )
    return _shape(
        j,
        m,
        wet=j.wet,
        aanbieder=j.aanbieder,
        maand=_month(j.periode_begin),
        toewijzing_id=j.toewijzing_id,
        toewijzingnummer=_number(j.toewijzing_id),
        persoon_id=j.persoon_id,
        datum=j.periode_begin,
        detail="gedeclareerd over "
        + _dmy(j.periode_begin)
        + " t/m "
        + _dmy(j.periode_eind)
        + "; toewijzing "
        + _dmy(j.t_ingangsdatum)
        + " t/m "
        + _dmy(j.t_eind_eff).fill_null("open")
        + gestopt,
        bedrag_cent=j.bedrag_cent,
        fout=_outside(
            j.periode_begin,
            j.periode_eind,
            j.t_ingangsdatum,
            j.t_eind_eff,
            j.alles_gestopt,
            j.laatste_stop,
        ),
    )


def _law_of(bericht_id: ir.StringValue, other: str) -> ir.StringValue:
    """The law of a message id (``ijw:...`` youth care, ``iwmo:...`` Wmo)."""
    return ibis.cases(
        (bericht_id.startswith("ijw:"), "jeugd"),
        (bericht_id.startswith("iwmo:"), "wmo"),
        else_=other,
    )


def _zonder_toewijzing(b: Basis, m: Maatregel) -> ir.Table:
    # Known (municipality, law) pairs: only there can "never allocated" be judged.
    t = b.t("toewijzing")
    bekend = t.select(k_wet=t.wet, k_gm=t.gemeentecode).distinct()
    ids = t.select(k_id=t.toewijzing_id)
    d = b.t("declaratie")
    dj = d.join(bekend, [d.wet == bekend.k_wet, d.gemeentecode == bekend.k_gm]).left_join(
        ids, d.toewijzing_id == ids.k_id
    )
    claims = _shape(
        dj,
        m,
        wet=dj.wet,
        aanbieder=dj.aanbieder,
        maand=_month(dj.dagtekening),
        toewijzing_id=dj.toewijzing_id,
        toewijzingnummer=_number(dj.toewijzing_id),
        persoon_id=dj.persoon_id,
        datum=dj.dagtekening,
        detail="declaratieregel (323) voor een onbekende toewijzing",
        fout=dj.k_id.isnull(),
    )
    v = b.t("levering")
    dag = v.dagtekening_start.fill_null(v.dagtekening_stop)
    starts = _shape(
        v,
        m,
        wet=v.wet,
        aanbieder=v.aanbieder,
        maand=_month(dag),
        toewijzing_id=v.toewijzing_id,
        toewijzingnummer=_number(v.toewijzing_id),
        persoon_id=v.persoon_id,
        datum=dag,
        detail="",
        fout=False,
    )
    q = b.t("quarantaine")
    q = q.filter(q.toewijzingnummers.notnull(), q.afzender.notnull())
    lad = b.t("lading").select(l_id="lading_id", gestart="gestart")
    br = b.t("bericht")
    std = br.select(s_std=br.standaard).distinct()
    std = std.mutate(s_wet=ibis.ifelse(std.s_std == "ijw", "jeugd", "wmo"))
    qj = q.left_join(lad, q.lading_id == lad.l_id).left_join(
        std, q.bericht_id.startswith(std.s_std + ":")
    )
    gestart = qj.gestart.cast("date")
    refused = qj.select(
        wet=qj.s_wet.fill_null(
            ibis.ifelse(qj.bericht_id.startswith("ijw:").fill_null(False), "jeugd", "wmo")
        ),
        aanbieder=qj.afzender,
        maand=_month(ibis.least(gestart, ibis.literal(b.peildatum))),
        toewijzingnummer=qj.toewijzingnummers.split(",").unnest(),
        datum=gestart,
        detail="start-/stopbericht ("
        + qj.berichttype.fill_null("?")
        + ") geweigerd: toewijzing nooit verstuurd",
    )
    refused = _shape(
        refused,
        m,
        wet=refused.wet,
        aanbieder=refused.aanbieder,
        maand=refused.maand,
        toewijzingnummer=refused.toewijzingnummer,
        datum=refused.datum,
        detail=refused.detail,
        fout=True,
    )
    u = ibis.union(claims, starts, refused)
    return u.filter(b.in_window(u.maand))


def _credit_zonder_debet(b: Basis, m: Maatregel) -> ir.Table:
    d = b.t("declaratie")
    c = d.filter(d.bedrag_cent < 0, b.in_window(d.dagtekening))
    debet = d.filter(d.bedrag_cent >= 0)
    k = debet.select(
        k_aanbieder=debet.aanbieder, k_wet=debet.wet, k_ref=debet.referentienummer
    ).distinct()
    k = k.mutate(gevonden=ibis.literal(True))
    j = c.left_join(
        k,
        [c.aanbieder == k.k_aanbieder, c.wet == k.k_wet, c.vorig_referentienummer == k.k_ref],
    )
    return _shape(
        j,
        m,
        wet=j.wet,
        aanbieder=j.aanbieder,
        maand=_month(j.dagtekening),
        toewijzing_id=j.toewijzing_id,
        toewijzingnummer=_number(j.toewijzing_id),
        persoon_id=j.persoon_id,
        datum=j.dagtekening,
        detail="creditregel "
        + j.referentienummer.fill_null("?")
        + " verwijst naar "
        + j.vorig_referentienummer.fill_null("niets"),
        bedrag_cent=j.bedrag_cent,
        fout=j.gevonden.isnull(),
    )


def _stil(b: Basis, m: Maatregel) -> ir.Table:
    maanden = int(m.param("maanden"))
    # The service periods claimed should cover the delivery from its start (or the window's)
    # to its end (or the peildatum). A stretch of more than `maanden` months that no claim
    # line covers is silence: in the middle (a hole that never got claimed) or at the end
    # (nothing claimed lately although care runs). Claim lag of one month stays below it.
    d = b.t("declaratie")
    eerste = d.group_by(e_id=d.toewijzing_id).aggregate(eerste=d.periode_begin.min())
    t = b.toew
    j = t.left_join(b.lev, t.toewijzing_id == b.lev.toewijzing_id).left_join(
        eerste, t.toewijzing_id == eerste.e_id
    )
    begin = j.eerste_start.fill_null(j.eerste)
    eind = ibis.ifelse(
        j.alles_gestopt.fill_null(False), ibis.least(j.laatste_stop, j.eind_eff), j.eind_eff
    )
    actief = j.filter(begin.notnull()).select(
        a_id=j.toewijzing_id,
        wet=j.wet,
        aanbieder=j.aanbieder,
        persoon_id=j.persoon_id,
        toewijzingnummer=j.toewijzingnummer,
        van=ibis.greatest(begin, ibis.literal(b.vanaf)),
        tot=ibis.least(eind, ibis.literal(b.peildatum)),
    )
    a = actief.filter(actief.van < actief.tot)
    dag = ibis.interval(days=1)
    pos = d.filter(d.bedrag_cent >= 0)
    claimed = actief.join(
        pos,
        [
            actief.a_id == pos.toewijzing_id,
            pos.periode_eind >= actief.van,
            pos.periode_begin <= actief.tot,
        ],
    )
    stuk = ibis.union(
        a.select(s_id=a.a_id, begin=a.van, eind=a.van - dag),
        a.select(s_id=a.a_id, begin=a.tot + dag, eind=a.tot),
        claimed.select(s_id=claimed.a_id, begin=claimed.periode_begin, eind=claimed.periode_eind),
        distinct=False,
    )
    covered = stuk.eind.max().over(
        ibis.window(group_by=stuk.s_id, order_by=[stuk.begin, stuk.eind], rows=(None, -1))
    )
    gat = stuk.mutate(gedekt=covered)
    gat = gat.filter(gat.gedekt.notnull())
    gat = gat.mutate(lengte=gat.begin.delta(gat.gedekt, unit="day"))
    largest = ibis.row_number().over(group_by=gat.s_id, order_by=[ibis.desc(gat.lengte), gat.begin])
    g = gat.mutate(rn=largest)
    g = g.filter(g.rn == 0).select(g_id=g.s_id, gedekt=g.gedekt, volgende=g.begin)
    x = actief.join(g, actief.a_id == g.g_id)
    grens = x.gedekt + ibis.interval(months=maanden)
    return _shape(
        x,
        m,
        wet=x.wet,
        aanbieder=x.aanbieder,
        maand=_month(ibis.least(grens, x.tot)),
        toewijzing_id=x.a_id,
        toewijzingnummer=x.toewijzingnummer,
        persoon_id=x.persoon_id,
        datum=x.gedekt,
        detail="niets gedeclareerd over " + _dmy(x.gedekt + dag) + " t/m " + _dmy(x.volgende - dag),
        fout=grens < x.volgende - dag,
    )


def _blank(value: ir.StringValue) -> ir.BooleanValue:
    return value.isnull() | (value.strip() == "")


def _vulgraad(b: Basis, m: Maatregel) -> ir.Table:
    r = b.t("verzoek")
    r = r.filter(r.berichttype == "315", b.in_window(r.ontvangen))
    requests = _shape(
        r,
        m,
        wet=r.wet,
        aanbieder=r.aanbieder,
        maand=_month(r.ontvangen),
        toewijzingnummer=r.toewijzingnummer,
        persoon_id=r.persoon_id,
        datum=r.ontvangen,
        detail="verzoek om toewijzing zonder verwijzer (COD327)",
        fout=_blank(r.verwijzer_type),
    )
    v = b.t("levering")
    v = v.filter(v.dagtekening_stop.notnull(), b.in_window(v.dagtekening_stop))
    stops = _shape(
        v,
        m,
        wet=v.wet,
        aanbieder=v.aanbieder,
        maand=_month(v.dagtekening_stop),
        toewijzing_id=v.toewijzing_id,
        toewijzingnummer=_number(v.toewijzing_id),
        persoon_id=v.persoon_id,
        datum=v.dagtekening_stop,
        detail="stopbericht zonder reden beëindiging",
        fout=_blank(v.reden_beeindiging),
    )
    return ibis.union(requests, stops)


def _quarantaine(b: Basis, m: Maatregel) -> ir.Table:
    br = b.t("bericht")
    br = br.filter(
        br.afzender == br.aanbieder,
        br.berichttype.isin(AANBIEDER_BERICHTEN),
        b.in_window(br.dagtekening),
    )
    sent = _shape(
        br,
        m,
        wet=br.wet,
        aanbieder=br.aanbieder,
        maand=_month(br.dagtekening),
        datum=br.dagtekening,
        detail="",
        fout=False,
    )
    q = b.t("quarantaine")
    q = q.filter(q.afzender.notnull(), ~q.afzender.re_search(r"^(GM)?[0-9]{4}$"))
    lad = b.t("lading").select(l_id="lading_id", gestart="gestart")
    j = q.left_join(lad, q.lading_id == lad.l_id)
    gestart = j.gestart.cast("date")
    refused = _shape(
        j,
        m,
        wet=_law_of(j.bericht_id, "onbekend"),
        aanbieder=j.afzender,
        maand=_month(ibis.least(gestart, ibis.literal(b.peildatum))),
        datum=gestart,
        detail=j.soort + (" " + j.berichttype).fill_null("") + ": " + j.melding,
        fout=True,
    )
    return ibis.union(sent, refused)


def _codes(m: Maatregel, name: str) -> list[str]:
    """A comma-separated parameter as a list of codes."""
    return [c.strip() for c in str(m.parameters[name]).split(",")]


def _replies(b: Basis, m: Maatregel) -> ir.Table:
    br = b.t("bericht")
    return br.filter(
        br.berichttype.isin(_codes(m, "typen")),
        br.aanbieder.notnull(),
        b.in_window(br.dagtekening),
    )


def _retourcode(b: Basis, m: Maatregel) -> ir.Table:
    """Return messages on one party's messages; ``fout`` when any code is a rejection."""
    goed = _codes(m, "goed")
    br = _replies(b, m)
    afgekeurd = br.retourcodes.split(",").filter(lambda c: ~c.strip().isin(goed)).length() > 0
    return _shape(
        br,
        m,
        wet=br.wet,
        aanbieder=br.aanbieder,
        gemeentecode=br.gemeentecode,
        maand=_month(br.dagtekening),
        datum=br.dagtekening,
        detail=br.berichttype
        + " op "
        + br.retour_identificatie.fill_null("?")
        + ": retourcode(s) "
        + br.retourcodes.fill_null("geen"),
        fout=afgekeurd.fill_null(False),
    )


def _retour_laat(b: Basis, m: Maatregel) -> ir.Table:
    """OP090: working days from the answered message's dagtekening to the return's."""
    n = int(m.param("werkdagen"))
    br = _replies(b, m)
    o, z = b.days("o"), b.days("z")
    j = br.join(o, br.dagtekening_retour == o.o_dag).join(z, br.dagtekening == z.z_dag)
    wd = _days_between(j.o_nr, j.z_nr)
    return _shape(
        j,
        m,
        wet=j.wet,
        aanbieder=j.aanbieder,
        gemeentecode=j.gemeentecode,
        maand=_month(j.dagtekening),
        datum=j.dagtekening,
        werkdagen=wd,
        detail=j.berichttype
        + " op "
        + j.retour_identificatie.fill_null("?")
        + " van "
        + _dmy(j.dagtekening_retour)
        + ": na "
        + _text(wd)
        + " werkdagen",
        fout=wd > n,
    )


def _leveringsgat(b: Basis, m: Maatregel) -> ir.Table:
    kans = m.param("kans")
    # Claims go out in monthly batches, so a small provider can miss a calendar month in
    # normal traffic. A silent stretch is flagged when it is improbable given the
    # provider's own rhythm: with on average `ritme` messages a month, a run of k silent
    # months has chance exp(-ritme * k) under a Poisson model; below `kans` it is a gap. A
    # busy provider is flagged after one silent month, a small one after several. The
    # first window month is skipped (its claims only arrive the month after).
    v = b.t("levering")
    tt = _slim_toew(b, "eind_eff")
    mm = b.maanden
    j = v.join(tt, v.toewijzing_id == tt.t_id).join(
        mm,
        [
            v.start <= mm.laatste,
            v.stop.fill_null(tt.t_eind_eff).fill_null(OPEN_END) >= mm.maand,
        ],
    )
    actief = j.select("wet", "aanbieder", "maand").distinct()
    br = b.t("bericht")
    br = br.filter(br.afzender == br.aanbieder, br.berichttype.isin(AANBIEDER_BERICHTEN))
    post = br.group_by(
        p_wet=br.wet, p_aanbieder=br.aanbieder, p_maand=_month(br.dagtekening)
    ).aggregate(berichten=br.count())
    r = actief.left_join(
        post,
        [
            actief.wet == post.p_wet,
            actief.aanbieder == post.p_aanbieder,
            actief.maand == post.p_maand,
        ],
    )
    r = r.select("wet", "aanbieder", "maand", "berichten", stil=r.p_maand.isnull())
    per = [r.wet, r.aanbieder]
    reeks = r.mutate(
        ritme=r.berichten.fill_null(0).cast("float64").mean().over(group_by=per),
        groep=ibis.ifelse(r.stil, 0, 1).sum().over(group_by=per, order_by=r.maand),
    )
    s = reeks.mutate(
        stille_maanden=reeks.stil.cast("int64")
        .sum()
        .over(group_by=[reeks.wet, reeks.aanbieder, reeks.groep], order_by=reeks.maand)
    )
    return _shape(
        s,
        m,
        wet=s.wet,
        aanbieder=s.aanbieder,
        maand=s.maand,
        datum=s.maand,
        detail="geen enkel bericht in "
        + _my(s.maand)
        + " ("
        + _text(s.stille_maanden)
        + " maand(en) stil; gewoonlijk "
        + _text(s.ritme.round(1))
        + " berichten per maand)",
        fout=s.stil & ((-s.ritme * s.stille_maanden.cast("float64")).exp() < kans),
    )


QUERIES: dict[str, Callable[[Basis, Maatregel], ir.Table]] = {
    "start_ontbreekt": _start_ontbreekt,
    "zonder_toewijzing": _zonder_toewijzing,
    "stop_ontbreekt": _stop_ontbreekt,
    "start_laat": _start_laat,
    "stop_laat": _stop_laat,
    "antwoord_laat": _antwoord_laat,
    "overdeclaratie": _overdeclaratie,
    "buiten_periode": _buiten_periode,
    "credit_zonder_debet": _credit_zonder_debet,
    "stil": _stil,
    "vulgraad": _vulgraad,
    "quarantaine": _quarantaine,
    "retourcode": _retourcode,
    "retourcode_gemeente": _retourcode,
    "retour_laat": _retour_laat,
    "retour_laat_aanbieder": _retour_laat,
    "leveringsgat": _leveringsgat,
}


def measure_expr(m: Maatregel, basis: Basis) -> ir.Table:
    """The population expression of one registered measure."""
    return QUERIES[m.id](basis, m)
