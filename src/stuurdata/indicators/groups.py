"""Population groups for indicator breakdowns: age group, sex and household type.

A group indicator (``groep`` in its YAML) puts the group label in the ``categorie`` column.
Every person falls in exactly one group per period, so the groups of an indicator add up to
its total; disclosure control relies on that (``privacy.secondary`` treats
``clienten_naar_<groep>_<wet>`` as the categories of ``clienten_<wet>``).

The decisions, also stated in plain Dutch in the YAML files:

* **Age** in whole years on the last day of the period (birth month taken as day 1, the
  only part of the birth date the warehouse keeps). The bounds come from the definition
  (``grenzen: "18,65,75,85"`` gives 0-17, 18-64, 65-74, 75-84, 85+).
* **Sex** as registered in the BRP (COD046): man, vrouw, onbekend.
* **Household type** from who lives in the household on one day: for the denominator the
  last day of the period; for a client the last day of the residence the period uses (so a
  client who died or moved away keeps the household they lived in). The BRP extract has no
  relationships, so the type follows from ages only: adults are 18 or older; two adults are
  a *paar*. Three or more adults (e.g. a couple with an adult child) is *overig*.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

GROEPEN = ("leeftijd", "geslacht", "huishouden")
ONBEKEND = "onbekend"
VOLWASSEN = 18
_OPEN_END = ibis.date(9999, 12, 31)


def bounds(text: str | int | float) -> list[int]:
    """``"18,65,75"`` -> [18, 65, 75] (the YAML keeps parameters as scalars)."""
    return [int(part) for part in str(text).split(",") if part.strip()]


def age_labels(grenzen: list[int]) -> list[str]:
    """Labels for the bounds: 0-17, 18-64, ..., 85+ (in this order in the report)."""
    lows = [0, *grenzen]
    return [f"{lo}-{hi - 1}" for lo, hi in zip(lows, grenzen, strict=False)] + [f"{lows[-1]}+"]


def age_on(geboortemaand: ir.DateValue, dag: ir.DateValue) -> ir.IntegerValue:
    """Whole years between the birth month (day 1) and ``dag``."""
    months = (dag.year() - geboortemaand.year()) * 12 + (dag.month() - geboortemaand.month())
    return (months / 12).floor().cast("int64")


def age_band(age: ir.IntegerValue, cuts: list[int]) -> ir.IntegerValue:
    """The lower end of the band between ``cuts`` that holds ``age`` (NULL stays NULL).

    Helper tables keep a band instead of the age, so they stay small: with every bound of
    ``age_label`` and every ``leeftijd_tot`` among the cuts, the band answers both exactly
    (``band < 23`` holds when ``age < 23`` does).
    """
    cuts = sorted(set(cuts))
    lows = [0, *cuts]
    branches = [(age < cut, low) for low, cut in zip(lows, cuts, strict=False)]
    return ibis.cases((age.isnull(), ibis.null("int64")), *branches, else_=lows[-1]).cast("int64")


def age_label(age: ir.IntegerValue, grenzen: list[int]) -> ir.StringValue:
    """The age group of ``age`` (NULL -> onbekend)."""
    labels = age_labels(grenzen)
    branches = [(age < bound, label) for bound, label in zip(grenzen, labels, strict=False)]
    return ibis.cases((age.isnull(), ONBEKEND), *branches, else_=labels[-1])


def sex_label(code: ir.StringValue) -> ir.StringValue:
    """COD046 code as a Dutch word."""
    return ibis.cases((code == "1", "man"), (code == "2", "vrouw"), else_=ONBEKEND)


def household_types(verblijf: ir.Table, persoon: ir.Table, keys: ir.Table) -> ir.Table:
    """Type of each household on a day: ``keys`` (hh, dag) -> (hh, dag, huishoudtype).

    Members are the residences of the household covering ``dag``; a member without a known
    birth month counts as an adult.
    """
    k = keys.distinct()
    v = verblijf.view()  # keys usually come from verblijf too: a self-join needs a view
    v = v.filter(v.huishouden_id.notnull())
    m = k.join(v, [k.hh == v.huishouden_id, v.van <= k.dag, v.tot.fill_null(_OPEN_END) > k.dag])
    m = m.select(hh=k.hh, dag=k.dag, persoon_id=v.persoon_id)
    pe = persoon.view()
    m = m.left_join(pe, m.persoon_id == pe.persoon_id).select(
        m.hh, m.dag, geboortemaand=pe.geboortemaand
    )
    adult = is_adult(m.geboortemaand, m.dag)
    m = m.mutate(volw=adult.cast("int64"), kind=(~adult).cast("int64"))
    g = m.group_by(["hh", "dag"]).aggregate(volw=m.volw.sum(), kind=m.kind.sum())
    return g.select(g.hh, g.dag, huishoudtype=household_type(g.volw, g.kind))


def is_adult(geboortemaand: ir.DateValue, dag: ir.DateValue) -> ir.BooleanValue:
    """An adult on ``dag`` for the household type (unknown birth month: adult)."""
    return age_on(geboortemaand, dag).fill_null(VOLWASSEN) >= VOLWASSEN


def household_type(volw: ir.IntegerValue, kind: ir.IntegerValue) -> ir.StringValue:
    """The type of a household of ``volw`` adults and ``kind`` children."""
    return ibis.cases(
        ((volw == 1) & (kind == 0), "alleenstaand"),
        ((volw == 1) & (kind > 0), "eenoudergezin"),
        ((volw == 2) & (kind == 0), "paar zonder kinderen"),
        ((volw == 2) & (kind > 0), "paar met kinderen"),
        else_="overig",
    )


def label(
    facts: ir.Table,
    tables: dict[str, ir.Table],
    groep: str,
    grenzen: list[int],
    *,
    day: str = "laatste_dag",
    hh: str = "hh",
) -> ir.Table:
    """``facts`` with ``categorie`` set to the person's group on ``facts[day]``.

    ``facts`` needs ``persoon_id`` and the day column; for households also the household
    pseudonym in column ``hh`` (NULL -> onbekend).
    """
    if groep not in GROEPEN:
        raise ValueError(f"onbekende groep: {groep}")
    rest = [c for c in facts.columns if c != "categorie"]
    if groep == "huishouden":
        keys = facts.filter(facts[hh].notnull()).select(hh=facts[hh], dag=facts[day])
        types = household_types(tables["verblijf"], tables["persoon"], keys).view()
        j = facts.left_join(types, [facts[hh] == types.hh, facts[day] == types.dag])
        return j.select(*[facts[c] for c in rest], categorie=types.huishoudtype.fill_null(ONBEKEND))
    p = tables["persoon"].view()
    j = facts.left_join(p, facts.persoon_id == p.persoon_id)
    if groep == "geslacht":
        categorie = sex_label(p.geslacht)
    else:
        categorie = age_label(age_on(p.geboortemaand, facts[day]), grenzen)
    return j.select(*[facts[c] for c in rest], categorie=categorie)
