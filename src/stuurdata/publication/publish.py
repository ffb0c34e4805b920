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

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
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
from stuurdata.publication import integraal
from stuurdata.publication import kwaliteit as keten
from stuurdata.publication.aanbieders import publish_providers
from stuurdata.publication.contract import from_indicators
from stuurdata.publication.grenzen import BRONNEN as BOUNDARY_SOURCES
from stuurdata.publication.grenzen import published_boundaries
from stuurdata.publication.prognose import ForecastRows, finish, forecast_rows, shown_forecast
from stuurdata.publication.regio import region_name, region_rows
from stuurdata.publication.scope import Scope, decide_scope
from stuurdata.publication.selection import merge_small_groups, shown
from stuurdata.quality.monitor import run_monitor
from stuurdata.report.integraal import integraal_section
from stuurdata.report.meta import ReportMeta, newest_message
from stuurdata.report.model import Block, Section


@dataclass
class Publicatie:
    """One publication: protected figures plus what is needed to show them.

    ``hoofdstukken`` holds the finished chapter "Integraal beeld" (laid out from its
    protected contract rows, ``publication.integraal``); the chain monitor and the forecast
    are contract rows (``publication.kwaliteit``, ``publication.prognose``);
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
    grenzen: dict[str, Any] | None = None  # the scope's wijk/buurt map (publication/grenzen.py)
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
    from stuurdata.publication import prognose
    from stuurdata.report import integraal as integraal_report
    from stuurdata.report import kwaliteit

    return {
        "kwaliteit": kwaliteit.BRONNEN,
        "prognose": prognose.BRONNEN,
        "integraal": integraal_report.BRONNEN,
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
    regio: Sequence[str] | None = None,
    begroting: Path | None = None,
    cbs_cache: Path | Sequence[Path] | None = None,
    now: datetime | None = None,
    aanbieders: Mapping[str, str] | None = None,
    motor: str = "duckdb",
) -> Publicatie:
    """``_publish`` with every computation (indicators, quality, stacking) on ``motor``."""
    from stuurdata.engine.base import open_engine

    with open_engine(con, motor):
        return _publish(
            con,
            doel=doel,
            gemeente=gemeente,
            regio=regio,
            begroting=begroting,
            cbs_cache=cbs_cache,
            now=now,
            aanbieders=aanbieders,
        )


def _publish(
    con: duckdb.DuckDBPyConnection,
    *,
    doel: Doel | None = None,
    gemeente: str | None = None,
    regio: Sequence[str] | None = None,
    begroting: Path | None = None,
    cbs_cache: Path | Sequence[Path] | None = None,
    now: datetime | None = None,
    aanbieders: Mapping[str, str] | None = None,
) -> Publicatie:
    """Compute, protect once and gather every figure the outputs show, for one scope.

    ``aanbieders`` names providers by AGB code (``sources.aanbieders``: the municipality's
    ``aanbieders.csv``); the names go beside the codes in every output.

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
    scope = decide_scope(in_data, eind, gemeente, regio)

    reads_of = _chapter_sources()
    allowed, weggelaten = _allowed_chapters(doel, reads_of, list(scope.gemeenten), scope)
    niveau = doel.niveau if doel is not None else NIVEAUS[-1]
    mine = frame[frame["gebiedscode"].astype("str").map(scope.covers)]
    selected = merge_small_groups(shown(mine, niveau), rule.min_count)
    soort: dict[str, str] = {d.id: d.soort for d in definitions.values()} | integraal.SOORT
    # The forecast reads the warehouse on its own cursor, so it runs beside the chain
    # monitor and "Integraal beeld" (mostly database time, outside the interpreter lock);
    # its rows join at the same place as before, so the publication is the same.
    beside = ThreadPoolExecutor(max_workers=1)
    try:
        forecast_job = (
            beside.submit(_forecast, con, scope.gemeente, begroting, len(set(in_data)) == 1)
            if "prognose" in allowed
            else None
        )
        if "kwaliteit" in allowed:  # the chain monitor's rows join the same protection
            quality = keten.quality_rows(
                run_monitor(con), scope.code, rule.min_count, met_gemeente=in_data.nunique() == 1
            )
            selected = pd.concat([selected, quality], ignore_index=True)
            soort |= keten.soorten(quality)
        rows = None
        if "integraal" in allowed:
            rows = integraal.integraal_rows(
                con, scope, cbs_cache=integraal.cbs_source(cbs_cache), indicators=frame
            )
            if rows is not None:
                selected = pd.concat([selected, rows.frame], ignore_index=True)
        if forecast_job is not None:  # the forecast chapter: rows beside the indicators
            forecast = forecast_job.result()
            selected = pd.concat(
                [selected, shown_forecast(forecast.rijen, niveau)], ignore_index=True
            )
            soort |= forecast.soort
    finally:
        beside.shutdown(wait=True)
    protected = protect_with_totals(selected, rule, soort)  # the one protection step
    chapter_rows = integraal.is_integraal(protected["indicator"])
    cijfers = pd.concat(
        [
            finish(
                from_indicators(protected[~chapter_rows], {**definitions, **keten.definitions()}),
                rule,
            ),
            integraal.contract_rows(protected[chapter_rows]),
        ],
        ignore_index=True,
    )

    if scope.regio:  # the region's totals beside its members, from their published figures
        cijfers = pd.concat([cijfers, region_rows(cijfers, scope, soort)], ignore_index=True)
    maten = [m for m in cijfers["maat"].unique() if not str(m).startswith(keten.AANDEEL)]
    meta = report_meta(con, maten, scope.code, rule)
    if "kwaliteit" in allowed:
        meta = _with_quality(con, meta, cijfers, maten, rule, aanbieders or {})
    if scope.regio:
        meta.namen[scope.code] = region_name(scope, meta.namen)
    chapters: dict[str, Section] = {}
    if rows is not None:
        for code, naam in rows.namen.items():  # peers' CBS names beside the own areas
            meta.namen.setdefault(code, naam)
        chapters["integraal"] = integraal_section(
            integraal.result_from(
                cijfers,
                scope,
                periode=rows.periode,
                namen=meta.namen,
                meldingen=rows.meldingen,
                synthetisch_cbs=rows.synthetisch_cbs,
                vergelijking=rows.vergelijking,
            ),
            meta.namen,
            rule,
        )
    read = {"kwaliteit"} | set(chapters) | ({"prognose"} & allowed)
    bronnen = set(indicator_sources(definitions))
    bronnen |= {b for key in read & allowed for b in reads_of[key]}
    grenzen = None if outside(doel, BOUNDARY_SOURCES) else published_boundaries(con, scope, niveau)
    bronnen |= set(BOUNDARY_SOURCES) if grenzen else set()
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
        grenzen=grenzen,
    )


