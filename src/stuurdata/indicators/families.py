"""Ibis expressions for each computation family (``berekening`` in the YAML).

Each family turns canonical tables into one row per (niveau, gebiedscode, periodesoort,
periode, categorie) for *all* periods and areas at once: facts are joined with the period
calendar, placed in an area with the person-area table (``Context.areas``), stacked into
the three levels and aggregated. No Python loop over periods or areas, so the engine does
the heavy lifting and the same expressions can run on Spark.

Every family returns the columns of ``ROW_COLUMNS`` with ``lin`` an array of lading ids
(lineage); ``compute.py`` turns it into the published comma-separated string.

The decisions (also in ``compute.py``'s docstring and the YAML texts):

* an allocation (``toewijzing``) runs from ``ingangsdatum`` up to and including
  ``einddatum`` (NULL = open); allocations with ``einddatum < ingangsdatum`` were withdrawn
  and are ignored everywhere;
* a fact is placed in the area of the person's residence that overlaps the period with the
  latest ``van``; without such a residence it counts at gemeente level only, under the
  gemeentecode of the fact itself (allocation, request or claim), except in a rate per
  1,000, whose numerator holds residents only (``clienten_zonder_woonadres`` counts the
  others).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from stuurdata.indicators.groups import (
    ONBEKEND,
    age_band,
    age_label,
    age_on,
    bounds,
    household_type,
    is_adult,
    label,
    sex_label,
)
from stuurdata.indicators.registry import Definition

KEYS = ["niveau", "gebiedscode", "periodesoort", "periode", "categorie"]
PERIOD_KEYS = ["niveau", "gebiedscode", "periodesoort", "periode"]
ROW_COLUMNS = [*KEYS, "teller", "noemer", "waarde", "n", "lin"]
OPEN_END = date(9999, 12, 31)
LEVELS = ("gemeente", "wijk", "buurt")


@dataclass(frozen=True)
class Context:
    """What every family needs: the canonical tables, the calendar and the person areas,
    and the shared intermediate tables ``compute_indicators`` makes once per call."""

    tables: dict[str, ir.Table]
    cal: ir.Table
    areas: ir.Table
    # ``inhabitant_groups``: the denominators of every rate per 1,000
    inhabitants: ir.Table | None = None
    # per law: ``client_facts`` (every client family), ``claim_totals`` (both cost ones)
    clients: dict[str, ir.Table] = field(default_factory=dict)
    claims: dict[str, ir.Table] = field(default_factory=dict)
    # per (duration family, law): ``placed_days`` (its median and 90th percentile)
    days: dict[tuple[str, str], ir.Table] = field(default_factory=dict)

    def t(self, name: str) -> ir.Table:
        return self.tables[name]


def person_areas(tables: dict[str, ir.Table], cal: ir.Table) -> ir.Table:
    """Per (person, period): the residence overlapping the period with the latest ``van``.

    Only persons that occur in allocations, requests or claims are placed, so the join with
    the calendar stays small even for a large municipality.
    """
    persons = ibis.union(
        tables["toewijzing"].select("persoon_id"),
        tables["verzoek"].select("persoon_id"),
        tables["declaratie"].select("persoon_id"),
        distinct=True,
    )
    v = tables["verblijf"].semi_join(persons, "persoon_id")
    j = v.join(cal, [v.van < cal.eind, _open(v.tot) > cal.begin]).select(
        persoon_id=v.persoon_id,
        periodesoort=cal.periodesoort,
        periode=cal.periode,
        van=v.van,
        res_gm=v.gemeentecode,
        wk=v.wijkcode,
        bu=v.buurtcode,
        res_lading=v.lading_id,
        hh=v.huishouden_id,
        # the last day of this residence inside the period: the day its household is typed
        hh_dag=ibis.least(cal.laatste_dag, _open(v.tot) - ibis.interval(days=1)),
    )
    rank = ibis.row_number().over(
        group_by=[j.persoon_id, j.periodesoort, j.periode], order_by=ibis.desc(j.van)
    )
    return j.mutate(rn=rank).filter(lambda r: r.rn == 0).drop("rn", "van")


def _with_groups(
    facts: ir.Table,
    tables: dict[str, ir.Table],
    cuts: list[int],
    households: bool,
    *,
    day: str,
    hh_day: str,
) -> ir.Table:
    """``facts`` with every person's groups: ``leeftijd`` (band of ``cuts``) and
    ``geslacht`` on ``facts[day]``, ``huishoudtype`` of household ``hh`` on ``facts[hh_day]``
    (only with ``households``: typing is the costly part, left out when no definition asks).
    """
    if households:
        typed = label(facts, tables, "huishouden", [], day=hh_day)
    else:
        typed = facts.mutate(categorie=ibis.literal(ONBEKEND))
    p = tables["persoon"].view()
    j = typed.left_join(p, typed.persoon_id == p.persoon_id)
    return j.select(
        *[typed[c] for c in typed.columns if c != "categorie"],
        huishoudtype=typed.categorie,
        geslacht=sex_label(p.geslacht),
        leeftijd=age_band(age_on(p.geboortemaand, typed[day]), cuts),
    )


def residents(tables: dict[str, ir.Table]) -> ir.Table:
    """Every residence with the resident's birth month and sex: one row per residence.

    ``compute_indicators`` keeps it as a helper table, so ``inhabitant_groups`` joins the
    person once per residence; left to the engine, DuckDB joins the person after the range
    join with the reference days (once per residence *and day*, ~30x the rows).
    """
    v, p = tables["verblijf"], tables["persoon"].view()
    return v.left_join(p, v.persoon_id == p.persoon_id).select(
        v.van,
        v.tot,
        gm=v.gemeentecode,
        wk=v.wijkcode,
        bu=v.buurtcode,
        lading=v.lading_id,
        hh=v.huishouden_id,
        geboortemaand=p.geboortemaand,
        geslacht=sex_label(p.geslacht),
    )


def inhabitant_groups(v: ir.Table, cal: ir.Table, cuts: list[int], households: bool) -> ir.Table:
    """Inhabitants per period and buurt on the reference day, by age band, sex and household.

    ``v`` is ``residents``. Every denominator of a rate per 1,000 is a sum over this small
    table (at most a few hundred rows per buurt, period and lading), so the residents are
    placed, typed and counted once per call instead of once per rate, and once per
    reference *day*: a quarter and a year share theirs with their last month. ``cuts``
    holds every age bound and ``leeftijd_tot`` of the definitions asked for; ``households``
    whether any asks for the household type. The members of a household on the day are
    exactly its residents that day, so its type is an aggregate over them (no second range
    join of the residences, as ``groups.household_types`` needs for a client's own day).
    """
    days = cal.select(dag=cal.laatste_dag).distinct()
    r = v.join(days, [v.van <= days.dag, _open(v.tot) > days.dag])
    j = r.select(
        "dag",
        "gm",
        "wk",
        "bu",
        "lading",
        "hh",
        "geslacht",
        leeftijd=age_band(age_on(r.geboortemaand, r.dag), cuts),
        volw=is_adult(r.geboortemaand, r.dag).cast("int64"),
    )
    if households:
        h = j.filter(j.hh.notnull()).view()
        # own key names: Ibis would read the j columns of the same name from this side
        h = h.group_by(h_hh=h.hh, h_dag=h.dag).aggregate(volw=h.volw.sum(), kind=(1 - h.volw).sum())
        t = j.left_join(h, [j.hh == h.h_hh, j.dag == h.h_dag])
        soort = ibis.cases((j.hh.isnull(), ONBEKEND), else_=household_type(h.volw, h.kind))
        t = t.select(*[j[c] for c in j.columns if c not in ("hh", "volw")], huishoudtype=soort)
    else:
        t = j.drop("hh", "volw").mutate(huishoudtype=ibis.literal(ONBEKEND))
    # the lading is a key, not a distinct list: one aggregate (a residence has one lading)
    keys = ["dag", "gm", "wk", "bu", "leeftijd", "geslacht", "huishoudtype", "lading"]
    g = t.group_by(keys).aggregate(inw=t.count())
    k = g.join(cal, g.dag == cal.laatste_dag)
    return k.select(cal.periodesoort, cal.periode, *[g[c] for c in [*keys[1:], "inw"]])


def client_facts(
    tables: dict[str, ir.Table],
    cal: ir.Table,
    areas: ir.Table,
    wet: str,
    cuts: list[int],
    households: bool,
) -> ir.Table:
    """Per allocation of the law and period it overlaps: the person placed in the area of
    the period (not yet stacked into levels) with the person's groups.

    Every client family of the law (clients, per category, per group, per 1,000, without a
    residence) counts from this one table, so the range join with the calendar, the
    placement and the household typing run once per law instead of once per indicator.
    """
    t = _allocations_of(tables, wet)
    f = t.join(cal, [t.ingangsdatum < cal.eind, _open(t.einddatum) >= cal.begin])
    f = f.select(
        persoon_id=t.persoon_id,
        periodesoort=cal.periodesoort,
        periode=cal.periode,
        fact_gm=t.gemeentecode,
        productcategorie=t.productcategorie.fill_null("onbekend"),
        lading=t.lading_id,
        laatste_dag=cal.laatste_dag,
    )
    a = areas
    j = f.left_join(
        a, [f.persoon_id == a.persoon_id, f.periodesoort == a.periodesoort, f.periode == a.periode]
    )
    placed = j.select(
        *[f[c] for c in f.columns if c != "fact_gm"],
        gm=a.res_gm.fill_null(f.fact_gm),
        wk=a.wk,
        bu=a.bu,
        res_lading=a.res_lading,
        wonend=a.res_gm.notnull(),
        hh=a.hh,
        hh_dag=a.hh_dag,
    )
    g = _with_groups(placed, tables, cuts, households, day="laatste_dag", hh_day="hh_dag")
    return g.drop("laatste_dag", "hh", "hh_dag")


def _allocations(ctx: Context, wet: str) -> ir.Table:
    return _allocations_of(ctx.tables, wet)


def _allocations_of(tables: dict[str, ir.Table], wet: str) -> ir.Table:
    t = tables["toewijzing"]
    t = t.filter(t.wet == wet, t.einddatum.isnull() | (t.einddatum >= t.ingangsdatum))
    return t.mutate(tdatum=t.toewijzingsdatum.fill_null(t.ingangsdatum))


def _open(day: ir.DateValue) -> ir.DateValue:
    """An open end (NULL) as a far date: a plain comparison lets the engine use a range join."""
    return day.fill_null(OPEN_END)


def _in_period(day: ir.DateValue, cal: ir.Table) -> list[ir.BooleanValue]:
    return [day >= cal.begin, day < cal.eind]


def _levels(t: ir.Table, niveaus: Sequence[str] = LEVELS) -> ir.Table:
    """Stack a table with columns gm/wk/bu into niveau + gebiedscode (the ``niveaus``).

    Unnesting a three-element array reads the input once (a UNION of three selects would
    make the engine compute the joins below it three times).
    """
    keep = [c for c in t.columns if c not in ("gm", "wk", "bu")]
    s = t.mutate(niveau=ibis.array([n for n in LEVELS if n in niveaus]).unnest())
    code = ibis.cases((s.niveau == "gemeente", s.gm), (s.niveau == "wijk", s.wk), else_=s.bu)
    s = s.select(*keep, "niveau", gebiedscode=code)
    return s.filter(s.gebiedscode.notnull())


def _place(ctx: Context, facts: ir.Table, stacked: bool = True) -> ir.Table:
    """Give each fact (persoon_id, periodesoort, periode, fact_gm, ...) its areas, stacked
    into the levels (``stacked=False``: the gm/wk/bu columns, for ``_person_counts``)."""
    a = ctx.areas
    j = facts.left_join(
        a,
        [
            facts.persoon_id == a.persoon_id,
            facts.periodesoort == a.periodesoort,
            facts.periode == a.periode,
        ],
    )
    placed = j.select(
        *[facts[c] for c in facts.columns if c != "fact_gm"],
        gm=a.res_gm.fill_null(facts.fact_gm),
        wk=a.wk,
        bu=a.bu,
        res_lading=a.res_lading,
        wonend=a.res_gm.notnull(),
    )
    placed = placed.drop(*[c for c in ("laatste_dag", "hh", "hh_dag") if c in placed.columns])
    return _levels(placed) if stacked else placed


def _placed_in_periods(
    ctx: Context,
    t: ir.Table,
    day: ir.DateValue,
    fact_gm: ir.Value,
    stacked: bool = True,
    **columns: ir.Value,
) -> ir.Table:
    """The facts of ``t`` in every calendar period containing ``day``, placed (``_place``).

    ``columns`` are the facts' own columns beside persoon_id, the period and ``categorie``."""
    cal = ctx.cal
    f = t.join(cal, _in_period(day, cal)).select(
        persoon_id=t.persoon_id,
        periodesoort=cal.periodesoort,
        periode=cal.periode,
        fact_gm=fact_gm,
        categorie=ibis.literal(""),
        **columns,
    )
    return _place(ctx, f, stacked)


def _lineage(t: ir.Table, *columns: str) -> dict[str, ir.Value]:
    return {f"_l{i}": t[c].collect(distinct=True) for i, c in enumerate(columns)}


def _person_counts(
    f: ir.Table, lineage: list[str], d: Definition | None = None, **sums: str
) -> ir.Table:
    """Per ``KEYS``: ``n`` distinct persons, the ``sums`` and the lineage ``lin`` of placed,
    not yet stacked facts (``persoon_id``, the period, ``categorie``, gm/wk/bu).

    The facts go down to one row per person and area before the three levels are stacked:
    a person has one residence per period (and without one, one row per gemeente of their
    facts), so each stacked row is one person and a count replaces a distinct count. The
    lineage is made distinct per buurt before it is stacked. Both cut the rows the engine's
    distinct aggregates see about threefold (the floor in ``benchmarks/sql_floor.sql`` does
    the same). With ``d`` only its levels and periods are made (the engine does not push
    the final filter down through the join of counts and lineage).
    """
    niveaus: Sequence[str] = LEVELS
    if d is not None:
        f, niveaus = f.filter(f.periodesoort.isin(list(d.periodes))), d.niveaus
    area = ["periodesoort", "periode", "categorie", "gm", "wk", "bu"]
    per = f.group_by([*area, "persoon_id"]).aggregate(
        **{name: f[column].sum() for name, column in sums.items()}
    )
    s = _levels(per, niveaus)
    g = s.group_by(KEYS).aggregate(n=s.count(), **{name: s[name].sum() for name in sums})
    u = f.select(*area, lading=ibis.array([f[c] for c in lineage]).unnest())
    u = u.filter(u.lading.notnull()).distinct()
    u = _levels(u, niveaus)
    lin = u.group_by(KEYS).aggregate(lin=u.lading.collect(distinct=True))
    j = g.left_join(lin, [g[k] == lin[k] for k in KEYS])
    return j.select(*[g[c] for c in g.columns], lin=lin.lin)


def _merge_lineage(g: ir.Table) -> ir.Table:
    """Combine the ``_l*`` arrays into one ``lin`` array (after aggregation: cheap)."""
    parts = sorted(c for c in g.columns if c.startswith("_l"))
    if not parts:  # ``_person_counts`` made ``lin`` already
        return g
    merged: Any = g[parts[0]]
    for name in parts[1:]:
        merged = merged.union(g[name])
    return g.mutate(lin=merged).drop(*parts)


def _as_row(g: ir.Table, teller: Any, noemer: Any, waarde: Any) -> ir.Table:
    g = _merge_lineage(g)
    return g.select(
        *KEYS,
        teller=teller(g).cast("float64"),
        noemer=noemer(g).cast("float64") if noemer is not None else ibis.null("float64"),
        waarde=waarde(g).cast("float64"),
        n=g.n.cast("int64"),
        lin=g.lin,
    )


def _group_label(t: ir.Table, d: Definition) -> ir.StringValue:
    """The ``categorie`` of a group definition, from the group columns of a helper table."""
    if d.groep == "huishouden":
        return t.huishoudtype
    if d.groep == "geslacht":
        return t.geslacht
    if d.groep == "leeftijd":
        return age_label(t.leeftijd, bounds(d.parameters.get("grenzen", "")))
    raise ValueError(f"onbekende groep: {d.groep}")


def clienten(ctx: Context, d: Definition, wonend: bool | None = None) -> ir.Table:
    """Distinct persons with an allocation of the law overlapping the period.

    ``wonend`` True keeps only clients with a residence in the period (the population of
    a rate), False only those without one (counted under the allocation's gemeente).
    """
    f = ctx.clients[d.wet]
    if d.groep is not None:
        categorie = _group_label(f, d)
    elif d.per_categorie:
        categorie = f.productcategorie
    else:
        categorie = ibis.literal("")
    age = d.parameters.get("leeftijd_tot")
    if wonend and age is not None and d.groep != "leeftijd":  # the rate's age population
        f = f.filter(f.leeftijd < int(age))
    if wonend is not None:
        f = f.filter(f.wonend == wonend)
    f = f.select(
        "persoon_id",
        "periodesoort",
        "periode",
        "lading",
        "res_lading",
        "gm",
        "wk",
        "bu",
        categorie=categorie,
    )
    g = _person_counts(f, ["lading", "res_lading"], d)
    return _as_row(g, lambda r: r.n, None, lambda r: r.n)


def clienten_zonder_woonadres(ctx: Context, d: Definition) -> ir.Table:
    """Clients with no residence in the warehouse during the period (gemeente level only).

    They stay out of every rate per 1,000 (the inhabitants are residents only), so they are
    reported here, under the gemeentecode of their allocation.
    """
    return clienten(ctx, d, wonend=False)


def inhabitants(ctx: Context, leeftijd_tot: int | None, d: Definition | None = None) -> ir.Table:
    """Persons living in the area on the last day of the period (optionally under an age),
    per group of ``d.groep`` when the definition has one (in ``categorie``).

    Counted as residence rows covering that day (the BRP gives a person one address on a
    given day), per buurt first (``inhabitant_groups``) and summed upwards: a distinct
    count over (inhabitants x periods x levels) rows would cost the engine several times more.
    """
    if ctx.inhabitants is None:
        raise ValueError("inhabitants need the helper table of inhabitant_groups")
    j = ctx.inhabitants
    if leeftijd_tot is not None:
        j = j.filter(j.leeftijd < leeftijd_tot)
    groups = []
    niveaus: Sequence[str] = LEVELS
    if d is not None:
        j, niveaus = j.filter(j.periodesoort.isin(list(d.periodes))), d.niveaus
    if d is not None and d.groep is not None:
        j = j.mutate(categorie=_group_label(j, d))
        groups = ["categorie"]
    cols = ["periodesoort", "periode", "gm", "wk", "bu", "inw", "lading", *groups]
    s = _levels(j.select(*cols), niveaus)
    return s.group_by([*PERIOD_KEYS, *groups]).aggregate(
        inwoners=s.inw.sum(), inh_lin=s.lading.collect(distinct=True)
    )


def clienten_per_1000(ctx: Context, d: Definition) -> ir.Table:
    """Resident clients per 1,000 inhabitants on the reference day of the period.

    Numerator and denominator are one population: clients with a residence in the area in
    the period (and, with ``leeftijd_tot``, younger than that on the reference day);
    clients without a residence are in ``clienten_zonder_woonadres`` instead.
    """
    age = d.parameters.get("leeftijd_tot")
    if d.groep == "leeftijd":  # each age group is its own denominator
        age = None
    c = clienten(ctx, d.model_copy(update={"per_categorie": False}), wonend=True)
    inh = inhabitants(ctx, int(age) if age is not None else None, d)
    keys = PERIOD_KEYS if d.groep is None else KEYS
    j = c.left_join(inh, [c[k] == inh[k] for k in keys])
    return j.select(
        *[c[k] for k in KEYS],
        teller=c.teller,
        noemer=inh.inwoners.cast("float64"),
        waarde=1000.0 * c.teller / inh.inwoners.cast("float64"),
        n=c.n,
        # no inhabitants known: the clients' lineage alone (Spark's union with NULL is NULL)
        lin=c.lin.union(inh.inh_lin.fill_null(c.lin)),
    )


def actieve_toewijzingen(ctx: Context, d: Definition) -> ir.Table:
    """Allocations running on the last day of the period."""
    t, cal = _allocations(ctx, d.wet), ctx.cal
    f = t.join(
        cal,
        [
            t.ingangsdatum <= cal.laatste_dag,
            _open(t.einddatum) >= cal.laatste_dag,
        ],
    ).select(
        persoon_id=t.persoon_id,
        periodesoort=cal.periodesoort,
        periode=cal.periode,
        fact_gm=t.gemeentecode,
        categorie=ibis.literal(""),
        # one row per allocation and period (toewijzing_id is the key): a count is distinct
        een=ibis.literal(1, type="int64"),
        lading=t.lading_id,
    )
    g = _person_counts(_place(ctx, f, False), ["lading", "res_lading"], d, aantal="een")
    return _as_row(g, lambda r: r.aantal, None, lambda r: r.aantal)


def _event_counts(ctx: Context, events: ir.Table, d: Definition) -> ir.Table:
    """Distinct persons per period of an event table (persoon_id, dag, fact_gm, lading)."""
    p = _placed_in_periods(ctx, events, events.dag, events.fact_gm, False, lading=events.lading)
    g = _person_counts(p, ["lading", "res_lading"], d)
    return _as_row(g, lambda r: r.n, None, lambda r: r.n)


def _inflow_starts(ctx: Context, wet: str, days: int) -> ir.Table:
    """Allocations that start with no allocation of the law in the ``days`` before."""
    a = _allocations(ctx, wet)
    b = a.view()
    return a.anti_join(
        b,
        [
            a.persoon_id == b.persoon_id,
            b.ingangsdatum < a.ingangsdatum,
            _open(b.einddatum) >= a.ingangsdatum - ibis.interval(days=days),
        ],
    )


def instroom(ctx: Context, d: Definition) -> ir.Table:
    """Persons whose allocation starts with no allocation of the law in the days before."""
    start = _inflow_starts(ctx, d.wet, int(d.parameters.get("dagen", 365)))
    events = start.select(
        persoon_id=start.persoon_id,
        dag=start.ingangsdatum,
        fact_gm=start.gemeentecode,
        lading=start.lading_id,
    )
    return _event_counts(ctx, events, d)


def uitstroom(ctx: Context, d: Definition) -> ir.Table:
    """Persons whose allocation ends with no allocation of the law in the days after."""
    days = int(d.parameters.get("dagen", 365))
    a = _allocations(ctx, d.wet)
    a = a.filter(a.einddatum.notnull())
    b = _allocations(ctx, d.wet).view()
    end = a.anti_join(
        b,
        [
            a.persoon_id == b.persoon_id,
            b.ingangsdatum <= a.einddatum + ibis.interval(days=days),
            _open(b.einddatum) > a.einddatum,
        ],
    )
    events = end.select(
        persoon_id=end.persoon_id, dag=end.einddatum, fact_gm=end.gemeentecode, lading=end.lading_id
    )
    return _event_counts(ctx, events, d)


def placed_days(ctx: Context, berekening: str, wet: str) -> ir.Table:
    """The day counts of a duration family (``DAYS``) per period of ``dag``, placed and
    stacked into levels: its median and its 90th percentile read this one table
    (``compute_indicators`` makes it once per family and law)."""
    w = DAYS[berekening](ctx, wet)
    return _placed_in_periods(
        ctx, w, w.dag, w.fact_gm, dagen=w.dagen.cast("float64"), l1=w.l1, l2=w.l2
    )


def day_statistic(ctx: Context, d: Definition) -> ir.Table:
    """Quantile (``kwantiel``) of the days of a duration family per area and period."""
    q = float(d.parameters.get("kwantiel", 0.5))
    p = ctx.days[(d.berekening, d.wet)]
    g = p.group_by(KEYS).aggregate(
        aantal=p.count(),
        n=p.persoon_id.nunique(),
        stat=p.dagen.quantile(q),
        **_lineage(p, "l1", "l2", "res_lading"),
    )
    return _as_row(g, lambda r: r.aantal, None, lambda r: r.stat)


def _request_to_allocation(ctx: Context, wet: str) -> ir.Table:
    """Days from a 315 request line to the first matching 301 allocation on/after it."""
    v = ctx.t("verzoek")
    v = v.filter(v.berichttype == "315", v.wet == wet)
    t = _allocations(ctx, wet)
    j = v.join(
        t,
        [
            v.persoon_id == t.persoon_id,
            v.aanbieder == t.aanbieder,
            v.productcategorie.identical_to(t.productcategorie),
            t.tdatum >= v.ontvangen,
        ],
    ).select(
        bericht_id=v.bericht_id,
        regel=v.regel,
        persoon_id=v.persoon_id,
        fact_gm=v.gemeentecode,
        ontvangen=v.ontvangen,
        dag=t.tdatum,
        toewijzing_id=t.toewijzing_id,
        l1=v.lading_id,
        l2=t.lading_id,
    )
    first = ibis.row_number().over(
        group_by=[j.bericht_id, j.regel], order_by=[j.dag, j.toewijzing_id]
    )
    j = j.mutate(rn=first).filter(lambda r: r.rn == 0)
    return j.mutate(dagen=j.dag.delta(j.ontvangen, unit="day"))


def _allocation_to_start(ctx: Context, wet: str) -> ir.Table:
    """Days from the allocation date to the first delivery start (0 when care came first)."""
    lev = ctx.t("levering")
    lev = lev.filter(lev.wet == wet)
    first = lev.group_by("toewijzing_id").aggregate(
        start=lev.start.min(), l2=lev.lading_id.argmin(lev.start)
    )
    t = _allocations(ctx, wet)
    j = t.join(first, t.toewijzing_id == first.toewijzing_id).select(
        persoon_id=t.persoon_id,
        fact_gm=t.gemeentecode,
        dag=first.start,
        dagen=ibis.greatest(first.start.delta(t.tdatum, unit="day"), 0),
        l1=t.lading_id,
        l2=first.l2,
    )
    return j


def _allocation_length(ctx: Context, wet: str) -> ir.Table:
    """Length in days (both ends included) of allocations that ended in the period."""
    t = _allocations(ctx, wet)
    t = t.filter(t.einddatum.notnull())
    return t.select(
        persoon_id=t.persoon_id,
        fact_gm=t.gemeentecode,
        dag=t.einddatum,
        dagen=t.einddatum.delta(t.ingangsdatum, unit="day") + 1,
        l1=t.lading_id,
        l2=t.lading_id,
    )


# The duration families: (persoon_id, fact_gm, dag, dagen, l1, l2) per request, allocation...
DAYS: dict[str, Callable[[Context, str], ir.Table]] = {
    "wachttijd_verzoek_toewijzing": _request_to_allocation,
    "wachttijd_toewijzing_start": _allocation_to_start,
    "duur_toewijzing": _allocation_length,
}


def claim_totals(ctx: Context, wet: str) -> ir.Table:
    """Per area and period: net cents, persons with a claim line, lineage (both cost
    families read it; ``compute_indicators`` makes it once per law)."""
    c = ctx.t("declaratie")
    c = c.filter(c.wet == wet)
    p = _placed_in_periods(
        ctx,
        c,
        c.periode_begin,
        c.gemeentecode,
        False,
        bedrag_cent=c.bedrag_cent,
        lading=c.lading_id,
    )
    return _person_counts(p, ["lading", "res_lading"], cent="bedrag_cent")


def _euro(g: ir.Table) -> ir.FloatingValue:
    """Cents as euros in floating point (Spark would read ``100.0`` as a decimal and round)."""
    return g.cent.cast("float64") / 100.0


def kosten(ctx: Context, d: Definition) -> ir.Table:
    """Net declared amount in euros, by the period in which the claimed period begins."""
    return _as_row(ctx.claims[d.wet], _euro, None, _euro)


def kosten_per_client(ctx: Context, d: Definition) -> ir.Table:
    """Net declared euros divided by the persons with a claim line in the period."""
    return _as_row(ctx.claims[d.wet], _euro, lambda r: r.n, lambda r: _euro(r) / r.n)


def _share(p: ir.Table, per_person: bool = False) -> ir.Table:
    """A share in percent of placed facts (``ja`` boolean, ``eenheid`` to count).

    ``teller`` counts the units with ``ja``, ``noemer`` all units. ``n``, the persons the
    disclosure rule looks at, is the smaller of the persons with ``ja`` and those without
    (a share reveals both groups: 96% of 50 tells that two were not), or the one group
    there is; the one protection step then rounds teller and noemer and computes the share
    again from the rounded counts, as for every rate. ``per_person``: the unit is the
    person, who is "ja" when any of their facts is, so the others are all minus those.
    """
    g = p.group_by(KEYS).aggregate(
        alle=p.eenheid.nunique(),
        ja=p.eenheid.nunique(where=p.ja),
        n_ja=p.persoon_id.nunique(where=p.ja),
        n_nee=p.persoon_id.nunique(where=~p.ja),
        **_lineage(p, "l1", "l2", "res_lading"),
    )
    if per_person:
        g = g.mutate(n_nee=g.alle - g.ja)
    g = g.mutate(
        n=ibis.cases(
            ((g.n_ja > 0) & (g.n_nee > 0), ibis.least(g.n_ja, g.n_nee)),
            (g.n_ja > 0, g.n_ja),
            else_=g.n_nee,
        )
    )

    # floats before the factor: Spark would read ``100.0`` as a decimal and round
    def pct(r: ir.Table) -> ir.Value:
        return 100.0 * r.ja.cast("float64") / r.alle.cast("float64")

    return _as_row(g, lambda r: r.ja, lambda r: r.alle, pct)


def verzoek_binnen_norm(ctx: Context, d: Definition) -> ir.Table:
    """Share of 315 request lines answered by an allocation within ``norm_dagen`` days.

    The requests are those the waiting time measures (``_request_to_allocation``), counted in the
    period of the allocation, so teller and noemer sit beside its median and 90th
    percentile."""
    norm = int(d.parameters["norm_dagen"])
    j = _request_to_allocation(ctx, d.wet)
    p = _placed_in_periods(
        ctx,
        j,
        j.dag,
        j.fact_gm,
        eenheid=j.bericht_id.cast("string") + "/" + j.regel.cast("string"),
        ja=j.dag.delta(j.ontvangen, unit="day") <= norm,
        l1=j.l1,
        l2=j.l2,
    )
    return _share(p)


def instroom_met_verzoek(ctx: Context, d: Definition) -> ir.Table:
    """Share of the inflow (persons) whose starting allocation answered a 315 request.

    The noemer is exactly ``instroom_<wet>``: the same starts, placed the same way."""
    start = _inflow_starts(ctx, d.wet, int(d.parameters.get("dagen", 365)))
    pairs = _request_to_allocation(ctx, d.wet).select("toewijzing_id").distinct()
    asked = start.left_join(pairs, start.toewijzing_id == pairs.toewijzing_id).select(
        persoon_id=start.persoon_id,
        dag=start.ingangsdatum,
        fact_gm=start.gemeentecode,
        ja=pairs.toewijzing_id.notnull(),
        lading=start.lading_id,
    )
    p = _placed_in_periods(
        ctx,
        asked,
        asked.dag,
        asked.fact_gm,
        eenheid=asked.persoon_id,
        ja=asked.ja,
        l1=asked.lading,
        l2=asked.lading,
    )
    return _share(p, per_person=True)


FAMILIES: dict[str, Callable[[Context, Definition], ir.Table]] = {
    "clienten": clienten,
    "clienten_per_1000": clienten_per_1000,
    "clienten_zonder_woonadres": clienten_zonder_woonadres,
    "actieve_toewijzingen": actieve_toewijzingen,
    "instroom": instroom,
    "uitstroom": uitstroom,
    "wachttijd_verzoek_toewijzing": day_statistic,
    "wachttijd_toewijzing_start": day_statistic,
    "duur_toewijzing": day_statistic,
    "kosten": kosten,
    "kosten_per_client": kosten_per_client,
    "verzoek_binnen_norm": verzoek_binnen_norm,
    "instroom_met_verzoek": instroom_met_verzoek,
}
