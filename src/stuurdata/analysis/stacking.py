"""Stacking (stapeling): which combinations of provisions persons and households have at once.

Households that receive Wmo, youth care, social assistance and debt help at the same time are
where integral work pays off. Counts are per combination of domains (an UpSet-style view), for
persons and for households, for the municipality and per wijk (how many have at least one and
at least two domains), and for households per CBS grid square of 100 m and 500 m when the BRP
extract came with coordinates (``verblijf.vierkant``). Everything published passes
``privacy.disclosure.protect``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd

from stuurdata.analysis.base import (
    DOMAINS,
    OPEN_END,
    Periode,
    by_region_person,
    person_domains_expr,
)
from stuurdata.engine.base import Engine, as_engine

DEFINITIE = (
    "Aantal personen (of huishoudens) dat in de periode tegelijk voorzieningen uit deze "
    "domeinen had: Wmo, Jeugd, Participatiewet, schuldhulp en minimaregelingen. Een voorziening "
    "telt als ze de periode overlapt. Alleen inwoners van de gemeente in de periode tellen mee; "
    "de wijk is die van het laatste adres in de periode."
)
DEFINITIE_VIERKANT = (
    "Huishoudens met voorzieningen uit twee of meer van de vijf domeinen (Wmo, Jeugd, "
    "Participatiewet, schuldhulp, minimaregelingen) in de periode, als deel van de "
    "huishoudens met minstens één voorziening, per vierkant van het CBS (500 bij 500 meter). "
    "Het vierkant is dat van het laatste adres van het huishouden in de periode, berekend "
    "uit de RD-coördinaten van het adres in het BRP-bestand; huishoudens zonder coördinaten "
    "tellen niet mee."
)
GROOTTES = (100, 500)


@dataclass(frozen=True, slots=True)
class Stapeling:
    """Internal (unprotected) stacking figures of one period.

    ``combinaties``: eenheid (personen|huishoudens), combinatie, domeinen (count), aantal.
    ``per_wijk``: eenheid, wijkcode, met_voorziening, twee_of_meer, totaal (residents or
    households in the wijk), aandeel_twee_of_meer (% of those with any provision).
    ``per_vierkant``: households only; grootte (100 | 500), vierkant (CBS code), the same
    counts, one row per inhabited square; empty when no residence has a square.
    """

    periode: Periode
    combinaties: pd.DataFrame
    per_wijk: pd.DataFrame
    per_vierkant: pd.DataFrame = field(default_factory=lambda: _empty_squares())


_SQUARE_COLUMNS = [
    "grootte",
    "vierkant",
    "met_voorziening",
    "twee_of_meer",
    "totaal",
    "aandeel_twee_of_meer",
]


def _empty_squares() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in _SQUARE_COLUMNS})


def _latest_row(t: ir.Table, key: str, order: str) -> ir.Table:
    """The row with the greatest ``order`` per ``key`` (its NULLs kept, unlike ``argmax``)."""
    rank = ibis.row_number().over(group_by=t[key], order_by=ibis.desc(t[order]))
    return t.mutate(_rn=rank).filter(lambda r: r._rn == 0).drop("_rn")


def household_squares_expr(tables: dict[str, ir.Table], periode: Periode) -> ir.Table:
    """``household_squares`` as one Ibis expression."""
    v = by_region_person(tables)["verblijf"]
    v = v.filter(v.van < periode.tot, v.tot.fill_null(OPEN_END) > periode.van)
    hh = v.group_by("persoon_id").aggregate(
        huishouden_id=v.huishouden_id.argmax(v.van, where=v.huishouden_id.notnull())
    )
    last = _latest_row(v, "persoon_id", "van").select("persoon_id", "vierkant", "van")
    per = last.join(hh, "persoon_id")
    per = per.select(
        huishouden_id=per.huishouden_id.fill_null("persoon:" + per.persoon_id),
        vierkant=per.vierkant,
        van=per.van,
    )
    return _latest_row(per, "huishouden_id", "van").select("huishouden_id", "vierkant")


def household_squares(con: duckdb.DuckDBPyConnection | Engine, periode: Periode) -> pd.DataFrame:
    """The 100 m square of each resident household (``huishouden_id``, ``vierkant``).

    The rule is the one for the buurt (``analysis.base.person_domains``): a person's latest
    residence in the period, the household's latest residence of any member. Unlike the
    buurt, a latest residence without a square gives no square: an older address would put
    the household where it no longer lives.
    """
    engine = as_engine(con)
    return engine.execute(household_squares_expr(engine.tables, periode)).to_pandas()


def _square_500(code: ir.StringValue) -> ir.StringValue:
    """``sources.vierkant.vierkant_500`` in Ibis: E1512N4418 -> E1510N4415."""

    def part(start: int) -> ir.StringValue:
        hm = code.substr(start, 4).cast("int64")
        return ((hm - hm % 5).cast("string")).lpad(4, "0")

    return "E" + part(1) + "N" + part(6)


def _counts(t: ir.Table, by: str) -> ir.Table:
    """Per ``by``: with at least one domain, with two or more, all (residents/households)."""
    return t.group_by(by).aggregate(
        met_voorziening=(t.n_dom > 0).cast("int64").sum(),
        twee_of_meer=(t.n_dom >= 2).cast("int64").sum(),
        totaal=t.count(),
    )


def _with_domains(t: ir.Table) -> ir.Table:
    """Add ``n_dom`` (number of domains) and ``combinatie`` (``wmo+minima``; "" for none)."""
    label = ibis.literal("")
    for d in DOMAINS:
        label = label + t[d].ifelse("+" + d, "")
    n_dom = sum((t[d].cast("int64") for d in DOMAINS), ibis.literal(0, type="int64"))
    return t.mutate(n_dom=n_dom, combinatie=label.substr(1))


def stacking_exprs(
    tables: dict[str, ir.Table], periode: Periode, gemeenten: Sequence[str] | None = None
) -> dict[str, ir.Table]:
    """The three results of ``stacking`` as Ibis expressions, aggregated on the engine."""
    persons = person_domains_expr(tables, periode, gemeenten)
    households = persons.group_by("huishouden_id").aggregate(
        wijkcode=persons.hh_wijkcode.max(),  # the same for every member
        **{d: persons[d].any() for d in DOMAINS},
    )
    units = {"personen": _with_domains(persons), "huishoudens": _with_domains(households)}
    combos, wijken = [], []
    for eenheid, t in units.items():
        f = t.filter(t.n_dom > 0)
        c = f.group_by("combinatie", "n_dom").aggregate(aantal=f.count())
        combos.append(
            c.select(
                eenheid=ibis.literal(eenheid),
                combinatie=c.combinatie,
                domeinen=c.n_dom,
                aantal=c.aantal,
            )
        )
        w = _counts(t.mutate(wijkcode=t.wijkcode.fill_null("onbekend")), "wijkcode")
        wijken.append(w.mutate(eenheid=ibis.literal(eenheid)))
    hh = units["huishoudens"]
    sq = household_squares_expr(tables, periode)
    placed = hh.join(sq, "huishouden_id").filter(lambda r: r.vierkant.notnull())
    squares = [
        _counts(placed.mutate(vierkant=placed.vierkant), "vierkant").mutate(
            grootte=ibis.literal(100, type="int64")
        ),
        _counts(placed.mutate(vierkant=_square_500(placed.vierkant)), "vierkant").mutate(
            grootte=ibis.literal(500, type="int64")
        ),
    ]
    return {
        "combinaties": ibis.union(*combos),
        "per_wijk": ibis.union(*wijken),
        "per_vierkant": ibis.union(*squares),
    }


def _share(frame: pd.DataFrame) -> pd.Series:
    base = frame["met_voorziening"]
    return 100 * frame["twee_of_meer"] / base.where(base > 0)


def stacking(
    con: duckdb.DuckDBPyConnection | Engine,
    periode: Periode,
    gemeenten: Sequence[str] | None = None,
) -> Stapeling:
    """Count combinations of domains per person and per household in ``periode``.

    ``gemeenten``: only residents of these (see ``base.person_domains``).

    ``con`` is a warehouse or any engine (DuckDB, Spark): the counting runs on the engine in
    one expression per result; only the aggregated rows come back.
    """
    engine = as_engine(con)
    parts = {
        name: engine.execute(expr).to_pandas()
        for name, expr in stacking_exprs(engine.tables, periode, gemeenten).items()
    }
    counts = ["met_voorziening", "twee_of_meer", "totaal"]
    combinaties = parts["combinaties"].astype({"domeinen": "int64", "aantal": "int64"})
    combinaties = combinaties.sort_values(
        ["eenheid", "aantal", "combinatie"], ascending=[True, False, True], ignore_index=True
    )[["eenheid", "combinatie", "domeinen", "aantal"]]
    per_wijk = parts["per_wijk"].astype(dict.fromkeys(counts, "int64"))
    per_wijk = per_wijk.sort_values(["eenheid", "wijkcode"], ascending=[False, True])
    per_wijk["aandeel_twee_of_meer"] = _share(per_wijk)
    squares = parts["per_vierkant"]
    if squares.empty:
        return Stapeling(periode, combinaties, _wijk_columns(per_wijk))
    squares = squares.astype({**dict.fromkeys(counts, "int64"), "grootte": "int64"})
    squares = squares.sort_values(["grootte", "vierkant"], ignore_index=True)
    squares["aandeel_twee_of_meer"] = _share(squares)
    return Stapeling(periode, combinaties, _wijk_columns(per_wijk), squares[_SQUARE_COLUMNS])


def _wijk_columns(per_wijk: pd.DataFrame) -> pd.DataFrame:
    cols = ["eenheid", "wijkcode", "met_voorziening", "twee_of_meer", "totaal"]
    return per_wijk[[*cols, "aandeel_twee_of_meer"]].reset_index(drop=True)
