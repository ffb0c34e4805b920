"""``publiceer``: compute every figure an output shows, protect it once, keep it together.

The boundary between the warehouse and everything a reader sees:

    compute (indicators, analyses)  ->  protect (privacy, exactly once)  ->  present

For a purpose and a scope this step computes the figures, keeps only those an output shows,
applies the installation's disclosure rule once to them as one set of linked tables, and
returns a ``Publicatie``: the long contract (``cijfers``), the scope, the rule, the sources
actually read, and the metadata the report needs. Outputs read a publication; they do not
open the warehouse and do not call the disclosure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from stuurdata import __version__
from stuurdata.indicators import compute_indicators, load_definitions, store_indicators
from stuurdata.privacy.disclosure import DisclosureRule, protect_with_totals
from stuurdata.privacy.governance import colofon
from stuurdata.privacy.purposes import NIVEAUS, Doel, sources_of
from stuurdata.privacy.rule import describe_rule, installation_rule
from stuurdata.publication.contract import from_indicators
from stuurdata.publication.scope import Scope, decide_scope
from stuurdata.publication.selection import merge_small_groups, shown
from stuurdata.report.meta import ReportMeta, newest_message
from stuurdata.report.model import Block, Section


@dataclass
class Publicatie:
    """One publication: protected figures plus what is needed to show them.

    ``hoofdstukken`` holds the chapters not yet expressed as contract rows (forecast,
    "Integraal beeld"), finished and protected under the same rule and scope;
    ``weggelaten`` gives, per chapter left out (``kwaliteit``, ``prognose``,
    ``integraal``), the Dutch reason.
    """

    cijfers: pd.DataFrame
    scope: Scope
    regel: DisclosureRule
    doel: str | None
    colofon: str
    gemaakt: datetime
    bronnen: tuple[str, ...]
    definities: dict[str, int]
    meta: ReportMeta
    hoofdstukken: dict[str, Section] = field(default_factory=dict)
    weggelaten: dict[str, str] = field(default_factory=dict)
    software: str = __version__
    # "Het verhaal achter de cijfers": notes on a published figure (store.published_notes)
    notities: tuple[dict[str, str], ...] = ()

    @property
    def regel_tekst(self) -> str:
        return describe_rule(self.regel)


# The optional chapters and their titles.
TITELS = {
    "kwaliteit": "Datakwaliteit van de keten",
    "prognose": "Prognose en budget",
    "integraal": "Integraal beeld",
}


def _chapter_sources() -> dict[str, tuple[str, ...]]:
    """Per optional chapter, the tables and sources its code declares it reads."""
    from stuurdata.report import integraal, kwaliteit, prognose

    return {
        "kwaliteit": kwaliteit.BRONNEN,
        "prognose": prognose.BRONNEN,
        "integraal": integraal.BRONNEN,
    }


def indicator_sources(definitions: Any = None) -> tuple[str, ...]:
    """The tables the indicators read: the union of their YAML ``bronnen``."""
    found = (definitions or load_definitions()).values()
    return tuple(sorted({b for d in found for b in d.bronnen}))


def outside(doel: Doel | None, bronnen: Sequence[str]) -> list[str]:
    """The source kinds behind ``bronnen`` that the purpose does not allow (none without one)."""
    if doel is None:
        return []
    allowed = set(doel.bronnen)
    refused = (kinds for kinds in sources_of(bronnen).values() if not kinds & allowed)
    return sorted({kind for kinds in refused for kind in kinds})


def publiceer(
    con: duckdb.DuckDBPyConnection,
    *,
    doel: Doel | None = None,
    gemeente: str | None = None,
    begroting: Path | None = None,
    cbs_cache: Path | None = None,
    now: datetime | None = None,
) -> Publicatie:
    """Compute, protect once and gather every figure the outputs show, for one scope.

    Raises ``privacy.rule.RegelGeweigerd`` when the configured rule is too weak for the
    purpose and ``publication.scope.ScopeError`` when the gemeente is ambiguous or unknown.
    """
    from stuurdata.report.build import report_meta  # the report imports publications too

    rule = installation_rule(doel)
    definitions = load_definitions()
    frame = compute_indicators(con)
    store_indicators(con, frame)
    newest = newest_message(con)
    eind = newest.date() if isinstance(newest, datetime) else newest
    in_data = frame.loc[frame["niveau"] == "gemeente", "gebiedscode"].astype("str")
    scope = decide_scope(in_data, eind, gemeente)

    niveau = doel.niveau if doel is not None else NIVEAUS[-1]
    mine = frame[frame["gebiedscode"].astype("str").map(scope.covers)]
    selected = merge_small_groups(shown(mine, niveau), rule.min_count)
    soort = {d.id: d.soort for d in definitions.values()}
    protected = protect_with_totals(selected, rule, soort)  # the one protection step
    cijfers = from_indicators(protected, definitions)

    reads_of = _chapter_sources()
    allowed, weggelaten = _allowed_chapters(doel, reads_of, sorted(set(in_data)))
    maten = list(cijfers["maat"].unique())
    meta = report_meta(con, maten, scope.gemeente, rule, kwaliteit="kwaliteit" in allowed)
    chapters = _chapters(con, allowed, rule, scope, frame, begroting, cbs_cache)
    read = {"kwaliteit"} | set(chapters)
    bronnen = set(indicator_sources(definitions))
    bronnen |= {b for key in read & allowed for b in reads_of[key]}
    regel = describe_rule(rule)
    return Publicatie(
        cijfers=cijfers,
        scope=scope,
        regel=rule,
        doel=doel.naam if doel else None,
        colofon=colofon(doel, regel=regel) if doel else "",
        gemaakt=now or datetime.now(UTC).replace(microsecond=0),
        bronnen=tuple(sorted(bronnen)),
        definities={d.id: d.versie for d in definitions.values()},
        meta=meta,
        hoofdstukken=chapters,
        weggelaten=weggelaten,
    )


def _allowed_chapters(
    doel: Doel | None, reads_of: dict[str, tuple[str, ...]], gemeenten: list[str]
) -> tuple[set[str], dict[str, str]]:
    """The optional chapters the purpose and scope allow, and a reason for each other one."""
    allowed: set[str] = set()
    weggelaten: dict[str, str] = {}
    for key, reads in reads_of.items():
        missing = outside(doel, reads)
        if missing:
            weggelaten[key] = (
                f"Dit hoofdstuk ontbreekt: het gebruikt de bron(nen) {', '.join(missing)}, en "
                f"het doel '{doel.naam if doel else ''}' staat die niet toe."
            )
        elif key == "prognose" and len(gemeenten) > 1:
            # The forecasts model the whole warehouse as one gemeente: in a region that
            # would put the other gemeenten's figures under this one's name.
            weggelaten[key] = (
                "Dit hoofdstuk ontbreekt: de prognose kan nog niet per gemeente worden gemaakt "
                f"als het pakhuis meer gemeenten bevat ({', '.join(gemeenten)})."
            )
        else:
            allowed.add(key)
    return allowed, weggelaten


def _chapters(
    con: duckdb.DuckDBPyConnection,
    allowed: set[str],
    rule: DisclosureRule,
    scope: Scope,
    frame: pd.DataFrame,
    begroting: Path | None,
    cbs_cache: Path | None,
) -> dict[str, Section]:
    """The allowed chapters that are not yet contract rows, under the publication's rule."""
    chapters: dict[str, Section] = {}
    if "prognose" in allowed:
        from stuurdata.report.prognose import prognose_section

        section = prognose_section(con, begroting=begroting, rule=rule)
        if section is not None:
            chapters["prognose"] = section
    if "integraal" in allowed:
        from stuurdata.report.integraal import integraal_section

        section = integraal_section(
            con, rule=rule, cbs_cache=cbs_cache, indicators=frame, gemeente=scope.gemeente
        )
        if section is not None:
            chapters["integraal"] = section
    return chapters


def left_out_block(key: str, titel: str, reden: str) -> Section:
    """A chapter that is not there, with its one-line reason where it would have been."""
    return Section(key, titel, "", (Block(f"{key}-weggelaten", titel, inleiding=reden),))


__all__ = ["Publicatie", "left_out_block", "publiceer"]