def _forecast(
    con: duckdb.DuckDBPyConnection, gemeente: str, begroting: Path | None, alone: bool
) -> ForecastRows:
    """``forecast_rows`` on a cursor of its own (a DuckDB connection serves one thread)."""
    cursor = con.cursor()
    try:
        return forecast_rows(cursor, gemeente, begroting, alone=alone)
    finally:
        cursor.close()


def _with_quality(
    con: duckdb.DuckDBPyConnection,
    meta: ReportMeta,
    cijfers: pd.DataFrame,
    maten: list[str],
    rule: DisclosureRule,
    aanbieders: Mapping[str, str],
) -> ReportMeta:
    """Provider names, the indicator labels judged on the published quality rows, and the
    cost-per-client block (protected under the publication's rule)."""
    from stuurdata.analysis.providers import provider_costs
    from stuurdata.quality.labels import label_for, labels_from
    from stuurdata.report.aanbieders import provider_block

    parts = labels_from(keten.signalled_rules(keten.quality_view(cijfers)))
    labels = {m: text for m in maten if (text := label_for(m, parts))}
    namen = {**aanbieders, **meta.namen}
    costs = provider_costs(con)
    blok = provider_block(publish_providers(costs, rule), costs.periode.label(), namen)
    return replace(meta, kwaliteit=blok, labels=labels, namen=namen)


def protect_indicators(frame: pd.DataFrame, doel: Doel | None = None) -> pd.DataFrame:
    """An indicator frame protected as a publication protects it, for the engineer's long CSV
    (``stuurdata indicatoren --uit``): the installation's rule checked against the purpose,
    the same selection, and the one ``protect_with_totals`` step; no chapters, no scope (a
    region warehouse keeps every gemeente, each protected with its own totals)."""
    rule = installation_rule(doel)
    definitions = load_definitions()
    niveau = doel.niveau if doel is not None else NIVEAUS[-1]
    selected = merge_small_groups(shown(frame, niveau), rule.min_count)
    return protect_with_totals(selected, rule, {d.id: d.soort for d in definitions.values()})


def _allowed_chapters(
    doel: Doel | None, reads_of: dict[str, tuple[str, ...]], gemeenten: list[str], scope: Scope
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
            # A forecast is made per gemeente (on that gemeente's part of the warehouse).
            weggelaten[key] = (
                "Dit hoofdstuk ontbreekt: de prognose wordt per gemeente gemaakt; kies een "
                f"gemeente ({', '.join(gemeenten)})."
            )
        elif key == "integraal" and scope.regio:
            weggelaten[key] = (
                "Dit hoofdstuk ontbreekt in een regiorapport: stapeling, bereik en terugval "
                "staan per gemeente in het rapport van die gemeente (--gemeente)."
            )
        else:
            allowed.add(key)
    return allowed, weggelaten


def left_out_block(key: str, titel: str, reden: str) -> Section:
    """A chapter that is not there, with its one-line reason where it would have been."""
    return Section(key, titel, "", (Block(f"{key}-weggelaten", titel, inleiding=reden),))


__all__ = ["Publicatie", "left_out_block", "protect_indicators", "publiceer"]
