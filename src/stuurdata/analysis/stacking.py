"""Stacking (stapeling): which combinations of provisions persons and households have at once.

Households that receive Wmo, youth care, social assistance and debt help at the same time are
where integral work pays off. Counts are per combination of domains (an UpSet-style view), for
persons and for households, for the municipality and per wijk (how many have at least one and
at least two domains). Everything published passes ``privacy.disclosure.protect``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from stuurdata.analysis.base import DOMAINS, Periode, combination, person_domains
from stuurdata.privacy.disclosure import DisclosureRule, protect

DEFINITIE = (
    "Aantal personen (of huishoudens) dat in de periode tegelijk voorzieningen uit deze "
    "domeinen had: Wmo, Jeugd, Participatiewet, schuldhulp en minimaregelingen. Een voorziening "
    "telt als ze de periode overlapt. Alleen inwoners van de gemeente in de periode tellen mee; "
    "de wijk is die van het laatste adres in de periode."
)


@dataclass(frozen=True, slots=True)
class Stapeling:
    """Internal (unprotected) stacking figures of one period.

    ``combinaties``: eenheid (personen|huishoudens), combinatie, domeinen (count), aantal.
    ``per_wijk``: eenheid, wijkcode, met_voorziening, twee_of_meer, totaal (residents or
    households in the wijk), aandeel_twee_of_meer (% of those with any provision).
    """

    periode: Periode
    combinaties: pd.DataFrame
    per_wijk: pd.DataFrame


def stacking(con: duckdb.DuckDBPyConnection, periode: Periode) -> Stapeling:
    """Count combinations of domains per person and per household in ``periode``."""
    persons = person_domains(con, periode)
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
    return Stapeling(periode, combinaties.reset_index(drop=True), per_wijk[cols])


def publish_stacking(
    result: Stapeling, rule: DisclosureRule | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Disclosure-controlled copies: combinations (counts) and the wijk table (share)."""
    rule = rule or DisclosureRule()
    c = result.combinaties
    combos = protect(
        pd.DataFrame(
            {
                "indicator": "stapeling_" + c["eenheid"],
                "categorie": c["combinatie"],
                "domeinen": c["domeinen"],
                "teller": c["aantal"],
                "noemer": None,
                "waarde": c["aantal"],
                "n": c["aantal"],
                "soort": "aantal",
            }
        ),
        rule,
    )
    w = result.per_wijk
    wijk = protect(
        pd.DataFrame(
            {
                "indicator": "stapeling_" + w["eenheid"],
                "gebiedscode": w["wijkcode"],
                "met_voorziening": w["met_voorziening"],
                "teller": w["twee_of_meer"],
                "noemer": w["met_voorziening"],
                "waarde": w["aandeel_twee_of_meer"],
                "n": w["twee_of_meer"],
                "soort": "percentage",
            }
        ),
        rule,
    )
    # The base count is published rounded (and hidden when below the threshold) too.
    base = wijk["met_voorziening"].astype("float64")
    wijk["met_voorziening"] = (base / rule.round_to + 0.5).floordiv(1) * rule.round_to
    wijk.loc[base < rule.min_count, "met_voorziening"] = float("nan")
    return combos, wijk
