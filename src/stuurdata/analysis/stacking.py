"""Stacking (stapeling): which combinations of provisions persons and households have at once.

Households that receive Wmo, youth care, social assistance and debt help at the same time are
where integral work pays off. Counts are per combination of domains (an UpSet-style view), for
persons and for households, for the municipality and per wijk (how many have at least one and
at least two domains), and for households per CBS grid square of 100 m and 500 m when the BRP
extract came with coordinates (``verblijf.vierkant``). These are internal counts: they
leave only as rows of a publication (``publication.integraal``), protected by ``publiceer``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from stuurdata.analysis.base import DOMAINS, Periode, combination, person_domains
from stuurdata.sources.vierkant import vierkant_500

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


def household_squares(con: duckdb.DuckDBPyConnection, periode: Periode) -> pd.DataFrame:
    """The 100 m square of each resident household (``huishouden_id``, ``vierkant``).

    The rule is the one for the buurt (``analysis.base.person_domains``): a person's latest
    residence in the period, the household's latest residence of any member. Unlike the
    buurt, a latest residence without a square gives no square (``arg_max_null``): an
    older address would put the household where it no longer lives.
    """
    sql = """
    WITH res AS (
        SELECT persoon_id,
               arg_max(huishouden_id, van) AS huishouden_id,
               arg_max_null(vierkant, van) AS vierkant,
               max(van) AS laatste_van
        FROM verblijf
        WHERE van < $tot AND coalesce(tot, DATE '9999-12-31') > $van
        GROUP BY persoon_id
    )
    SELECT coalesce(huishouden_id, 'persoon:' || persoon_id) AS huishouden_id,
           arg_max_null(vierkant, laatste_van) AS vierkant
    FROM res GROUP BY 1
    """
    return con.execute(sql, {"van": periode.van, "tot": periode.tot}).df()


def _per_square(
    con: duckdb.DuckDBPyConnection, periode: Periode, households: pd.DataFrame
) -> pd.DataFrame:
    """Households with >= 1 and >= 2 domains per 100 m and 500 m square."""
    squares = household_squares(con, periode)
    frame = households[["huishouden_id"]].assign(n_dom=households[list(DOMAINS)].sum(axis=1))
    frame = frame.merge(squares, on="huishouden_id", how="inner")
    frame = frame[frame["vierkant"].notna()]
    if frame.empty:
        return _empty_squares()
    codes = {100: frame["vierkant"], 500: frame["vierkant"].map(vierkant_500)}
    parts = []
    for grootte in GROOTTES:
        part = (
            pd.DataFrame(
                {
                    "vierkant": codes[grootte].to_numpy(),
                    "met_voorziening": (frame["n_dom"] > 0).to_numpy(),
                    "twee_of_meer": (frame["n_dom"] >= 2).to_numpy(),
                }
            )
            .groupby("vierkant")
            .agg(
                met_voorziening=("met_voorziening", "sum"),
                twee_of_meer=("twee_of_meer", "sum"),
                totaal=("met_voorziening", "size"),
            )
            .reset_index()
        )
        parts.append(part.assign(grootte=grootte))
    out = pd.concat(parts, ignore_index=True)
    out["aandeel_twee_of_meer"] = (
        100 * out["twee_of_meer"] / out["met_voorziening"].where(out["met_voorziening"] > 0)
    )
    return out[_SQUARE_COLUMNS]


def stacking(
    con: duckdb.DuckDBPyConnection, periode: Periode, gemeenten: Sequence[str] | None = None
) -> Stapeling:
    """Count combinations of domains per person and per household in ``periode``.

    ``gemeenten``: only residents of these (see ``base.person_domains``).
    """
    persons = person_domains(con, periode, gemeenten)
    households = (
        persons.groupby("huishouden_id", sort=False)
        .agg({**{d: "any" for d in DOMAINS}, "hh_wijkcode": "first", "hh_buurtcode": "first"})
        .reset_index()
        .rename(columns={"hh_wijkcode": "wijkcode", "hh_buurtcode": "buurtcode"})
    )
    combos, wijken = [], []
    for eenheid, frame in (("personen", persons), ("huishoudens", households)):
        n_dom = frame[list(DOMAINS)].sum(axis=1)
        label = combination(frame)
        counted = pd.DataFrame({"combinatie": label, "domeinen": n_dom})[n_dom > 0]
        c = counted.groupby(["combinatie", "domeinen"]).size().rename("aantal").reset_index()
        combos.append(c.assign(eenheid=eenheid))
        w = (
            pd.DataFrame(
                {
                    "wijkcode": frame["wijkcode"].fillna("onbekend"),
                    "met_voorziening": n_dom > 0,
                    "twee_of_meer": n_dom >= 2,
                }
            )
            .groupby("wijkcode")
            .agg(
                met_voorziening=("met_voorziening", "sum"),
                twee_of_meer=("twee_of_meer", "sum"),
                totaal=("met_voorziening", "size"),
            )
            .reset_index()
        )
        wijken.append(w.assign(eenheid=eenheid))
    combinaties = pd.concat(combos, ignore_index=True)[
        ["eenheid", "combinatie", "domeinen", "aantal"]
    ]
    combinaties = combinaties.sort_values(["eenheid", "aantal"], ascending=[True, False])
    per_wijk = pd.concat(wijken, ignore_index=True)
    per_wijk["aandeel_twee_of_meer"] = (
        100
        * per_wijk["twee_of_meer"]
        / per_wijk["met_voorziening"].where(per_wijk["met_voorziening"] > 0)
    )
    cols = [
        "eenheid",
        "wijkcode",
        "met_voorziening",
        "twee_of_meer",
        "totaal",
        "aandeel_twee_of_meer",
    ]
    squares = _per_square(con, periode, households)
    return Stapeling(periode, combinaties.reset_index(drop=True), per_wijk[cols], squares)
